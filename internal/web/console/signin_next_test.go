package console

import (
	"net/url"
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
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever it is given, safeNext answers a path that a
// browser resolves against this site to this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/hits", "//evil.example", "/\t/evil.example", "/\\evil", "/%2F/evil", "/.//evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://manara.example/login")
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		u, err := base.Parse(got)
		if err != nil {
			t.Fatalf("safeNext(%q) = %q, which does not parse: %v", s, got, err)
		}
		if u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) = %q leads to %s://%s", s, got, u.Scheme, u.Host)
		}
	})
}
