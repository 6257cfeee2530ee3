package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestConfirmTOTPOnce: confirmations of one enrolment sent at the same
// moment (a form sent twice) enrol once: one gets the recovery codes, the
// others a conflict, and the codes it got are the ones that work.
func TestConfirmTOTPOnce(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := NewService(st)
			now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
			s.Now = func() time.Time { return now }
			for round := range 5 {
				u, err := s.CreateUser(ctx, core.Viewer{System: true}, NewUser{Username: "es.officer.enrol" + string(rune('a'+round)), Bureau: "ES", Role: "officer", Password: "correct horse battery staple"})
				if err != nil {
					t.Fatal(err)
				}
				me := core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role}
				secret, _, err := s.BeginTOTP(ctx, me)
				if err != nil {
					t.Fatal(err)
				}
				code := CurrentTOTP(secret, now)
				const n = 8
				var wg sync.WaitGroup
				start := make(chan struct{})
				got := make([][]string, n)
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						got[i], _ = s.ConfirmTOTP(ctx, me, code)
					}()
				}
				close(start)
				wg.Wait()
				var sets [][]string
				for _, g := range got {
					if g != nil {
						sets = append(sets, g)
					}
				}
				if len(sets) != 1 {
					t.Fatalf("round %d: %d confirmations gave recovery codes, want 1", round, len(sets))
				}
				if _, _, err := s.LoginWithCode(ctx, u.Username, "correct horse battery staple", sets[0][0], "192.0.2.1"); err != nil {
					t.Fatalf("round %d: the recovery code shown does not work: %v", round, err)
				}
			}
		})
	}
}
