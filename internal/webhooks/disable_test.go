package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestDisabledAfterFailingForDays: a webhook whose every delivery fails
// for DefaultDisableAfter is disabled (audited as the system, with since
// when and the last error); it gets no new deliveries and its pending
// ones are dead-lettered without a request; its administrators enable it
// again, after which it is delivered to from the stream's head. A success
// between failures starts the clock again.
func TestDisabledAfterFailingForDays(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			var mu sync.Mutex
			clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
			advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
			var down atomic.Bool
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if down.Load() {
					http.Error(w, "receiver gone", http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			allow, _ := ParseAllowlist("127.0.0.1/32")
			s := New(st, allow)
			s.EventTypes, s.Now = testEventTypes, now
			admin := core.Viewer{Bureau: "MA", UserID: "u-admin-ma", Role: core.RoleAdmin, Permissions: core.RolePermissions(core.RoleAdmin)}
			wh, _, err := s.Register(ctx, admin, Registration{URL: srv.URL + "/hook", Events: []string{"*"}})
			if err != nil {
				t.Fatal(err)
			}
			d := NewDispatcher(st, allow, nil)
			d.Now = now
			event := func() {
				t.Helper()
				if err := st.Update(ctx, func(tx core.Tx) error {
					return tx.InsertEvent(&core.Event{At: now(), Type: "hit.created", Subject: "hit", Audience: []string{"MA"}})
				}); err != nil {
					t.Fatal(err)
				}
				if err := d.Step(ctx); err != nil {
					t.Fatal(err)
				}
			}
			hook := func() *core.Webhook {
				t.Helper()
				var w *core.Webhook
				if err := st.View(ctx, func(tx core.Tx) (err error) { w, err = tx.GetWebhook(wh.ID); return err }); err != nil {
					t.Fatal(err)
				}
				return w
			}

			// Failing, then a success: the clock starts and stops.
			down.Store(true)
			event()
			if w := hook(); !w.FailingSince.Equal(now().Truncate(time.Microsecond)) {
				t.Fatalf("after a failure: failing since %s", w.FailingSince)
			}
			advance(DefaultDisableAfter - time.Hour)
			down.Store(false)
			event()
			if w := hook(); !w.FailingSince.IsZero() || !w.DisabledAt.IsZero() {
				t.Fatalf("after a success: failing since %s, disabled at %s", w.FailingSince, w.DisabledAt)
			}

			// Failing for the whole time: disabled.
			down.Store(true)
			event()
			started := now().Truncate(time.Microsecond)
			advance(DefaultDisableAfter)
			event()
			w := hook()
			if w.DisabledAt.IsZero() || !strings.Contains(w.DisabledReason, started.Format(time.RFC3339)) || !strings.Contains(w.DisabledReason, "HTTP 500") {
				t.Fatalf("after failing for %s: disabled at %s (%q)", DefaultDisableAfter, w.DisabledAt, w.DisabledReason)
			}
			listed, err := s.List(ctx, admin)
			if err != nil || len(listed) != 1 || listed[0].DisabledAt.IsZero() {
				t.Fatalf("the bureau's list does not say it is disabled: %+v, %v", listed, err)
			}

			// Disabled: nothing new is queued, nothing pending is sent.
			var before int
			if err := st.View(ctx, func(tx core.Tx) error {
				ds, err := tx.ListDeliveries(wh.ID, 500)
				before = len(ds)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			sent := requests.Load()
			advance(2 * time.Hour)
			event()
			if got := requests.Load(); got != sent {
				t.Errorf("%d requests to a disabled webhook", got-sent)
			}
			if err := st.View(ctx, func(tx core.Tx) error {
				ds, err := tx.ListDeliveries(wh.ID, 500)
				if len(ds) != before {
					t.Errorf("%d deliveries queued for a disabled webhook", len(ds)-before)
				}
				for _, dl := range ds {
					if dl.Status == core.DeliveryPending {
						t.Errorf("delivery %s still pending to a disabled webhook", dl.ID)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}

			officer := core.Viewer{Bureau: "MA", UserID: "u-officer-ma", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
			if _, err := s.Enable(ctx, officer, wh.ID); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("an officer enabling: %v", err)
			}
			other := core.Viewer{Bureau: "FR", UserID: "u-admin-fr", Role: core.RoleAdmin, Permissions: core.RolePermissions(core.RoleAdmin)}
			if _, err := s.Enable(ctx, other, wh.ID); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("another bureau enabling: %v", err)
			}
			enabled, err := s.Enable(ctx, admin, wh.ID)
			if err != nil || !enabled.DisabledAt.IsZero() || !enabled.FailingSince.IsZero() || enabled.DisabledReason != "" {
				t.Fatalf("enable: %+v, %v", enabled, err)
			}
			if _, err := s.Enable(ctx, admin, wh.ID); core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("enabling an enabled webhook: %v", err)
			}
			down.Store(false)
			sent = requests.Load()
			event()
			if requests.Load() != sent+1 {
				t.Errorf("after enabling, %d requests for one new event, want 1", requests.Load()-sent)
			}

			disables, enables := 0, 0
			if err := st.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 1000)
				for _, e := range es {
					switch {
					case e.Action == "webhook.disable" && e.Outcome == "ok":
						disables++
						if !strings.Contains(e.Query, wh.ID) {
							t.Errorf("disable entry %q does not name the webhook", e.Query)
						}
					case e.Action == "webhook.enable" && e.Outcome == "ok":
						enables++
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if disables != 1 || enables != 1 {
				t.Errorf("audit: %d disables and %d enables, want 1 and 1", disables, enables)
			}
		})
	}
}
