package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/browsertest"
)

// TestBrowserExplanationInLanguage: a border officer screens a name in
// Arabic and in Spanish, with a date of birth that agrees and a sex and
// nationality that differ; the result's explanation, opened as the officer
// opens it, reads in the page's language — each name part with its score
// and weight, each reason — with no English word, the record's label too;
// the hit's page says the query field by field in that language.
// Screenshots are kept (see screenshots).
func TestBrowserExplanationInLanguage(t *testing.T) {
	browser := browsertest.Start(t, 1280, 1024)
	dir := browsertest.Screenshots(t)
	// What each language's explanation must say (its words for weight,
	// agreement and difference), and the label's notice type.
	want := map[string][]string{
		"ar": {"الوزن", "تاريخ الميلاد", "يتفق مع", "الجنس", "أنثى", "ذكر", "الجنسية", "الجزائر", "المغرب", "نشرة حمراء"},
		"es": {"peso", "Fecha de nacimiento", "coincide con", "Sexo", "Femenino", "Masculino", "Argelia", "Marruecos", "Notificación roja"},
	}
	e := newEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
	ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
	rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
	// One officer per language: a TOTP code is good once.
	officers := map[string]string{"ar": "es.officer", "es": "es.border"}
	for _, u := range officers {
		e.user(t, u, "ES", core.RoleOfficer, true)
	}
	publish(t, e, ma, rev, nil, neutralRedData("Kharroubi", "Abdellatif", "عبد اللطيف خروبي"))
	for _, lang := range []string{"ar", "es"} {
		t.Run(lang, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			t.Cleanup(cancel)
			if err := chromedp.Do(ctx); err != nil {
				t.Fatal(err)
			}
			border := &tab{t: t, ctx: ctx, dir: dir, lang: lang}
			border.signIn(e, officers[lang])
			border.do("screen", chromedp.Navigate(e.URL+"/screen?kind=person"), chromedp.WaitVisible("#name"),
				chromedp.SendKeys("#name", "Abdelatif Kharoubi"), chromedp.SendKeys("#date_of_birth", "1966"),
				chromedp.SendKeys("#sex", "F"), chromedp.SendKeys("#nationality", "DZ"),
				chromedp.Click("#screen-submit"), chromedp.WaitVisible("#screen-results tr.hit"))
			border.do("open the explanation", chromedp.Click("#screen-results details summary"), chromedp.WaitVisible("#screen-results ul.why li"),
				chromedp.ScrollIntoView("#screen-results ul.why"))
			border.shot("explanation")
			row := border.text("#screen-results tr.hit td")
			for _, w := range want[lang] {
				if !strings.Contains(row, w) {
					t.Errorf("the result does not say %q in %s:\n%s", w, lang, row)
				}
			}
			if n := strings.Count(border.html(), "<li>"); n < 5 {
				t.Errorf("%d explanation lines, want the name's parts and three reasons", n)
			}
			for _, l := range i18ntest.Leaks(border.html(), lang) {
				t.Errorf("%s screening result: %s", lang, l)
			}
			border.do("open the hit", chromedp.Click(`#screen-results a[href^="/hits/"]`), chromedp.WaitVisible("#hit-state"))
			border.shot("hit")
			page := border.html()
			for _, l := range i18ntest.Leaks(page, lang) {
				t.Errorf("%s hit page: %s", lang, l)
			}
			query := map[string][]string{"ar": {"الاسم: ", "تاريخ الميلاد: ", "الجنس: "}, "es": {"Nombre: ", "Fecha de nacimiento: ", "Sexo: "}}
			for _, w := range query[lang] {
				if !strings.Contains(border.text("main"), w) {
					t.Errorf("the hit page does not give the query's %q in %s", w, lang)
				}
			}
		})
	}
}
