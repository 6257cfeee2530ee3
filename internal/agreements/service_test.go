package agreements_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func officer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-" + strings.ToLower(bureau), Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
}

func viewer(bureau, role string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-" + strings.ToLower(bureau) + "-" + role, Role: role, Permissions: core.RolePermissions(role)}
}

// pdf is the smallest thing files.Sniff takes for a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func bureau(c string) core.AgreementParty {
	return core.AgreementParty{Kind: core.PartyBureau, Country: c}
}

// mou is a valid memorandum between Morocco's bureau, Norway's police
// agency and Ethiopia's bureau (fictitious text).
func mou(visibility string) agreements.Input {
	return agreements.Input{Fields: agreements.Fields{
		Kind: core.AgreementMoU, Reference: "MoU-2025-017",
		Titles:   map[string]string{"fr": "Mémorandum d'entente sur la cybercriminalité", "en": "Memorandum of understanding on cybercrime", "ar": "مذكرة تفاهم بشأن الجريمة السيبرانية"},
		Parties:  []core.AgreementParty{bureau("MA"), {Kind: core.PartyAgency, Country: "NO", Code: "NPD", Name: "Norwegian police directorate (fictitious)"}},
		Subjects: []string{"cybercrime", "training"}, Signed: "2025-11-25", InForce: "2025-12-01", Expires: "2030-12-01", Visibility: visibility,
	}, State: core.AgreementInForce}
}

func fieldOf(err error) string {
	if e, ok := err.(*core.Error); ok && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

func forEach(t *testing.T, fn func(t *testing.T, st core.Store, svc *agreements.Service)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := agreements.New(st)
			svc.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
			fn(t, st, svc)
		})
	}
}

func auditActions(t *testing.T, st core.Store) []string {
	var out []string
	st.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 1000)
		for _, e := range es {
			out = append(out, e.Action+":"+e.Outcome+":"+e.Bureau)
		}
		return err
	})
	return out
}

func events(t *testing.T, st core.Store) []core.Event {
	var out []core.Event
	st.View(context.Background(), func(tx core.Tx) error {
		var err error
		out, err = tx.Events(0, "", 1000)
		return err
	})
	return out
}

// TestLifecycle: a draft is registered, changed, signed, enters into
// force and is terminated, its history growing each time; its expiry is
// derived from the date; only its owner changes it; writes and
// parties-only reads are audited, and events go to its parties only.
func TestLifecycle(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		ma, no, fr := officer("MA"), officer("NO"), officer("FR")
		in := mou(core.AgreementPartiesOnly)
		in.State, in.Signed, in.InForce = "", "", ""
		a, err := svc.Create(ctx, ma, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.State != core.AgreementDraft || a.Status != core.AgreementDraft || a.Version != 1 || a.Owner != "MA" || len(a.History) != 1 {
			t.Fatalf("created %+v", a)
		}
		if _, err := svc.Get(ctx, fr, a.ID); core.ErrorCode(err) != core.ENOTFOUND {
			t.Fatalf("a third bureau reads a parties-only draft: %v", err)
		}
		got, err := svc.Get(ctx, no, a.ID)
		if err != nil || got.Titles["ar"] != in.Titles["ar"] {
			t.Fatalf("a party reads it: %v %+v", err, got)
		}
		up := agreements.UpdateInput{Fields: in.Fields, Version: 1}
		up.Summary = "Exchange of cyber indicators and joint training."
		if _, err := svc.Update(ctx, no, a.ID, up); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("another party changes it: %v", err)
		}
		if a, err = svc.Update(ctx, ma, a.ID, up); err != nil || a.Version != 2 || a.Summary == "" {
			t.Fatalf("update: %v %+v", err, a)
		}
		if _, err := svc.Update(ctx, ma, a.ID, up); core.ErrorCode(err) != core.ECONFLICT {
			t.Fatalf("a stale update: %v", err)
		}
		if _, err := svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementInForce, On: "2025-12-01"}); fieldOf(err) != "signed" {
			t.Fatalf("in force before signed: %v", err)
		}
		if a, err = svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementSigned, On: "2025-11-25"}); err != nil || a.Status != core.AgreementSigned || a.Signed != "2025-11-25" {
			t.Fatalf("signed: %v %+v", err, a)
		}
		if _, err := svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementInForce, On: "2025-11-20"}); fieldOf(err) != "in_force" {
			t.Fatalf("in force before the signature: %v", err)
		}
		if _, err := svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementExpired}); fieldOf(err) != "status" {
			t.Fatalf("expired set by hand: %v", err)
		}
		if a, err = svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementInForce, On: "2025-12-01"}); err != nil || a.Status != core.AgreementInForce {
			t.Fatalf("in force: %v %+v", err, a)
		}
		// Past its expiry date, it reads as expired and no longer changes status.
		later := agreements.New(st)
		later.Now = func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }
		if x, err := later.Get(ctx, no, a.ID); err != nil || x.Status != core.AgreementExpired || x.State != core.AgreementInForce {
			t.Fatalf("after expiry: %v %+v", err, x)
		}
		if _, err := later.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementTerminated, Note: "x"}); core.ErrorCode(err) != core.ECONFLICT {
			t.Fatalf("terminating an expired agreement: %v", err)
		}
		if _, err := svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementTerminated}); fieldOf(err) != "note" {
			t.Fatalf("terminated without a note: %v", err)
		}
		if a, err = svc.SetStatus(ctx, ma, a.ID, agreements.StatusInput{Status: core.AgreementTerminated, Note: "Replaced by a wider agreement"}); err != nil || a.Status != core.AgreementTerminated {
			t.Fatalf("terminated: %v %+v", err, a)
		}
		if states := func() (s []string) {
			for _, h := range a.History {
				s = append(s, h.State)
			}
			return
		}(); !slices.Equal(states, []string{"draft", "signed", "in_force", "terminated"}) || a.History[3].Note == "" {
			t.Fatalf("history %v", a.History)
		}
		if _, err := svc.Update(ctx, ma, a.ID, agreements.UpdateInput{Fields: in.Fields}); core.ErrorCode(err) != core.ECONFLICT {
			t.Fatalf("changing a terminated agreement: %v", err)
		}
		acts := auditActions(t, st)
		for _, want := range []string{"agreement.create:ok:MA", "agreement.read:ok:NO", "agreement.read:not_found:FR", "agreement.update:ok:MA",
			"agreement.update:denied:NO", "agreement.status:ok:MA", "agreement.status:invalid:MA"} {
			if !slices.Contains(acts, want) {
				t.Errorf("audit lacks %s: %v", want, acts)
			}
		}
		for _, e := range events(t, st) {
			if !strings.HasPrefix(e.Type, "agreement.") {
				continue
			}
			if slices.Contains(e.Audience, "FR") || slices.Contains(e.Audience, core.AudienceAll) || !slices.Contains(e.Audience, "NO") {
				t.Errorf("event %s of a parties-only agreement addressed to %v", e.Type, e.Audience)
			}
		}
	})
}

