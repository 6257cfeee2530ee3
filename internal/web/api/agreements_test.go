package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
)

var agreementPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func agreementBody() map[string]any {
	return map[string]any{
		"kind": "mou", "reference": "MoU-2025-031",
		"titles":   map[string]string{"en": "Memorandum on police training", "fr": "Mémorandum sur la formation policière", "ar": "مذكرة بشأن تدريب الشرطة"},
		"parties":  []map[string]string{{"kind": "bureau", "country": "MA"}, {"kind": "agency", "country": "ET", "code": "EFP", "name": "Federal police (fictitious)"}},
		"subjects": []string{"training", "information_exchange"}, "signed": "2025-11-26", "visibility": "public", "state": "signed",
	}
}

// TestAgreementsAPI: register, read, search, change, sign and terminate
// over HTTP; each bad field is a 422 naming it; documents go up as raw
// bodies and come back with their sniffed type, never cached.
func TestAgreementsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma, et, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "ET", core.RoleOfficer), f.user(t, "FR", core.RoleAnalyst)
		r := f.do(t, "POST", "/api/v1/agreements", agreementBody(), ma)
		if r.Status != 201 || r.Header.Get("Location") == "" || jsonField(r, "status") != "signed" {
			t.Fatalf("create: %s", r)
		}
		id := jsonField(r, "id").(string)
		for field, edit := range map[string]func(b map[string]any){
			"kind":    func(b map[string]any) { b["kind"] = "treaty" },
			"titles":  func(b map[string]any) { delete(b, "titles") },
			"parties": func(b map[string]any) { b["parties"] = []map[string]string{{"kind": "bureau", "country": "MA"}} },
			"parties[1].country": func(b map[string]any) {
				b["parties"] = []map[string]string{{"kind": "bureau", "country": "MA"}, {"kind": "bureau", "country": "ZZ"}}
			},
			"subjects[0]": func(b map[string]any) { b["subjects"] = []string{"parking"} },
			"signed":      func(b map[string]any) { b["signed"] = "26/11/2025" },
			"in_force":    func(b map[string]any) { b["in_force"] = "2025-01-01" },
			"expires":     func(b map[string]any) { b["expires"] = "2025-11-26" },
			"visibility":  func(b map[string]any) { b["visibility"] = "everyone" },
			"state":       func(b map[string]any) { b["state"] = "terminated" },
		} {
			b := agreementBody()
			edit(b)
			wantProblem(t, f.do(t, "POST", "/api/v1/agreements", b, ma), 422, core.EINVALID, field)
		}
		b := agreementBody()
		b["colour"] = "red"
		wantProblem(t, f.do(t, "POST", "/api/v1/agreements", b, ma), 400, "malformed", "colour")
		wantProblem(t, f.do(t, "POST", "/api/v1/agreements", agreementBody(), fr), 403, core.EFORBIDDEN, "")
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements?status=valid", nil, ma), 422, core.EINVALID, "status")
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements?page=zero", nil, ma), 422, core.EINVALID, "page")
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements/01900000-0000-7000-8000-000000000009", nil, ma), 404, core.ENOTFOUND, "")

		// Public and signed: any bureau reads and finds it.
		if r = f.do(t, "GET", "/api/v1/agreements/"+id, nil, fr); r.Status != 200 {
			t.Fatalf("a third bureau reads a public agreement: %s", r)
		}
		if r = f.do(t, "GET", "/api/v1/agreements?country=ET&subject=training&q=formation", nil, fr); r.Status != 200 || jsonField(r, "count").(float64) != 1 {
			t.Fatalf("search: %s", r)
		}
		// Narrowed to its parties: France no longer finds it.
		up := agreementBody()
		delete(up, "state")
		up["visibility"], up["version"] = "parties", 1
		if r = f.do(t, "PUT", "/api/v1/agreements/"+id, up, et); r.Status != 403 {
			t.Fatalf("a party that did not register it changes it: %s", r)
		}
		if r = f.do(t, "PUT", "/api/v1/agreements/"+id, up, ma); r.Status != 200 || jsonField(r, "version").(float64) != 2 {
			t.Fatalf("update: %s", r)
		}
		wantProblem(t, f.do(t, "PUT", "/api/v1/agreements/"+id, up, ma), 409, core.ECONFLICT, "")
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements/"+id, nil, fr), 404, core.ENOTFOUND, "")
		if r = f.do(t, "GET", "/api/v1/agreements?q=formation", nil, fr); jsonField(r, "count").(float64) != 0 {
			t.Fatalf("a non-party finds a parties-only agreement: %s", r)
		}
		// Documents.
		r = f.do(t, "POST", "/api/v1/agreements/"+id+"/documents?lang=ar&name=mou-ar.pdf", agreementPDF, ma, "Content-Type", "application/octet-stream")
		if r.Status != 201 || jsonField(r, "content_type") != "application/pdf" {
			t.Fatalf("attach: %s", r)
		}
		did := jsonField(r, "id").(string)
		wantProblem(t, f.do(t, "POST", "/api/v1/agreements/"+id+"/documents?lang=ar", []byte("just text"), ma, "Content-Type", "application/octet-stream"), 422, core.EINVALID, "file")
		r = f.do(t, "GET", "/api/v1/agreements/"+id+"/documents/"+did, nil, et)
		if r.Status != 200 || string(r.Body) != string(agreementPDF) || r.Header.Get("Cache-Control") != "private, no-store" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("a party reads the document: %s %v", r, r.Header)
		}
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements/"+id+"/documents/"+did, nil, fr), 404, core.ENOTFOUND, "")
		// Status: in force, then terminated with a reason.
		wantProblem(t, f.do(t, "POST", "/api/v1/agreements/"+id+"/status", map[string]any{"status": "expired"}, ma), 422, core.EINVALID, "status")
		if r = f.do(t, "POST", "/api/v1/agreements/"+id+"/status", map[string]any{"status": "in_force", "on": "2025-12-01"}, ma); r.Status != 200 || jsonField(r, "status") != "in_force" {
			t.Fatalf("in force: %s", r)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/agreements/"+id+"/status", map[string]any{"status": "terminated"}, ma), 422, core.EINVALID, "note")
		if r = f.do(t, "POST", "/api/v1/agreements/"+id+"/status", map[string]any{"status": "terminated", "note": "Superseded"}, ma); r.Status != 200 || len(jsonField(r, "history").([]any)) != 3 {
			t.Fatalf("terminated: %s", r)
		}
	})
}

