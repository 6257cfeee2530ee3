package api_test

// Fuzz targets for the outside input FuzzRequestBody does not reach with
// properties of its own: the accreditation list as JSON, the batch
// screening body line by line, the citizen's report form (its loss
// amount included) and the report status page's two forms. Like the
// other request-body targets they run through a real server on every
// configured store, and check what the answer says against what was
// stored: a refusal names the field and writes nothing.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// formServer is one server per store for a whole fuzz run: the host's
// unit of a gathering under way, and one citizen's report.
type formServer struct {
	f       *fixture
	host    *caller
	gid     string
	receipt string
	secret  string
}

func formServers(tb testing.TB) []*formServer {
	tb.Helper()
	var out []*formServer
	for _, b := range storetest.Backends(tb) {
		f, _ := newIndexedFixture(tb, b, api.Config{Version: "test"}, func(s *api.Server) {
			s.PublicRate, s.ReportRate, s.ReportFollowRate = 1<<30, 1<<30, 1<<30
			s.Reports.PoW.Difficulty = 0
			s.Accreditation.Now = func() time.Time { return duringGathering }
		})
		fs := &formServer{f: f}
		fs.host = fs.f.user(tb, "MA", core.RoleOfficer)
		r := fs.f.do(tb, "POST", "/api/v1/gatherings", gatheringBody(), fs.host)
		if r.Status != 201 {
			tb.Fatalf("create gathering: %s", r)
		}
		fs.gid = jsonField(r, "id").(string)
		r = fs.f.do(tb, "POST", "/api/v1/public/reports", map[string]any{"category": "phishing", "narrative": "Un faux SMS de la banque demandait mon code",
			"anonymous": true, "consent": true, "pow": fs.pow(tb)}, nil)
		if r.Status != 201 {
			tb.Fatalf("report: %s", r)
		}
		var rc receiptOut
		r.decode(tb, &rc)
		fs.receipt, fs.secret = rc.Receipt, rc.Secret
		out = append(out, fs)
	}
	return out
}

// pow is a fresh solved proof-of-work.
func (fs *formServer) pow(tb testing.TB) map[string]string {
	tb.Helper()
	r := fs.f.do(tb, "GET", "/api/v1/public/reports/challenge", nil, nil)
	var c reports.Challenge
	r.decode(tb, &c)
	return map[string]string{"challenge": c.Challenge, "counter": reports.Solve(c.Challenge, c.Difficulty)}
}

func (fs *formServer) participants(tb testing.TB) int {
	tb.Helper()
	var q accreditation.Queue
	fs.f.do(tb, "GET", "/api/v1/gatherings/"+fs.gid+"/participants?limit=1", nil, fs.host).decode(tb, &q)
	n := 0
	for _, c := range q.Counts {
		n += c
	}
	return n
}

func (fs *formServer) report(tb testing.TB, receipt string) *core.Report {
	tb.Helper()
	var r *core.Report
	if err := fs.f.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		r, err = tx.GetReportByReceipt(receipt)
		if core.ErrorCode(err) == core.ENOTFOUND {
			r, err = nil, nil
		}
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return r
}

