package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/web/pageheaders"
)

// page is one answer of a public page.
type page struct {
	Status int
	Header http.Header
	Body   string
}

func send(t *testing.T, f *fixture, req *http.Request) page {
	t.Helper()
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, res.Header, string(b)}
}

func postForm(t *testing.T, f *fixture, path string, form url.Values) page {
	t.Helper()
	req, _ := http.NewRequest("POST", f.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, f, req)
}

// postMultipart sends fields and files (field name → file name → bytes).
func postMultipart(t *testing.T, f *fixture, path string, fields url.Values, files map[string]map[string][]byte) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, fs := range files {
		for name, b := range fs {
			w, _ := mw.CreateFormFile(field, name)
			w.Write(b)
		}
	}
	mw.Close()
	req, _ := http.NewRequest("POST", f.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return send(t, f, req)
}

// aReport sends a report through the API and answers its receipt.
func aReport(t *testing.T, f *fixture) receiptOut {
	t.Helper()
	return submitReport(t, f, map[string]any{"category": "phishing", "narrative": "Un faux SMS de la banque demandait mon code", "anonymous": true})
}

func wantPageHeaders(t *testing.T, what string, p page) {
	t.Helper()
	h := p.Header
	if h.Get("Content-Security-Policy") != pageheaders.ContentSecurityPolicy || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: security headers %v", what, h)
	}
	// The policy allows no inline script or style: the page has none.
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|style="`).MatchString(p.Body) {
		t.Errorf("%s: inline script or style, which the policy blocks", what)
	}
}

// TestPublicPagesSecurityHeaders: every public page — the report form,
// a refused and an accepted report, the follow-up form, a refused and a
// successful follow-up, an addition — sends the console's security
// headers; the page's script, worker and style are served as files.
func TestPublicPagesSecurityHeaders(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty = 4 })
			get := func(path string) page {
				req, _ := http.NewRequest("GET", f.URL+path, nil)
				return send(t, f, req)
			}
			report := get("/report?lang=ar")
			wantPageHeaders(t, "GET /report", report)
			// Without JavaScript there is no work: the page says, in its
			// language, to wait before sending.
			cats, _ := i18n.Shared()
			if want := `<noscript><p class="nojs" id="nojs">` + html(cats.Lang("ar").T("citizen.nojs_pow")); !strings.Contains(report.Body, want) {
				t.Errorf("no-script note missing: %q", want)
			}
			m := challengeRe.FindStringSubmatch(report.Body)
			diff, _ := strconv.Atoi(m[2])
			form := url.Values{"narrative": {"x"}, "challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
			wantPageHeaders(t, "refused POST /report", postForm(t, f, "/report?lang=ar", form))
			form.Set("category", "phishing")
			form.Set("consent", "1")
			if p := postForm(t, f, "/report?lang=ar", form); p.Status != 201 {
				t.Fatalf("POST /report: %d", p.Status)
			} else {
				wantPageHeaders(t, "accepted POST /report", p)
			}
			wantPageHeaders(t, "GET /report/status", get("/report/status?lang=fr"))
			rc := aReport(t, f)
			wantPageHeaders(t, "refused POST /report/status", postForm(t, f, "/report/status", url.Values{"receipt": {rc.Receipt}, "secret": {"wrong"}}))
			wantPageHeaders(t, "POST /report/status", postForm(t, f, "/report/status", url.Values{"receipt": {rc.Receipt}, "secret": {rc.Secret}}))
			wantPageHeaders(t, "POST /report/status/add", postMultipart(t, f, "/report/status/add", url.Values{"receipt": {rc.Receipt}, "secret": {rc.Secret}, "text": {"encore"}}, nil))
			for path, ct := range map[string]string{"/report/assets/report.js": "text/javascript", "/report/assets/pow-worker.js": "text/javascript", "/report/assets/report.css": "text/css"} {
				p := get(path)
				if p.Status != 200 || !strings.HasPrefix(p.Header.Get("Content-Type"), ct) || p.Header.Get("X-Content-Type-Options") != "nosniff" || len(p.Body) < 100 {
					t.Errorf("%s: %d %v", path, p.Status, p.Header)
				}
			}
			for _, path := range []string{"/report/assets/nothing.js", "/report/assets/report.html", "/report/assets/..%2flayout.html"} {
				if p := get(path); p.Status != 404 {
					t.Errorf("%s: %d, want 404", path, p.Status)
				}
			}
		})
	}
}

