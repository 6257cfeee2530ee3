package api_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

var (
	challengeRe = regexp.MustCompile(`name="challenge" value="([^"]+)" data-difficulty="(\d+)"`)
	receiptRe   = regexp.MustCompile(`R-\d{4}-[A-Z2-9]{8}`)
)

func getPage(t *testing.T, f *fixture, path, acceptLang string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", f.URL+path, nil)
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return string(b)
}

// TestReportPage: the page renders in Arabic right to left, follows the
// browser's language, and its form works with the proof-of-work solved as
// the inline script would.
func TestReportPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ar := getPage(t, f, "/report?lang=ar", "")
		if !strings.Contains(ar, `<html lang="ar" dir="rtl">`) || !strings.Contains(ar, "التبليغ عن جريمة إلكترونية") {
			t.Fatalf("Arabic page: %.300s", ar)
		}
		if fr := getPage(t, f, "/report", "fr-FR,fr;q=0.9,en;q=0.5"); !strings.Contains(fr, `<html lang="fr" dir="ltr">`) {
			t.Errorf("Accept-Language fr: %.200s", fr)
		}
		m := challengeRe.FindStringSubmatch(ar)
		if m == nil {
			t.Fatal("no challenge in the form")
		}
		diff, _ := strconv.Atoi(m[2])
		form := url.Values{"category": {"phishing"}, "narrative": {"رسالة مزيفة من البنك تطلب الرمز"}, "phones": {"0612345678"}, "consent": {"1"}, "anonymous": {"1"},
			"challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
		res, err := f.client.PostForm(f.URL+"/report?lang=ar", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 201 || !receiptRe.Match(b) || !strings.Contains(string(b), `dir="rtl"`) {
			t.Fatalf("POST /report: %d %.500s", res.StatusCode, b)
		}
		// Without the work and too early: refused, with the reason on the page.
		form.Set("counter", "")
		form.Set("challenge", challengeRe.FindStringSubmatch(getPage(t, f, "/report?lang=en", ""))[1])
		res, _ = f.client.PostForm(f.URL+"/report?lang=en", form)
		b, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 422 || !strings.Contains(string(b), "Security check: Without JavaScript, please wait at least half a minute") {
			t.Errorf("no proof-of-work: %d %.300s", res.StatusCode, b)
		}
	})
}

// post sends the report form in lang and answers the status and page.
func postReport(t *testing.T, f *fixture, lang string, form url.Values) (int, string) {
	t.Helper()
	res, err := f.client.PostForm(f.URL+"/report?lang="+lang, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestReportPageLanguages: the citizen's page in each of the four
// languages — empty, refused with field errors, and after a report is
// received — shows no English and no raw catalog key outside English;
// field errors stand next to their fields in the page's language, the
// citizen's input is kept, and the API still answers in English.
func TestReportPageLanguages(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { reportPageLanguages(t, b) })
	}
}

