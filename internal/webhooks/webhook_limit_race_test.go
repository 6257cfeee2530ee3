package webhooks

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestWebhookLimitUnderConcurrency: "a bureau may have at most
// MaxWebhooksPerBur webhooks" holds when its administrators register
// several at once. Register counts the bureau's webhooks and inserts
// after; on PostgreSQL (read committed) registrations running together
// would each count the others out and all pass, unless they take turns
// (LockName on the bureau) before counting.
func TestWebhookLimitUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			allow, err := ParseAllowlist("hooks.example.org")
			if err != nil {
				t.Fatal(err)
			}
			s := New(st, allow)
			s.EventTypes = testEventTypes
			// Each round is a bureau one short of the limit whose
			// administrators race for the last place.
			for _, bureau := range []string{"MA", "FR", "ES", "NG"} {
				admin := core.Viewer{Bureau: bureau, UserID: "u-admin-" + bureau, Role: core.RoleAdmin, Permissions: core.RolePermissions(core.RoleAdmin)}
				for i := range MaxWebhooksPerBur - 1 {
					if _, _, err := s.Register(ctx, admin, Registration{URL: fmt.Sprintf("https://hooks.example.org/pre/%d", i), Events: []string{"*"}}); err != nil {
						t.Fatal(err)
					}
				}
				const workers = 16
				start := make(chan struct{})
				var wg sync.WaitGroup
				var mu sync.Mutex
				ok := 0
				for i := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						if _, _, err := s.Register(ctx, admin, Registration{URL: fmt.Sprintf("https://hooks.example.org/race/%d", i), Events: []string{"*"}}); err == nil {
							mu.Lock()
							ok++
							mu.Unlock()
						} else if core.ErrorCode(err) != core.ECONFLICT {
							t.Errorf("register %d: %v", i, err)
						}
					}()
				}
				close(start)
				wg.Wait()
				var n int
				if err := st.View(ctx, func(tx core.Tx) error {
					ws, err := tx.ListWebhooks(bureau)
					n = len(ws)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if ok != 1 || n > MaxWebhooksPerBur {
					t.Fatalf("%s: %d of %d concurrent registrations accepted for the last place; the bureau holds %d webhooks, the limit is %d", bureau, ok, workers, n, MaxWebhooksPerBur)
				}
			}
		})
	}
}
