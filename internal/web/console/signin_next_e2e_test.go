package console_test

// The destination after sign-in, end to end (every person here is
// invented).

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)

// TestLoginNextStaysOnSite: a browser removes every ASCII tab and newline
// from a URL before it reads it (WHATWG URL parsing), and http.Redirect
// writes a tab into Location unchanged: a link to
// /login?next=%2F%09%2Fevil.example must not sign the officer in and send
// them to //evil.example, a look-alike page asking for the password or the
// TOTP code again.
func TestLoginNextStaysOnSite(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			e.user(t, "ma.redirect.officer", "MA", core.RoleOfficer, false)
			br := e.browser(t)
			br.get("/login?next=" + url.QueryEscape("/\t/evil.example/manara-login"))
			m := nextField.FindStringSubmatch(br.Last)
			if m == nil {
				t.Fatalf("no next field on the sign-in page:\n%s", br.Last)
			}
			next := html.UnescapeString(m[1])
			form := url.Values{"username": {"ma.redirect.officer"}, "password": {testPassword}, "code": {""}, "next": {next}, "csrf": {br.csrf()}}
			req, _ := http.NewRequest("POST", e.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.URL)
			base, _ := url.Parse(e.URL)
			for _, ck := range br.c.Jar.Cookies(base) {
				req.AddCookie(ck)
			}
			// One round trip, as a browser receives it: the client would
			// refuse to follow (or even parse) the Location.
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in answered %d", res.StatusCode)
			}
			loc := res.Header.Get("Location")
			// What a browser makes of it: tabs and newlines removed.
			seen := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(loc)
			if strings.HasPrefix(seen, "//") || strings.HasPrefix(seen, `/\`) {
				u, _ := url.Parse("http://manara.example" + "/")
				dest, _ := u.Parse(seen)
				t.Fatalf("after sign-in the console redirects to Location %q, which a browser reads as %q: another site (%s)", loc, seen, dest.Host)
			}
		})
	}
}