// TestReportStatusPage: a citizen follows a report on the web with its
// receipt and secret, in their language: a wrong secret is refused (the
// receipt kept, the secret never echoed) and counted against the limit
// of failed attempts; the right one shows the status; additions are
// validated as the API's, refusals keep the text and name the files to
// attach again; an addition with a file is recorded; each attempt is
// audited as the API's.
func TestReportStatusPage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Reports.PoW.Difficulty, s.ReportFollowRate, s.ReportRate = 4, 3, 1000
			})
			cats, err := i18n.Shared()
			if err != nil {
				t.Fatal(err)
			}
			fr, ar := cats.Lang("fr"), cats.Lang("ar")
			rc := aReport(t, f)
			req, _ := http.NewRequest("GET", f.URL+"/report/status", nil)
			req.Header.Set("Accept-Language", "ar")
			if p := send(t, f, req); p.Status != 200 || !strings.Contains(p.Body, `<html lang="ar" dir="rtl">`) || !strings.Contains(p.Body, `id="lookup"`) ||
				!strings.Contains(p.Body, ar.T("citizen.status.intro")) {
				t.Errorf("lookup form: %d %.400s", p.Status, p.Body)
			} else {
				checkNoLeaks(t, "ar lookup", p.Body, "ar")
			}

			// A wrong secret.
			p := postForm(t, f, "/report/status?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {"0123456789abcdef0123456789abcdef"}})
			if p.Status != 404 || !strings.Contains(p.Body, html(fr.T("citizen.status.notfound"))) || !strings.Contains(p.Body, `value="`+rc.Receipt+`"`) ||
				strings.Contains(p.Body, "0123456789abcdef") || strings.Contains(p.Body, `id="report-status"`) {
				t.Errorf("wrong secret: %d %s", p.Status, p.Body)
			}
			checkNoLeaks(t, "fr not found", p.Body, "fr")

			// The right one, in Arabic.
			p = postForm(t, f, "/report/status?lang=ar", url.Values{"receipt": {strings.ToLower(rc.Receipt)}, "secret": {rc.Secret}})
			if p.Status != 200 || !strings.Contains(p.Body, `id="status" data-status="received">`+ar.T("rstatus.received")) || !strings.Contains(p.Body, rc.Receipt) {
				t.Fatalf("follow-up: %d %s", p.Status, p.Body)
			}
			checkNoLeaks(t, "ar status", p.Body, "ar")

			add := func(lang, text string, files map[string][]byte) page {
				return postMultipart(t, f, "/report/status/add?lang="+lang, url.Values{"receipt": {rc.Receipt}, "secret": {rc.Secret}, "text": {text}},
					map[string]map[string][]byte{"files": files})
			}
			// Nothing to add.
			if p = add("fr", "  ", nil); p.Status != 422 || !strings.Contains(p.Body, `id="text-err">`+html(fr.T("reason.add_required"))) || !strings.Contains(p.Body, `id="report-status"`) {
				t.Errorf("empty addition: %d %s", p.Status, p.Body)
			}
			// Too long: the numbers in the page's language, the text kept.
			long := strings.Repeat("é", reports.MaxAddition+1)
			if p = add("ar", long, nil); p.Status != 422 || !strings.Contains(p.Body, `id="text-err">`+html(ar.T("reason.too_long", ar.Num(reports.MaxAddition+1), ar.Num(reports.MaxAddition)))) ||
				!strings.Contains(p.Body, long+"</textarea>") {
				t.Errorf("long addition: %d %.2000s", p.Status, p.Body)
			}
			checkNoLeaks(t, "ar long addition", p.Body, "ar")
			// A file that is no image or PDF: refused next to the files,
			// named to be attached again, the text kept.
			p = add("fr", "Le numéro +212611223344 a rappelé", map[string][]byte{"notes.txt": []byte("texte brut")})
			if p.Status != 422 || !strings.Contains(p.Body, `id="files-err">`+html(fr.T("reason.file_type"))) || !strings.Contains(p.Body, `id="reattach"`) ||
				!strings.Contains(p.Body, "notes.txt") || !strings.Contains(p.Body, html("Le numéro +212611223344 a rappelé")+"</textarea>") {
				t.Errorf("bad file: %d %s", p.Status, p.Body)
			}
			checkNoLeaks(t, "fr bad file", p.Body, "fr")
			// Accepted, with a screenshot.
			p = add("fr", "Le numéro +212611223344 a rappelé", map[string][]byte{"capture.png": tinyPNG})
			if p.Status != 200 || !strings.Contains(p.Body, `id="added"`) || !strings.Contains(p.Body, `id="additions">1<`) || !strings.Contains(p.Body, `id="files">1<`) ||
				strings.Contains(p.Body, "a rappelé</textarea>") {
				t.Errorf("addition: %d %s", p.Status, p.Body)
			}
			if fu := followJSON(t, f, rc.Receipt, rc.Secret); fu.Additions != 1 || fu.Files != 1 {
				t.Errorf("the API sees %+v", fu)
			}
			// An addition with a wrong secret adds nothing.
			p = postMultipart(t, f, "/report/status/add?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {"deadbeef"}, "text": {"x"}}, nil)
			if p.Status != 404 || !strings.Contains(p.Body, html(fr.T("citizen.status.notfound"))) || strings.Contains(p.Body, "deadbeef") {
				t.Errorf("addition with a wrong secret: %d %s", p.Status, p.Body)
			}
			// Audited as the API's: each follow-up and addition, with its outcome.
			seen := map[string]int{}
			for _, e := range auditEntries(t, f) {
				if strings.HasPrefix(e.Action, "report.follow") || strings.HasPrefix(e.Action, "report.add") {
					seen[e.Action+" "+e.Outcome]++
				}
			}
			if seen["report.follow ok"] < 1 || seen["report.follow not_found"] != 1 || seen["report.add ok"] != 1 || seen["report.add invalid"] != 3 || seen["report.add not_found"] != 1 {
				t.Errorf("audit: %v", seen)
			}
			// Failed attempts are limited per address (3 a minute here:
			// two so far), as the API's.
			postForm(t, f, "/report/status?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {"x"}})
			p = postForm(t, f, "/report/status?lang=fr", url.Values{"receipt": {rc.Receipt}, "secret": {rc.Secret}})
			if p.Status != 429 || p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, html(fr.T("citizen.status.ratelimit"))) {
				t.Errorf("after failed attempts: %d %v %s", p.Status, p.Header, p.Body)
			}
			if r := f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", rc.Secret); r.Status != 429 {
				t.Errorf("the API's follow-up shares the limit: %s", r)
			}
		})
	}
}

