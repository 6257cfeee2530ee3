package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// A savepoint undoes only what was written inside it: the rest of the
// transaction, before and after, commits. On PostgreSQL this includes a
// statement that failed inside it (a unique violation), which would
// otherwise abort the whole transaction.
func TestSavepoint(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			at := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
			boom := errors.New("boom")
			update(t, st, func(tx core.Tx) error {
				if err := tx.MarkApplied("hub", "m1", 1, 1, at); err != nil {
					return err
				}
				err := tx.Savepoint(func() error {
					if err := tx.MarkApplied("hub", "m2", 1, 2, at); err != nil {
						return err
					}
					if err := tx.InsertEvent(&core.Event{At: at, Type: "x", Audience: []string{"MA"}}); err != nil {
						return err
					}
					return boom
				})
				if !errors.Is(err, boom) {
					t.Fatalf("Savepoint = %v, want boom", err)
				}
				// A failed statement inside a savepoint leaves the transaction usable.
				err = tx.Savepoint(func() error { return tx.MarkApplied("hub", "m1", 1, 1, at) })
				if core.ErrorCode(err) != core.ECONFLICT {
					t.Fatalf("duplicate MarkApplied in a savepoint = %v, want a conflict", err)
				}
				if err := tx.Savepoint(func() error { return tx.MarkApplied("hub", "m3", 1, 3, at) }); err != nil {
					return err
				}
				return nil
			})
			view(t, st, func(tx core.Tx) error {
				for id, want := range map[string]bool{"m1": true, "m2": false, "m3": true} {
					got, err := tx.Applied("hub", id, 1)
					if err != nil || got != want {
						t.Errorf("Applied(%s) = %v, %v; want %v", id, got, err, want)
					}
				}
				last, err := tx.LastEvent()
				if err != nil || last != 0 {
					t.Errorf("LastEvent = %d, %v; want 0 (the event was rolled back with its savepoint)", last, err)
				}
				return nil
			})
		})
	}
}
