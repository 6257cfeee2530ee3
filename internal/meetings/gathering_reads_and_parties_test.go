package meetings_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// auditedCount counts the audit entries of action with outcome by bureau.
func auditedCount(t *testing.T, st core.Store, action, outcome, bureau string) int {
	t.Helper()
	n := 0
	st.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 100000)
		for _, e := range es {
			if e.Action == action && e.Outcome == outcome && e.Bureau == bureau {
				n++
			}
		}
		return err
	})
	return n
}

// TestGatheringReadsAndListsAreAudited: README "Every read and change is
// audited (gathering.*, meeting.*)". Reading one gathering (the host gets
// the counts of every request) and listing the gatherings must leave an
// audit entry, as meeting.read and meeting.list do.
func TestGatheringReadsAndListsAreAudited(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			g, err := svc.CreateGathering(ctx, officer("MA"), smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Gathering(ctx, officer("MA"), g.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Gathering(ctx, officer("FR"), g.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Gatherings(ctx, officer("FR"), 10); err != nil {
				t.Fatal(err)
			}
			if n := auditedCount(t, st, "gathering.read", "ok", "MA"); n != 1 {
				t.Errorf("the host's read of its gathering (with the request counts): %d audit entries gathering.read, want 1", n)
			}
			if n := auditedCount(t, st, "gathering.read", "ok", "FR"); n != 1 {
				t.Errorf("France's read of the gathering: %d audit entries gathering.read, want 1", n)
			}
			if n := auditedCount(t, st, "gathering.list", "ok", "FR"); n != 1 {
				t.Errorf("France's list of gatherings: %d audit entries gathering.list, want 1", n)
			}
		})
	}
}

// TestParticipantPartyInEitherCase: codes are taken in either
// case everywhere else (from, to, party): a participant whose side is
// written "ma" is Morocco's, not "a third delegation".
func TestParticipantPartyInEitherCase(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			g, err := svc.CreateGathering(ctx, officer("MA"), smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			in := request("ma", "Commissaire Hugo Lambert")
			in.Participants = append(in.Participants, core.Participant{Name: "Officer Samira Idrissi", Party: "ma"})
			m, err := svc.Request(ctx, officer("FR"), g.ID, in)
			if err != nil {
				t.Fatalf("a participant of side \"ma\" (to is \"ma\" too, accepted as MA): %v (field %s)", err, fieldOf(err))
			}
			if m.Participants[1].Party != "MA" {
				t.Fatalf("participant party stored as %q, want MA", m.Participants[1].Party)
			}
		})
	}
}

// oneSlotGathering: one slot, one room: two meetings of Morocco compete.
func oneSlotGathering() meetings.GatheringInput {
	return meetings.GatheringInput{
		Name: "Small summit", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24"}, DayStart: "09:00",
		SlotMinutes: 30, SlotsPerDay: 1, Rooms: []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 6}},
	}
}

func icsSequenceOf(t *testing.T, doc, uid string) (seq, status string) {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("iCalendar does not parse: %v", err)
	}
	for _, e := range cal.Events() {
		if e.Id() == uid {
			if p := e.GetProperty(ics.ComponentPropertySequence); p != nil {
				seq = p.Value
			}
			if p := e.GetProperty(ics.ComponentPropertyStatus); p != nil {
				status = p.Value
			}
			return seq, status
		}
	}
	t.Fatalf("no VEVENT %s in\n%s", uid, doc)
	return "", ""
}

