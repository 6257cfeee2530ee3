package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// TestCampaignsPageReachesPastAThousand: /campaigns was cut from one
// list of at most 1,000 campaigns and said "of 1,000 or more": the
// 1,001st could not be reached. Every page is read from the store at its
// offset, and says the true total.
func TestCampaignsPageReachesPastAThousand(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst.camps", "MA", core.RoleAnalyst, true)
		const n = 1003
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		err := e.Server.Store.Update(context.Background(), func(tx core.Tx) error {
			for i := range n {
				// Ranked by size: c-1002, the smallest, is the last.
				if err := tx.InsertCampaign(&core.Campaign{ID: fmt.Sprintf("c-%04d", i), Version: 1, Bureau: "MA", Name: fmt.Sprintf("Fictitious scheme %04d", i),
					Reports: 2 + (n-i)/100, UpdatedAt: at, LossTotals: []core.Money{}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.analyst.camps", "en")
		b.get("/campaigns")
		if !strings.Contains(b.Last, "<p>Campaigns 1–200 of 1,003</p>") || !strings.Contains(b.Last, `href="/campaigns?offset=200" id="next"`) {
			t.Fatalf("first page: %s", regexp.MustCompile(`<p>Campaigns[^<]*</p>`).FindString(b.Last))
		}
		b.get("/campaigns?offset=1000")
		if b.Code != http.StatusOK || strings.Count(b.Last, `<tr><td><a href="/campaigns/`) != 3 || !strings.Contains(b.Last, "Fictitious scheme 1002") ||
			!strings.Contains(b.Last, "<p>Campaigns 1,001–1,003 of 1,003</p>") || strings.Contains(b.Last, `id="next"`) || !strings.Contains(b.Last, `href="/campaigns?offset=800" id="prev"`) {
			t.Errorf("last page: %d, %s", b.Code, regexp.MustCompile(`<p>Campaigns[^<]*</p>`).FindString(b.Last))
		}
	})
}

// TestEscalateAgainSaysWhatIsNew: the console's second escalation of a
// campaign with nothing new is refused beside the countries, in the
// page's language (not the catch-all); with a new value, it says how many
// were shared before and links the earlier Purple Notice request.
func TestEscalateAgainSaysWhatIsNew(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer.again", "MA", core.RoleOfficer, true)
		a, _ := twoLinked(t, e)
		b := e.browser(t)
		b.signIn("ma.officer.again", "en")
		b.get("/campaigns/" + a.CampaignID)
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"FR"}})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, `id="escalation"`) || strings.Contains(b.Last, `id="escalation-already"`) {
			t.Fatalf("first escalation: %d", b.Code)
		}
		purple := regexp.MustCompile(`href="/notices/([^"]+)">Purple Notice request \(draft\)`).FindStringSubmatch(b.Last)
		if purple == nil {
			t.Fatal("the first escalation links no Purple Notice request")
		}
		for _, lang := range []string{"en", "fr", "ar", "es"} {
			b.get("/campaigns/" + a.CampaignID + "?lang=" + lang)
			b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"ES"}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: escalating again with nothing new: %d", lang, b.Code)
			}
			msg := shownFieldErr(t, b, "countries")
			want, _ := catalogLang(t, lang).Reason("already_escalated", []string{"2"})
			if msg != want {
				t.Errorf("%s: escalating again with nothing new says %q, want %q", lang, msg, want)
			}
		}
		report(t, e, reports.Input{Narrative: "paid the fictitious broker by transfer", Country: "MA",
			Suspect: core.Suspect{Phones: []string{"0612345678"}, Accounts: []string{"GB82WEST12345698765432"}}})
		b.get("/campaigns/" + a.CampaignID + "?lang=en")
		b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"ES"}})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, "1 indicator record") ||
			!strings.Contains(b.Last, "2 indicators of the campaign were already shared by earlier escalations") ||
			!strings.Contains(b.Last, `href="/notices/`+purple[1]+`">Purple Notice request of an earlier escalation`) ||
			strings.Contains(b.Last, "Purple Notice request (draft)") || !strings.Contains(b.Last, "Silver Notice request") {
			t.Errorf("second escalation with a new account: %d\n%s", b.Code, regexp.MustCompile(`(?s)<section class="card" aria-labelledby="esc-done".*?</section>`).FindString(b.Last))
		}
	})
}