// agreementCountries are the bureaus the property test draws parties and
// viewers from.
var agreementCountries = []string{"MA", "NO", "ET", "FR", "KE", "BR"}

// TestAgreementsHiddenFromNonParties (property): over random agreements
// (random parties, visibility and state) and every viewer, a viewer
// reaches an agreement through get, search (with every filter that
// matches it, and unfiltered page by page), its documents and the event
// stream exactly when the model says: public and past its draft, or its
// country a party or its registrant, or the secretariat's reviewers and
// administrators. A parties-only agreement is never reached by a
// non-party.
func TestAgreementsHiddenFromNonParties(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		svc := agreements.New(f.Store)
		rng := rand.New(rand.NewPCG(16, 14))
		callers := map[string]*caller{}
		for _, c := range agreementCountries {
			callers[c] = f.user(t, c, core.RoleOfficer)
		}
		callers["IPSG/analyst"] = f.user(t, "IPSG", core.RoleAnalyst)
		callers["IPSG/reviewer"] = f.user(t, "IPSG", core.RoleReviewer)
		callers["MA/key"] = f.key(t, "MA", core.PermRecordsRead)
		type made struct {
			a   *core.Agreement
			doc string
		}
		var all []made
		for i := range 24 {
			owner := agreementCountries[rng.IntN(len(agreementCountries))]
			parties := []core.AgreementParty{{Kind: core.PartyBureau, Country: owner}}
			if rng.IntN(2) == 0 {
				parties[0] = core.AgreementParty{Kind: core.PartyAgency, Country: owner, Code: "AG" + owner, Name: "Agency " + owner}
			}
			for _, c := range agreementCountries {
				if c != owner && rng.IntN(4) == 0 {
					parties = append(parties, core.AgreementParty{Kind: core.PartyBureau, Country: c})
				}
			}
			if len(parties) == 1 || rng.IntN(3) == 0 {
				parties = append(parties, core.AgreementParty{Kind: core.PartyOrganisation, Code: "AFRIPOL", Name: "AFRIPOL"})
			}
			in := agreements.Input{Fields: agreements.Fields{
				Titles:   map[string]string{"en": fmt.Sprintf("Zircon accord %02d", i), "fr": fmt.Sprintf("Accord zircon %02d", i)},
				Parties:  parties,
				Subjects: []string{core.AgreementSubjects[rng.IntN(len(core.AgreementSubjects))]},
				Signed:   fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)), Visibility: core.AgreementVisibilities[rng.IntN(2)],
			}, State: []string{core.AgreementDraft, core.AgreementSigned}[rng.IntN(2)]}
			if rng.IntN(4) == 0 {
				in.Expires = "2026-01-01" // expired by now
			}
			a, err := svc.Create(ctx, officerViewer(owner), in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := svc.Attach(ctx, officerViewer(owner), a.ID, "en", "text.pdf", agreementPDF)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, made{a, d.ID})
		}
		var evs []core.Event
		f.Store.View(ctx, func(tx core.Tx) error {
			var err error
			evs, err = tx.Events(0, "", 10000)
			return err
		})
		for name, c := range callers {
			sees := func(a *core.Agreement) bool {
				switch {
				case name == "IPSG/reviewer":
					return true
				case a.Owner == c.Viewer.Bureau || slices.Contains(a.PartyCountries(), c.Viewer.Bureau):
					return true
				}
				return a.Visibility == core.AgreementPublic && a.State != core.AgreementDraft
			}
			var want []string
			for _, m := range all {
				a := m.a
				ok := sees(a)
				if a.Visibility == core.AgreementPartiesOnly && !slices.Contains(a.PartyCountries(), c.Viewer.Bureau) && a.Owner != c.Viewer.Bureau && name != "IPSG/reviewer" && ok {
					t.Fatalf("the model lets a non-party see a parties-only agreement")
				}
				if ok {
					want = append(want, a.ID)
				}
				status := map[bool]int{true: 200, false: 404}[ok]
				if r := f.do(t, "GET", "/api/v1/agreements/"+a.ID, nil, c); r.Status != status {
					t.Errorf("%s GET %s (%s, %s, parties %v): %d, want %d", name, a.ID, a.Visibility, a.State, a.PartyCountries(), r.Status, status)
				}
				if r := f.do(t, "GET", "/api/v1/agreements/"+a.ID+"/documents/"+m.doc, nil, c); r.Status != status {
					t.Errorf("%s GET document of %s: %d, want %d", name, a.ID, r.Status, status)
				}
				if ok {
					continue
				}
				// Every search that matches it leaves it out.
				qs := []url.Values{{"q": {a.Titles["en"]}}, {"q": {a.Titles["fr"]}}, {"subject": a.Subjects}, {"signed_from": {a.Signed}, "signed_to": {a.Signed}},
					{"status": {a.State}}, {"status": {core.AgreementExpired}}, {"limit": {"200"}}}
				for _, p := range a.Parties {
					qs = append(qs, url.Values{"party": {p.Key()}})
					if p.Country != "" {
						qs = append(qs, url.Values{"country": {p.Country}})
					}
				}
				for _, q := range qs {
					r := f.do(t, "GET", "/api/v1/agreements?"+q.Encode(), nil, c)
					if r.Status != 200 {
						t.Fatalf("%s search %s: %s", name, q.Encode(), r)
					}
					if strings.Contains(string(r.Body), a.ID) || strings.Contains(string(r.Body), a.Titles["en"]) {
						t.Errorf("%s finds hidden agreement %s with %s", name, a.ID, q.Encode())
					}
				}
				for _, e := range evs {
					if e.Subject == a.ID && access.CanSeeEvent(c.Viewer, &e, nil) {
						t.Errorf("%s receives event %s of hidden agreement %s (audience %v)", name, e.Type, a.ID, e.Audience)
					}
				}
			}
			// Unfiltered, page by page: exactly what the model allows.
			var got []string
			for page := 1; page < 50; page++ {
				r := f.do(t, "GET", fmt.Sprintf("/api/v1/agreements?limit=7&page=%d", page), nil, c)
				var p agreements.Page
				r.decode(t, &p)
				for _, a := range p.Items {
					got = append(got, a.ID)
				}
				if !p.More {
					break
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s lists %d agreements, the model %d", name, len(got), len(want))
			}
		}
	})
}

