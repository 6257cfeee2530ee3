package console_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestAdminShowsDisabledWebhookAndEnablesIt: the administration page says
// when a webhook was disabled and why, in the reader's language, and its
// "enable again" button delivers to it again.
func TestAdminShowsDisabledWebhookAndEnablesIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.user(t, "ma.admin", "MA", core.RoleAdmin, true)
		at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		if err := e.Server.Store.Update(ctx, func(tx core.Tx) error {
			return tx.InsertWebhook(&core.Webhook{ID: "wh-gone", Bureau: "MA", URL: "https://hooks.example.org/manara", Events: []string{"*"}, Secret: "whsec_test",
				CreatedAt: at.Add(-240 * time.Hour), FailingSince: at.Add(-72 * time.Hour), DisabledAt: at, DisabledReason: "no delivery succeeded since 2026-12-01T09:00:00Z; the last error: HTTP 503: down"})
		}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.admin", "fr")
		b.get("/admin")
		for _, want := range []string{"Désactivé le", "HTTP 503: down", `action="/admin/webhooks/wh-gone/enable"`, "Réactiver"} {
			if !strings.Contains(b.Last, want) {
				t.Errorf("the admin page lacks %q", want)
			}
		}
		b.post("/admin/webhooks/wh-gone/enable", url.Values{})
		if strings.Contains(b.Last, "Réactiver") {
			t.Errorf("after enabling, the page still offers to enable")
		}
		if err := e.Server.Store.View(ctx, func(tx core.Tx) error {
			w, err := tx.GetWebhook("wh-gone")
			if err == nil && (!w.DisabledAt.IsZero() || !w.FailingSince.IsZero()) {
				t.Errorf("after enabling: disabled at %s, failing since %s", w.DisabledAt, w.FailingSince)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
