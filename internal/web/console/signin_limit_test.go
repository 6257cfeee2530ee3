package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
)

// TestSignInSharedAddress: on the console's sign-in page, failures for
// some accounts behind one address end in 429 with Retry-After for those
// (account, address) pairs, and a colleague behind the same address still
// signs in, until the address's higher ceiling.
func TestSignInSharedAddress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.post.mistyper", "MA", core.RoleOfficer, false)
		e.user(t, "ma.post.colleague", "MA", core.RoleOfficer, false)
		b := e.browser(t)
		b.get("/login?lang=en")
		token := b.csrf()
		try := func(username, password string) *http.Response {
			t.Helper()
			form := url.Values{"username": {username}, "password": {password}, "csrf": {token}}
			req, _ := http.NewRequest("POST", e.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.URL)
			r, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b.read(r)
			return r
		}
		wantLimited := func(r *http.Response) {
			t.Helper()
			secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if r.StatusCode != http.StatusTooManyRequests || err != nil || secs < 1 || secs > int(auth.AddressWindow.Seconds()) {
				t.Fatalf("want 429 with Retry-After in seconds, got %d %q", r.StatusCode, r.Header.Get("Retry-After"))
			}
			if !strings.Contains(b.Last, "Too many attempts") {
				t.Fatalf("the page does not say why:\n%s", b.Last)
			}
		}
		failures := 0
		for _, name := range []string{"ma.post.mistyper", "ma.post.ghost1", "ma.post.ghost2"} {
			for range auth.MaxPairFailures {
				if r := try(name, "wrong password 1"); r.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", failures, r.StatusCode)
				}
				failures++
			}
		}
		wantLimited(try("ma.post.mistyper", testPassword))
		b.signIn("ma.post.colleague", "en")
		// A fresh browser (the colleague's session would skip the form).
		b = e.browser(t)
		b.get("/login?lang=en")
		token = b.csrf()
		for i := 0; failures < auth.MaxAddressFailures; i++ {
			if r := try(fmt.Sprintf("spray.%d", i), "wrong password 1"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", failures, r.StatusCode)
			}
			failures++
		}
		wantLimited(try("ma.post.colleague", testPassword))
	})
}
