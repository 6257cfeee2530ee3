package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// solvedPoW asks the public API for a challenge and solves it.
func solvedPoW(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/public/reports/challenge", nil, nil)
	if r.Status != 200 {
		t.Fatalf("challenge: %s", r)
	}
	var c reports.Challenge
	r.decode(t, &c)
	return map[string]string{"challenge": c.Challenge, "counter": reports.Solve(c.Challenge, c.Difficulty)}
}

type receiptOut struct {
	Receipt, Secret string
	Indicators      []core.ReportIndicator
}

func submitReport(t *testing.T, f *fixture, body map[string]any, hdr ...string) receiptOut {
	t.Helper()
	body["pow"] = solvedPoW(t, f)
	body["consent"] = true
	r := f.do(t, "POST", "/api/v1/public/reports", body, nil, hdr...)
	if r.Status != http.StatusCreated {
		t.Fatalf("submit: %s", r)
	}
	var rc receiptOut
	r.decode(t, &rc)
	return rc
}

// TestReportsEndToEnd: citizens report through the API, their reports form
// a campaign, the unit triages (the reporter sees the status), escalates to
// FR, and FR's border key screening the wallet gets the record while DE's
// gets only "possible hit — contact bureau MA".
func TestReportsEndToEnd(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, true)
			f := cf.fixture
			cf.Server.Reports.PoW.Difficulty = 4
			cf.Server.ReportRate = 1000
			wallet := "0x52908400098527886E0F7030069857D2E4169EE7"
			iban := "GB82 WEST 1234 5698 7654 32"
			var receipts []receiptOut
			for i, n := range []string{"I sent money to " + wallet + " after a WhatsApp call from 0612345678", "They asked for a transfer", "Same crypto platform"} {
				body := map[string]any{"category": "investment_fraud", "narrative": n, "country": "MA",
					"losses": []map[string]any{{"amount": 1000 * (i + 1), "currency": "MAD", "method": "transfer", "iban": iban}}}
				if i == 2 {
					body["suspect"] = map[string]any{"wallets": []string{strings.ToLower(wallet)}}
					delete(body, "losses")
				}
				receipts = append(receipts, submitReport(t, f, body))
			}
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
			urgent := submitReport(t, f, map[string]any{"category": "child_exploitation", "narrative": "a stranger asks my child for pictures",
				"attachments": []map[string]any{{"name": "chat.png", "content": png}}})

			analyst := f.user(t, "MA", core.RoleAnalyst)
			officer := f.user(t, "MA", core.RoleOfficer)
			other := f.user(t, "FR", core.RoleAnalyst)
			var q struct{ Items []core.Report }
			f.do(t, "GET", "/api/v1/reports", nil, analyst).decode(t, &q)
			if len(q.Items) != 4 || q.Items[0].Receipt != urgent.Receipt {
				t.Fatalf("queue: %d items, first %+v", len(q.Items), q.Items)
			}
			if q.Items[1].CampaignID != q.Items[2].CampaignID || q.Items[1].CampaignID != q.Items[3].CampaignID {
				t.Fatal("the three linked reports are not one campaign")
			}
			if q.Items[1].LossTotal < q.Items[2].LossTotal {
				t.Error("within an urgency, larger losses come first")
			}
			campaign := q.Items[1].CampaignID
			// The campaign list carries the losses per currency.
			var cl struct{ Items []core.Campaign }
			f.do(t, "GET", "/api/v1/campaigns", nil, analyst).decode(t, &cl)
			if len(cl.Items) != 1 || cl.Items[0].ID != campaign || len(cl.Items[0].LossTotals) != 1 || cl.Items[0].LossTotals[0] != (core.Money{Amount: 3000, Currency: "MAD"}) {
				t.Errorf("campaign list: %+v", cl.Items)
			}
			// Their numbers are read, not guessed: a bad one is refused,
			// naming the field, where the queue once answered a page of
			// 100 and the list every campaign.
			for _, c := range []struct{ path, field string }{
				{"/api/v1/reports?limit=ten", "limit"}, {"/api/v1/reports?limit=501", "limit"},
				{"/api/v1/reports?offset=x", "offset"}, {"/api/v1/reports?offset=-1", "offset"},
				{"/api/v1/campaigns?min_reports=two", "min_reports"}, {"/api/v1/campaigns?limit=0", "limit"},
			} {
				wantProblem(t, f.do(t, "GET", c.path, nil, analyst), 422, "invalid", c.field)
			}
			var page struct{ Items []core.Report }
			f.do(t, "GET", "/api/v1/reports?limit=2&offset=1", nil, analyst).decode(t, &page)
			if len(page.Items) != 2 || page.Items[0].ID != q.Items[1].ID {
				t.Errorf("limit=2&offset=1: %+v", page.Items)
			}
			var none struct{ Items []core.Campaign }
			f.do(t, "GET", "/api/v1/campaigns?min_reports=4", nil, analyst).decode(t, &none)
			if len(none.Items) != 0 {
				t.Errorf("min_reports=4 lists a campaign of three reports: %+v", none.Items)
			}
			if len(q.Items[0].Attachments) != 1 {
				t.Fatalf("attachments: %+v", q.Items[0].Attachments)
			}
			file := f.do(t, "GET", "/api/v1/reports/"+q.Items[0].ID+"/attachments/"+q.Items[0].Attachments[0].ID, nil, analyst)
			if file.Status != 200 || file.Header.Get("Content-Type") != "image/png" || string(file.Body) != string(png) {
				t.Errorf("attachment: %s", file)
			}
			if r := f.do(t, "GET", "/api/v1/reports/"+q.Items[0].ID+"/attachments/"+q.Items[0].Attachments[0].ID, nil, f.user(t, "FR", core.RoleOfficer)); r.Status != 404 {
				t.Errorf("another bureau reads an attachment: %s", r)
			}
			if r := f.do(t, "GET", "/api/v1/reports", nil, other); r.Status != 403 {
				t.Errorf("another bureau reads the queue: %s", r)
			}
			if r := f.do(t, "GET", "/api/v1/reports/"+q.Items[1].ID, nil, other); r.Status != 404 {
				t.Errorf("another bureau reads a report: %s", r)
			}
			if r := f.do(t, "GET", "/api/v1/campaigns/"+campaign, nil, other); r.Status != 404 {
				t.Errorf("another bureau reads a campaign: %s", r)
			}

			// Triage: the reporter sees the status and public note.
			rep := q.Items[1]
			r := f.do(t, "PATCH", "/api/v1/reports/"+rep.ID, map[string]any{"version": rep.Version, "status": "referred", "assignee": "cyber.team", "note": "referred to the financial crimes brigade", "note_public": true}, analyst)
			if r.Status != 200 {
				t.Fatalf("patch: %s", r)
			}
			var mine receiptOut
			for _, rc := range receipts {
				if strings.Contains(string(f.do(t, "GET", "/api/v1/reports/"+rep.ID, nil, analyst).Body), rc.Receipt) {
					mine = rc
				}
			}
			fu := f.do(t, "GET", "/api/v1/public/reports/"+mine.Receipt, nil, nil, "X-Report-Secret", mine.Secret)
			if fu.Status != 200 || jsonField(fu, "status") != "referred" || !strings.Contains(string(fu.Body), "financial crimes brigade") {
				t.Fatalf("follow-up: %s", fu)
			}
			wrong := f.do(t, "GET", "/api/v1/public/reports/"+mine.Receipt, nil, nil, "X-Report-Secret", "0123")
			unknown := f.do(t, "GET", "/api/v1/public/reports/R-2026-ZZZZZZZZ", nil, nil, "X-Report-Secret", mine.Secret)
			sameProblem(t, wrong, unknown)
			if wrong.Status != 404 {
				t.Errorf("wrong secret: %s", wrong)
			}
			add := f.do(t, "POST", "/api/v1/public/reports/"+mine.Receipt+"/additions", map[string]any{"text": "they also used the site https://crypto-gains.example/login"}, nil, "X-Report-Secret", mine.Secret)
			if add.Status != 200 || jsonField(add, "additions") != float64(1) {
				t.Fatalf("addition: %s", add)
			}

			// Campaign view, naming.
			var cv struct {
				Reports, Victims int
				Losses           float64
				Indicators       []struct{ ID, Type, Value, State string }
				PerDay           []map[string]any `json:"growth_per_day"`
			}
			f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/name", map[string]any{"name": "Fake crypto platform"}, analyst).decode(t, &cv)
			if cv.Reports != 3 || cv.Victims != 3 || cv.Losses != 3000 || len(cv.PerDay) != 1 {
				t.Fatalf("campaign view: %+v", cv)
			}

			// Escalation needs an officer; shares with FR only.
			if r := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"FR"}}, analyst); r.Status != 403 {
				t.Errorf("analyst escalates: %s", r)
			}
			if r := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"XX"}}, officer); r.Status != 422 && r.Status != 400 {
				t.Errorf("unknown country: %s", r)
			}
			esc := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"FR"}}, officer)
			if esc.Status != 201 {
				t.Fatalf("escalate: %s", esc)
			}
			var eo struct {
				Records []struct{ ID string }
				Purple  struct{ Type, State string }   `json:"purple_notice"`
				Silver  []struct{ Type, State string } `json:"silver_notices"`
				// Version 1's single one, kept: the first of silver_notices.
				OneSilver struct{ Type, State string } `json:"silver_notice"`
			}
			esc.decode(t, &eo)
			if len(eo.Records) == 0 || eo.Purple.Type != "purple" || len(eo.Silver) != 1 || eo.Silver[0].Type != "silver" || eo.Purple.State != core.NoticeDraft ||
				eo.OneSilver != eo.Silver[0] {
				t.Fatalf("escalation: %s", esc)
			}
			cf.Server.Records.Changed()
			fr := f.key(t, "FR", core.PermScreen)
			de := f.key(t, "DE", core.PermScreen)
			hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": wallet}, fr))
			if len(hs) == 0 || hs[0].Restricted || hs[0].RecordID == "" {
				t.Fatalf("FR screening the wallet: %+v", hs)
			}
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "iban", "value": "GB82WEST12345698765432"}, fr))
			if len(hs) == 0 || hs[0].Restricted {
				t.Fatalf("FR screening the IBAN: %+v", hs)
			}
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": wallet}, de))
			if len(hs) == 0 || !hs[0].Restricted || hs[0].RecordID != "" || hs[0].Owner != "MA" {
				t.Fatalf("DE screening the wallet: %+v", hs)
			}
		})
	}
}

