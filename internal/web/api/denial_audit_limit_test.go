package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestDenialsAuditedUpToALimit: refused credentials are audited one by one
// up to api.MaxAuditedDenials from an address in the window; the one that
// reaches the limit says so; later ones are still refused, but write
// nothing. A valid key from the same address still works, and another
// address is audited as before.
func TestDenialsAuditedUpToALimit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test", TrustProxy: true}, nil)
			good := f.key(t, "MA", core.PermRecordsRead)
			from := func(addr string) []string {
				return []string{"X-Forwarded-For", addr, "Authorization", "Bearer mk_not-a-key"}
			}
			denials := func(addr string) (n int, last string) {
				for _, e := range auditEntries(t, f) {
					if e.Action == "auth.denied" && e.Remote == addr {
						n, last = n+1, e.Query
					}
				}
				return n, last
			}
			for i := range api.MaxAuditedDenials + 20 {
				if r := f.do(t, "GET", "/api/v1/records", nil, nil, from("2001:db8:7::1")...); r.Status != http.StatusUnauthorized {
					t.Fatalf("bad key %d: %s", i, r)
				}
			}
			n, last := denials("2001:db8:7::1")
			if n != api.MaxAuditedDenials || !strings.Contains(last, "not audited one by one") {
				t.Fatalf("%d denials audited (want %d), the last saying %q", n, api.MaxAuditedDenials, last)
			}
			// Another address of the same /64 counts as the same client.
			f.do(t, "GET", "/api/v1/records", nil, nil, from("2001:db8:7::2")...)
			if n, _ := denials("2001:db8:7::2"); n != 0 {
				t.Errorf("another address of the /64 got %d denials audited, want 0", n)
			}
			if r := f.do(t, "GET", "/api/v1/records", nil, nil, "X-Forwarded-For", "2001:db8:7::1", "Authorization", "Bearer "+good.Key); r.Status != http.StatusOK {
				t.Errorf("a valid key from the same address: %s", r)
			}
			f.do(t, "GET", "/api/v1/records", nil, nil, from("192.0.2.9")...)
			if n, _ := denials("192.0.2.9"); n != 1 {
				t.Errorf("another address: %d denials audited, want 1", n)
			}
		})
	}
}
