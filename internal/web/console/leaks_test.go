package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/notices"
)

// neutralRedData is a Red Notice whose free text is not English, so that
// English found on a page is the interface's.
func neutralRedData(family, given, original string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"family_name": family, "given_names": given, "name_original": original,
		"sex": "M", "date_of_birth": "1966-01-01", "nationalities": []string{"MA"}, "description": "1,85 m", "purpose": "prosecution",
		"charges":               []any{map[string]any{"offence": "Trafic de stupéfiants", "law": "Code pénal art. 2", "max_penalty_years": 10}},
		"warrant":               map[string]any{"kind": "arrest_warrant", "reference": "AW-1", "date": "2026-01-15", "authority": "Tribunal de Rabat", "country": "MA"},
		"extradition_countries": []string{"FR", "ES"}})
	return b
}

// TestNoEnglishLeaks renders every console page, and its error states
// (refused form fields, a failed sign-in, a bad second-factor code, a
// forbidden page, a page or record not found, an expired form), as each
// kind of user in Arabic, French and Spanish, and finds no English word
// of the interface and no raw catalog key in what a person reads.
func TestNoEnglishLeaks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "ma.admin", "MA", core.RoleAdmin, true)
		e.user(t, "ma.analyst", "MA", core.RoleAnalyst, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		v := publish(t, e, ma, rev, nil, neutralRedData("Kharroubi", "Abdellatif", "عبد اللطيف خروبي"))
		es := e.browser(t)
		es.signIn("es.officer", "es")
		es.get("/screen")
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdellatif Kharroubi"}, "place": {"Algeciras"}})
		hitID := between(t, es.Last, `href="/hits/`, `"`)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(mustUser(t, e, "es.officer")), messagesNewThread(hitID))
		if err != nil {
			t.Fatal(err)
		}
		draft, err := e.Server.Notices.Create(context.Background(), viewerOf(ma), notices.Input{Type: "red", Data: neutralRedData("Alaoui", "Driss", "إدريس العلوي")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Notices.Submit(context.Background(), viewerOf(ma), draft.Notice.ID, draft.Record.Version); err != nil {
			t.Fatal(err)
		}
		rep, _ := twoLinked(t, e)
		all := core.Releasability{Mode: core.ReleaseAll}
		record(t, e, ma, core.KindTravelDocument, all, map[string]any{"number": "ZK7654321", "issuing_country": "MA", "document_type": "passport"})
		record(t, e, ma, core.KindCyberIndicator, all, map[string]any{"type": "email", "value": "qarib.rabih@example.org"})
		officer := []string{"/", "/screen?kind=person", "/screen?kind=document", "/screen?kind=mrz", "/screen?kind=identifier",
			"/notices", "/notices?type=red&state=published", "/notices/" + v.Notice.ID, "/notices/" + draft.Notice.ID, "/notices/new?type=red", "/notices/new?type=yellow", "/notices/new?type=blue", "/notices/new?type=black",
			"/notices/new?type=green", "/notices/new?type=orange", "/notices/new?type=purple", "/notices/new?type=silver",
			"/hits", "/hits/" + hitID, "/messages", "/messages/" + th.ID, "/audit", "/audit?record=" + v.Notice.ID,
			"/admin", "/notices/00000000-0000-7000-8000-000000000000", "/no-such-page"}
		users := map[string][]string{
			"ma.officer":    officer,
			"ipsg.reviewer": {"/", "/reviews", "/notices/" + draft.Notice.ID},
			"ma.admin":      {"/admin", "/"},
			"ma.analyst":    {"/reports", "/reports?status=all", "/reports/" + rep.ID, "/campaigns", "/campaigns/" + rep.CampaignID},
		}
		check := func(code, what string, b *browser) {
			t.Helper()
			if !strings.Contains(b.Last, `<html lang="`+code+`"`) {
				t.Errorf("%s %s: not in %s (%d)", code, what, code, b.Code)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s %s: %s", code, what, l)
			}
		}
		// Each user signs in once (a code is good once) and switches
		// language as a user does, with ?lang=.
		browsers := map[string]*browser{}
		for name := range users {
			browsers[name] = e.browser(t)
			browsers[name].signIn(name, "en")
		}
		for _, code := range lang.Supported {
			if code == "en" {
				continue
			}
			// Signed out: the sign-in page, and a failed sign-in.
			anon := e.browser(t)
			anon.get("/login?lang=" + code)
			check(code, "/login", anon)
			anon.post("/login", url.Values{"username": {"ma.officer"}, "password": {"wrong password"}, "code": {"000000"}})
			check(code, "failed sign-in", anon)
			for name, paths := range users {
				b := browsers[name]
				b.get("/?lang=" + code)
				for _, l := range lang.Supported {
					if !strings.Contains(b.Last, `lang="`+l+`" dir="`+lang.Dir(l)+`"`) || !strings.Contains(b.Last, ">"+lang.Native(l)+"</a>") {
						t.Errorf("%s: the language switcher lacks %s", code, l)
					}
				}
				for _, p := range paths {
					b.get(p)
					check(code, name+" "+p, b)
				}
			}
			// Refused forms, as the officer.
			b := browsers["ma.officer"]
			b.get("/notices/new?type=red")
			b.post("/notices/new", url.Values{"type": {"red"}, "action": {"submit"}, "date_of_birth": {"1er mai"}, "charges.0.max_penalty_years": {"dix"}})
			if b.Code != http.StatusBadRequest {
				t.Errorf("%s empty red request: %d", code, b.Code)
			}
			check(code, "refused red request", b)
			b.get("/notices/new?type=yellow")
			b.post("/notices/new", url.Values{"type": {"yellow"}, "action": {"submit"}, "disappearance_date": {"hier"}, "parents.0.relation": {"oncle"}})
			check(code, "refused yellow request", b)
			b.get("/notices/new?type=silver")
			b.post("/notices/new", url.Values{"type": {"silver"}, "action": {"submit"}, "assets.0.estimated_value": {"5"}, "assets.0.jurisdiction": {"ZZ"}})
			check(code, "refused silver request", b)
			b.get("/notices/new?type=black")
			b.post("/notices/new", url.Values{"type": {"black"}, "action": {"submit"}, "estimated_age_min": {"40"}, "estimated_age_max": {"30"}})
			check(code, "refused black request", b)
			b.get("/screen?kind=mrz")
			b.post("/screen", url.Values{"kind": {"mrz"}, "mrz": {"P<MARNOTAVALIDMRZ"}})
			check(code, "bad MRZ", b)
			b.get("/screen?kind=person")
			b.post("/screen", url.Values{"kind": {"person"}, "name": {""}})
			check(code, "empty screening", b)
			b.post("/screen", url.Values{"kind": {"person"}, "name": {"-- ..."}, "date_of_birth": {"1er mai"}, "sex": {"X"}, "nationality": {"ZZ"}})
			if b.Code != http.StatusBadRequest || strings.Count(b.Last, `class="err"`) < 4 {
				t.Errorf("%s refused screening: %d, %d field errors", code, b.Code, strings.Count(b.Last, `class="err"`))
			}
			check(code, "refused screening fields", b)
			b.get("/screen?kind=document")
			b.post("/screen", url.Values{"kind": {"document"}, "number": {""}, "country": {"1"}})
			check(code, "refused document screening", b)
			b.get("/screen?kind=identifier")
			b.post("/screen", url.Values{"kind": {"identifier"}, "value": {"not an identifier at all"}, "type": {"iban"}})
			check(code, "refused identifier screening", b)
			b.get("/messages/" + th.ID)
			b.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {""}})
			check(code, "empty reply", b)
			b.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {strings.Repeat("ب", messages.MaxBody+1)}})
			check(code, "reply too long", b)
			b.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {"x"}, "csrf": {"forged"}})
			check(code, "forged form", b)
			b.get("/messages/" + th.ID)
			b.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {"x"}, "padding": {strings.Repeat("x", 2<<20)}})
			check(code, "form too large", b)
			b.get("/messages/" + th.ID)
			b.postMultipart("/messages/"+th.ID+"/reply", url.Values{"csrf": {b.csrf()}, "type": {core.MsgGeneral}, "body": {"x"}}, 10)
			check(code, "multipart form", b)
			b.get("/screen?kind=person")
			b.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdellatif Kharroubi"}, "place": {strings.Repeat("الجزيرة الخضراء ", 20)}})
			check(code, "place too long", b)
			b.get("/hits/" + hitID)
			b.post("/hits/"+hitID+"/state", url.Values{"state": {"nonsense"}, "version": {"1"}})
			check(code, "bad hit state", b)
			// Screening results and the hits they make, explanations
			// included, as the searcher: a name whose date of birth
			// agrees and whose sex and nationality differ, a document
			// and an identifier; then each hit's page, the searcher's and
			// the owner's.
			es.get("/screen?kind=person&lang=" + code)
			for _, form := range []url.Values{
				{"kind": {"person"}, "name": {"Abdelatif Kharoubi"}, "date_of_birth": {"1966"}, "sex": {"F"}, "nationality": {"DZ"}, "place": {"Tarifa"}},
				{"kind": {"document"}, "number": {"ZK7654321"}, "country": {"MAR"}, "type": {"passport"}},
				{"kind": {"identifier"}, "value": {"qarib.rabih@example.org"}},
			} {
				what := "screening " + form.Get("kind")
				es.get("/screen?kind=" + form.Get("kind"))
				es.post("/screen", form)
				if es.Code != http.StatusOK || !strings.Contains(es.Last, `<ul class="why">`) {
					t.Fatalf("%s %s: %d, no explanation\n%s", code, what, es.Code, es.Last)
				}
				check(code, what, es)
				id := between(t, es.Last, `href="/hits/`, `"`)
				es.get("/hits/" + id)
				if !strings.Contains(es.Last, `<ul class="why">`) {
					t.Errorf("%s %s: the searcher's hit page has no explanation", code, what)
				}
				check(code, what+": the searcher's hit page", es)
				b.get("/hits/" + id)
				check(code, what+": the owner's hit page", b)
			}
			es.get("/hits")
			check(code, "the searcher's hits", es)
		}
	})
}
