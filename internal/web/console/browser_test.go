package console_test

// Browser tests: headless Chromium (the system's) drives the console as
// officers do, in Arabic and in French. Outside CI they skip when no
// Chromium is installed; in CI (CI set) a missing Chromium fails.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/browsertest"
)

type tab struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	lang string
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed-" + what)
		b.t.Fatalf("%s (%s): %v", what, b.lang, err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *tab) shot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	// The viewport as the officer sees it: a full-page capture shifts
	// right-to-left pages by their scroll origin.
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(b.dir, b.lang+"-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

func (b *tab) signIn(e *env, username string) {
	b.t.Helper()
	b.do("open /login", chromedp.Navigate(e.URL+"/login?lang="+b.lang), chromedp.WaitVisible("#username"))
	b.do("sign in",
		chromedp.SendKeys("#username", username),
		chromedp.SendKeys("#password", testPassword),
		chromedp.SendKeys("#code", auth.CurrentTOTP(e.Secrets[username], time.Now())),
		chromedp.Click("#signin"),
		chromedp.WaitVisible("#logout"))
}

func TestBrowserRedNoticeToLiveHit(t *testing.T) {
	browser := browsertest.Start(t, 1024, 1366) // a tablet, portrait
	dir := browsertest.Screenshots(t)
	want := map[string]struct{ published, possible string }{
		"ar": {"منشورة", ""},
		"fr": {"Publiée", ""},
		"es": {"Publicada", ""},
	}
	for _, lang := range []string{"ar", "fr", "es"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
			e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
			e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
			e.user(t, "es.officer", "ES", core.RoleOfficer, true)
			newTab := func() *tab {
				// Each user in their own browser context: their own cookies.
				ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
				t.Cleanup(cancel)
				// The tab lives as long as the context of its first run:
				// that run has no timeout.
				if err := chromedp.Do(ctx); err != nil {
					t.Fatal(err)
				}
				return &tab{t: t, ctx: ctx, dir: dir, lang: lang}
			}

			// 1. The owner signs in with a TOTP code.
			owner := newTab()
			owner.signIn(e, "ma.officer")
			if dirAttr := owner.attr("html", "dir"); (lang == "ar") != (dirAttr == "rtl") {
				t.Fatalf("page direction %q in %s", dirAttr, lang)
			}
			owner.shot("1-dashboard")
			// On a tablet the page does not scroll sideways, in either
			// direction, and the keyboard reaches the skip link first.
			if wide := owner.eval(`document.documentElement.scrollWidth > window.innerWidth`); wide {
				t.Errorf("the dashboard is wider than a tablet in %s", lang)
			}
			owner.do("tab to the skip link", chromedp.KeyEvent("\t"))
			if !owner.eval(`document.activeElement && document.activeElement.classList.contains("skip")`) {
				t.Errorf("the first Tab does not reach the skip link in %s", lang)
			}

			// 2. The owner requests a Red Notice and submits it.
			owner.do("open the Red Notice form", chromedp.Navigate(e.URL+"/notices/new?type=red"), chromedp.WaitVisible("#family_name"))
			fields := [][2]string{{"#family_name", "Kharroubi"}, {"#given_names", "Abdellatif"}, {"#name_original", "عبد اللطيف خروبي"},
				{"#sex", "M"}, {"#date_of_birth", "1966-01-01"}, {"#nationalities", "MA"}, {"#description", "tall"}, {"#purpose", "prosecution"},
				{"#charges-0-offence", "Drug trafficking"}, {"#charges-0-law", "Penal Code art. 2"}, {"#charges-0-max_penalty_years", "10"},
				{"#warrant-kind", "arrest_warrant"}, {"#warrant-reference", "AW-2026-17"}, {"#warrant-date", "2026-01-15"},
				{"#warrant-authority", "Court of Rabat"}, {"#warrant-country", "MA"}, {"#extradition_countries", "FR, ES"}}
			var steps []chromedp.Action[chromedp.Void]
			for _, f := range fields {
				steps = append(steps, chromedp.SetValue(f[0], f[1]))
			}
			owner.do("fill the form", steps...)
			owner.shot("2-red-notice-form")
			owner.do("submit the request", chromedp.Click("#submit-request"), chromedp.WaitVisible(`#notice-state[data-state="submitted"]`))
			owner.shot("2-submitted")
			noticeURL := owner.location()

			// 3. A reviewer of the secretariat publishes it from the queue.
			reviewer := newTab()
			reviewer.signIn(e, "ipsg.reviewer")
			reviewer.do("open the review queue", chromedp.Navigate(e.URL+"/reviews"), chromedp.WaitVisible("#review-queue tbody a"))
			reviewer.shot("3-review-queue")
			reviewer.do("open the request", chromedp.Click("#review-queue tbody a"), chromedp.WaitVisible("#decide-form"))
			reviewer.do("publish", chromedp.Click("#decision-publish"), chromedp.Click("#decide"), chromedp.WaitVisible(`#notice-state[data-state="published"]`))
			if got := reviewer.text("#notice-state"); got != want[lang].published {
				t.Errorf("state shown as %q", got)
			}
			reviewer.shot("3-published")
			if !strings.HasSuffix(reviewer.location(), strings.TrimPrefix(noticeURL, e.URL)) && !strings.Contains(reviewer.location(), strings.Split(strings.TrimPrefix(noticeURL, e.URL), "?")[0]) {
				t.Errorf("the reviewer published %s, not %s", reviewer.location(), noticeURL)
			}

			// 5 (first half). The owner opens the hits inbox, which listens.
			owner.do("open the inbox", chromedp.Navigate(e.URL+"/hits"), chromedp.WaitVisible("#hit-list"))
			owner.do("wait for the stream", chromedp.WaitVisible(`#hit-list[data-live="1"]`))

			// 4. Spain's border officer screens a Latin spelling.
			border := newTab()
			border.signIn(e, "es.officer")
			border.do("screen", chromedp.Navigate(e.URL+"/screen?kind=person"), chromedp.WaitVisible("#name"),
				chromedp.SendKeys("#name", "Abdul Latif Kharubi"), chromedp.SendKeys("#place", "Algeciras"),
				chromedp.Click("#screen-submit"), chromedp.WaitVisible("#screen-results tr.hit"))
			if got := border.text("#screen-results"); !strings.Contains(got, "Kharroubi") {
				t.Fatalf("screening did not find the notice: %q", got)
			}
			border.shot("4-screening")

			// 5. The hit arrives in the owner's inbox without a reload.
			owner.do("see the hit arrive", chromedp.WaitVisible(`#hit-rows a[href^="/hits/"]`))
			es, _ := members.BureauFor("ES")
			if got := owner.text("#hit-rows"); !strings.Contains(got, es.Name(lang)) {
				t.Errorf("the inbox row does not name the searching bureau: %q", got)
			}
			if got := owner.text("#live"); got == "" {
				t.Error("the live region did not announce the hit")
			}
			owner.shot("5-live-hit")
		})
	}
}

func (b *tab) attr(sel, name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
	if err != nil {
		b.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v.Value
}

func (b *tab) location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

func (b *tab) eval(js string) bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}