func (fs *formServer) reportCount(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := fs.f.Store.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.ReportQueue(core.ReportFilter{Bureau: "MA", Limit: 100000})
		n = len(rs)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

// sameStatus fails unless every store answered the same status.
func sameStatus(t *testing.T, what string, statuses map[string]int) {
	t.Helper()
	first := -1
	for _, s := range statuses {
		if first == -1 {
			first = s
		} else if s != first {
			t.Fatalf("the stores answer %s differently: %v", what, statuses)
		}
	}
}

// FuzzAccreditationJSON: whatever JSON list the host's unit sends, the
// import is all or nothing: a 201 that imported every participant listed,
// or a 4xx problem (422 naming participants[i].field for an i of the
// list, or the body) after which the gathering holds no more
// participants than before.
func FuzzAccreditationJSON(f *testing.F) {
	f.Add([]byte(`{"participants":[{"ref":"A-001","category":"delegate","name":"Ilyas Vandermolen","date_of_birth":"1971-03-09","sex":"M","nationalities":["BE"],"documents":[{"number":"EP4411201","country":"BE","type":"passport"}],"organisation":"Police fédérale"}]}`))
	f.Add([]byte(`{"participants":[{"category":"staff","name":"Оксана Древлянська","other_names":["Oksana Drevlyanska"]},{"category":"journalist","name":"عبد اللطيف خروبي","nationalities":["MAR"]}]}`))
	f.Add([]byte(`{"participants":[{"ref":"X","category":"chef","name":"","date_of_birth":"1990-13-40","sex":"X","nationalities":["ZZ"],"documents":[{"number":"","country":"FR"}]},{"ref":"X","category":"staff","name":"Nadia Haddou-Lemaire"}]}`))
	f.Add([]byte(`{"participants":[]}`))
	f.Add([]byte(`{"participants":[{"category":"guest","name":"A\u0000B"}]}`))
	f.Add([]byte(`{"participants":[{"category":"guest","name":"Tove Lindqvist-Amaro","extra":1}]}`))
	f.Add([]byte(`{"participants":{}}`))
	f.Add([]byte(`[`))
	servers := formServers(f)
	fieldRe := regexp.MustCompile(`^participants\[(\d+)\]`)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 32<<10 {
			return
		}
		var listed accreditation.ListInput
		listedOK := json.Unmarshal(body, &listed) == nil
		statuses := map[string]int{}
		for _, fs := range servers {
			before := fs.participants(t)
			r := fs.f.do(t, "POST", "/api/v1/gatherings/"+fs.gid+"/participants", body, fs.host)
			statuses[fs.f.Backend] = r.Status
			after := fs.participants(t)
			switch {
			case r.Status == 201:
				var res accreditation.ImportResult
				r.decode(t, &res)
				if !listedOK || res.Imported != len(listed.Participants) || after != before+res.Imported {
					t.Fatalf("%s: imported %d of %d listed; %d participants before, %d after: %s", fs.f.Backend, res.Imported, len(listed.Participants), before, after, r)
				}
			case r.Status >= 400 && r.Status < 500:
				if after != before {
					t.Fatalf("%s: a refused list left %d participants (%d before): %s", fs.f.Backend, after, before, r)
				}
				if r.Status != 422 {
					continue
				}
				var p problem
				r.decode(t, &p)
				if p.Code != core.EINVALID || len(p.Errors) == 0 {
					t.Fatalf("%s: a 422 without the fields: %s", fs.f.Backend, r)
				}
				for _, e := range p.Errors {
					m := fieldRe.FindStringSubmatch(e.Field)
					if e.Reason == "" {
						t.Fatalf("%s: field %q without a reason", fs.f.Backend, e.Field)
					}
					if m == nil {
						if e.Field == "participants" || !strings.HasPrefix(e.Field, "participants") {
							continue // the list itself, or the body
						}
						t.Fatalf("%s: field %q names no participant", fs.f.Backend, e.Field)
					}
					if i, _ := strconv.Atoi(m[1]); listedOK && i >= len(listed.Participants) {
						t.Fatalf("%s: field %q names participant %d of %d", fs.f.Backend, e.Field, i, len(listed.Participants))
					}
				}
			default:
				t.Fatalf("%s: %s for body %q", fs.f.Backend, r, body)
			}
		}
		sameStatus(t, fmt.Sprintf("body %q", body), statuses)
	})
}

// batchLineAnswer is one line of the batch's answer.
type batchLineAnswer struct {
	Line  int             `json:"line"`
	ID    string          `json:"id"`
	Hits  json.RawMessage `json:"hits"`
	Count int             `json:"count"`
	Error *problem        `json:"error"`
}