func officerViewer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-" + bureau, Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
}

// FuzzAgreementBody sends arbitrary bodies to the agreement routes that
// parse JSON (register, change, status) on every configured store: never
// a 5xx, the same status from both stores, valid text in every answer.
func FuzzAgreementBody(f *testing.F) {
	seeds := []string{
		`{"titles":{"en":"${}"},"parties":[{"kind":"bureau","country":"MA"},{"kind":"organisation","code":"AFRIPOL","name":"AFRIPOL"}],"subjects":["training"]}`,
		`{"titles":{"${}":"x"},"parties":[{"kind":"bureau","country":"MA"},{"kind":"bureau","country":"${}"}],"subjects":["${}"],"signed":"${}","state":"signed"}`,
		`{"titles":{"fr":"a"},"parties":[{"kind":"agency","country":"MA","code":"${}","name":"${}"},{"kind":"bureau","country":"NO"}],"subjects":["drugs"],"signed":"2025-01-01","in_force":"${}","expires":"${}","gathering":"${}","meeting_request":"${}"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(strings.ReplaceAll(s, "${}", "Zircon")))
		f.Add(uint8(i), []byte(strings.ReplaceAll(s, "${}", "\\u0000\xff")))
	}
	f.Add(uint8(0), []byte(`{"titles":{"en":"x"},"parties":[{}],"subjects":[]}`))
	f.Add(uint8(1), []byte(`{"titles":[],"parties":{},"subjects":"x"}`))
	f.Add(uint8(2), []byte(`{"status":"signed","on":"2025-13-01","note":"\ud800"}`))
	f.Add(uint8(3), []byte(`[`))
	servers := fuzzServers(f)
	// One agreement per store for the change routes to aim at.
	ids := map[string]string{}
	for _, s := range servers {
		body := strings.ReplaceAll(seeds[0], "${}", "Fuzz target")
		r := fuzzDo(f, s, "POST", "/api/v1/agreements", []byte(body))
		if r.Status != 201 {
			f.Fatalf("%s: %s", s.name, r)
		}
		ids[s.name] = jsonField(r, "id").(string)
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		if len(body) > 64<<10 {
			return
		}
		var first *resp
		for _, s := range servers {
			path := []string{"/api/v1/agreements", "/api/v1/agreements/" + ids[s.name], "/api/v1/agreements/" + ids[s.name] + "/status"}[int(route)%3]
			method := []string{"POST", "PUT", "POST"}[int(route)%3]
			r := fuzzDo(t, s, method, path, body)
			if r.Status >= 500 {
				t.Fatalf("%s: %s for body %q", s.name, r, body)
			}
			if !utf8Valid(r.Body) || jsonHoldsNUL(r.Body) {
				t.Fatalf("%s: the answer is not valid text: %s for body %q", s.name, r, body)
			}
			if first == nil {
				first = r
			} else if first.Status != r.Status {
				t.Fatalf("the stores answer differently to body %q:\n  %s\n  %s", body, first, r)
			}
		}
	})
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// fuzzDo sends one JSON body to a fuzz server with its key.
func fuzzDo(t testing.TB, s fuzzServer, method, path string, body []byte) *resp {
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &resp{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: raw}
	json.Unmarshal(raw, &r.JSON)
	return r
}

// TestAgreementCountryIsAMember: country=XX is not a member country; it
// is refused as the reason says ("must be a member country's ISO alpha-2
// code"), not searched for (an empty page). A member's code in lower case
// is searched for.
func TestAgreementCountryIsAMember(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		fr := f.user(t, "FR", core.RoleOfficer)
		wantProblem(t, f.do(t, "GET", "/api/v1/agreements?country=XX", nil, fr), 422, core.EINVALID, "country")
		if r := f.do(t, "GET", "/api/v1/agreements?country=ma", nil, fr); r.Status != http.StatusOK {
			t.Errorf("country=ma: %s", r)
		}
	})
}