// TestBadInput: each bad field is refused naming it, and nothing is stored.
func TestBadInput(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		ma := officer("MA")
		cases := []struct {
			field string
			edit  func(in *agreements.Input)
		}{
			{"kind", func(in *agreements.Input) { in.Kind = "treaty" }},
			{"titles", func(in *agreements.Input) { in.Titles = nil }},
			{"titles", func(in *agreements.Input) { in.Titles = map[string]string{"French": "x"} }},
			{"titles.fr", func(in *agreements.Input) {
				in.Titles = map[string]string{"fr": strings.Repeat("é", agreements.MaxTitle+1)}
			}},
			{"titles.en", func(in *agreements.Input) { in.Titles = map[string]string{"en": "  "} }},
			{"reference", func(in *agreements.Input) { in.Reference = strings.Repeat("x", agreements.MaxReference+1) }},
			{"visibility", func(in *agreements.Input) { in.Visibility = "secret" }},
			{"parties", func(in *agreements.Input) { in.Parties = in.Parties[:1] }},
			{"parties", func(in *agreements.Input) { in.Parties = []core.AgreementParty{bureau("FR"), bureau("ES")} }},
			{"parties[1].kind", func(in *agreements.Input) { in.Parties[1].Kind = "ministry" }},
			{"parties[0].country", func(in *agreements.Input) { in.Parties[0].Country = "XX" }},
			{"parties[0].code", func(in *agreements.Input) { in.Parties[0].Code = "DGSN" }},
			{"parties[1].code", func(in *agreements.Input) { in.Parties[1].Code = "n p d" }},
			{"parties[1].name", func(in *agreements.Input) { in.Parties[1].Name = "" }},
			{"parties[2].country", func(in *agreements.Input) {
				in.Parties = append(in.Parties, core.AgreementParty{Kind: core.PartyOrganisation, Country: "FR", Code: "AFRIPOL", Name: "AFRIPOL"})
			}},
			{"parties[2]", func(in *agreements.Input) { in.Parties = append(in.Parties, bureau("MA")) }},
			{"subjects", func(in *agreements.Input) { in.Subjects = nil }},
			{"subjects[1]", func(in *agreements.Input) { in.Subjects = []string{"cybercrime", "jaywalking"} }},
			{"subjects[1]", func(in *agreements.Input) { in.Subjects = []string{"cybercrime", "cybercrime"} }},
			{"signed", func(in *agreements.Input) { in.Signed = "25/11/2025" }},
			{"signed", func(in *agreements.Input) { in.Signed = "2025-02-30" }},
			{"signed", func(in *agreements.Input) { in.Signed = "" }},
			{"signed", func(in *agreements.Input) { in.Signed, in.InForce, in.Expires = "2027-01-01", "", "" }},
			{"in_force", func(in *agreements.Input) { in.InForce = "2025-11-24" }},
			{"in_force", func(in *agreements.Input) { in.InForce = "" }},
			{"in_force", func(in *agreements.Input) { in.InForce = "2026-06-01" }},
			{"expires", func(in *agreements.Input) { in.Expires = "2025-12-01" }},
			{"expires", func(in *agreements.Input) { in.InForce, in.State, in.Expires = "", core.AgreementSigned, "2025-11-01" }},
			{"state", func(in *agreements.Input) { in.State = core.AgreementExpired }},
			{"gathering", func(in *agreements.Input) { in.Gathering = "01900000-0000-7000-8000-000000000009" }},
			{"gathering", func(in *agreements.Input) { in.Gathering = "'; DROP TABLE agreements; --" }},
			{"meeting_request", func(in *agreements.Input) { in.MeetingRequest = "01900000-0000-7000-8000-000000000009" }},
			{"summary", func(in *agreements.Input) { in.Summary = "a\x00b" }},
		}
		for _, c := range cases {
			in := mou(core.AgreementPublic)
			in.Parties = slices.Clone(in.Parties)
			c.edit(&in)
			_, err := svc.Create(ctx, ma, in)
			if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != c.field {
				t.Errorf("%s: got %v (field %q)", c.field, err, fieldOf(err))
			}
		}
		if _, err := svc.Create(ctx, viewer("MA", core.RoleAnalyst), mou(core.AgreementPublic)); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("an analyst registers: %v", err)
		}
		p, err := svc.Search(ctx, viewer("IPSG", core.RoleAdmin), agreements.Query{})
		if err != nil || p.Count != 0 {
			t.Fatalf("something was stored: %v %+v", err, p)
		}
		for field, q := range map[string]agreements.Query{
			"status": {Status: "active"}, "subject": {Subject: "x"}, "signed_from": {SignedFrom: "2025"}, "signed_to": {SignedFrom: "2025-02-01", SignedTo: "2025-01-01"},
			"page": {Page: -1}, "limit": {Limit: 1000}, "country": {Country: "MAR"}, "kind": {Kind: "x"},
		} {
			if _, err := svc.Search(ctx, ma, q); fieldOf(err) != field {
				t.Errorf("search %s: %v", field, err)
			}
		}
	})
}