// TestICSSequenceRisesWhenPlacedAgain: a meeting a full
// plan takes out of the schedule is exported as STATUS:CANCELLED with
// SEQUENCE n; when it gets a place again it must be exported with a
// SEQUENCE above n (RFC 5545 §3.8.7.4: a significant revision increments
// it), or a subscribed calendar keeps the cancelled version.
func TestICSSequenceRisesWhenPlacedAgain(t *testing.T) {
	ctx := context.Background()
	labels := meetings.Labels{Lang: "en", Title: "Bilateral meeting: %s", Topics: "Topics", Participants: "Participants", Interpreter: "Interpretation", Room: "Room"}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			g, err := svc.CreateGathering(ctx, host, oneSlotGathering())
			if err != nil {
				t.Fatal(err)
			}
			low := request("MA", "Commissaire Hugo Lambert")
			low.Priority = 1
			a, err := svc.Request(ctx, officer("FR"), g.ID, low)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Answer(ctx, host, g.ID, a.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
				t.Fatal(err)
			}
			if rep, err := svc.Plan(ctx, host, g.ID); err != nil || rep.Placed != 1 {
				t.Fatalf("plan: %+v %v", rep, err)
			}
			high := request("MA", "Kriminalrat Jonas Wendel")
			high.Priority = 5
			bm, err := svc.Request(ctx, officer("DE"), g.ID, high)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Answer(ctx, host, g.ID, bm.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
				t.Fatal(err)
			}
			// The full plan puts the heavier meeting in the only slot.
			if _, err := svc.Plan(ctx, host, g.ID); err != nil {
				t.Fatal(err)
			}
			_, fr, _ := svc.Requests(ctx, officer("FR"), g.ID, "")
			if len(fr) != 1 || fr[0].Slot != nil {
				t.Fatalf("setup: France's meeting should have lost its place: %+v", fr)
			}
			uid := a.ID + "@manara"
			seqCancelled, st1 := icsSequenceOf(t, meetings.ICS(g, "FR", fr, labels, beforeTheGatherings), uid)
			if st1 != string(ics.ObjectStatusCancelled) {
				t.Fatalf("setup: unscheduled meeting exported as %s", st1)
			}
			// Germany withdraws: France's meeting gets the slot back.
			if _, err := svc.Cancel(ctx, officer("DE"), g.ID, bm.ID); err != nil {
				t.Fatal(err)
			}
			_, fr, _ = svc.Requests(ctx, officer("FR"), g.ID, "")
			if len(fr) != 1 || fr[0].Slot == nil {
				t.Fatalf("setup: France's meeting was not placed again: %+v", fr)
			}
			seqAgain, st2 := icsSequenceOf(t, meetings.ICS(g, "FR", fr, labels, beforeTheGatherings), uid)
			if st2 != string(ics.ObjectStatusConfirmed) {
				t.Fatalf("placed again but exported as %s", st2)
			}
			if n1, n2 := atoiOr(seqCancelled), atoiOr(seqAgain); n2 <= n1 {
				t.Fatalf("SEQUENCE %s when placed again, the same as (or below) the cancellation's %s: a calendar keeps the meeting cancelled", seqAgain, seqCancelled)
			}
		})
	}
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// TestOrganisationCannotBeAPartyOfItsOwn: the organisations a
// host declares are parties the host acts for (access.Meeting gives it
// their requests to see and answer, MeetingAudience sends it their
// events). The code "IPSG" is the General Secretariat's, a party of its
// own (isParty): a host declaring it as "its" organisation then answers
// the Secretariat's requests in its name and receives its events. The
// declaration must be refused at organisations[0].code.
func TestOrganisationCannotBeAPartyOfItsOwn(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			in := smallGathering()
			in.Organisations = []core.GatheringParty{{Code: "IPSG", Name: "General Secretariat"}}
			g, err := svc.CreateGathering(ctx, officer("MA"), in)
			if err != nil {
				if fieldOf(err) != "organisations[0].code" {
					t.Fatalf("refused, but at %q: %v", fieldOf(err), err)
				}
				return
			}
			m, err := svc.Request(ctx, officer("FR"), g.ID, request("IPSG", "Commissaire Hugo Lambert"))
			if err != nil {
				t.Fatal(err)
			}
			_, answerErr := svc.Answer(ctx, officer("MA"), g.ID, m.ID, meetings.AnswerInput{Answer: "accept"})
			var audience []string
			st.View(ctx, func(tx core.Tx) error {
				es, _ := tx.Events(0, "", 100)
				for _, e := range es {
					if e.Subject == m.ID {
						audience = e.Audience
					}
				}
				return nil
			})
			t.Fatalf("a gathering declaring the Secretariat's code IPSG as an organisation was created; Morocco then answered France's request to IPSG in its name (err %v), and its events go to %v, not IPSG", answerErr, audience)
		})
	}
}

// TestOrganisationCodeOfAPartyIsNamed: the Secretariat's code in any
// case, and a member country's code, are refused at the organisation's
// code with the reason, not as a badly shaped code.
func TestOrganisationCodeOfAPartyIsNamed(t *testing.T) {
	ctx := context.Background()
	st := storetest.Backends(t)[0].Open(t)
	svc := newService(st)
	for code, reason := range map[string]string{" ipsg ": "General Secretariat", "FR": "member country", "MAR": "member country"} {
		in := smallGathering()
		in.Organisations = []core.GatheringParty{{Code: "AFRIPOL", Name: "AFRIPOL"}, {Code: code, Name: "A party"}}
		_, err := svc.CreateGathering(ctx, officer("MA"), in)
		if fieldOf(err) != "organisations[1].code" || !strings.Contains(reasonOf(err), reason) {
			t.Errorf("organisation %q: %v, want it refused at organisations[1].code saying %q", code, err, reason)
		}
	}
}
