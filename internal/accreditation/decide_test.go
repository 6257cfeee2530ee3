package accreditation_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// noHits screens everyone clean: the decisions below are on cleared
// participants, which the unit may decide on as on any screened one.
type noHits struct{}

func (noHits) ScreenPerson(context.Context, core.Viewer, screen.PersonQuery, map[string]string) ([]accreditation.Match, error) {
	return nil, nil
}

func (noHits) ScreenDocument(context.Context, core.Viewer, screen.DocumentQuery, map[string]string) ([]accreditation.Match, error) {
	return nil, nil
}

func (noHits) Indexed(string, int64) bool { return true }

func unitOf(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-unit-" + strings.ToLower(bureau), Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
}

// decideFixture is a gathering hosted by MA with n invented participants,
// imported and screened (all cleared).
func decideFixture(t *testing.T, st core.Store, n int) (*accreditation.Service, string, []*core.Attendee) {
	t.Helper()
	ctx := context.Background()
	host := unitOf("MA")
	g, err := meetings.New(st).CreateGathering(ctx, host, meetings.GatheringInput{Name: "Regional conference", TimeZone: "Africa/Casablanca",
		Days: []string{"2025-11-24"}, DayStart: "09:00", SlotMinutes: 30, SlotsPerDay: 4, Rooms: []core.GatheringRoom{{ID: "r1", Capacity: 6}}})
	if err != nil {
		t.Fatal(err)
	}
	svc := accreditation.New(st, noHits{})
	names := []string{"Selma Oudghiri-Vance", "Pieter Ravensloot", "Aminata Kourouma-Diallo", "Tobias Quennell"}
	var list accreditation.ListInput
	for i := range n {
		list.Participants = append(list.Participants, accreditation.AttendeeInput{Category: "delegate", Name: names[i%len(names)]})
	}
	if _, err := svc.ImportJSON(ctx, host, g.ID, list); err != nil {
		t.Fatal(err)
	}
	q, err := svc.List(ctx, host, g.ID, accreditation.ListFilter{})
	if err != nil || q.Count != n {
		t.Fatalf("list: %+v %v", q, err)
	}
	return svc, g.ID, q.Items
}

// decisionsOn counts the successful decisions on participant id the
// audit log and the event stream hold.
func decisionsOn(t *testing.T, st core.Store, id string) (audited, events int) {
	t.Helper()
	err := st.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 100000)
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Action == "accreditation.decide" && e.Outcome == "ok" && len(e.RecordIDs) == 2 && e.RecordIDs[1] == id {
				audited++
			}
		}
		evs, err := tx.Events(0, "", 100000)
		for _, e := range evs {
			if e.Type == accreditation.EventDecided && e.Subject == id {
				events++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return audited, events
}

// TestDecisionIsFinal: a participant cleared or confirmed is decided for
// good — deciding again, the same way or another, is a conflict naming
// the decision taken, and neither audited as a decision nor sent to the
// host. An escalation is not an outcome: the participant then waits for
// the clearance or confirmation that settles it, once.
func TestDecisionIsFinal(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc, gid, as := decideFixture(t, st, 2)
			host := unitOf("MA")
			cleared, escalated := as[0], as[1]

			a, err := svc.Decide(ctx, host, gid, cleared.ID, accreditation.DecisionInput{Decision: "clear", Reason: "identity checked at the desk"})
			if err != nil || a.Status != core.AttendeeCleared || a.Decision == nil || a.Decision.Decision != "clear" {
				t.Fatalf("first decision: %+v %v", a, err)
			}
			for _, again := range []string{"clear", "confirm", "escalate"} {
				_, err := svc.Decide(ctx, host, gid, cleared.ID, accreditation.DecisionInput{Decision: again, Reason: "second thoughts"})
				ce, _ := err.(*core.Error)
				if ce == nil || ce.Code != core.ECONFLICT || !strings.Contains(ce.Message, `"clear"`) || len(ce.Fields) != 1 || ce.Fields[0].Field != "decision" {
					t.Errorf("%s after clear: %v, want a conflict naming the decision clear at the field decision", again, err)
				}
			}
			if got, _ := svc.Get(ctx, host, gid, cleared.ID); got.Decision.Decision != "clear" || got.Decision.Reason != "identity checked at the desk" || got.Version != a.Version {
				t.Errorf("the refused decisions changed the participant: %+v", got.Decision)
			}
			if audited, events := decisionsOn(t, st, cleared.ID); audited != 1 || events != 1 {
				t.Errorf("%d decisions audited and %d sent, want 1 and 1", audited, events)
			}

			if _, err := svc.Decide(ctx, host, gid, escalated.ID, accreditation.DecisionInput{Decision: "escalate", Reason: "owner bureau contacted"}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Decide(ctx, host, gid, escalated.ID, accreditation.DecisionInput{Decision: "escalate", Reason: "again"}); core.ErrorCode(err) != core.ECONFLICT || !strings.Contains(core.ErrorMessage(err), `"escalate"`) {
				t.Errorf("escalate twice: %v, want a conflict naming escalate", err)
			}
			if a, err = svc.Decide(ctx, host, gid, escalated.ID, accreditation.DecisionInput{Decision: "confirm", Reason: "the owner confirmed the identity"}); err != nil || a.Status != core.AttendeeConfirmed {
				t.Fatalf("confirm after escalation: %+v %v", a, err)
			}
			if _, err := svc.Decide(ctx, host, gid, escalated.ID, accreditation.DecisionInput{Decision: "clear", Reason: "changed my mind"}); core.ErrorCode(err) != core.ECONFLICT || !strings.Contains(core.ErrorMessage(err), `"confirm"`) {
				t.Errorf("clear after confirm: %v, want a conflict naming confirm", err)
			}
			if audited, events := decisionsOn(t, st, escalated.ID); audited != 2 || events != 2 {
				t.Errorf("%d decisions audited and %d sent, want 2 and 2 (escalate, confirm)", audited, events)
			}
			var refused int
			st.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 100000)
				for _, e := range es {
					if e.Action == "accreditation.decide" && e.Outcome == "conflict" {
						refused++
					}
				}
				return err
			})
			if refused != 5 {
				t.Errorf("%d refused decisions audited, want 5", refused)
			}
		})
	}
}

// TestConcurrentDecisions: members of the unit deciding on the same
// participant at once — one decision stands, every other is refused as a
// conflict, and only one is audited and sent.
func TestConcurrentDecisions(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc, gid, as := decideFixture(t, st, 1)
			id := as[0].ID
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					d := []string{"clear", "confirm"}[i%2]
					_, errs[i] = svc.Decide(ctx, unitOf("MA"), gid, id, accreditation.DecisionInput{Decision: d, Reason: "decided at the gate"})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch core.ErrorCode(err) {
				case "":
					ok++
				case core.ECONFLICT:
				default:
					t.Errorf("a concurrent decision failed otherwise than as a conflict: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d concurrent decisions stood, want 1: %v", ok, errs)
			}
			if audited, events := decisionsOn(t, st, id); audited != 1 || events != 1 {
				t.Errorf("%d decisions audited and %d sent, want 1 and 1", audited, events)
			}
		})
	}
}