// TestReportsBadInput covers the bad input through the API.
func TestReportsBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		r := f.do(t, "POST", "/api/v1/public/reports", map[string]any{"narrative": "x", "consent": true, "pow": solvedPoW(t, f)}, nil)
		wantProblem(t, r, 422, core.EINVALID, "category")
		r = f.do(t, "POST", "/api/v1/public/reports", map[string]any{"category": "phishing", "narrative": "x", "consent": true}, nil)
		wantProblem(t, r, 422, core.EINVALID, "pow")
		r = f.do(t, "POST", "/api/v1/public/reports", map[string]any{"category": "phishing", "narrative": "x", "consent": true,
			"pow": map[string]string{"challenge": "forged.sig", "counter": "1"}}, nil)
		wantProblem(t, r, 422, core.EINVALID, "pow")
		exe := append([]byte("MZ\x90\x00"), make([]byte, 64)...)
		r = f.do(t, "POST", "/api/v1/public/reports", map[string]any{"category": "phishing", "narrative": "x", "consent": true, "pow": solvedPoW(t, f),
			"attachments": []map[string]any{{"name": "screenshot.png", "content": exe}}}, nil)
		p := wantProblem(t, r, 422, core.EINVALID, "attachments[0].content")
		_ = p
		if !strings.Contains(r.String(), "application/x-msdownload") {
			t.Errorf("the refusal does not say what the file is: %s", r)
		}
		big := make([]byte, reports.MaxAttachmentBytes+1)
		copy(big, "\x89PNG\r\n\x1a\n")
		r = f.do(t, "POST", "/api/v1/public/reports", map[string]any{"category": "phishing", "narrative": "x", "consent": true, "pow": solvedPoW(t, f),
			"attachments": []map[string]any{{"name": "big.png", "content": big}}}, nil)
		wantProblem(t, r, 422, core.EINVALID, "attachments[0].content")
		// Invalid identifiers are kept and flagged, the report accepted.
		rc := submitReport(t, f, map[string]any{"category": "fake_shop", "narrative": "bought shoes", "suspect": map[string]any{"emails": []string{"bad@"}, "accounts": []string{"MA00 1234"}}})
		if len(rc.Indicators) != 2 || rc.Indicators[0].Valid || rc.Indicators[1].Valid {
			t.Errorf("flagged indicators: %+v", rc.Indicators)
		}
		// A flood from one address is refused.
		var last *resp
		for range reports.DefaultCap {
			last = f.do(t, "POST", "/api/v1/public/reports", map[string]any{}, nil)
			if last.Status == 429 {
				break
			}
		}
		if last.Status != 429 || last.Header.Get("Retry-After") == "" {
			t.Errorf("flood: %s", last)
		}
		// Guessing secrets is rate-limited too.
		for range 20 {
			last = f.do(t, "GET", "/api/v1/public/reports/"+rc.Receipt, nil, nil, "X-Report-Secret", "guess")
		}
		if last.Status != 429 {
			t.Errorf("secret guessing: %s", last)
		}
	})
}

