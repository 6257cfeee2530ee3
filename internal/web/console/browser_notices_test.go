package console_test

import (
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/browsertest"
)

func (b *tab) html() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.OuterHTML("html"))
	if err != nil {
		b.t.Fatalf("page HTML: %v", err)
	}
	return s
}

// fill sets the form's fields, by element id, as a person types or picks.
func (b *tab) fill(what string, fields [][2]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		steps = append(steps, chromedp.SetValue("#"+f[0], f[1]))
	}
	b.do(what, steps...)
}

// TestBrowserYellowAndSilverNotices: in Spanish and in Arabic, an officer
// requests a Yellow Notice (adding a second parent with "add another")
// and a Silver Notice through their forms; the secretariat's reviewer
// publishes both from the queue, seeing how long ago each was submitted
// and the checks in words; both are read back with every label and value
// in the page's language: no raw key and no English word of the
// interface. Screenshots are kept (see screenshots).
func TestBrowserYellowAndSilverNotices(t *testing.T) {
	browser := browsertest.Start(t, 1024, 1366)
	dir := browsertest.Screenshots(t)
	type texts struct {
		circumstances, place, activity, description string
		want                                        []string // on the pages read back
	}
	byLang := map[string]texts{
		"es": {"Salió del colegio a las cinco y no volvió a casa.", "Casablanca", "Blanqueo de capitales", "Todoterreno gris",
			[]string{"Desaparición", "Madre", "Padre", "Progenitor o tutor 2", "Marruecos", "Activo 1", "Vehículo", "Sociedad", "Publicada"}},
		"ar": {"غادرت المدرسة على الساعة الخامسة ولم تعد إلى البيت.", "الدار البيضاء", "غسل الأموال", "سيارة رباعية الدفع رمادية",
			[]string{"الاختفاء", "الأم", "الأب", "الوالد أو الوصي 2", "المغرب", "الأصل 1", "مركبة", "شركة", "منشورة"}},
	}
	for _, lang := range []string{"es", "ar"} {
		t.Run(lang, func(t *testing.T) {
			tx := byLang[lang]
			e := newEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
			e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
			e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
			newTab := func() *tab {
				ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
				t.Cleanup(cancel)
				if err := chromedp.Do(ctx); err != nil {
					t.Fatal(err)
				}
				return &tab{t: t, ctx: ctx, dir: dir, lang: lang}
			}
			readBack := func(b *tab, what string) string {
				t.Helper()
				page := b.html()
				for _, l := range i18ntest.Leaks(page, lang) {
					t.Errorf("%s: %s", what, l)
				}
				text := html.UnescapeString(page)
				for _, raw := range []string{"parents[", "assets[", "held_for", "disappearance_", "criminal_activity", "notice_type",
					"required_data_and_thresholds", ">true<", ">false<", ">mother<", ">father<", ">vehicle<", ">company<", "YYYY"} {
					if strings.Contains(text, raw) {
						t.Errorf("%s: raw %q on the page", what, raw)
					}
				}
				return text
			}

			owner := newTab()
			owner.signIn(e, "ma.officer")

			// A Yellow Notice, a second parent added with "add another".
			owner.do("open the Yellow Notice form", chromedp.Navigate(e.URL+"/notices/new?type=yellow"), chromedp.WaitVisible("#parents-0-name"))
			yellow := [][2]string{{"family_name", "Benali"}, {"given_names", "Salma"}, {"name_original", "سلمى بنعلي"}, {"sex", "F"},
				{"date_of_birth", "2011-04"}, {"nationalities", "MA"}, {"circumstances", tx.circumstances}, {"disappearance_date", "2025-11-03"},
				{"disappearance_place", tx.place}, {"disappearance_country", "MA"}, {"parents-0-name", "Fatima Benali"}, {"parents-0-relation", "mother"}}
			owner.fill("fill the yellow form", yellow)
			owner.do("add another parent", chromedp.Click("#parents-add"), chromedp.WaitVisible("#parents-1-name"))
			if got := owner.attr("#parents-0-name", "value"); got != "Fatima Benali" {
				t.Fatalf("adding a parent lost the first: %q", got)
			}
			owner.fill("fill the second parent", [][2]string{{"parents-1-name", "Youssef Benali"}, {"parents-1-relation", "father"}})
			owner.shot("yellow-form")
			owner.do("submit the yellow request", chromedp.Click("#submit-request"), chromedp.WaitVisible(`#notice-state[data-state="submitted"]`))
			yellowURL := owner.location()

			// A Silver Notice: one asset with an identifier and a holder.
			owner.do("open the Silver Notice form", chromedp.Navigate(e.URL+"/notices/new?type=silver"), chromedp.WaitVisible("#assets-0-type"))
			owner.fill("fill the silver form", [][2]string{{"family_name", "Testperson"}, {"given_names", "Karim"}, {"nationalities", "MA"},
				{"assets-0-type", "vehicle"}, {"assets-0-description", tx.description}, {"assets-0-identifiers-0-type", "plate"},
				{"assets-0-identifiers-0-value", "12345-A-6"}, {"assets-0-location", tx.place}, {"assets-0-jurisdiction", "MA"},
				{"assets-0-estimated_value", "25000"}, {"assets-0-currency", "MAD"}, {"assets-0-held_for-0-name", "Sociedad Ficticia SL"},
				{"assets-0-held_for-0-kind", "company"}, {"assets-0-criminal_activity", tx.activity}})
			owner.shot("silver-form")
			owner.do("submit the silver request", chromedp.Click("#submit-request"), chromedp.WaitVisible(`#notice-state[data-state="submitted"]`))
			silverURL := owner.location()

			// The reviewer publishes both from the queue.
			reviewer := newTab()
			reviewer.signIn(e, "ipsg.reviewer")
			reviewer.do("open the review queue", chromedp.Navigate(e.URL+"/reviews"), chromedp.WaitVisible("#review-queue tbody a"))
			if got := reviewer.text("#review-queue"); !strings.Contains(got, map[string]string{"es": "hace", "ar": "منذ"}[lang]) {
				t.Errorf("the queue does not say how long ago: %q", got)
			}
			reviewer.shot("review-queue")
			for _, u := range []string{yellowURL, silverURL} {
				reviewer.do("open the request", chromedp.Navigate(strings.Split(u, "?")[0]), chromedp.WaitVisible("#decide-form"))
				readBack(reviewer, "review of "+u)
				if got := reviewer.text("#checks"); !strings.Contains(got, map[string]string{"es": "cumplido", "ar": "مستوفى"}[lang]) {
					t.Errorf("checks not in words: %q", got)
				}
				reviewer.shot("review-" + map[bool]string{true: "yellow", false: "silver"}[u == yellowURL])
				reviewer.do("publish", chromedp.Click("#decision-publish"), chromedp.Click("#decide"), chromedp.WaitVisible(`#notice-state[data-state="published"]`))
			}

			// Both read back, by their owner.
			var all string
			for _, u := range []string{yellowURL, silverURL} {
				owner.do("read back", chromedp.Navigate(strings.Split(u, "?")[0]), chromedp.WaitVisible(`#notice-state[data-state="published"]`))
				all += readBack(owner, "published "+u)
				owner.shot("published-" + map[bool]string{true: "yellow", false: "silver"}[u == yellowURL])
			}
			for _, w := range tx.want {
				if !strings.Contains(all, w) {
					t.Errorf("the published notices do not say %q", w)
				}
			}
		})
	}
}
