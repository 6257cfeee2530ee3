package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSafeNext: a destination after sign-in stays on this site, however
// it is written; the browser's own reading of the URL decides what
// "another site" is (it drops tabs and line breaks, and takes a
// backslash for a slash).
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/hits":                    "/hits",
		"/notices/abc?tab=history": "/notices/abc?tab=history",
		"":                         "/",
		"hits":                     "/",
		"https://evil.example/":    "/",
		"//evil.example/":          "/",
		"/\\evil.example/":         "/",
		"/\t/evil.example/":        "/",
		"/\n/evil.example/":        "/",
		"/\r\n/evil.example":       "/",
		" //evil.example":          "/",
		"/ /evil.example":          "/",
		"/\x00/evil.example":       "/",
		"/login?next=/hits":        "/",
		"/./\\evil.example/":       "/",
		"/x/../\\evil.example":     "/",
		"/.//evil.example":         "/evil.example",
		"/./login":                 "/",
		"/hits/./x/../?q=a/../b":   "/hits/?q=a/../b",
		"/hits?":                   "/hits?",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever it is given, safeNext answers a path that a
// browser resolves against this site to this site, both as written and
// as http.Redirect sends it in Location (cleaned), read as a browser
// reads it (a backslash taken for a slash).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/hits", "//evil.example", "/\t/evil.example", "/\\evil", "/%2F/evil", "/.//evil",
		"/./\\evil.example", "/x/../\\evil", "/..//evil", "/a/?b=/../\\c"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://manara.example/login")
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest("POST", base.String(), nil), got, http.StatusSeeOther)
		loc := w.Header().Get("Location")
		for _, to := range []string{got, loc} {
			u, err := base.Parse(strings.ReplaceAll(to, `\`, "/"))
			if err != nil {
				t.Fatalf("safeNext(%q) = %q (Location %q): %q does not parse: %v", s, got, loc, to, err)
			}
			if u.Host != base.Host || u.Scheme != base.Scheme {
				t.Fatalf("safeNext(%q) = %q (Location %q): %q leads to %s://%s", s, got, loc, to, u.Scheme, u.Host)
			}
		}
		if safeNext(got) != got {
			t.Fatalf("safeNext(%q) = %q, which it does not keep as it is", s, got)
		}
	})
}
