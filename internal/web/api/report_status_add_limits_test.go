package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestStatusAddBlockedStillTriesSecret: "failed follow-ups (wrong
// receipt or secret) 10 a minute per address … count for the API and the
// page alike". Once an address is over that limit, POST /report/status/add
// answers 429 without trying the secret it was sent: its refusal page
// does not open the report to show it again (which would confirm a right
// guess, and audit a wrong one with no limit at all).
func TestStatusAddBlockedStillTriesSecret(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Reports.PoW.Difficulty, s.ReportFollowRate, s.ReportRate = 4, 3, 1000
			})
			rc := aReport(t, f)
			// Three wrong secrets through the API: the address is blocked.
			for range 3 {
				f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", "0123456789abcdef0123456789abcdef")
			}
			if r := f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", rc.Secret); r.Status != 429 {
				t.Fatalf("the address should be blocked: %s", r)
			}
			follows := func() int {
				n := 0
				for _, e := range auditEntries(t, f) {
					if e.Action == "report.follow" {
						n++
					}
				}
				return n
			}
			before := follows()
			// Blocked: wrong guesses through the page's addition form.
			for i := range 20 {
				p := postMultipart(t, f, "/report/status/add?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {strings.Repeat(string(rune('a'+i%6)), 32)}, "text": {"x"}}, nil)
				if p.Status != 429 {
					t.Fatalf("blocked addition: %d", p.Status)
				}
			}
			if after := follows(); after != before {
				t.Errorf("a blocked address tried %d more secrets (report.follow audit entries %d → %d): the limit of failed follow-ups does not hold on /report/status/add", after-before, before, after)
			}
			// Blocked, with the right secret: the guess is confirmed.
			p := postMultipart(t, f, "/report/status/add?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {rc.Secret}, "text": {"x"}}, nil)
			if p.Status != 429 {
				t.Fatalf("blocked addition: %d", p.Status)
			}
			if strings.Contains(p.Body, `id="report-status"`) || strings.Contains(p.Body, `data-status="received"`) {
				t.Errorf("a blocked address still opens the report with a guessed secret: the 429 page shows its status")
			}
		})
	}
}

// TestStatusAddRefusedCountsWrongSecret: an addition refused for its text
// (checked before the secret) opens the report again to show it, which
// tries the secret: a wrong one counts as a failed follow-up, so an empty
// addition is no way round the limit.
func TestStatusAddRefusedCountsWrongSecret(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Reports.PoW.Difficulty, s.ReportFollowRate, s.ReportRate = 4, 3, 1000
			})
			rc := aReport(t, f)
			for i := range 3 {
				p := postMultipart(t, f, "/report/status/add?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {strings.Repeat(string(rune('a'+i)), 32)}, "text": {""}}, nil)
				if p.Status != 422 {
					t.Fatalf("an empty addition with a wrong secret: %d", p.Status)
				}
			}
			if r := f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", rc.Secret); r.Status != 429 {
				t.Errorf("3 wrong secrets with empty additions, a limit of 3 failed follow-ups: the address should be blocked: %s", r)
			}
		})
	}
}
