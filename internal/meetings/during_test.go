package meetings_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAnswerAfterTheGatheringEnded: once the gathering's last slot has
// ended, accepting a request or proposing other times (the party asked,
// or the requester answering a counter-proposal) is refused, saying when
// it ended, audited as refused, and changes nothing; a decline, which
// only closes a request, is still taken.
func TestAnswerAfterTheGatheringEnded(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			g, err := svc.CreateGathering(ctx, host, smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			ask := func(from, person string) *core.MeetingRequest {
				m, err := svc.Request(ctx, officer(from), g.ID, request("MA", person))
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			accept, propose, decline, counter, inTime := ask("FR", "Officer Lina Haddad"), ask("ES", "Commissioner Elena Ruiz"),
				ask("DE", "Inspector Jonas Weber"), ask("IT", "Commissario Marco Rossi"), ask("PT", "Inspector Ana Sousa")
			times := []core.TimeRange{{Start: "2025-11-24T10:00", End: "2025-11-24T10:30"}}
			if counter, err = svc.Answer(ctx, host, g.ID, counter.ID, meetings.AnswerInput{Answer: "propose", Times: times}); err != nil || counter.State != core.MeetingProposed {
				t.Fatalf("a counter-proposal before the end: %v %v", counter, err)
			}
			// 10:30 in Casablanca, 09:30 UTC: the last slot's end.
			end := meetings.Ends(g)
			svc.Now = func() time.Time { return end.Add(-time.Minute) }
			if m, err := svc.Answer(ctx, host, g.ID, inTime.ID, meetings.AnswerInput{Answer: "accept"}); err != nil || m.State != core.MeetingAccepted {
				t.Fatalf("an acceptance during the last slot: %v %v", m, err)
			}
			late := func(at time.Time, v core.Viewer, m *core.MeetingRequest, in meetings.AnswerInput) {
				t.Helper()
				svc.Now = func() time.Time { return at }
				_, err := svc.Answer(ctx, v, g.ID, m.ID, in)
				ce, _ := err.(*core.Error)
				if ce == nil || ce.Code != core.ECONFLICT || len(ce.Fields) != 1 || ce.Fields[0].Field != "gathering" ||
					!strings.Contains(ce.Message, "2025-11-24T10:30") || !strings.Contains(ce.Message, "declined") {
					t.Errorf("%s %s at %v: %v, want a conflict at gathering saying it ended 2025-11-24T10:30 and a decline is taken", v.Bureau, in.Answer, at, err)
				}
			}
			late(end, host, accept, meetings.AnswerInput{Answer: "accept"})
			late(end.Add(time.Hour), host, propose, meetings.AnswerInput{Answer: "propose", Times: times})
			late(end.AddDate(0, 1, 0), officer("IT"), counter, meetings.AnswerInput{Answer: "accept"})
			late(end, officer("IT"), counter, meetings.AnswerInput{Answer: "propose", Times: times})
			// A malformed answer is still named as such, not as late.
			if _, err := svc.Answer(ctx, host, g.ID, accept.ID, meetings.AnswerInput{Answer: "maybe"}); core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "answer" {
				t.Errorf("an unknown answer after the end: %v, want invalid at answer", err)
			}
			svc.Now = func() time.Time { return end.Add(time.Hour) }
			if m, err := svc.Answer(ctx, host, g.ID, decline.ID, meetings.AnswerInput{Answer: "decline"}); err != nil || m.State != core.MeetingDeclined {
				t.Fatalf("a decline after the end: %v %v", m, err)
			}
			if m, err := svc.Answer(ctx, officer("IT"), g.ID, counter.ID, meetings.AnswerInput{Answer: "decline"}); err != nil || m.State != core.MeetingDeclined {
				t.Fatalf("the requester declining a counter-proposal after the end: %v %v", m, err)
			}
			for id, want := range map[string]string{accept.ID: core.MeetingRequested, propose.ID: core.MeetingRequested} {
				if _, m, err := svc.Get(ctx, host, g.ID, id); err != nil || m.State != want || m.Version != 1 {
					t.Errorf("request %s after refused answers: %+v %v, want %s at version 1", id, m, err, want)
				}
			}
			var refused int
			st.View(ctx, func(tx core.Tx) error {
				es, _ := tx.AuditEntries(0, 1000)
				for _, e := range es {
					if e.Action == "meeting.answer" && e.Outcome == "conflict" {
						refused++
					}
				}
				return nil
			})
			if refused != 4 {
				t.Fatalf("%d late answers audited as refused, want 4", refused)
			}
		})
	}
}

// duringGathering: two days of four 30-minute slots from 09:00 in
// Casablanca (UTC+1), one room, no agenda.
func duringGathering() meetings.GatheringInput {
	return meetings.GatheringInput{
		Name: "Regional conference", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24", "2025-11-25"}, DayStart: "09:00",
		SlotMinutes: 30, SlotsPerDay: 4, Venues: []string{"Palais"},
		Rooms: []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 6}},
	}
}

