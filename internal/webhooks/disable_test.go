package webhooks

import (
	"context"
	"net/http"
	"strings"
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
			var down atomic.Bool
			var requests atomic.Int64
			st := b.Open(t)
			f := newHookFixture(t, st, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if down.Load() {
					http.Error(w, "receiver gone", http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
			s, wh, admin := f.s, f.hook, viewer("MA", core.RoleAdmin)
			now, advance, hook := f.now, f.advance, func() *core.Webhook { return f.stored(t) }
			event := func() { t.Helper(); f.event(t, "hit") }

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

			if _, err := s.Enable(ctx, viewer("MA", core.RoleOfficer), wh.ID); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("an officer enabling: %v", err)
			}
			if _, err := s.Enable(ctx, viewer("FR", core.RoleAdmin), wh.ID); core.ErrorCode(err) != core.ENOTFOUND {
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
			for _, e := range f.audited(t, "webhook.disable") {
				if e.Outcome == "ok" {
					disables++
					if !strings.Contains(e.Query, wh.ID) {
						t.Errorf("disable entry %q does not name the webhook", e.Query)
					}
				}
			}
			for _, e := range f.audited(t, "webhook.enable") {
				if e.Outcome == "ok" {
					enables++
				}
			}
			if disables != 1 || enables != 1 {
				t.Errorf("audit: %d disables and %d enables, want 1 and 1", disables, enables)
			}
		})
	}
}
