package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

// TestFailedLoginCount: failures are counted in one statement each, so
// that failures counted at the same moment are all counted (a read and a
// write of the read value plus one loses, on PostgreSQL, those committed
// in between); the max-th locks the account and starts the count again;
// a right password clears the count and an ended lock, and not a lock
// still running.
func TestFailedLoginCount(t *testing.T) {
	ctx := context.Background()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			u := NewUser("ma.counted", "MA", core.RoleOfficer)
			update(t, st, func(tx core.Tx) error { return tx.InsertUser(u) })
			get := func() *core.User {
				t.Helper()
				var got *core.User
				view(t, st, func(tx core.Tx) error {
					var err error
					got, err = tx.GetUser(u.ID)
					return err
				})
				return got
			}
			now := time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)
			until := now.Add(15 * time.Minute)
			count := func(max int) bool {
				t.Helper()
				var locked bool
				update(t, st, func(tx core.Tx) error {
					var err error
					locked, err = tx.CountFailedLogin(u.ID, max, until)
					return err
				})
				return locked
			}
			clear := func(at time.Time) bool {
				t.Helper()
				var open bool
				update(t, st, func(tx core.Tx) error {
					var err error
					open, err = tx.ClearFailedLogins(u.ID, at)
					return err
				})
				return open
			}

			for i := 1; i < 5; i++ {
				if count(5) {
					t.Fatalf("failure %d of 5 locked the account", i)
				}
				if got := get(); got.FailedLogins != i || !got.LockedUntil.IsZero() {
					t.Fatalf("after %d failures: failed_logins %d, locked until %v", i, got.FailedLogins, got.LockedUntil)
				}
			}
			if !count(5) {
				t.Fatal("the 5th failure of 5 did not lock the account")
			}
			if got := get(); got.FailedLogins != 0 || !got.LockedUntil.Equal(until) {
				t.Fatalf("locked: failed_logins %d, locked until %v, want 0, %v", got.FailedLogins, got.LockedUntil, until)
			}
			if count(5) {
				t.Fatal("the first failure after a lock locked it again")
			}

			if clear(now) {
				t.Fatal("a right password cleared a running lock")
			}
			if got := get(); got.FailedLogins != 1 || !got.LockedUntil.Equal(until) {
				t.Fatalf("a refused clear changed the user: failed_logins %d, locked until %v", got.FailedLogins, got.LockedUntil)
			}
			if !clear(until) {
				t.Fatal("a right password once the lock ended was refused")
			}
			if got := get(); got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
				t.Fatalf("cleared: failed_logins %d, locked until %v", got.FailedLogins, got.LockedUntil)
			}
			if !clear(now) {
				t.Fatal("a right password on an account never locked was refused")
			}

			ghost := uuid.Must(uuid.NewV7()).String()
			wantCode(t, st.Update(ctx, func(tx core.Tx) error {
				_, err := tx.CountFailedLogin(ghost, 5, until)
				return err
			}), core.ENOTFOUND)
			wantCode(t, st.Update(ctx, func(tx core.Tx) error {
				_, err := tx.ClearFailedLogins(ghost, now)
				return err
			}), core.ENOTFOUND)

			// Failures counted at the same moment are all counted.
			const n = 24
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- st.Update(ctx, func(tx core.Tx) error {
						_, err := tx.CountFailedLogin(u.ID, 1000, until)
						return err
					})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := get(); got.FailedLogins != n {
				t.Fatalf("%d failures counted together: failed_logins %d", n, got.FailedLogins)
			}
		})
	}
}
