package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/reports"
)

// TestCampaignEscalationManySilverRequests: a campaign with more accounts
// and wallets than one Silver Notice request takes gets several; the
// escalation's answer links each, saying which it is, and a request the
// notices service refused is shown on the campaign, with why, in the
// page's language.
func TestCampaignEscalationManySilverRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer.assets", "MA", core.RoleOfficer, true)
		var first *core.Report
		for i := 0; i < notices.MaxListEntries+reports.MaxItems; i += reports.MaxItems {
			wallets := make([]string, reports.MaxItems)
			for j := range wallets {
				wallets[j] = fmt.Sprintf("0x%040x", 0xbeef0000+i+j)
			}
			r := report(t, e, reports.Input{Narrative: "they promised returns on a wallet", Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345099"}, Wallets: wallets}})
			if first == nil {
				first = r
			}
		}
		id := first.CampaignID
		b := e.browser(t)
		b.signIn("ma.officer.assets", "en")
		b.get("/campaigns/" + id)
		b.post("/campaigns/"+id+"/escalate", url.Values{"countries": {"FR"}})
		done := regexp.MustCompile(`(?s)<section class="card" aria-labelledby="esc-done".*?</section>`).FindString(b.Last)
		if b.Code != http.StatusOK || !strings.Contains(done, "Silver Notice request 1 of 2 (draft)") || !strings.Contains(done, "Silver Notice request 2 of 2 (draft)") {
			t.Fatalf("the escalation's answer: %d\n%s", b.Code, done)
		}

		// As the notices service refusing the second leaves it.
		err := e.Server.Store.Update(context.Background(), func(tx core.Tx) error {
			c, err := tx.GetCampaign(id)
			if err != nil {
				return err
			}
			esc := &c.Escalations[0]
			esc.Silver = esc.Silver[:1]
			esc.Failed = []core.FailedNotice{{Type: notices.TypeSilver, Part: 2, Parts: 2, At: time.Now(), Reason: "invalid: data.assets: must have at most 100 entries",
				Fields: []core.FailedField{{Field: "data.assets", Reason: "must have at most 100 entries", Code: "too_many", Params: []string{"101", "100"}}}}}
			c.Version++
			return tx.UpdateCampaign(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "fr", "ar", "es"} {
			b.get("/campaigns/" + id + "?lang=" + lang)
			l := catalogLang(t, lang)
			why, _ := l.Reason("too_many", []string{"101", "100"})
			want := html.EscapeString(l.T("campaign.failed.silver_part", l.Num(2), l.Num(2), why))
			if !strings.Contains(b.Last, `<span class="flag failed-notice">`+want+`</span>`) {
				t.Errorf("%s: the campaign does not say %q", lang, want)
			}
		}
	})
}