// FuzzScreenBatchLines: whatever lines a batch holds, the answer is one
// line per line that is not blank, numbered as the body numbers them,
// in order: an error (a problem with a code, never a 5xx) or a count of
// the hits given; a line that is not JSON is an error.
func FuzzScreenBatchLines(f *testing.F) {
	f.Add([]byte(`{"type":"person","name":"Karim El Idrissi","date_of_birth":"1980-01-01","id":"p1"}` + "\n" + `{"type":"document","number":"QX4471902","country":"MA","id":"d1"}` + "\n"))
	f.Add([]byte(`{"type":"identifier","value":"FR7630006000011234567890189"}` + "\n\n  \n" + `{"type":"person","name":""}` + "\r\n" + `not json`))
	f.Add([]byte(`{"type":"document","mrz":"P<MARZARHOUNI<<HAMID<<<<<<<<<<<<<<<<<<<<<<<<<QX44719024MAR7901011M3001013<<<<<<<<<<<<<<06"}`))
	f.Add([]byte(`{"type":"ship","name":"x"}` + "\n" + `{"type":"person","name":"x","extra":true}` + "\n" + `[1]` + "\n" + `{"type":"person","name":"\ud800"}`))
	f.Add([]byte("\n\n\n"))
	servers := formServers(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 16<<10 {
			return
		}
		var want []int // the numbers of the lines that are not blank
		var raws [][]byte
		parts := bytes.Split(body, []byte("\n"))
		if len(parts) > 0 && len(parts[len(parts)-1]) == 0 {
			parts = parts[:len(parts)-1]
		}
		for i, p := range parts {
			if raw := bytes.TrimSpace(p); len(raw) > 0 {
				want = append(want, i+1)
				raws = append(raws, raw)
			}
		}
		statuses := map[string]int{}
		for _, fs := range servers {
			r := fs.f.do(t, "POST", "/api/v1/screen/batch", body, fs.host, "Content-Type", "application/x-ndjson")
			statuses[fs.f.Backend] = r.Status
			if r.Status != 200 {
				t.Fatalf("%s: %s", fs.f.Backend, r)
			}
			var got []batchLineAnswer
			dec := json.NewDecoder(bytes.NewReader(r.Body))
			for {
				var a batchLineAnswer
				if err := dec.Decode(&a); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: the answer is not JSON lines: %v: %s", fs.f.Backend, err, r)
				}
				got = append(got, a)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d answers for %d lines %v: %s", fs.f.Backend, len(got), len(want), want, r)
			}
			for i, a := range got {
				if a.Line != want[i] {
					t.Fatalf("%s: answer %d is for line %d, not %d: %s", fs.f.Backend, i, a.Line, want[i], r)
				}
				if a.Error != nil {
					if a.Error.Code == "" || a.Error.Status < 400 || a.Error.Status >= 500 || a.Error.Title == "" {
						t.Fatalf("%s: line %d: an error without a code, or a server error: %+v", fs.f.Backend, a.Line, a.Error)
					}
					continue
				}
				if !json.Valid(raws[i]) {
					t.Fatalf("%s: line %d, not JSON, was screened: %q", fs.f.Backend, a.Line, raws[i])
				}
				var hits []json.RawMessage
				if len(a.Hits) > 0 {
					json.Unmarshal(a.Hits, &hits)
				}
				if a.Count != len(hits) {
					t.Fatalf("%s: line %d counts %d hits and gives %d", fs.f.Backend, a.Line, a.Count, len(hits))
				}
			}
		}
		sameStatus(t, fmt.Sprintf("body %q", body), statuses)
	})
}

var pageReceiptRe = regexp.MustCompile(`R-\d{4}-[A-Z2-9]+`)

