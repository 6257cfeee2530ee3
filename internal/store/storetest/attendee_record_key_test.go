package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestAttendeeFindingRecordKey: a finding's record key is kept by the
// store through an insert, an update, a read, a lock and the queue, while
// the attendee's JSON (what the API and the events show) never has it; a
// finding stored without one reads back without one.
func TestAttendeeFindingRecordKey(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Microsecond)
			a := &core.Attendee{ID: "a1", Gathering: "g1", Version: 1, Ref: "R1", Category: "staff", Name: "Idris Vantongeren", Status: core.AttendeeReview,
				Findings: []core.AttendeeFinding{
					{HitID: "h-old", Reference: "HIT-1", Owner: "ES", Restricted: true, Message: "possible hit — contact bureau ES", Type: "person", At: now},
					{HitID: "h-new", Reference: "HIT-2", Owner: "ES", Restricted: true, Message: "possible hit — contact bureau ES", RecordKey: "k-secret-2", Type: "person", At: now},
				}, History: []core.AttendeeStep{}, CreatedAt: now, UpdatedAt: now}
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertAttendees([]*core.Attendee{a}) }); err != nil {
				t.Fatal(err)
			}
			if body, _ := json.Marshal(a); strings.Contains(string(body), "k-secret") {
				t.Fatalf("an attendee's JSON holds a record key: %s", body)
			}
			check := func(when string, got *core.Attendee) {
				t.Helper()
				if len(got.Findings) != 2 || got.Findings[0].RecordKey != "" || got.Findings[1].RecordKey != "k-secret-2" {
					t.Errorf("%s: findings %+v", when, got.Findings)
				}
			}
			st.Update(ctx, func(tx core.Tx) error {
				got, err := tx.GetAttendee("g1", "a1")
				if err != nil {
					t.Fatal(err)
				}
				check("after the insert", got)
				got.Findings[0].RecordKey = "k-secret-1"
				got.Version++
				return tx.UpdateAttendee(got)
			})
			st.Update(ctx, func(tx core.Tx) error {
				got, err := tx.LockAttendee("g1", "a1")
				if err != nil || got.Findings[0].RecordKey != "k-secret-1" || got.Findings[1].RecordKey != "k-secret-2" {
					t.Errorf("after the update: %+v %v", got, err)
				}
				as, err := tx.ListAttendees(core.AttendeeFilter{Gathering: "g1"})
				if err != nil || len(as) != 1 || as[0].Findings[0].RecordKey != "k-secret-1" || as[0].Findings[1].RecordKey != "k-secret-2" {
					t.Errorf("in the queue: %+v %v", as, err)
				}
				return nil
			})
		})
	}
}
