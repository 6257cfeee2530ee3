package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestRateLimitIPv6Prefix: the per-address limits (reports, failed
// follow-ups, public notices, sign-in) count an IPv6 client by its /64
// (auth.AddressKey). It holds at least a /64 and chooses the low 64 bits
// itself (privacy addresses change them at will), so taking a new address
// for each request "would slip past every per-address limit" — what
// Remote's comment sets out to prevent for X-Forwarded-For. Ten reports a
// minute per address must not become 10 × 2^64 per /64. The audit log
// keeps each request's own address.
func TestRateLimitIPv6Prefix(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test", TrustProxy: true}, func(s *api.Server) {
				s.Reports.PoW.Difficulty, s.ReportRate, s.PublicRate = 4, 2, 1000
			})
			statuses := []int{}
			for i := 1; i <= 4; i++ {
				body := map[string]any{"category": "phishing", "narrative": "Un faux SMS de la banque demandait mon code", "anonymous": true,
					"consent": true, "pow": solvedPoW(t, f)}
				// The proxy saw a different address of the same /64 each time.
				r := f.do(t, "POST", "/api/v1/public/reports", body, nil, "X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i))
				statuses = append(statuses, r.Status)
			}
			if statuses[2] != http.StatusTooManyRequests || statuses[3] != http.StatusTooManyRequests {
				t.Errorf("4 reports from one /64 with a limit of 2 a minute: statuses %v; the 3rd and 4th should be 429", statuses)
			}
			audited := map[string]bool{}
			for _, e := range auditEntries(t, f) {
				if e.Action == "report.create" {
					audited[e.Remote] = true
				}
			}
			if !audited["2001:db8:1:2::1"] || !audited["2001:db8:1:2::2"] {
				t.Errorf("the audit log should keep each report's own address, not its /64: %v", audited)
			}
		})
	}
}
