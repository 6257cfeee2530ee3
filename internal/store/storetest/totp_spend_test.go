package storetest

import (
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestSpendTOTP: a second factor's use is written only if the factor is
// still as it was read: the second of two sign-ins that read it at the
// same moment (each with the same code, or the same recovery code) is
// told it was spent, and changes nothing.
func TestSpendTOTP(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			u := NewUser("ma.second.factor", "MA", core.RoleOfficer)
			at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
			update(t, st, func(tx core.Tx) error {
				if err := tx.InsertUser(u); err != nil {
					return err
				}
				return tx.PutTOTP(&core.UserTOTP{UserID: u.ID, Secret: "JBSWY3DPEHPK3PXP", Enabled: true, LastStep: 10, Recovery: []string{"aa", "bb"}, UpdatedAt: at})
			})
			read := func() *core.UserTOTP {
				t.Helper()
				var got *core.UserTOTP
				view(t, st, func(tx core.Tx) error {
					var err error
					got, err = tx.GetTOTP(u.ID)
					return err
				})
				return got
			}
			spend := func(was, now *core.UserTOTP) bool {
				t.Helper()
				var ok bool
				update(t, st, func(tx core.Tx) error {
					var err error
					ok, err = tx.SpendTOTP(was, now)
					return err
				})
				return ok
			}

			// Two sign-ins read the factor; both would take step 11.
			first, second := read(), read()
			took := *first
			took.LastStep, took.UpdatedAt = 11, at.Add(time.Minute)
			if !spend(first, &took) {
				t.Fatal("the first use of step 11 was refused")
			}
			again := *second
			again.LastStep, again.UpdatedAt = 11, at.Add(2*time.Minute)
			if spend(second, &again) {
				t.Fatal("step 11 served twice")
			}
			if got := read(); got.LastStep != 11 || !got.UpdatedAt.Equal(at.Add(time.Minute)) || len(got.Recovery) != 2 {
				t.Fatalf("after the refused second use: %+v", got)
			}

			// The same for a recovery code.
			first, second = read(), read()
			gone := *first
			gone.Recovery, gone.UpdatedAt = []string{"bb"}, at.Add(3*time.Minute)
			if !spend(first, &gone) {
				t.Fatal("the first use of recovery code aa was refused")
			}
			twice := *second
			twice.Recovery = []string{"bb"}
			if spend(second, &twice) {
				t.Fatal("recovery code aa served twice")
			}
			// The last recovery code: none left is stored as such, and
			// read back as it was written.
			last := read()
			none := *last
			none.Recovery = nil
			if !spend(last, &none) || len(read().Recovery) != 0 {
				t.Fatalf("the last recovery code: %+v", read())
			}
			if !spend(read(), read()) {
				t.Fatal("a factor with no recovery code left does not compare as read")
			}
		})
	}
}