// TestIndicatorsSTIXAndCSV: imports map TLP to releasability; exports
// carry only what the reader may see, with markings from releasability.
func TestIndicatorsSTIXAndCSV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		fr := f.user(t, "FR", core.RoleAnalyst)
		de := f.user(t, "DE", core.RoleAnalyst)
		bundle := `{"type":"bundle","id":"bundle--1","objects":[
			{"type":"indicator","spec_version":"2.1","id":"indicator--a","pattern":"[domain-name:value = 'Crypto-Gains.example']","pattern_type":"stix","object_marking_refs":["` + reports.TLPAmber + `"]},
			{"type":"indicator","spec_version":"2.1","id":"indicator--b","pattern":"[x-manara-iban:value = 'GB82 WEST 1234 5698 7654 32']","pattern_type":"stix","object_marking_refs":["` + reports.TLPGreen + `"]},
			{"type":"domain-name","id":"domain-name--c","value":"crypto-gains.example"}]}`
		r := f.do(t, "POST", "/api/v1/indicators/import?format=stix&amber_to=FR", []byte(bundle), ma, "Content-Type", "application/octet-stream")
		if r.Status != 201 || jsonField(r, "count") != float64(2) {
			t.Fatalf("import: %s", r)
		}
		export := func(c *caller, format string) string {
			r := f.do(t, "GET", "/api/v1/indicators/export?format="+format, nil, c)
			if r.Status != 200 {
				t.Fatalf("export: %s", r)
			}
			return string(r.Body)
		}
		if s := export(fr, "stix"); !strings.Contains(s, "crypto-gains.example") || !strings.Contains(s, "GB82WEST12345698765432") || !strings.Contains(s, reports.TLPAmber) {
			t.Errorf("FR export: %s", s)
		}
		if s := export(de, "stix"); strings.Contains(s, "crypto-gains.example") || !strings.Contains(s, "GB82WEST12345698765432") {
			t.Errorf("DE sees the amber indicator: %s", s)
		}
		// What one bureau exports another imports, releasability kept.
		round, err := reports.ParseSTIX([]byte(export(ma, "stix")), nil)
		if err != nil || len(round) != 2 {
			t.Fatalf("round trip: %v %+v", err, round)
		}
		if s := export(de, "csv"); !strings.HasPrefix(s, "id,owner,type,value") || strings.Count(s, "\n") != 2 {
			t.Errorf("DE csv: %q", s)
		}
		r = f.do(t, "POST", "/api/v1/indicators/import?format=csv", []byte("type,value\niban,GB00 NOPE\n"), ma, "Content-Type", "application/octet-stream")
		wantProblem(t, r, 422, core.EINVALID, "indicators[0].value")
		r = f.do(t, "POST", "/api/v1/indicators/import?format=csv", []byte("type,value,releasability,countries\nphone,+212612345678,only,FR\n"), ma, "Content-Type", "application/octet-stream")
		if r.Status != 201 {
			t.Fatalf("csv import: %s", r)
		}
		r = f.do(t, "POST", "/api/v1/indicators/import", []byte(`{"type":"bundle","objects":[{"type":"indicator","pattern":"[file:hashes.MD5 = 'x'] OR [a:b = 'c']"}]}`), ma, "Content-Type", "application/octet-stream")
		wantProblem(t, r, 422, core.EINVALID, "objects[0].pattern")
		if r := f.do(t, "POST", "/api/v1/indicators/import?format=csv", []byte("type,value\nphone,+212612345678\n"), fr); r.Status != 403 {
			t.Errorf("an analyst imports: %s", r)
		}
	})
}

