package agreements_test

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
)

// TestTerminationBeforeSignature: dates follow the agreement's
// life ("in force on or after the signature, expiry after both"), and its
// history records "the date it took effect". A termination dated years
// before the agreement was signed (2025-11-25) is accepted and written
// into the history as 2019-06-30.
func TestTerminationBeforeSignature(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ma := officer("MA")
		a, err := svc.Create(ctx, ma, mou(core.AgreementPublic))
		if err != nil {
			t.Fatal(err)
		}
		x, err := svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementTerminated, On: "2019-06-30", Note: "Denounced by note verbale"})
		if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "on" {
			on := ""
			if x != nil {
				on = x.History[len(x.History)-1].On
			}
			t.Fatalf("terminated on 2019-06-30, before its signature on 2025-11-25: err %v, history says %q; want 422 naming on", err, on)
		}
	})
}

// TestExpiredStatusDoesNotChange: "An expired or terminated
// agreement's status no longer changes." SetStatus keeps to it, but an
// update of the fields moves the expiry date and brings an expired
// agreement back to in_force.
func TestExpiredStatusDoesNotChange(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ma := officer("MA")
		in := mou(core.AgreementPublic)
		in.Signed, in.InForce, in.Expires = "2024-01-10", "2024-02-01", "2026-02-01" // today is 2026-03-01
		a, err := svc.Create(ctx, ma, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != core.AgreementExpired {
			t.Fatalf("status %s, want expired", a.Status)
		}
		up := agreements.UpdateInput{Fields: in.Fields, Version: a.Version}
		up.Expires = "2031-02-01"
		_, uerr := svc.Update(ctx, ma, a.ID, up)
		x, err := svc.Get(ctx, ma, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if x.Status != core.AgreementExpired {
			t.Fatalf("an expired agreement became %s through an update (update err %v)", x.Status, uerr)
		}
	})
}

// TestMeetingLinkNeedsTheRegistrarsMeeting: an agreement may name
// "a meeting request at it that the registering bureau takes part in"
// (README), and the refusal says "no meeting request of this gathering
// that your bureau takes part in". The host of a gathering sees every
// request, and so links its agreement to France's meeting with Germany,
// which it took no part in.
func TestMeetingLinkNeedsTheRegistrarsMeeting(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ms := meetings.New(st)
		// Requests are taken until the gathering ends.
		ms.Now = func() time.Time { return time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC) }
		g, err := ms.CreateGathering(ctx, officer("MA"), meetings.GatheringInput{
			Name: "Regional conference", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24"}, DayStart: "09:00",
			SlotMinutes: 30, SlotsPerDay: 4, Rooms: []core.GatheringRoom{{ID: "r1", Capacity: 6}},
		})
		if err != nil {
			t.Fatal(err)
		}
		m, err := ms.Request(ctx, officer("FR"), g.ID, meetings.RequestInput{To: "DE", Topics: []string{"Fugitives"}, Languages: []string{"fr"},
			Participants: []core.Participant{{Name: "Commissaire Hugo Lambert"}}})
		if err != nil {
			t.Fatal(err)
		}
		in := mou(core.AgreementPublic)
		in.Gathering, in.MeetingRequest = g.ID, m.ID
		a, err := svc.Create(ctx, officer("MA"), in)
		if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "meeting_request" {
			t.Fatalf("Morocco linked its agreement to France's meeting with Germany: %v %v", a != nil, err)
		}
	})
}