// TestSearch: by party, country, subject, status (expired derived),
// text in any language's title, date ranges, one page at a time.
func TestSearch(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		ma, et := officer("MA"), officer("ET")
		mk := func(v core.Viewer, title, signed, expires, state string, subjects []string, parties ...core.AgreementParty) *core.Agreement {
			in := agreements.Input{Fields: agreements.Fields{Titles: map[string]string{"en": title}, Parties: parties, Subjects: subjects,
				Signed: signed, Expires: expires, Visibility: core.AgreementPublic}, State: state}
			a, err := svc.Create(ctx, v, in)
			if err != nil {
				t.Fatalf("%s: %v", title, err)
			}
			return a
		}
		cyber := mk(ma, "Cyber_crime 100% cooperation", "2025-11-25", "", core.AgreementSigned, []string{"cybercrime"}, bureau("MA"), bureau("ET"))
		old := mk(ma, "Old training accord", "2019-05-02", "2024-05-02", core.AgreementSigned, []string{"training"}, bureau("MA"), bureau("FR"))
		drugs := mk(et, "Counter-narcotics memorandum", "2025-11-26", "", core.AgreementSigned, []string{"drugs", "training"},
			bureau("ET"), core.AgreementParty{Kind: core.PartyAgency, Country: "MA", Code: "DGSN", Name: "Sûreté nationale (fictitious)"})
		draft := mk(ma, "Draft on forensics", "", "", "", []string{"forensics"}, bureau("MA"), core.AgreementParty{Kind: core.PartyOrganisation, Code: "AFRIPOL", Name: "AFRIPOL"})
		for i := range 5 {
			mk(et, fmt.Sprintf("Filler %d", i), fmt.Sprintf("2024-01-%02d", i+1), "", core.AgreementSigned, []string{"other"}, bureau("ET"), bureau("KE"))
		}
		ids := func(q agreements.Query, v core.Viewer) []string {
			p, err := svc.Search(ctx, v, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			var out []string
			for _, a := range p.Items {
				out = append(out, a.ID)
			}
			return out
		}
		check := func(name string, q agreements.Query, v core.Viewer, want ...*core.Agreement) {
			t.Helper()
			var w []string
			for _, a := range want {
				w = append(w, a.ID)
			}
			if got := ids(q, v); !slices.Equal(got, w) {
				t.Errorf("%s: got %v, want %v", name, got, w)
			}
		}
		check("party MA bureau", agreements.Query{Party: "ma"}, ma, cyber, old, draft)
		check("party agency", agreements.Query{Party: "MA:DGSN"}, ma, drugs)
		check("country MA (bureau or agency)", agreements.Query{Country: "MA"}, ma, drugs, cyber, old, draft)
		check("organisation", agreements.Query{Party: "AFRIPOL"}, ma, draft)
		check("subject", agreements.Query{Subject: "training"}, ma, drugs, old)
		check("status expired", agreements.Query{Status: core.AgreementExpired}, ma, old)
		check("status signed", agreements.Query{Status: core.AgreementSigned, Country: "MA"}, ma, drugs, cyber)
		check("status draft", agreements.Query{Status: core.AgreementDraft}, ma, draft)
		check("text, case and LIKE characters", agreements.Query{Text: "CYBER_CRIME 100%"}, ma, cyber)
		check("text matches no wildcard", agreements.Query{Text: "r_m"}, ma)
		check("signed range", agreements.Query{SignedFrom: "2025-11-01", SignedTo: "2025-11-25"}, ma, cyber)
		check("expiry range", agreements.Query{ExpiresFrom: "2024-01-01", ExpiresTo: "2024-12-31"}, ma, old)
		// A draft is its parties' only: Ethiopia does not see Morocco's.
		check("another bureau's draft", agreements.Query{Status: core.AgreementDraft}, et)
		// Pages of 3 over the 9 Morocco sees (its own draft included), none twice.
		var all []string
		for page := 1; ; page++ {
			p, err := svc.Search(ctx, ma, agreements.Query{Page: page, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Items {
				all = append(all, a.ID)
			}
			if !p.More {
				break
			}
		}
		if len(all) != 9 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 9 {
			t.Errorf("pages hold %d agreements: %v", len(all), all)
		}
	})
}

// TestDocuments: the owner attaches texts in several languages, sniffed
// from their bytes; parties read them; a third bureau finds neither the
// agreement nor its documents.
func TestDocuments(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		ma, no, fr := officer("MA"), officer("NO"), officer("FR")
		a, err := svc.Create(ctx, ma, mou(core.AgreementPartiesOnly))
		if err != nil {
			t.Fatal(err)
		}
		d, err := svc.Attach(ctx, ma, a.ID, "fr", "../../memorandum-fr.pdf", pdf)
		if err != nil || d.ContentType != "application/pdf" || d.Name != "memorandum-fr.pdf" || d.Lang != "fr" {
			t.Fatalf("attach: %v %+v", err, d)
		}
		if _, err := svc.Attach(ctx, ma, a.ID, "ar", "mou.pdf", []byte("MZ\x90\x00 not a pdf")); fieldOf(err) != "file" {
			t.Fatalf("an executable named .pdf: %v", err)
		}
		if _, err := svc.Attach(ctx, ma, a.ID, "arabic", "mou.pdf", pdf); fieldOf(err) != "lang" {
			t.Fatalf("bad language: %v", err)
		}
		svc.MaxDocumentBytes = 10
		if _, err := svc.Attach(ctx, ma, a.ID, "ar", "mou.pdf", pdf); core.ErrorCode(err) != core.ETOOLARGE {
			t.Fatalf("over the limit: %v", err)
		}
		svc.MaxDocumentBytes = 0
		if _, err := svc.Attach(ctx, no, a.ID, "en", "mou.pdf", pdf); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("a party that did not register it attaches: %v", err)
		}
		got, err := svc.Document(ctx, no, a.ID, d.ID)
		if err != nil || string(got.Content) != string(pdf) {
			t.Fatalf("a party reads the document: %v", err)
		}
		if _, err := svc.Document(ctx, fr, a.ID, d.ID); core.ErrorCode(err) != core.ENOTFOUND {
			t.Fatalf("a third bureau reads the document: %v", err)
		}
		full, err := svc.Get(ctx, no, a.ID)
		if err != nil || len(full.Documents) != 1 || full.Documents[0].Content != nil {
			t.Fatalf("the agreement lists its document: %v %+v", err, full)
		}
		raw, _ := json.Marshal(full)
		if strings.Contains(string(raw), "PDF-1.4") {
			t.Fatalf("the agreement's JSON carries the document's bytes")
		}
		if acts := auditActions(t, st); !slices.Contains(acts, "agreement.document.read:ok:NO") || !slices.Contains(acts, "agreement.document.attach:ok:MA") {
			t.Errorf("audit: %v", acts)
		}
	})
}