// TestReportLossDateIsChecked: a loss's date is a date like occurred_at;
// "last Tuesday" or 2026-02-30 is refused naming losses[0].date, not kept
// as written, while a real day is taken.
func TestReportLossDateIsChecked(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty, s.ReportRate = 4, 1000 })
			body := func(date string) map[string]any {
				return map[string]any{"category": "investment_fraud", "narrative": "A fictitious broker took my savings", "anonymous": true, "consent": true,
					"losses": []map[string]any{{"amount": 100, "currency": "EUR", "method": "transfer", "date": date}}, "pow": solvedPoW(t, f)}
			}
			for _, date := range []string{"last Tuesday", "2026-02-30"} {
				wantProblem(t, f.do(t, "POST", "/api/v1/public/reports", body(date), nil), 422, core.EINVALID, "losses[0].date")
			}
			if r := f.do(t, "POST", "/api/v1/public/reports", body("2026-02-03"), nil); r.Status != http.StatusCreated {
				t.Errorf("a loss dated 2026-02-03: %s", r)
			}
		})
	}
}

// TestImportAmberToNamesTheParameter: an unknown country in the
// amber_to query parameter is refused naming amber_to, the parameter the
// caller sent, not an internal "inputs[0].releasability…" path.
func TestImportAmberToNamesTheParameter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		bundle := `{"type":"bundle","id":"bundle--1","objects":[
			{"type":"indicator","spec_version":"2.1","id":"indicator--a","pattern":"[domain-name:value = 'fictitious-gains.example']","pattern_type":"stix","object_marking_refs":["` + reports.TLPAmber + `"]}]}`
		before := f.countStored(t)
		r := f.do(t, "POST", "/api/v1/indicators/import?format=stix&amber_to=FR,XX", []byte(bundle), ma, "Content-Type", "application/octet-stream")
		wantProblem(t, r, 422, core.EINVALID, "amber_to")
		if n := f.countStored(t); n != before {
			t.Errorf("a refused import wrote %d records", n-before)
		}
	})
}

