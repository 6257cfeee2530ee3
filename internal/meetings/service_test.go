package meetings_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func officer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-" + strings.ToLower(bureau), Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
}

// smallGathering: one day of two 30-minute slots after a plenary, one
// room of 6 seats with a screen, an Arabic–French interpreter.
func smallGathering() meetings.GatheringInput {
	return meetings.GatheringInput{
		Name: "Regional conference", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24"}, DayStart: "09:00",
		SlotMinutes: 30, SlotsPerDay: 3, Venues: []string{"Palais"},
		Rooms:         []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 6, Equipment: []string{"screen"}}},
		Interpreters:  []core.Interpreter{{ID: "i1", Name: "Interpreter One", Pairs: []string{"fr-ar"}, Hours: 8}},
		Agenda:        []core.Plenary{{Title: "Opening plenary", Times: core.TimeRange{Start: "2025-11-24T09:00", End: "2025-11-24T09:30"}}},
		Organisations: []core.GatheringParty{{Code: "AFRIPOL", Name: "AFRIPOL"}},
	}
}

// beforeTheGatherings is a time before every gathering of these tests:
// requests are taken until a gathering ends.
var beforeTheGatherings = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

// newService is meetings.New with the clock at beforeTheGatherings.
func newService(st core.Store) *meetings.Service {
	svc := meetings.New(st)
	svc.Now = func() time.Time { return beforeTheGatherings }
	return svc
}

func request(to string, people ...string) meetings.RequestInput {
	in := meetings.RequestInput{To: to, Topics: []string{"Cross-border fugitives"}, Languages: []string{"fr"}, Minutes: 30}
	for _, p := range people {
		in.Participants = append(in.Participants, core.Participant{Name: p})
	}
	return in
}

func fieldOf(err error) string {
	if e, ok := err.(*core.Error); ok && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

// TestBadRequests: each bad input is refused naming its field, nothing
// is written, and the refusal is audited.
func TestBadRequests(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			g, err := svc.CreateGathering(ctx, officer("MA"), smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			outside := request("MA", "Officer Lina Haddad")
			outside.Preferred = []core.TimeRange{{Start: "2025-11-28T10:00", End: "2025-11-28T10:30"}}
			overfull := request("MA")
			for i := range 7 {
				overfull.Participants = append(overfull.Participants, core.Participant{Name: "Delegate " + string(rune('A'+i))})
			}
			impossible := request("MA", "Officer Lina Haddad")
			impossible.Impossible = []core.TimeRange{{Start: "2025-11-24T09:30", End: "2025-11-24T10:30"}}
			noPair := request("MA", "Officer Lina Haddad")
			noPair.Languages = []string{"fr", "ru"}
			cases := []struct {
				name, field string
				in          meetings.RequestInput
			}{
				{"request to oneself", "to", request("FR", "Officer Lina Haddad")},
				{"meeting outside the gathering", "preferred[0]", outside},
				{"room over capacity", "participants", overfull},
				{"impossible times leave nothing", "impossible", impossible},
				{"no interpreter for the pair", "languages", noPair},
				{"unknown party", "to", request("XX", "Officer Lina Haddad")},
				{"participant of a third party", "participants[0].party", func() meetings.RequestInput {
					in := request("MA")
					in.Participants = []core.Participant{{Name: "Officer Lina Haddad", Party: "DE"}}
					return in
				}()},
			}
			for _, c := range cases {
				_, err := svc.Request(ctx, officer("FR"), g.ID, c.in)
				if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != c.field {
					t.Errorf("%s: err = %v, want invalid naming %s", c.name, err, c.field)
				}
			}
			_, rs, err := svc.Requests(ctx, officer("MA"), g.ID, "")
			if err != nil || len(rs) != 0 {
				t.Fatalf("after refusals: %d requests stored, %v", len(rs), err)
			}
			var refused int
			st.View(ctx, func(tx core.Tx) error {
				es, _ := tx.AuditEntries(0, 1000)
				for _, e := range es {
					if e.Action == "meeting.request" && e.Outcome == "invalid" && e.Bureau == "FR" {
						refused++
					}
				}
				return nil
			})
			if refused != len(cases) {
				t.Fatalf("%d refusals audited, want %d", refused, len(cases))
			}
			// A bureau that is not a party sees nothing and cannot answer.
			// (Codes are read in either case: "fr" is FR, "ma" MA.)
			lower := request("ma", "Officer Lina Haddad")
			lower.From = "fr"
			m, err := svc.Request(ctx, officer("FR"), g.ID, lower)
			if err != nil {
				t.Fatal(err)
			}
			if m.From != "FR" || m.To != "MA" {
				t.Fatalf("request from %q to %q, want FR to MA", m.From, m.To)
			}
			if _, _, err := svc.Get(ctx, officer("DE"), g.ID, m.ID); core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("a third bureau reads the request: %v", err)
			}
			if _, err := svc.Answer(ctx, officer("FR"), g.ID, m.ID, meetings.AnswerInput{Answer: "accept"}); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("the requester accepts its own request: %v", err)
			}
			if _, err := svc.HostGrid(ctx, officer("FR"), g.ID); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("a delegation sees the host grid: %v", err)
			}
			if _, err := svc.Plan(ctx, officer("FR"), g.ID); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("a delegation plans: %v", err)
			}
		})
	}
}