// TestPlanDuringTheGathering: with the clock in the middle of a
// gathering, the planner (an acceptance's incremental plan and the
// host's full one) places meetings only in slots starting after now; a
// meeting whose slot has passed stays there, unlocked as it is; one
// whose only possible times have passed is left unplaced, the plan and
// the grid saying why; after the gathering nothing moves.
func TestPlanDuringTheGathering(t *testing.T) {
	ctx := context.Background()
	utc := func(day, h, m int) time.Time { return time.Date(2025, 11, day, h, m, 0, 0, time.UTC) }
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			g, err := svc.CreateGathering(ctx, host, duringGathering())
			if err != nil {
				t.Fatal(err)
			}
			accepted := func(from string, in meetings.RequestInput) *core.MeetingRequest {
				t.Helper()
				m, err := svc.Request(ctx, officer(from), g.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				if m, err = svc.Answer(ctx, officer(in.To), g.ID, m.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
					t.Fatal(err)
				}
				return m
			}
			get := func(id string) *core.MeetingRequest {
				t.Helper()
				_, m, err := svc.Get(ctx, host, g.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			past := accepted("FR", request("MA", "Officer Lina Haddad"))
			if rep, err := svc.Plan(ctx, host, g.ID); err != nil || rep.Placed != 1 || len(rep.Unplaced) != 0 {
				t.Fatalf("plan before the gathering: %+v %v", rep, err)
			}
			if past = get(past.ID); past.Slot == nil || !past.Slot.Start.Equal(utc(24, 8, 0)) {
				t.Fatalf("France placed at %+v, want the first slot, 09:00 in Casablanca", past.Slot)
			}
			// 10:15 in Casablanca on the first day: the first slot left is
			// 10:30 (09:30 UTC).
			now := utc(24, 9, 15)
			svc.Now = func() time.Time { return now }
			// Spain prefers the first morning, which has passed but for
			// its last slot: it is placed after now, not at its preference.
			in := request("MA", "Commissioner Elena Ruiz")
			in.Preferred = []core.TimeRange{{Start: "2025-11-24T09:00", End: "2025-11-24T10:00"}}
			soon := accepted("ES", in)
			if soon.Slot == nil || !soon.Slot.Start.After(now) {
				t.Fatalf("Spain placed at %+v during the gathering, want a slot starting after %v", soon.Slot, now)
			}
			// Germany–Italy can meet only on the first morning, before 10:30:
			// accepted now, it has no place left.
			in = request("IT", "Inspector Jonas Weber")
			in.Impossible = []core.TimeRange{{Start: "2025-11-24T10:30", End: "2025-11-24T11:00"}, {Start: "2025-11-25T09:00", End: "2025-11-25T11:00"}}
			gone := accepted("DE", in)
			if gone.Slot != nil {
				t.Fatalf("Germany–Italy placed at %+v, before now %v", gone.Slot, now)
			}
			rep, err := svc.Plan(ctx, host, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != 3 || rep.Placed != 2 || len(rep.Unplaced) != 1 || rep.Unplaced[0].ID != gone.ID || rep.Unplaced[0].Reason != meetings.UnplacedPassed ||
				!strings.Contains(rep.Unplaced[0].Detail, "2025-11-24T10:30") {
				t.Fatalf("plan during the gathering: %+v, want Germany–Italy unplaced as passed, slots open from 2025-11-24T10:30", rep)
			}
			if m := get(past.ID); m.Slot == nil || !m.Slot.Start.Equal(utc(24, 8, 0)) || m.Sequence != 0 || m.Locked {
				t.Fatalf("France's meeting, held at 09:00, after a plan at 10:15: %+v (sequence %d), want it where it was", m.Slot, m.Sequence)
			}
			for _, id := range []string{soon.ID, gone.ID} {
				if m := get(id); m.Slot != nil && !m.Slot.Start.After(now) {
					t.Fatalf("meeting %s placed at %v, before now", id, m.Slot.Start)
				}
			}
			grid, err := svc.HostGrid(ctx, host, g.ID)
			if err != nil || len(grid.Unplaced) != 1 || grid.Unplaced[0].ID != gone.ID || grid.Unplaced[0].Reason != meetings.UnplacedPassed {
				t.Fatalf("grid's unplaced: %+v %v", grid, err)
			}
			// After the gathering a plan moves nothing: every place has passed.
			held := get(soon.ID).Slot
			svc.Now = func() time.Time { return meetings.Ends(g).Add(time.Hour) }
			if rep, err = svc.Plan(ctx, host, g.ID); err != nil || rep.Placed != 2 || rep.Moved != 0 || len(rep.Unplaced) != 1 {
				t.Fatalf("plan after the gathering: %+v %v", rep, err)
			}
			if m := get(soon.ID); m.Slot == nil || !m.Slot.Start.Equal(held.Start) || m.Sequence != 0 {
				t.Fatalf("Spain's meeting after the gathering: %+v, want %v", m.Slot, held.Start)
			}
		})
	}
}