// postPage sends a form to a public page, URL-encoded or multipart: the
// answer is an HTML page, never a 5xx, and valid UTF-8 when every value
// sent was (FuzzPublicPageEcho checks the page when one was not).
func postPage(t *testing.T, fs *formServer, path string, form url.Values, multi bool, files map[string][]byte) page {
	t.Helper()
	var req *http.Request
	if multi {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for name, b := range files {
			w, _ := mw.CreateFormFile("files", name)
			w.Write(b)
		}
		mw.Close()
		req, _ = http.NewRequest("POST", fs.f.URL+path, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	} else {
		req, _ = http.NewRequest("POST", fs.f.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	p := send(t, fs.f, req)
	valid := true
	for _, vs := range form {
		for _, v := range vs {
			valid = valid && utf8.ValidString(v)
		}
	}
	if p.Status >= 500 || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") || (valid && !utf8.ValidString(p.Body)) {
		t.Fatalf("%s %s: %d %s %.300q", fs.f.Backend, path, p.Status, p.Header.Get("Content-Type"), p.Body)
	}
	return p
}

// FuzzReportForm: whatever the citizen's form holds, the page answers 201
// with a receipt whose report holds what the form said (the loss amount
// as the number typed, from 0 to 10^12) or a 4xx page after which no
// report was stored; an amount that is not a number is refused.
func FuzzReportForm(f *testing.F) {
	f.Add(uint8(0), "Un faux SMS de la banque demandait mon code", "1500,50", "MAD", "MA64011519000001205000534921", "0612345678", false, false)
	f.Add(uint8(1), "رسالة مزيفة من البنك تطلب الرمز", "", "", "", "Karim; Nadia", true, true)
	f.Add(uint8(2), "An investment site took my savings", "NaN", "EUR", "", "", false, false)
	f.Add(uint8(2), "An investment site took my savings", "Inf", "EUR", "", "", false, true)
	f.Add(uint8(2), "An investment site took my savings", "-12", "EUR", "", "", true, false)
	f.Add(uint8(2), "An investment site took my savings", "1e13", "eur", "", "", false, false)
	f.Add(uint8(2), "An investment site took my savings", "0x1p3", "EUR", "", "", false, false)
	f.Add(uint8(2), "An investment site took my savings", "1.000,50", "EURO", "", "", false, false)
	f.Add(uint8(3), "x\x00y", "12", "\xff", "", "", false, true)
	f.Add(uint8(4), "", "", "", "", "", false, false)
	servers := formServers(f)
	categories := []string{"phishing", "investment_fraud", "sextortion", "other", "not-a-category"}
	f.Fuzz(func(t *testing.T, cat uint8, narrative, amount, currency, iban, names string, anonymous, multi bool) {
		if len(narrative)+len(amount)+len(currency)+len(iban)+len(names) > 16<<10 {
			return
		}
		statuses := map[string]int{}
		for _, fs := range servers {
			pw := fs.pow(t)
			form := url.Values{"category": {categories[int(cat)%len(categories)]}, "narrative": {narrative}, "consent": {"1"}, "names": {names},
				"amount": {amount}, "currency": {currency}, "iban": {iban}, "method": {"transfer"}, "challenge": {pw["challenge"]}, "counter": {pw["counter"]}}
			if anonymous {
				form.Set("anonymous", "1")
			} else {
				form.Set("contact_email", "citizen@example.org")
			}
			before := fs.reportCount(t)
			p := postPage(t, fs, "/report?lang=en", form, multi, nil)
			statuses[fs.f.Backend] = p.Status
			after := fs.reportCount(t)
			num, numErr := strconv.ParseFloat(strings.ReplaceAll(amount, ",", "."), 64)
			paid := strings.TrimSpace(amount) != "" || strings.TrimSpace(currency) != "" || strings.TrimSpace(iban) != ""
			if p.Status != 201 {
				if p.Status < 400 {
					t.Fatalf("%s: %d %.300q", fs.f.Backend, p.Status, p.Body)
				}
				if after != before {
					t.Fatalf("%s: a refused form stored a report (%d → %d)", fs.f.Backend, before, after)
				}
				continue
			}
			rc := pageReceiptRe.FindString(p.Body)
			r := fs.report(t, rc)
			if rc == "" || r == nil || after != before+1 {
				t.Fatalf("%s: 201 without its report (receipt %q, %d → %d)", fs.f.Backend, rc, before, after)
			}
			if amount != "" && numErr != nil {
				t.Fatalf("%s: amount %q, not a number, was taken: %+v", fs.f.Backend, amount, r.Losses)
			}
			if !paid {
				continue
			}
			if len(r.Losses) != 1 {
				t.Fatalf("%s: a payment typed, %d losses stored", fs.f.Backend, len(r.Losses))
			}
			l := r.Losses[0]
			if math.IsNaN(l.Amount) || math.IsInf(l.Amount, 0) || l.Amount < 0 || l.Amount > 1e12 || (amount != "" && l.Amount != num) {
				t.Fatalf("%s: amount %q stored as %v", fs.f.Backend, amount, l.Amount)
			}
		}
		sameStatus(t, "the report form", statuses)
	})
}

// FuzzReportStatusForms: whatever the status page's forms hold, opening
// a report answers it only for its receipt and secret, and a wrong
// secret looks exactly like an unknown receipt; an addition is stored
// (one more, with the text) only with a 200, and a refused one writes
// nothing.
func FuzzReportStatusForms(f *testing.F) {
	f.Add(true, "", "", "Le numéro m'a rappelé hier", false, []byte(nil))
	f.Add(true, "", "", "", true, []byte("%PDF-1.4 capture"))
	f.Add(false, "R-2025-ABCDEFGH", "wrong", "x", false, []byte(nil))
	f.Add(true, "", "wrong secret", "More details", true, []byte(nil))
	f.Add(false, "r-2025-abcdefgh\x00", "\xff", "\x00", true, []byte{0})
	f.Add(true, "", "", strings.Repeat("é", 5001), false, []byte(nil))
	servers := formServers(f)
	f.Fuzz(func(t *testing.T, ownReceipt bool, receipt, secret, text string, multi bool, file []byte) {
		if len(receipt)+len(secret)+len(text)+len(file) > 32<<10 {
			return
		}
		statuses := map[string]int{}
		for _, fs := range servers {
			rcpt, sec := receipt, secret
			if ownReceipt {
				rcpt = fs.receipt
				if secret == "" {
					sec = fs.secret
				}
			}
			right := rcpt == fs.receipt && sec == fs.secret
			// Opening the report.
			p := postPage(t, fs, "/report/status?lang=en", url.Values{"receipt": {rcpt}, "secret": {sec}}, false, nil)
			unknown := postPage(t, fs, "/report/status?lang=en", url.Values{"receipt": {"R-2025-ZZZZZZZZ"}, "secret": {sec}}, false, nil)
			switch {
			case right && p.Status != 200:
				t.Fatalf("%s: the right receipt and secret: %d %.300q", fs.f.Backend, p.Status, p.Body)
			case !right && p.Status == 200:
				t.Fatalf("%s: receipt %q with secret %q opened the report", fs.f.Backend, rcpt, sec)
			case !right && rcpt == fs.receipt && p.Status != unknown.Status:
				t.Fatalf("%s: a wrong secret answers %d, an unknown receipt %d", fs.f.Backend, p.Status, unknown.Status)
			}
			if strings.Contains(p.Body, fs.secret) && !right {
				t.Fatalf("%s: the secret shown without being given", fs.f.Backend)
			}
			// Adding to it.
			before := fs.report(t, fs.receipt)
			var files map[string][]byte
			if multi && file != nil {
				files = map[string][]byte{"capture.pdf": file}
			}
			a := postPage(t, fs, "/report/status/add?lang=en", url.Values{"receipt": {rcpt}, "secret": {sec}, "text": {text}}, multi, files)
			statuses[fs.f.Backend] = a.Status
			after := fs.report(t, fs.receipt)
			added, attached := len(after.Additions)-len(before.Additions), len(after.Attachments)-len(before.Attachments)
			textAdded := added == 1 && after.Additions[len(after.Additions)-1].Text == strings.TrimSpace(text)
			fileOnly := added == 0 && attached == 1 && strings.TrimSpace(text) == ""
			switch {
			case a.Status == 200 && (!right || !(textAdded || fileOnly) || attached > len(files)):
				t.Fatalf("%s: an addition answered 200 (right %v) but %d additions, %d files stored: %+v", fs.f.Backend, right, added, attached, after.Additions)
			case a.Status != 200 && (added != 0 || attached != 0):
				t.Fatalf("%s: a refused addition (%d) wrote %d additions, %d files", fs.f.Backend, a.Status, added, attached)
			case a.Status != 200 && a.Status < 400:
				t.Fatalf("%s: addition: %d", fs.f.Backend, a.Status)
			}
		}
		sameStatus(t, "the status forms", statuses)
	})
}

// FuzzPublicPageEcho: a refused public form is shown again with what the
// citizen typed, in a page declared UTF-8: whatever bytes a field held,
// the page is valid UTF-8 (and never a 5xx).
func FuzzPublicPageEcho(f *testing.F) {
	for _, s := range []string{"Karim El Idrissi", "عبد الرحيم", "\x00", "<script>"} {
		for field := range uint8(4) {
			f.Add(field, s)
		}
	}
	servers := formServers(f)
	f.Fuzz(func(t *testing.T, field uint8, value string) {
		if len(value) > 4<<10 {
			return
		}
		for _, fs := range servers {
			var path string
			var form url.Values
			switch field % 4 {
			case 0, 1, 2:
				pw := fs.pow(t)
				form = url.Values{"category": {"phishing"}, "narrative": {"A fake bank SMS asked for my code"}, "consent": {"1"}, "anonymous": {"1"},
					"challenge": {pw["challenge"]}, "counter": {pw["counter"]}}
				form.Set([]string{"narrative", "currency", "names"}[field%4], value)
				path = "/report?lang=en"
			case 3:
				form, path = url.Values{"receipt": {value}, "secret": {"not the secret"}}, "/report/status?lang=en"
			}
			p := postPage(t, fs, path, form, false, nil)
			if !utf8.ValidString(p.Body) {
				i := strings.IndexFunc(p.Body, func(r rune) bool { return r == utf8.RuneError })
				t.Fatalf("%s: %s answers %d with a page that is not UTF-8, near %q", fs.f.Backend, path, p.Status, p.Body[max(0, i-80):min(len(p.Body), i+20)])
			}
		}
	})
}
