package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestPageReusedChallengeSaysWhy: a form sent twice (a double click, a
// reload that resends it) carries a challenge already used. The page must
// not fall back to citizen.err.failed, "Your report could not be
// recorded. Please try again later" — false (the first copy was recorded)
// and no help (the fresh challenge on the page works at once). The
// refusal concerns the security check and is said as one
// (reason.pow_retry, beside citizen.check), like the other proof-of-work
// refusals.
func TestPageReusedChallengeSaysWhy(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty, s.ReportRate = 4, 1000 })
			cats, _ := i18n.Shared()
			for _, lang := range []string{"fr", "ar"} {
				l := cats.Lang(lang)
				m := challengeRe.FindStringSubmatch(getPage(t, f, "/report?lang="+lang, ""))
				diff, _ := strconv.Atoi(m[2])
				form := url.Values{"category": {"phishing"}, "narrative": {"Un faux SMS de la banque"}, "consent": {"1"}, "anonymous": {"1"},
					"challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
				if p := postForm(t, f, "/report?lang="+lang, form); p.Status != 201 {
					t.Fatalf("first send: %d", p.Status)
				}
				p := postForm(t, f, "/report?lang="+lang, form)
				if strings.Contains(p.Body, html(l.T("citizen.err.failed"))) || !strings.Contains(p.Body, html(l.T("reason.pow_retry"))) {
					t.Errorf("%s: the same form sent again: %d, the page says %q instead of the security check's %q", lang, p.Status, l.T("citizen.err.failed"), l.T("reason.pow_retry"))
				}
			}
		})
	}
}
