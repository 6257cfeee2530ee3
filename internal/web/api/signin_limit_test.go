package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// wantRetryAfter checks that a 429 says, in whole seconds within the
// window, when to try again.
func wantRetryAfter(t testing.TB, r *resp) {
	t.Helper()
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(auth.AddressWindow.Seconds()) {
		t.Fatalf("429 without a Retry-After in seconds (got %q): %s", r.Header.Get("Retry-After"), r)
	}
}

// TestLoginSharedAddress: a border post behind one NAT. Many failures for
// some accounts from the address lock those (account, address) pairs with
// 429 and Retry-After, but another user of the same address still signs
// in, until the address's higher ceiling is reached.
func TestLoginSharedAddress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, name := range []string{"ma.border.mistyper", "ma.border.colleague"} {
			if _, err := f.Auth.CreateUser(ctx, system, auth.NewUser{Username: name, Bureau: "MA", Role: core.RoleOfficer, Password: testPassword}); err != nil {
				t.Fatal(err)
			}
		}
		login := func(username, password string) *resp {
			return f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, nil)
		}
		failures := 0
		// More failures from the address than the old per-address limit
		// (20), spread over three names, each up to the pair limit.
		for _, name := range []string{"ma.border.mistyper", "ma.border.ghost1", "ma.border.ghost2"} {
			for range auth.MaxPairFailures {
				wantProblem(t, login(name, "wrong password 1"), 401, "unauthorized", "")
				failures++
			}
		}
		r := login("ma.border.mistyper", testPassword)
		wantProblem(t, r, 429, "rate_limited", "")
		wantRetryAfter(t, r)
		if r := login("ma.border.colleague", testPassword); r.Status != http.StatusOK {
			t.Fatalf("a colleague behind the same address after %d failures of others: %s", failures, r)
		}
		// Up to the address's ceiling, whatever the names…
		for i := 0; failures < auth.MaxAddressFailures; i++ {
			wantProblem(t, login(fmt.Sprintf("spray.%d", i), "wrong password 1"), 401, "unauthorized", "")
			failures++
		}
		// …then the whole address waits, the right password included.
		r = login("ma.border.colleague", testPassword)
		wantProblem(t, r, 429, "rate_limited", "")
		wantRetryAfter(t, r)
		// Account lockout is kept too: the mistyper's account is locked
		// in the store, from any address.
		if _, _, err := f.Auth.Login(ctx, "ma.border.mistyper", testPassword, "198.51.100.9"); core.ErrorCode(err) != core.EUNAUTHORIZED {
			t.Fatalf("the locked account from another address: %v", err)
		}
	})
}

// TestForwardedForCannotBeForged: with --trust-proxy, a load balancer
// appends the address it saw to whatever X-Forwarded-For the client sent,
// so every entry before the last is the client's own choice. Server.Remote
// takes the last: a client that sends a different first entry on every
// attempt is still one address, and meets the per-address ceiling (60
// failures in 15 minutes over all usernames) with a 429. The balancer's
// own entry (the real client, 203.0.113.7) is the last one, as nginx's
// $proxy_add_x_forwarded_for and cloud balancers write it.
func TestForwardedForCannotBeForged(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test", TrustProxy: true}, nil)
			limited := 0
			for i := 0; i < auth.MaxAddressFailures+5; i++ {
				xff := fmt.Sprintf("198.51.100.%d, 203.0.113.7", i%250+1)
				r := f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": fmt.Sprintf("spray.target.%d", i), "password": "wrong password 1"}, nil,
					"X-Forwarded-For", xff)
				if r.Status == http.StatusTooManyRequests {
					limited++
				}
			}
			if limited == 0 {
				t.Fatalf("%d failed sign-ins from one client (203.0.113.7, behind the trusted proxy) with a forged first X-Forwarded-For hop each: none refused with 429 (the address ceiling is %d)",
					auth.MaxAddressFailures+5, auth.MaxAddressFailures)
			}
		})
	}
}
