package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// TestConsoleMoneyExact: the report, the queue and the campaign pages
// write losses exactly in every language, eight-decimal amounts of a
// currency ISO 4217 does not know included: two losses of 987 654 321
// 098.7654 BTC total 1.975… × 10^20 satoshis, past int64 and float64.
func TestConsoleMoneyExact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		losses := []core.Loss{{Amount: 987654321098.7654, Currency: "BTC", Method: "crypto"}, {Amount: 1250.5, Currency: "MAD", Method: "transfer"}}
		a := report(t, e, reports.Input{Narrative: "a trading platform kept my coins", Country: "MA",
			Suspect: core.Suspect{Phones: []string{"0612345670"}}, Losses: losses})
		report(t, e, reports.Input{Narrative: "the same platform, the same number", Country: "MA",
			Suspect: core.Suspect{Phones: []string{"0612345670"}}, Losses: losses[:1]})
		if a.CampaignID == "" {
			t.Fatal("the reports are not linked")
		}
		for _, c := range []struct{ lang, loss, total, mad string }{
			{"en", "987,654,321,098.76540000\u00a0BTC", "1,975,308,642,197.53080000\u00a0BTC", "1,250.50\u00a0MAD"},
			{"fr", "987\u202f654\u202f321\u202f098,76540000\u00a0BTC", "1\u202f975\u202f308\u202f642\u202f197,53080000\u00a0BTC", "1\u202f250,50\u00a0MAD"},
			{"ar", "987\u066c654\u066c321\u066c098\u066b76540000\u00a0BTC", "1\u066c975\u066c308\u066c642\u066c197\u066b53080000\u00a0BTC", "1\u066c250\u066b50\u00a0MAD"},
			{"es", "987.654.321.098,76540000\u00a0BTC", "1.975.308.642.197,53080000\u00a0BTC", "1250,50\u00a0MAD"},
		} {
			// One officer a language: a second sign-in within the same
			// TOTP step would reuse its code.
			e.user(t, "ma.officer."+c.lang, "MA", core.RoleOfficer, true)
			b := e.browser(t)
			b.signIn("ma.officer."+c.lang, c.lang)
			for _, p := range []struct{ path, want string }{
				{"/reports/" + a.ID, c.loss}, {"/reports/" + a.ID, c.mad}, {"/reports", c.loss},
				{"/campaigns", c.total}, {"/campaigns/" + a.CampaignID, c.total}, {"/campaigns/" + a.CampaignID, c.mad},
			} {
				b.get(p.path)
				if b.Code != http.StatusOK || !strings.Contains(b.Last, p.want) {
					t.Errorf("%s %s: %d, lacks %q", c.lang, p.path, b.Code, p.want)
				}
			}
		}
	})
}
