package webhooks

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestRotateSecret: a rotated webhook's deliveries verify with the new
// secret and, for RotationOverlap, with the previous one (two v1 values);
// after that only the new one signs. Only the bureau's administrators
// rotate, another bureau's webhook is not found, the old secret is never
// shown again, and each rotation and refusal is audited.
func TestRotateSecret(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var mu sync.Mutex
			var headers []string
			var bodies [][]byte
			f := newHookFixture(t, b.Open(t), time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				headers, bodies = append(headers, r.Header.Get(HeaderSignature)), append(bodies, body)
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			})
			s, wh, first, admin := f.s, f.hook, f.secret, viewer("MA", core.RoleAdmin)

			if _, _, err := s.RotateSecret(ctx, viewer("MA", core.RoleOfficer), wh.ID); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("an officer rotating: %v, want %s", err, core.EFORBIDDEN)
			}
			if _, _, err := s.RotateSecret(ctx, viewer("FR", core.RoleAdmin), wh.ID); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("another bureau's administrator rotating: %v, want %s", err, core.ENOTFOUND)
			}
			if _, _, err := s.RotateSecret(ctx, admin, "no-such-webhook"); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("rotating an unknown webhook: %v, want %s", err, core.ENOTFOUND)
			}

			rotated, second, err := s.RotateSecret(ctx, admin, wh.ID)
			if err != nil {
				t.Fatal(err)
			}
			if second == first || !strings.HasPrefix(second, "whsec_") {
				t.Fatalf("new secret %q (first %q)", second, first)
			}
			if want := f.now().Add(RotationOverlap); !rotated.PreviousSecretUntil.Equal(want) {
				t.Errorf("previous secret until %s, want %s", rotated.PreviousSecretUntil, want)
			}
			listed, err := s.List(ctx, admin)
			if err != nil || len(listed) != 1 || listed[0].Secret != second || listed[0].PreviousSecret != first {
				t.Fatalf("listed after rotation: %+v, %v", listed, err)
			}

			deliver := func(subject string) (string, []byte) {
				t.Helper()
				f.event(t, subject)
				mu.Lock()
				defer mu.Unlock()
				if len(headers) == 0 {
					t.Fatalf("no delivery of %s", subject)
				}
				return headers[len(headers)-1], bodies[len(bodies)-1]
			}
			h, body := deliver("hit-1")
			if strings.Count(h, "v1=") != 2 {
				t.Errorf("during the overlap: %q, want two v1 signatures", h)
			}
			for _, secret := range []string{first, second} {
				if err := Verify(secret, h, body, f.now(), 5*time.Minute); err != nil {
					t.Errorf("during the overlap, %s…: %v", secret[:10], err)
				}
			}

			f.advance(RotationOverlap + time.Second)
			h, body = deliver("hit-2")
			if strings.Count(h, "v1=") != 1 {
				t.Errorf("after the overlap: %q, want one v1 signature", h)
			}
			if err := Verify(second, h, body, f.now(), 5*time.Minute); err != nil {
				t.Errorf("after the overlap, the new secret: %v", err)
			}
			if err := Verify(first, h, body, f.now(), 5*time.Minute); err == nil {
				t.Error("after the overlap the previous secret still verifies")
			}

			var rotations, refused int
			for _, e := range f.audited(t, "webhook.rotate") {
				if e.Outcome == "ok" {
					rotations++
				} else {
					refused++
				}
				if strings.Contains(e.Query, first) || strings.Contains(e.Query, second) {
					t.Errorf("audit entry holds a secret: %q", e.Query)
				}
			}
			if rotations != 1 || refused != 3 {
				t.Errorf("audit: %d rotations and %d refusals, want 1 and 3", rotations, refused)
			}
		})
	}
}
