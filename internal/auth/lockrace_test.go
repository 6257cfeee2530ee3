package auth

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestLockedMeanwhileKeepsTheCode: an account locked between the password
// check and the session's write (guesses counted at the same moment, here
// or on another replica) opens no session, and the second factor it was
// given, a recovery code above all, stays unspent.
func TestLockedMeanwhileKeepsTheCode(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := NewService(st)
			now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return now }
			u, err := s.CreateUser(ctx, system, NewUser{Username: "fr.officer.lock", Bureau: "FR", Role: "officer", Password: "correct horse battery staple"})
			if err != nil {
				t.Fatal(err)
			}
			me := core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role}
			secret, _, err := s.BeginTOTP(ctx, me)
			if err != nil {
				t.Fatal(err)
			}
			recovery, err := s.ConfirmTOTP(ctx, me, CurrentTOTP(secret, now))
			if err != nil {
				t.Fatal(err)
			}
			lock := func() {
				if err := st.Update(ctx, func(tx core.Tx) error {
					for range MaxAccountFailures {
						if _, err := tx.CountFailedLogin(u.ID, MaxAccountFailures, now.Add(LockoutDuration)); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			s.afterPassword = lock
			if _, _, err := s.LoginWithCode(ctx, u.Username, "correct horse battery staple", recovery[0], "192.0.2.7"); err != ErrBadLogin {
				t.Fatalf("sign-in on an account locked meanwhile: %v, want ErrBadLogin", err)
			}
			s.afterPassword = nil
			var left int
			if err := st.View(ctx, func(tx core.Tx) error {
				f, err := tx.GetTOTP(u.ID)
				left = len(f.Recovery)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if left != RecoveryCodes {
				t.Fatalf("%d recovery codes left, want all %d: the refused sign-in spent one", left, RecoveryCodes)
			}
			// Once the lock has passed, the same code opens a session.
			now = now.Add(LockoutDuration + time.Second)
			if tok, _, err := s.LoginWithCode(ctx, u.Username, "correct horse battery staple", recovery[0], "192.0.2.8"); err != nil || tok == "" {
				t.Fatalf("after the lock: %q, %v", tok, err)
			}
		})
	}
}
