package accreditation

import (
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestApplyScreeningRestrictedRecordKey: a restricted finding is known by
// its owner and record key once the hit id has changed; another record of
// the same owner is new. A finding stored before record keys were kept is
// known by its hit id, and takes the key the next time that hit is made.
func TestApplyScreeningRestrictedRecordKey(t *testing.T) {
	t0 := time.Date(2025, 11, 23, 9, 0, 0, 0, time.UTC)
	restricted := func(hit, key string) core.AttendeeFinding {
		return core.AttendeeFinding{HitID: hit, Reference: "REF-" + hit, Owner: "ES", Restricted: true, Message: "possible hit — contact bureau ES", RecordKey: key, Type: "person", At: t0}
	}
	cleared := func(fs ...core.AttendeeFinding) *core.Attendee {
		return &core.Attendee{ID: "a1", Status: core.AttendeeCleared, Findings: fs, ScreenedAt: &t0, Version: 3,
			Decision: &core.AttendeeDecision{Decision: DecideClear, Reason: "Spain contacted", By: "unit", At: t0}}
	}
	later := t0.Add(27 * time.Hour)

	a := cleared(restricted("h1", "k1"))
	if fresh := applyScreening(a, []core.AttendeeFinding{restricted("h2", "k1")}, later, "system", true); len(fresh) != 0 || a.Decision == nil || a.Status != core.AttendeeCleared || len(a.Findings) != 1 {
		t.Fatalf("the same record under a new hit id: %d new, %+v", len(fresh), a)
	}
	if fresh := applyScreening(a, []core.AttendeeFinding{restricted("h3", "k2")}, later, "system", true); len(fresh) != 1 || a.Decision != nil || a.Status != core.AttendeeReview || a.Alerts != 1 {
		t.Fatalf("another record of the same owner: %d new, %+v", len(fresh), a)
	}
	other := restricted("h4", "k1")
	other.Owner, other.Message = "FR", "possible hit — contact bureau FR"
	if fresh := applyScreening(a, []core.AttendeeFinding{other}, later, "system", true); len(fresh) != 1 {
		t.Fatalf("another owner's key: %d new", len(fresh))
	}

	// Stored before keys were kept: the hit id still recognises it, and
	// gives it its key for when the hit id changes.
	a = cleared(restricted("h1", ""))
	if fresh := applyScreening(a, []core.AttendeeFinding{restricted("h1", "k1")}, later, "system", true); len(fresh) != 0 || a.Decision == nil || a.Findings[0].RecordKey != "k1" {
		t.Fatalf("a stored finding without a key, same hit: %d new, %+v", len(fresh), a)
	}
	if fresh := applyScreening(a, []core.AttendeeFinding{restricted("h2", "k1")}, later.Add(25*time.Hour), "system", true); len(fresh) != 0 || a.Decision == nil {
		t.Fatalf("the same record after the key was learnt: %d new, %+v", len(fresh), a)
	}
}
