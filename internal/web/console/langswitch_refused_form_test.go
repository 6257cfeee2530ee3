package console_test

// The language switcher of a page shown in answer to a form (every
// person here is invented).

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

var arabicLink = regexp.MustCompile(`<a href="([^"]*)" lang="ar"`)

// TestLanguageSwitchAfterRefusedForm: a refused form is shown at the
// POST's address (/admin/users, /hits/{id}/state, /messages/{id}/reply,
// /campaigns/{id}/escalate, /meetings/{id}/requests…), which has no GET
// page: the switcher links to the page the form is on, so that the
// administrator who clicks "العربية" to read the refusal in Arabic gets
// the page in Arabic, not "page not found" (README: ?lang= works on
// every page). TestFormPagesCoverPostRoutes checks every POST route.
func TestLanguageSwitchAfterRefusedForm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.langswitch.admin", "MA", core.RoleAdmin, true)
		b := e.browser(t)
		b.signIn("ma.langswitch.admin", "fr")
		b.get("/admin")
		b.post("/admin/users", url.Values{"username": {"X"}, "display_name": {"Nadia Lamrani"}, "bureau": {"MA"}, "role": {"officer"}, "lang": {"ar"}, "new_password": {"short"}})
		if b.Code != http.StatusBadRequest {
			t.Fatalf("refused user: %d", b.Code)
		}
		m := arabicLink.FindStringSubmatch(b.Last)
		if m == nil {
			t.Fatalf("no Arabic link on the refused form:\n%s", b.Last)
		}
		link := html.UnescapeString(m[1])
		b.get(link)
		if b.Code != http.StatusOK || b.At != "/admin" || !strings.Contains(b.Last, `<html lang="ar"`) {
			t.Errorf("the refused form's Arabic link %q answers %d at %s (want the administration page in Arabic)", link, b.Code, b.At)
		}
	})
}
