package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestAttendeeStorage: a list is stored whole or not at all (a reference
// used twice in a gathering refuses the whole insert), updates are
// versioned, the queue filters by status and category and pages by id,
// counts are by status, and the cursor of continuous screening exists.
func TestAttendeeStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Microsecond)
			mk := func(id, g, ref, cat, status string) *core.Attendee {
				return &core.Attendee{ID: id, Gathering: g, Version: 1, Ref: ref, Category: cat, Name: "Ada Okonkwo-Reyes " + ref, Status: status,
					Findings: []core.AttendeeFinding{}, History: []core.AttendeeStep{}, CreatedAt: now, UpdatedAt: now}
			}
			list := []*core.Attendee{mk("a1", "g1", "R1", "staff", core.AttendeeCleared), mk("a2", "g1", "R2", "delegate", core.AttendeeHit), mk("a3", "g1", "R3", "staff", core.AttendeeReview)}
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertAttendees(list) }); err != nil {
				t.Fatal(err)
			}
			// A second list reusing R2 in g1: nothing of it is stored.
			err := st.Update(ctx, func(tx core.Tx) error {
				return tx.InsertAttendees([]*core.Attendee{mk("a4", "g1", "R4", "staff", core.AttendeePending), mk("a5", "g1", "R2", "staff", core.AttendeePending)})
			})
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("a reused reference: %v", err)
			}
			// The same reference at another gathering is another person.
			if err := st.Update(ctx, func(tx core.Tx) error {
				return tx.InsertAttendees([]*core.Attendee{mk("b1", "g2", "R2", "guest", core.AttendeePending)})
			}); err != nil {
				t.Fatal(err)
			}
			st.View(ctx, func(tx core.Tx) error {
				if _, err := tx.GetAttendee("g1", "a4"); core.ErrorCode(err) != core.ENOTFOUND {
					t.Errorf("half a refused list was stored: %v", err)
				}
				if _, err := tx.GetAttendee("g2", "a1"); core.ErrorCode(err) != core.ENOTFOUND {
					t.Errorf("an attendee read through another gathering: %v", err)
				}
				as, err := tx.ListAttendees(core.AttendeeFilter{Gathering: "g1", Category: "staff"})
				if err != nil || len(as) != 2 || as[0].ID != "a1" || as[1].ID != "a3" {
					t.Errorf("staff of g1: %v %v", as, err)
				}
				as, _ = tx.ListAttendees(core.AttendeeFilter{Gathering: "g1", After: "a1", Limit: 1})
				if len(as) != 1 || as[0].ID != "a2" {
					t.Errorf("page after a1: %v", as)
				}
				as, _ = tx.ListAttendees(core.AttendeeFilter{Gathering: "g1", Status: core.AttendeeHit})
				if len(as) != 1 || as[0].Ref != "R2" {
					t.Errorf("hits of g1: %v", as)
				}
				counts, err := tx.CountAttendees("g1")
				if err != nil || counts[core.AttendeeCleared] != 1 || counts[core.AttendeeHit] != 1 || counts[core.AttendeeReview] != 1 || len(counts) != 3 {
					t.Errorf("counts: %v %v", counts, err)
				}
				gs, err := tx.AccreditedGatherings()
				if err != nil || len(gs) != 2 {
					t.Errorf("gatherings: %v %v", gs, err)
				}
				return nil
			})
			// Versioned updates.
			a := mk("a1", "g1", "R1", "staff", core.AttendeeConfirmed)
			a.Version = 2
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.UpdateAttendee(a) }); err != nil {
				t.Fatal(err)
			}
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.UpdateAttendee(a) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a stale update: %v", err)
			}
			a.ID = "nobody"
			a.Version = 2
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.UpdateAttendee(a) }); core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("an update of nobody: %v", err)
			}
			st.Update(ctx, func(tx core.Tx) error {
				got, err := tx.GetAttendee("g1", "a1")
				if err != nil || got.Status != core.AttendeeConfirmed || got.Version != 2 {
					t.Errorf("after the update: %+v %v", got, err)
				}
				if c, err := tx.Cursor("accreditation"); err != nil || c != 0 {
					t.Errorf("cursor: %d %v", c, err)
				}
				return nil
			})
		})
	}
}
