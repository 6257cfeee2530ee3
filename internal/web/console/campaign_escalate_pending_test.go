package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestCampaignShowsPendingNotices: an escalation whose notice request
// failed after its records showed nothing of it, and escalating again was
// refused. The campaign page says, in the page's language, which requests
// are not drafted yet; escalating again drafts them and says for which
// escalation, and the line goes.
func TestCampaignShowsPendingNotices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer.pending", "MA", core.RoleOfficer, true)
		a, _ := twoLinked(t, e)
		b := e.browser(t)
		b.signIn("ma.officer.pending", "en")
		b.get("/campaigns/" + a.CampaignID)
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"FR"}, "no_silver": {"on"}})
		if b.Code != http.StatusOK {
			t.Fatalf("escalation: %d", b.Code)
		}
		// As a failure after the records leaves it: the Silver Notice
		// request meant, not drafted.
		err := e.Server.Store.Update(context.Background(), func(tx core.Tx) error {
			c, err := tx.GetCampaign(a.CampaignID)
			if err != nil {
				return err
			}
			c.Escalations[0].Pending = []string{"silver"}
			c.Version++
			return tx.UpdateCampaign(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "fr", "ar", "es"} {
			b.get("/campaigns/" + a.CampaignID + "?lang=" + lang)
			want := html.EscapeString(catalogLang(t, lang).T("campaign.pending.silver"))
			if !strings.Contains(b.Last, `<span class="flag pending-notices">`+want+`</span>`) {
				t.Errorf("%s: the campaign does not say %q", lang, want)
			}
		}
		b.get("/campaigns/" + a.CampaignID + "?lang=en")
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"FR"}})
		done := regexp.MustCompile(`(?s)<section class="card" aria-labelledby="esc-done".*?</section>`).FindString(b.Last)
		if b.Code != http.StatusOK || !strings.Contains(done, `class="escalation-completed">Drafted now for the escalation of`) ||
			!strings.Contains(done, "Silver Notice request (draft)") || strings.Contains(done, "Purple Notice request (draft)") {
			t.Fatalf("escalating again: %d\n%s", b.Code, done)
		}
		if strings.Contains(b.Last, "pending-notices") {
			t.Error("the campaign still says a notice request is pending")
		}
	})
}
