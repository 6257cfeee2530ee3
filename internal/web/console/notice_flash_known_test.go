package console_test

// The notice page's confirmation ("flash") and the address (every person
// here is invented).

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// TestNoticeFlashOnlyKnownConfirmations: /notices/{id}?done=X shows a
// confirmation only for the values the console sends (submitted, saved,
// publish, refuse). An unknown key is returned as itself, so otherwise a
// link could make a genuine notice page announce any text its sender
// chooses in the console's own confirmation banner (role="status").
func TestNoticeFlashOnlyKnownConfirmations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.flash.officer", "MA", core.RoleOfficer, true)
		v, err := e.Server.Notices.Create(context.Background(), viewerOf(ma), notices.Input{Type: "red",
			Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: redData("Tazi", "Mounir", "منير التازي")})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.flash.officer", "ar")
		lure := "Session expired: call +212 600 000 000 with your recovery codes"
		b.get("/notices/" + v.Notice.ID + "?done=" + url.QueryEscape(lure))
		if b.Code != http.StatusOK {
			t.Fatalf("notice page: %d", b.Code)
		}
		if strings.Contains(b.Last, `class="flash"`) {
			flash := between(t, b.Last, `class="flash"`, "</p>")
			t.Errorf("an address's done parameter is shown as the page's confirmation: %s", flash)
		}
	})
}
