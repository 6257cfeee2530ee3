package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A key read once is trusted for KeyCacheTTL: a revocation through the
// same process applies at once, one through another replica once the TTL
// has passed.
func TestKeyCacheAndRevocation(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			here, there := auth.NewService(st), auth.NewService(st)
			here.Now, there.Now = clock, clock

			k1, secret1, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if v, err := here.KeyViewer(ctx, secret1, "127.0.0.1"); err != nil || v.Bureau != "ES" || v.KeyID != k1.ID {
				t.Fatalf("KeyViewer = %+v, %v", v, err)
			}
			if _, err := here.RevokeKey(ctx, system, k1.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret1, "127.0.0.1"); err == nil {
				t.Fatal("a key revoked through this process still works")
			}

			_, secret2, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border 2", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret2, "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			id2, _, _ := auth.ParseKey(secret2)
			if _, err := there.RevokeKey(ctx, system, id2); err != nil {
				t.Fatal(err)
			}
			if _, err := there.KeyViewer(ctx, secret2, "127.0.0.1"); err == nil {
				t.Fatal("the replica that revoked the key still accepts it")
			}
			now = now.Add(auth.DefaultKeyCacheTTL)
			if _, err := here.KeyViewer(ctx, secret2, "127.0.0.1"); err == nil {
				t.Fatal("another replica's revocation is not seen after the cache TTL")
			}

			// A wrong secret for a cached key is refused too.
			_, secret3, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border 3", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret3, ""); err != nil {
				t.Fatal(err)
			}
			bad := secret3[:len(secret3)-1] + "x"
			if secret3[len(secret3)-1] == 'x' {
				bad = secret3[:len(secret3)-1] + "y"
			}
			if _, err := here.KeyViewer(ctx, bad, ""); err == nil {
				t.Fatal("a wrong secret was accepted for a cached key")
			}
		})
	}
}
