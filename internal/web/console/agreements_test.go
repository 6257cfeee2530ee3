package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
)

var consolePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestAgreementPages: the registry, one agreement and the registration
// form render in Arabic, French, English and Spanish with no raw key and
// no English leaking, the title in the reader's language and the dates
// written its way; a bad form is refused field by field and stores
// nothing; the owner records a status change; a bureau that is not a
// party finds a parties-only agreement on no page: not in the list, not
// by its title, not by its address, not its documents.
func TestAgreementPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		e.user(t, "no.officer", "NO", core.RoleOfficer, true)
		fr := e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		svc := e.Server.Agreements
		titles := map[string]string{"ar": "مذكرة تفاهم بشأن الجريمة السيبرانية", "fr": "Mémorandum sur la cybercriminalité",
			"en": "Memorandum of understanding on cybercrime", "es": "Memorando de entendimiento sobre ciberdelincuencia"}
		a, err := svc.Create(ctx, viewerOf(ma), agreements.Input{Fields: agreements.Fields{Titles: titles, Reference: "MoU-2025-044",
			Parties:  []core.AgreementParty{{Kind: core.PartyBureau, Country: "MA"}, {Kind: core.PartyAgency, Country: "NO", Code: "POD", Name: "Politidirektoratet (fiktiv)"}},
			Subjects: []string{"cybercrime", "training"}, Signed: "2025-11-25", InForce: "2025-12-01", Visibility: core.AgreementPartiesOnly}, State: core.AgreementInForce})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := svc.Attach(ctx, viewerOf(ma), a.ID, "ar", "mou-ar.pdf", consolePDF)
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("ma.officer", "en")
		november := map[string]string{"en": "25 November 2025", "fr": "25 novembre 2025", "ar": "25 نوفمبر 2025", "es": "25 de noviembre de 2025"}
		for _, code := range []string{"ar", "fr", "en", "es"} {
			b.get("/agreements?lang=" + code)
			list := between(t, b.Last, `id="agreement-list"`, "</table>")
			if !strings.Contains(list, titles[code]) || !strings.Contains(list, november[code]) {
				t.Errorf("%s: the list does not show the agreement's %s title and date %q:\n%s", code, code, november[code], list)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s list: %s", code, l)
			}
			b.get("/agreements/" + a.ID)
			if b.Code != http.StatusOK || !strings.Contains(b.Last, november[code]) || !strings.Contains(b.Last, "mou-ar.pdf") || !strings.Contains(b.Last, `id="status-form"`) {
				t.Errorf("%s: agreement page %d:\n%s", code, b.Code, b.Last)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s agreement page: %s", code, l)
			}
			b.get("/agreements/new")
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s form: %s", code, l)
			}
			// One party only, no subject, the expiry before the signature.
			b.post("/agreements/new", url.Values{"kind": {"mou"}, "title_fr": {"Accord incomplet"}, "parties": {"MA"}, "state": {"signed"},
				"signed": {"2025-11-25"}, "expires": {"2025-01-01"}, "visibility": {"public"}})
			if b.Code != http.StatusBadRequest {
				t.Fatalf("%s: bad form: %d", code, b.Code)
			}
			for _, id := range []string{`id="parties-err"`, `id="subjects-err"`, `id="expires-err"`} {
				if !strings.Contains(b.Last, id) {
					t.Errorf("%s: the refused form does not show %s", code, id)
				}
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s refused form: %s", code, l)
			}
		}
		if p, _ := svc.Search(ctx, viewerOf(ma), agreements.Query{}); p.Count != 1 {
			t.Fatalf("the refused forms stored %d agreements", p.Count-1)
		}
		// A good form registers it and shows it.
		b.get("/agreements/new?lang=fr")
		b.post("/agreements/new", url.Values{"kind": {"protocol"}, "title_fr": {"Protocole sur la formation"}, "title_ar": {"بروتوكول بشأن التدريب"},
			"parties": {"MA\nET:EFP Police fédérale (fictive)\nAFRIPOL AFRIPOL"}, "subjects": {"training", "forensics"}, "state": {"draft"}, "visibility": {"public"}})
		if b.Code != http.StatusOK || !strings.HasPrefix(b.At, "/agreements/") || !strings.Contains(b.Last, "Protocole sur la formation") {
			t.Fatalf("register: %d at %s\n%s", b.Code, b.At, b.Last)
		}
		// Terminating needs a reason; with one, it is recorded.
		b.get("/agreements/" + a.ID + "?lang=es")
		b.post("/agreements/"+a.ID+"/status", url.Values{"status": {"terminated"}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="note-err"`) {
			t.Fatalf("terminate without a note: %d\n%s", b.Code, b.Last)
		}
		for _, l := range i18ntest.Leaks(b.Last, "es") {
			t.Errorf("es refused status: %s", l)
		}
		// A party reads the document; France, not a party, finds nothing.
		n := e.browser(t)
		n.signIn("no.officer", "fr")
		n.get("/agreement-files/" + a.ID + "/" + doc.ID)
		if n.Code != http.StatusOK || n.Last != string(consolePDF) {
			t.Fatalf("a party's document: %d", n.Code)
		}
		f := e.browser(t)
		f.signIn(fr.Username, "fr")
		for _, path := range []string{"/agreements", "/agreements?q=" + url.QueryEscape("cybercriminalité"), "/agreements?country=NO", "/agreements?subject=cybercrime",
			"/agreements?status=in_force", "/agreements?signed_from=2025-11-25&signed_to=2025-11-25"} {
			f.get(path)
			if f.Code != http.StatusOK || strings.Contains(f.Last, a.ID) || strings.Contains(f.Last, titles["fr"]) {
				t.Errorf("France finds the parties-only agreement at %s (%d)", path, f.Code)
			}
		}
		for _, path := range []string{"/agreements/" + a.ID, "/agreement-files/" + a.ID + "/" + doc.ID} {
			f.get(path)
			if f.Code != http.StatusNotFound || strings.Contains(f.Last, titles["fr"]) {
				t.Errorf("France at %s: %d", path, f.Code)
			}
		}
	})
}
