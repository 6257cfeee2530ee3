package api_test

// Browser tests of the citizen's pages: headless Chromium (the system's)
// reports, is refused, corrects, waits for the proof-of-work worker and
// follows the report on the web, in Arabic and in French; and the worker's
// hashing rate is measured. They skip when no Chromium is installed
// (outside CI) and in -short mode. Screenshots go to MANARA_SCREENSHOTS if
// set, else to the test's temporary directory (the log names each file).

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/web/browsertest"
)

type citizenTab struct {
	t         *testing.T
	ctx       context.Context
	dir, lang string
}

func (b *citizenTab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s (%s): %v", what, b.lang, err)
	}
}

func (b *citizenTab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *citizenTab) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(sel))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func evalIn[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

func (b *citizenTab) shot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(b.dir, "citizen-"+b.lang+"-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// recordProgress keeps, in the tab's session storage (it survives the
// form's submission), every state the proof-of-work box shows.
const recordProgress = `(() => {
	sessionStorage.setItem("pow", "[]");
	const box = document.getElementById("pow");
	new MutationObserver(() => {
		const a = JSON.parse(sessionStorage.getItem("pow"));
		a.push({hidden: box.hidden, bar: +document.getElementById("pow-bar").value, text: document.getElementById("pow-text").textContent});
		sessionStorage.setItem("pow", JSON.stringify(a));
	}).observe(box, {attributes: true, childList: true, subtree: true, characterData: true});
	return true;
})()`

type powState struct {
	Hidden bool
	Bar    float64
	Text   string
}

// TestBrowserCitizenReportAndFollowUp: a citizen's report refused for a
// bad date keeps what was typed (and names the screenshot to attach
// again); corrected, it is sent once the worker's proof-of-work is done,
// with its progress shown; then the citizen follows it on the web with
// the receipt and secret and adds information — in Arabic and French,
// at the default difficulty.
func TestBrowserCitizenReportAndFollowUp(t *testing.T) {
	browser := browsertest.Start(t, 412, 915) // a mid-size phone
	dir := browsertest.Screenshots(t)
	cats, err := i18n.Shared()
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(t.TempDir(), "capture-ecran.png")
	if err := os.WriteFile(png, tinyPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ar", "fr"} {
		t.Run(lang, func(t *testing.T) {
			f, srv := newIndexedFixture(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}, api.Config{Version: "test"}, nil)
			if got := srv.Reports.PoW.Difficulty; got != reports.DefaultPoWDifficulty {
				t.Fatalf("the server's difficulty is %d, want the default %d", got, reports.DefaultPoWDifficulty)
			}
			L := cats.Lang(lang)
			ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			if err := chromedp.Do(ctx); err != nil {
				t.Fatal(err)
			}
			b := &citizenTab{t: t, ctx: ctx, dir: dir, lang: lang}
			narrative := map[string]string{"ar": "اتصل بي شخص ادعى أنه من البنك وأخذ رمز البطاقة", "fr": "Un faux conseiller bancaire m'a appelé et a obtenu mon code"}[lang]

			// 1. Refused: the date is not one.
			b.do("open the page", chromedp.Navigate(f.URL+"/report?lang="+lang), chromedp.WaitVisible("#narrative"))
			if dirAttr := evalIn[string](t, ctx, `document.documentElement.dir`); (lang == "ar") != (dirAttr == "rtl") {
				t.Fatalf("direction %q", dirAttr)
			}
			b.do("fill the form",
				chromedp.SetValue("#category", "online_fraud"),
				chromedp.SendKeys("#narrative", narrative),
				chromedp.SendKeys("#occurred_at", "hier"),
				chromedp.SendKeys("#phones", "0612345678, 0698765432"),
				chromedp.SetUploadFiles("#screenshot", []string{png}),
				chromedp.Click(`input[name="consent"]`))
			evalIn[bool](t, ctx, recordProgress)
			b.do("send", chromedp.Click("#send"), chromedp.WaitVisible("#occurred_at-err"))
			if got, want := b.text("#occurred_at-err"), L.T("reason.date"); got != want {
				t.Errorf("date error %q, want %q", got, want)
			}
			if got := b.value("#narrative"); got != narrative {
				t.Errorf("narrative not kept: %q", got)
			}
			if got := b.value("#phones"); got != "0612345678, 0698765432" {
				t.Errorf("phones not kept: %q", got)
			}
			if got := b.value("#category"); got != "online_fraud" {
				t.Errorf("category not kept: %q", got)
			}
			if got := b.text("#reattach"); !strings.Contains(got, "capture-ecran.png") {
				t.Errorf("the page does not ask for the screenshot again: %q", got)
			}
			b.shot("1-refused")

			// 2. Corrected and sent: the worker's progress shows, then the
			// form goes with its counter.
			evalIn[bool](t, ctx, recordProgress)
			b.do("correct and send",
				chromedp.SetValue("#occurred_at", "2026-03-14"),
				chromedp.SetUploadFiles("#screenshot", []string{png}),
				chromedp.Click("#send"),
				chromedp.WaitVisible("#receipt-number"))
			var states []powState
			if err := json.Unmarshal([]byte(evalIn[string](t, ctx, `sessionStorage.getItem("pow")`)), &states); err != nil {
				t.Fatal(err)
			}
			working := strings.SplitN(L.T("citizen.pow.working", "{p}"), "{p}", 2)[0]
			var sawWork, sawDone bool
			for _, s := range states {
				sawWork = sawWork || !s.Hidden && strings.HasPrefix(s.Text, working)
				sawDone = sawDone || s.Text == L.T("citizen.pow.done") && s.Bar == 100
			}
			if !sawWork || !sawDone {
				t.Errorf("progress not shown in %s: %+v", lang, states)
			}
			receipt, secret := b.text("#receipt-number"), b.text("#receipt-secret")
			if !receiptRe.MatchString(receipt) || len(secret) != 32 {
				t.Fatalf("receipt %q secret %q", receipt, secret)
			}
			b.shot("2-received")

			// 3. Followed on the web.
			b.do("open the follow-up", chromedp.Click("#follow-link"), chromedp.WaitVisible("#lookup"))
			b.shot("3-lookup")
			b.do("open the report", chromedp.SendKeys("#receipt", receipt), chromedp.SendKeys("#secret", secret),
				chromedp.Click("#open"), chromedp.WaitVisible("#report-status"))
			if got := b.text("#status"); got != L.T("rstatus.received") {
				t.Errorf("status shown as %q", got)
			}
			if got := b.text("#files"); got != L.Num(1) {
				t.Errorf("files shown as %q", got)
			}
			b.shot("4-status")

			// 4. Information added.
			b.do("add information", chromedp.SendKeys("#text", "+212611223344"), chromedp.Click("#add-send"), chromedp.WaitVisible("#added"))
			if got := b.text("#additions"); got != L.Num(1) {
				t.Errorf("additions shown as %q", got)
			}
			b.shot("5-added")
			rep := followJSON(t, f, receipt, secret)
			if rep.Additions != 1 || rep.Files != 1 || rep.Status != "received" {
				t.Errorf("the API sees %+v", rep)
			}
		})
	}
}

// TestBrowserProofOfWorkRate measures, in headless Chromium on this
// machine, the hashes a second of the page's worker (pure JavaScript) and
// of crypto.subtle.digest one call at a time (as the page did before), and
// checks the worker's answer against the server's check. The figures are
// logged, never asserted.
func TestBrowserProofOfWorkRate(t *testing.T) {
	browser := browsertest.Start(t, 412, 915) // a mid-size phone
	f, _ := newIndexedFixture(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}, api.Config{Version: "test"}, nil)
	if err := chromedp.Do(browser, chromedp.Navigate(f.URL+"/report?lang=en"), chromedp.WaitVisible("#send")); err != nil {
		t.Fatal(err)
	}
	challenge := evalIn[string](t, browser, `document.querySelector("[name=challenge]").value`)
	// Correctness: the worker's counter passes the server's check.
	counter := evalIn[string](t, browser, `new Promise(res => { const w = new Worker("/report/assets/pow-worker.js");
		w.onmessage = m => { if (m.data.counter !== undefined) { w.terminate(); res(m.data.counter) } };
		w.postMessage({challenge: `+jsString(challenge)+`, difficulty: 14}) })`)
	if got := reports.LeadingZeroBits(challenge, counter); got < 14 || len(counter) > 20 {
		t.Fatalf("the worker's counter %q gives %d zero bits", counter, got)
	}
	for round := 0; round < 3; round++ {
		js := evalIn[float64](t, browser, `new Promise(res => { const w = new Worker("/report/assets/pow-worker.js");
			w.onmessage = m => { if (m.data.done) { w.terminate(); res(m.data.tried / m.data.ms * 1000) } };
			w.postMessage({challenge: `+jsString(challenge)+`, difficulty: 256, max: 2000000}) })`)
		subtle := evalIn[float64](t, browser, `(async () => { const c = `+jsString(challenge)+`, e = new TextEncoder(), n = 20000, t0 = performance.now();
			for (let i = 0; i < n; i++) await crypto.subtle.digest("SHA-256", e.encode(c + i));
			return n / (performance.now() - t0) * 1000 })()`)
		t.Logf("round %d: worker (pure JS) %.0f hashes/s; crypto.subtle.digest one at a time %.0f hashes/s", round+1, js, subtle)
	}
	// The time to solve fresh challenges at the default difficulty, as
	// the page does (a new worker each time), and its median.
	ms := evalIn[[]float64](t, browser, `(async () => { const out = [];
		for (let i = 0; i < 15; i++) {
			const c = "median-" + i + "-" + Math.random().toString(36).slice(2) + "-".repeat(40), t0 = performance.now();
			await new Promise(res => { const w = new Worker("/report/assets/pow-worker.js");
				w.onmessage = m => { if (m.data.counter !== undefined) { w.terminate(); res() } };
				w.postMessage({challenge: c, difficulty: `+strconv.Itoa(reports.DefaultPoWDifficulty)+`}) });
			out.push(performance.now() - t0);
		}
		return out })()`)
	sort.Float64s(ms)
	t.Logf("difficulty %d: 15 solves, median %.0f ms, slowest %.0f ms", reports.DefaultPoWDifficulty, ms[len(ms)/2], ms[len(ms)-1])
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func followJSON(t *testing.T, f *fixture, receipt, secret string) reports.FollowUp {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/public/reports/"+receipt, nil, nil, "X-Report-Secret", secret)
	var fu reports.FollowUp
	if r.Status != 200 {
		t.Fatalf("follow %s: %s", receipt, r)
	}
	r.decode(t, &fu)
	return fu
}

// tinyPNG is a PNG signature and header: enough for the type sniffer.
var tinyPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