// TestReportPageKeepsEverything: a refused report keeps each field, says
// which entry of an identifier list is wrong next to the list, and names
// the screenshot to attach again.
func TestReportPageKeepsEverything(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty, s.ReportRate = 4, 1000 })
			cats, _ := i18n.Shared()
			fr := cats.Lang("fr")
			m := challengeRe.FindStringSubmatch(getPage(t, f, "/report?lang=fr", ""))
			diff, _ := strconv.Atoi(m[2])
			longWallet := strings.Repeat("b", reports.MaxString+1)
			form := url.Values{"category": {"investment_fraud"}, "narrative": {"Une plateforme de placement m'a pris 2000 EUR"}, "occurred_at": {"2026-02-30x"},
				"amount": {"2000"}, "currency": {"EURO"}, "method": {"crypto"}, "iban": {"FR7630006000011234567890189"}, "wallet": {"bc1qexemple"}, "tx_hash": {"abc123"},
				"names": {"Rachid Benali"}, "phones": {"0612345678"}, "emails": {"faux@exemple.test"}, "websites": {"placement-exemple.test"},
				"handles": {"@placement_exemple"}, "accounts": {"MA64011519000001205000534921"}, "wallets": {"bc1qautre, " + longWallet},
				"contact_name": {"Samira Idrissi"}, "contact_email": {"samira@exemple.test"}, "contact_phone": {"0600000000"}, "threat_to_life": {"1"},
				"consent": {"1"}, "challenge": {m[1]}, "counter": {reports.Solve(m[1], diff)}}
			p := postMultipart(t, f, "/report?lang=fr", form, map[string]map[string][]byte{"screenshot": {"reçu-virement.png": tinyPNG}})
			if p.Status != 422 {
				t.Fatalf("refused: %d %s", p.Status, p.Body)
			}
			entry := fr.T("citizen.entry", fr.Num(2), fr.T("reason.too_long", fr.Num(reports.MaxString+1), fr.Num(reports.MaxString)))
			for what, want := range map[string]string{
				"wallet entry":    `id="wallets-err">` + html(entry),
				"currency":        html(fr.T("reason.currency")) + "</p>",
				"date":            `id="occurred_at-err">` + html(fr.T("reason.date")),
				"screenshot":      `id="reattach">`,
				"screenshot name": "reçu-virement.png",
				"threat":          `name="threat_to_life" value="1" checked`,
				"consent":         `name="consent" value="1" required checked`,
				"category":        `value="investment_fraud" selected`,
				"method":          `value="crypto" selected`,
				"not anonymous":   `name="anonymous" value="1">`,
			} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("%s: %q not in the page", what, want)
				}
			}
			for k, vs := range form {
				if k == "challenge" || k == "counter" || k == "threat_to_life" || k == "consent" || k == "category" || k == "method" {
					continue
				}
				if !strings.Contains(p.Body, `value="`+html(vs[0])+`"`) && !strings.Contains(p.Body, html(vs[0])+"</textarea>") {
					t.Errorf("%s not kept", k)
				}
			}
			checkNoLeaks(t, "fr refused", p.Body, "fr")
		})
	}
}

// html escapes s as the page's templates do.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "+", "&#43;").Replace(s)
}