func reportPageLanguages(t *testing.T, b storetest.Backend) {
	f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.ReportRate, s.Reports.PoW.Difficulty = 1000, 4 })
	{
		if es := getPage(t, f, "/report", "es-419,es;q=0.9"); !strings.Contains(es, `<html lang="es" dir="ltr">`) || !strings.Contains(es, "Denunciar un ciberdelito") {
			t.Errorf("Accept-Language es-419: %.300s", es)
		}
		if es := getPage(t, f, "/report?lang=es", "ar"); !strings.Contains(es, `<html lang="es"`) || !strings.Contains(es, `>Español</a>`) {
			t.Errorf("?lang=es: %.300s", es)
		}
		// What each language says for a bad date, next to the field.
		badDate := map[string]string{"ar": "أدخل تاريخًا بالصيغة YYYY-MM-DD", "fr": "Indiquez une date sous la forme AAAA-MM-JJ",
			"en": "Give a date as YYYY-MM-DD", "es": "Indique una fecha con el formato AAAA-MM-DD"}
		for _, lang := range lang.Supported {
			page := getPage(t, f, "/report?lang="+lang, "")
			checkNoLeaks(t, lang+" empty", page, lang)
			m := challengeRe.FindStringSubmatch(page)
			diff, _ := strconv.Atoi(m[2])
			// Refused: no category, a date that is not one, an amount that
			// is not a number, no consent.
			form := url.Values{"narrative": {"Un faux conseiller m'a pris 900 MAD"}, "occurred_at": {"hier"}, "phones": {"0612345678"}, "anonymous": {"1"},
				"challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
			code, page := postReport(t, f, lang, form)
			if code != 422 || !strings.Contains(page, `id="occurred_at-err">`+badDate[lang]) || !strings.Contains(page, `id="category-err"`) ||
				!strings.Contains(page, `id="consent-err"`) || !strings.Contains(page, "Un faux conseiller m&#39;a pris 900 MAD") {
				t.Errorf("%s refused: %d\n%s", lang, code, page)
			}
			checkNoLeaks(t, lang+" refused", page, lang)
			form.Set("amount", "neuf cents")
			if code, page = postReport(t, f, lang, form); code != 422 || !strings.Contains(page, `id="amount-err"`) {
				t.Errorf("%s bad amount: %d\n%s", lang, code, page)
			}
			checkNoLeaks(t, lang+" bad amount", page, lang)
			// Received.
			form = url.Values{"category": {"online_fraud"}, "narrative": {"Un faux conseiller m'a pris 900 MAD"}, "phones": {"0612345678"}, "consent": {"1"}, "anonymous": {"1"},
				"challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
			if code, page = postReport(t, f, lang, form); code != 201 || !receiptRe.MatchString(page) {
				t.Fatalf("%s received: %d\n%s", lang, code, page)
			}
			checkNoLeaks(t, lang+" received", page, lang)
		}
		// The API keeps its English reasons.
		r := f.do(t, "POST", "/api/v1/public/reports", map[string]any{"narrative": "x", "consent": true}, nil)
		if r.Status != 422 || !strings.Contains(string(r.Body), `{"field":"category","reason":"is required: one of online_fraud`) || strings.Contains(string(r.Body), "params") {
			t.Errorf("API reasons: %d %s", r.Status, r.Body)
		}
	}
}

func checkNoLeaks(t *testing.T, what, page, lang string) {
	t.Helper()
	if lang == "en" {
		return
	}
	for _, l := range i18ntest.Leaks(page, lang) {
		t.Errorf("%s: %s", what, l)
	}
}

// TestReportPageKeepsTransactionHash: a citizen who gives only the
// transaction hash (and currency) of a payment, with no amount, IBAN or
// wallet, has them kept in the report: the page does not drop the loss's
// fields silently. The method alone (its select always sends one) makes
// no loss.
func TestReportPageKeepsTransactionHash(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty, s.ReportRate = 4, 1000 })
			analyst := f.user(t, "MA", core.RoleAnalyst)
			txHash := "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
			for _, c := range []struct {
				narrative string
				loss      url.Values
				want      []core.Loss
			}{
				{"A fictitious trading site took my coins", url.Values{"currency": {"USD"}, "tx_hash": {txHash}}, []core.Loss{{Currency: "USD", Method: "crypto", TxHash: txHash}}},
				{"A fictitious caller asked for my card code", nil, nil},
			} {
				m := challengeRe.FindStringSubmatch(getPage(t, f, "/report?lang=en", ""))
				diff, _ := strconv.Atoi(m[2])
				form := url.Values{"category": {"investment_fraud"}, "narrative": {c.narrative}, "method": {"crypto"},
					"consent": {"1"}, "anonymous": {"1"}, "challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
				for k, v := range c.loss {
					form[k] = v
				}
				status, page := postReport(t, f, "en", form)
				if status != http.StatusCreated {
					t.Fatalf("POST /report: %d %.400s", status, page)
				}
				var q struct{ Items []core.Report }
				f.do(t, "GET", "/api/v1/reports", nil, analyst).decode(t, &q)
				i := slices.IndexFunc(q.Items, func(r core.Report) bool { return r.Narrative == c.narrative })
				if i < 0 {
					t.Fatalf("%q is not in the queue: %+v", c.narrative, q.Items)
				}
				if got := q.Items[i].Losses; !slices.Equal(got, c.want) {
					t.Errorf("%q: losses %+v, want %+v (what the citizen typed, nothing more)", c.narrative, got, c.want)
				}
			}
		})
	}
}
