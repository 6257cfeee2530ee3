package auth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAddressKey: the limits count an IPv4 address as itself (written
// IPv4-mapped too) and an IPv6 address by its /64, whose low bits the
// client chooses; what is not an address is its own key.
func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":               "192.0.2.7",
		"::ffff:192.0.2.7":        "192.0.2.7",
		"2001:db8:1:2::1":         "2001:db8:1:2::/64",
		"2001:db8:1:2:aaaa::ffff": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"fe80::1%eth0":            "fe80::/64",
		"cli":                     "cli",
		"":                        "",
	} {
		if got := auth.AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignInLimitsPerIPv6Prefix: an address's ceiling of failed sign-ins
// holds for its whole /64, however many addresses of it the guesses come
// from, while the audit log keeps each guess's own address.
func TestSignInLimitsPerIPv6Prefix(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	s := auth.NewService(st)
	s.Addresses = auth.NewLimiter(3, auth.AddressWindow)
	for i := 1; i <= 3; i++ {
		if _, _, err := s.Login(ctx, fmt.Sprintf("nobody.%d", i), "a wrong guess", fmt.Sprintf("2001:db8:5:6::%x", i)); core.ErrorCode(err) != core.EUNAUTHORIZED {
			t.Fatalf("guess %d of 3: %v, want 401", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "nobody.4", "a wrong guess", "2001:db8:5:6::4"); core.ErrorCode(err) != core.ERATELIMIT {
		t.Fatalf("a 4th guess from the same /64: %v, want 429", err)
	}
	if _, _, err := s.Login(ctx, "nobody.5", "a wrong guess", "2001:db8:5:7::1"); core.ErrorCode(err) != core.EUNAUTHORIZED {
		t.Fatalf("a guess from another /64: %v, want 401", err)
	}
	var es []core.AuditEntry
	if err := st.View(ctx, func(tx core.Tx) error {
		var err error
		es, err = tx.AuditEntries(0, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if e.Action == "auth.login" {
			seen[e.Remote] = true
		}
	}
	for _, want := range []string{"2001:db8:5:6::1", "2001:db8:5:6::4", "2001:db8:5:7::1"} {
		if !seen[want] {
			t.Errorf("no sign-in audited from %s: %v", want, seen)
		}
	}
}