// TestMeetingFlow: request, accept, plan; a later acceptance re-plans
// incrementally, moving one meeting, which the parties are told of and
// whose iCalendar entry keeps its UID with SEQUENCE incremented; a
// locked meeting is not moved; a third bureau hears nothing.
func TestMeetingFlow(t *testing.T) {
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
			a, err := svc.Request(ctx, officer("FR"), g.ID, request("MA", "Officer Lina Haddad", "Inspector Karim Benali"))
			if err != nil {
				t.Fatal(err)
			}
			if a, err = svc.Answer(ctx, host, g.ID, a.ID, meetings.AnswerInput{Answer: "accept", Version: a.Version}); err != nil || a.State != core.MeetingAccepted {
				t.Fatalf("accept: %v %v", a, err)
			}
			rep, err := svc.Plan(ctx, host, g.ID)
			if err != nil || rep.Placed != 1 {
				t.Fatalf("plan: %+v %v", rep, err)
			}
			_, sched, err := svc.Schedule(ctx, officer("FR"), g.ID, "")
			if err != nil || len(sched) != 1 || sched[0].Slot == nil {
				t.Fatalf("FR schedule: %v %v", sched, err)
			}
			first := sched[0].Slot.Start
			// Spain asks Italy for the first slot only: France's meeting
			// (the only other one, in the only room) must make way.
			in := request("IT", "Commissioner Elena Ruiz")
			in.Impossible = []core.TimeRange{{Start: "2025-11-24T10:00", End: "2025-11-24T10:30"}}
			bm, err := svc.Request(ctx, officer("ES"), g.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if !first.Equal(time.Date(2025, 11, 24, 8, 30, 0, 0, time.UTC)) { // 09:30 in Casablanca (UTC+1)
				t.Fatalf("France placed at %v, want the first slot after the plenary", first)
			}
			if bm, err = svc.Answer(ctx, officer("IT"), g.ID, bm.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
				t.Fatal(err)
			}
			if bm.Slot == nil {
				t.Fatal("the accepted meeting was not placed incrementally")
			}
			_, sched, _ = svc.Schedule(ctx, officer("FR"), g.ID, "")
			moved := sched[0]
			if !first.Equal(bm.Slot.Start) || moved.Sequence != 1 || moved.Slot.Start.Equal(first) {
				t.Fatalf("France's meeting did not move out of the way: %+v", moved.Slot)
			}
			// Events: France and Morocco hear of the move; Germany nothing.
			st.View(ctx, func(tx core.Tx) error {
				for bureau, want := range map[string]bool{"FR": true, "MA": true, "DE": false} {
					es, _ := tx.Events(0, bureau, 100)
					got := slices.ContainsFunc(es, func(e core.Event) bool { return e.Type == meetings.EventMoved })
					if got != want {
						t.Errorf("%s heard of the move: %v, want %v", bureau, got, want)
					}
					if bureau == "DE" && len(es) != 0 {
						t.Errorf("a third bureau got %d meeting events", len(es))
					}
				}
				return nil
			})
			// iCalendar: parsed back by the library, stable UID, SEQUENCE.
			_, all, _ := svc.Requests(ctx, officer("FR"), g.ID, "")
			doc := meetings.ICS(g, "FR", all, meetings.Labels{Lang: "fr", Title: "Réunion bilatérale : %s", Topics: "Sujets", Participants: "Participants", Interpreter: "Interprétation", Room: "Salle"}, time.Now())
			cal, err := ics.ParseCalendar(strings.NewReader(doc))
			if err != nil {
				t.Fatalf("iCalendar does not parse: %v\n%s", err, doc)
			}
			evs := cal.Events()
			if len(evs) != 1 || evs[0].Id() != moved.ID+"@manara" {
				t.Fatalf("events %d, uid %v", len(evs), evs)
			}
			if seq := evs[0].GetProperty(ics.ComponentPropertySequence); seq == nil || seq.Value != itoa(moved.Sequence) {
				t.Fatalf("SEQUENCE = %v, want %d", seq, moved.Sequence)
			}
			if start, err := evs[0].GetStartAt(); err != nil || !start.Equal(moved.Slot.Start) {
				t.Fatalf("DTSTART = %v %v, want %v", start, err, moved.Slot.Start)
			}
			if s := evs[0].GetProperty(ics.ComponentPropertySummary); s == nil || !strings.Contains(s.Value, "Maroc") {
				t.Fatalf("summary %v: want the other party in French", s)
			}
			// Lock France's meeting; cancel Spain's and plan: France stays.
			if _, err := svc.Lock(ctx, officer("FR"), g.ID, moved.ID, true); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("a delegation locks: %v", err)
			}
			if _, err := svc.Lock(ctx, host, g.ID, moved.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Cancel(ctx, officer("ES"), g.ID, bm.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Plan(ctx, host, g.ID); err != nil {
				t.Fatal(err)
			}
			_, sched, _ = svc.Schedule(ctx, officer("FR"), g.ID, "")
			if len(sched) != 1 || !sched[0].Slot.Start.Equal(moved.Slot.Start) {
				t.Fatalf("the locked meeting moved: %+v", sched)
			}
			grid, err := svc.HostGrid(ctx, host, g.ID)
			if err != nil || grid.Cells["r1"][0] != "agenda" || !slices.Contains(grid.Cells["r1"], moved.ID) {
				t.Fatalf("grid %v %v", grid.Cells, err)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
