package console_test

// The console's forms and pages refuse text that is not text (invalid
// UTF-8, NUL) with a 400 page in the user's language, on both stores,
// before any service or store sees it (issue 12, item 9).

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestConsoleRefusesInvalidText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.officer", "ar")
		wantRefused := func(what string) {
			t.Helper()
			if b.Code != http.StatusBadRequest || !strings.Contains(html.UnescapeString(b.Last), "يحتوي الطلب على نص غير صالح") {
				t.Fatalf("%s: want the 400 page saying the text is not valid, in Arabic; got %d\n%s", what, b.Code, b.Last)
			}
		}
		for _, bad := range []string{"\xff\xfe", "\xed\xa0\x80", "Doe\x00"} {
			b.get("/notices/new?type=yellow")
			b.post("/notices/new", url.Values{"type": {"yellow"}, "action": {"save"}, "family_name": {bad}, "given_names": {"Test"}})
			wantRefused("notice form")
			b.get("/screen")
			b.post("/screen", url.Values{"kind": {"person"}, "name": {"Karim " + bad}})
			wantRefused("screening form")
			b.get("/notices/" + url.PathEscape(bad))
			wantRefused("notice page")
			b.get("/records?q=" + url.QueryEscape(bad))
			if b.Code >= 500 {
				t.Fatalf("records page: %d", b.Code)
			}
			b.get("/audit?record=" + url.QueryEscape(bad))
			wantRefused("audit page")
		}
		// Before sign-in too.
		a := e.browser(t)
		a.get("/login?lang=ar")
		a.post("/login", url.Values{"username": {"ma.officer\xff"}, "password": {testPassword}})
		if a.Code != http.StatusBadRequest {
			t.Fatalf("login form: %d\n%s", a.Code, a.Last)
		}
	})
}