// TestImportErrorsNameTheIndicator: in one import, every refusal names
// the indicator the same way (indicators[i]…), and all of them come back
// at once: a bad releasability in CSV line 2 is not named
// "inputs[0].releasability.mode", nor held back by line 3's bad value.
func TestImportErrorsNameTheIndicator(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		csv := "type,value,releasability\nphone,+212612345678,some\nemail,not an address,all\n"
		r := f.do(t, "POST", "/api/v1/indicators/import?format=csv", []byte(csv), ma, "Content-Type", "application/octet-stream")
		wantProblem(t, r, 422, core.EINVALID, "indicators[0].releasability.mode")
		p := wantProblem(t, r, 422, core.EINVALID, "indicators[1].value")
		for _, e := range p.Errors {
			if !strings.HasPrefix(e.Field, "indicators[") {
				t.Errorf("field %q names no indicator of the import: %s", e.Field, r)
			}
		}
	})
}

// TestImportSaysWhatItCut: a description or campaign name longer than an
// indicator keeps is cut (another tool's file is not refused for it), and
// the answer says which, as the file numbers its indicators.
func TestImportSaysWhatItCut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		long := strings.Repeat("Fictitious shop taking payments and never shipping. ", 12) // over 500 bytes
		csv := "type,value,campaign,description\n" +
			"domain,shoes-cheap.example,Shoes,short\n" +
			"domain,sneakers-cheap.example," + strings.Repeat("c", 150) + "," + long + "\n"
		r := f.do(t, "POST", "/api/v1/indicators/import?format=csv", []byte(csv), ma, "Content-Type", "application/octet-stream")
		if r.Status != http.StatusCreated {
			t.Fatalf("import: %s", r)
		}
		var out struct {
			Count int
			Notes []string
		}
		r.decode(t, &out)
		want := []string{"indicators[1].campaign was cut to 100 bytes", "indicators[1].description was cut to 500 bytes"}
		if out.Count != 2 || !slices.Equal(out.Notes, want) {
			t.Fatalf("count %d, notes %q; want 2 and %q", out.Count, out.Notes, want)
		}
	})
}

