package console_test

// The destination after sign-in once http.Redirect has cleaned it (every
// person here is invented).

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestLoginNextDotSegmentBackslashStaysOnSite: "/./\evil.example" has a
// dot, not a slash or backslash, as its second character, but
// http.Redirect path.Cleans it to "/\evil.example", which a browser reads
// as "//evil.example": another site, after a successful sign-in.
func TestLoginNextDotSegmentBackslashStaysOnSite(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			e.user(t, "ma.dotsegment.officer", "MA", core.RoleOfficer, false)
			for _, next := range []string{`/./\evil.example/manara-login`, `/x/../\evil.example`} {
				br := e.browser(t)
				br.get("/login?next=" + url.QueryEscape(next))
				m := nextField.FindStringSubmatch(br.Last)
				if m == nil {
					t.Fatalf("no next field on the sign-in page:\n%s", br.Last)
				}
				kept := html.UnescapeString(m[1])
				form := url.Values{"username": {"ma.dotsegment.officer"}, "password": {testPassword}, "code": {""}, "next": {kept}, "csrf": {br.csrf()}}
				req, _ := http.NewRequest("POST", e.URL+"/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", e.URL)
				base, _ := url.Parse(e.URL)
				for _, ck := range br.c.Jar.Cookies(base) {
					req.AddCookie(ck)
				}
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("sign-in answered %d", res.StatusCode)
				}
				loc := res.Header.Get("Location")
				// A browser takes a backslash for a slash in an http(s) URL.
				seen := strings.ReplaceAll(loc, `\`, "/")
				if strings.HasPrefix(seen, "//") {
					t.Errorf("next=%q (kept by the form as %q): after sign-in Location is %q, which a browser reads as %q: another site", next, kept, loc, seen)
				}
			}
		})
	}
}
