package console_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/reports"
)

// shownFieldErr is the text of a form field's error on the last page.
func shownFieldErr(t *testing.T, b *browser, name string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + name + `-err"[^>]*>([^<]*)<`).FindStringSubmatch(b.Last)
	if m == nil {
		t.Fatalf("no error shown for %s (status %d):\n%s", name, b.Code, b.Last)
	}
	return html.UnescapeString(m[1])
}

// catchAllTexts are the catalog's catch-all texts of a language, which
// say neither what is wrong nor what is expected.
func catchAllTexts(t *testing.T, lang string) []string {
	t.Helper()
	return []string{catalogLang(t, lang).T("reason.invalid"), catalogLang(t, lang).T("field.country")}
}

func catalogLang(t *testing.T, lang string) *i18n.Lang {
	t.Helper()
	cs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cs.Lang(lang)
}

// TestEscalateOwnCountryOnlySaysWhy: the unit escalating to its
// own bureau alone is refused ("choose at least one other country to
// share with"); the form must say so in the page's language. It says
// "Give member country codes (ISO, e.g. MA, FR)" — MA being exactly what
// was typed — in every language.
func TestEscalateOwnCountryOnlySaysWhy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer.own", "MA", core.RoleOfficer, true)
		a, _ := twoLinked(t, e)
		b := e.browser(t)
		b.signIn("ma.officer.own", "en")
		for _, lang := range []string{"en", "fr", "ar", "es"} {
			b.get("/campaigns/" + a.CampaignID + "?lang=" + lang)
			b.post("/campaigns/"+a.CampaignID+"/escalate", url.Values{"countries": {"MA"}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: escalating to MA alone: %d", lang, b.Code)
			}
			msg := shownFieldErr(t, b, "countries")
			for _, g := range catchAllTexts(t, lang) {
				if msg == g {
					t.Errorf("%s: escalating to its own bureau alone says %q: not why (another country than MA is needed)", lang, msg)
				}
			}
		}
	})
}

// TestEscalateNothingToShareSaysWhy: a campaign with no
// screenable indicator cannot be escalated; the refusal (field
// "campaign", shown beside the countries) must say that, not the
// catch-all "this value is not accepted" that blames the countries typed.
func TestEscalateNothingToShareSaysWhy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer.share", "MA", core.RoleOfficer, true)
		r := report(t, e, reports.Input{Narrative: "A fictitious seller never sent the sofa I paid for", Country: "MA",
			Losses: []core.Loss{{Amount: 200, Currency: "MAD", Method: "cash"}}})
		b := e.browser(t)
		b.signIn("ma.officer.share", "en")
		for _, lang := range []string{"fr", "ar", "es"} {
			b.get("/campaigns/" + r.CampaignID + "?lang=" + lang)
			b.post("/campaigns/"+r.CampaignID+"/escalate", url.Values{"countries": {"FR"}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: escalating a campaign with nothing to share: %d", lang, b.Code)
			}
			msg := shownFieldErr(t, b, "countries")
			for _, g := range catchAllTexts(t, lang) {
				if msg == g {
					t.Errorf("%s: escalating a campaign with no screenable indicator says %q beside the countries (FR is valid)", lang, msg)
				}
			}
		}
	})
}

// TestReportFormErrorsSayWhy: the triage form's refusal of an
// unchanged form ("nothing to change: give status, assignee or note") is
// said in the page's language with its reason, not as the catch-all.
func TestReportFormErrorsSayWhy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst.form", "MA", core.RoleAnalyst, true)
		a, _ := twoLinked(t, e)
		b := e.browser(t)
		b.signIn("ma.analyst.form", "en")
		for _, lang := range []string{"fr", "ar", "es"} {
			b.get("/reports/" + a.ID + "?lang=" + lang)
			b.post("/reports/"+a.ID, url.Values{"version": {"1"}, "status": {"received"}, "assignee": {""}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: unchanged form: %d", lang, b.Code)
			}
			if msg := shownFieldErr(t, b, "status"); msg == catalogLang(t, lang).T("reason.invalid") {
				t.Errorf("%s: an unchanged triage form says %q: not that nothing was changed", lang, msg)
			}
		}
	})
}

// TestCampaignNameTooLongSaysLimit: a name over 200 characters is
// refused; in French, Arabic and Spanish the form must say the limit, as
// the English page does ("1 to 200 characters").
func TestCampaignNameTooLongSaysLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst.name", "MA", core.RoleAnalyst, true)
		a, _ := twoLinked(t, e)
		b := e.browser(t)
		b.signIn("ma.analyst.name", "en")
		for _, lang := range []string{"en", "fr", "ar", "es"} {
			b.get("/campaigns/" + a.CampaignID + "?lang=" + lang)
			b.post("/campaigns/"+a.CampaignID+"/name", url.Values{"name": {strings.Repeat("n", 201)}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: a 201-character name: %d", lang, b.Code)
			}
			if msg := shownFieldErr(t, b, "name"); !strings.Contains(msg, "200") && !strings.Contains(msg, "٢٠٠") {
				t.Errorf("%s: a 201-character name is refused with %q: the limit (200) is not said", lang, msg)
			}
		}
	})
}