// TestSTIXMalformedIndicatorNotSkipped: an indicator object that does not
// read (its pattern a number) is refused naming it, not dropped while the
// rest of the bundle is imported; objects of other types are passed over.
func TestSTIXMalformedIndicatorNotSkipped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		bundle := `{"type":"bundle","id":"bundle--2","objects":[
			{"type":"indicator","spec_version":"2.1","id":"indicator--a","pattern":"[domain-name:value = 'fictitious-gains.example']","pattern_type":"stix"},
			{"type":"indicator","spec_version":"2.1","id":"indicator--b","pattern":42,"pattern_type":"stix"},
			{"type":"note","spec_version":"2.1","id":"note--c","content":42}]}`
		before := f.countStored(t)
		r := f.do(t, "POST", "/api/v1/indicators/import", []byte(bundle), ma, "Content-Type", "application/octet-stream")
		if r.Status == http.StatusCreated {
			t.Fatalf("a bundle with an unreadable indicator was imported (%d of its 2 indicators), the other silently dropped: %s", f.countStored(t)-before, r)
		}
		p := wantProblem(t, r, 422, core.EINVALID, "objects[1].pattern")
		if len(p.Errors) != 1 {
			t.Errorf("only the indicator is at fault, not the note: %s", r)
		}
		if n := f.countStored(t); n != before {
			t.Errorf("a refused import wrote %d records", n-before)
		}
	})
}

// TestReportNoteNotDroppedSilently: a report keeps at most 200 notes; the
// 201st is refused naming note, and nothing is written (the version stays),
// not dropped while the change answers 200 and moves the version on (the
// unit would believe the reporter was told).
func TestReportNoteNotDroppedSilently(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.Reports.PoW.Difficulty, s.ReportRate = 4, 1000 })
			submitReport(t, f, map[string]any{"category": "phishing", "narrative": "A fictitious bank SMS asked for my code", "anonymous": true})
			officer := f.user(t, "MA", core.RoleOfficer)
			var q struct{ Items []core.Report }
			f.do(t, "GET", "/api/v1/reports", nil, officer).decode(t, &q)
			rep := q.Items[0]
			version := rep.Version
			for i := 1; i <= reports.MaxNotes; i++ {
				r := f.do(t, "PATCH", "/api/v1/reports/"+rep.ID, map[string]any{"version": version, "note": "follow-up " + strconv.Itoa(i), "note_public": true}, officer)
				if r.Status != http.StatusOK {
					t.Fatalf("note %d: %s", i, r)
				}
				version++
			}
			r := f.do(t, "PATCH", "/api/v1/reports/"+rep.ID, map[string]any{"version": version, "status": core.ReportUnderReview, "note": "one too many", "note_public": true}, officer)
			if r.Status == http.StatusOK {
				var got core.Report
				r.decode(t, &got)
				t.Fatalf("note 201 answered 200 (version %d→%d) but the report's last note is %q: the note was silently dropped", version, got.Version, got.Notes[len(got.Notes)-1].Text)
			}
			wantProblem(t, r, 422, core.EINVALID, "note")
			var got core.Report
			f.do(t, "GET", "/api/v1/reports/"+rep.ID, nil, officer).decode(t, &got)
			if got.Version != version || len(got.Notes) != reports.MaxNotes || got.Status != rep.Status {
				t.Errorf("the refused change was written: version %d (want %d), %d notes, status %s", got.Version, version, len(got.Notes), got.Status)
			}
		})
	}
}
