package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func forEachBackend(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, newEnv(t, b)) })
	}
}

func viewerOf(u *core.User) core.Viewer {
	return core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role, Permissions: core.RolePermissions(u.Role), Remote: "test"}
}

func redData(family, given, original string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"family_name": family, "given_names": given, "name_original": original,
		"sex": "M", "date_of_birth": "1966-01-01", "nationalities": []string{"MA"}, "description": "tall", "purpose": "prosecution",
		"charges":               []any{map[string]any{"offence": "Drug trafficking", "law": "Penal Code art. 2", "max_penalty_years": 10}},
		"warrant":               map[string]any{"kind": "arrest_warrant", "reference": "AW-1", "date": "2026-01-15", "authority": "Court of Rabat", "country": "MA"},
		"extradition_countries": []string{"FR", "ES"}})
	return b
}

// publish takes a Red Notice through the service's life cycle.
func publish(t *testing.T, e *env, owner, reviewer *core.User, rel *core.Releasability, data json.RawMessage) *notices.View {
	t.Helper()
	ctx := context.Background()
	ns := e.Server.Notices
	v, err := ns.Create(ctx, viewerOf(owner), notices.Input{Type: "red", Releasability: rel, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if v, err = ns.Submit(ctx, viewerOf(owner), v.Notice.ID, v.Record.Version); err != nil {
		t.Fatal(err)
	}
	if v, err = ns.StartReview(ctx, viewerOf(reviewer), v.Notice.ID); err != nil {
		t.Fatal(err)
	}
	if v, err = ns.Decide(ctx, viewerOf(reviewer), v.Notice.ID, notices.Decision{Decision: "publish", Version: v.Record.Version}); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignInWithTOTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.get("/login?lang=fr")
		if !strings.Contains(b.Last, `lang="fr"`) || !strings.Contains(b.Last, "Connexion") {
			t.Fatalf("login page not in French:\n%s", b.Last)
		}
		// Wrong code: the same answer as a wrong password, in French, the
		// username kept, the password not.
		b.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "code": {"000000"}})
		if b.Code != http.StatusUnauthorized || !strings.Contains(b.Last, "Nom d&#39;utilisateur, mot de passe ou code erroné") || !strings.Contains(b.Last, `value="ma.officer"`) {
			t.Fatalf("wrong code: %d\n%s", b.Code, b.Last)
		}
		// No CSRF token: refused, nobody signed in.
		b.post("/login", url.Values{"csrf": {""}, "username": {"ma.officer"}, "password": {testPassword}, "code": {auth.CurrentTOTP(e.Secrets["ma.officer"], time.Now())}})
		if b.Code != http.StatusForbidden {
			t.Fatalf("no CSRF token: %d", b.Code)
		}
		b.get("/")
		if b.At != "/login" {
			t.Fatalf("signed in without CSRF token: at %s", b.At)
		}
		b.signIn("ma.officer", "fr")
		if b.At != "/" || !strings.Contains(b.Last, "Tableau de bord") {
			t.Fatalf("after sign-in: %s\n%s", b.At, b.Last)
		}
		// The language is remembered in the profile.
		u, _ := e.Auth.Me(context.Background(), core.Viewer{UserID: mustUser(t, e, "ma.officer").ID})
		if u.Lang != "fr" {
			t.Fatalf("profile language %q", u.Lang)
		}
		// A form without its token is refused while signed in too.
		b.post("/logout", url.Values{"csrf": {"forged"}})
		if b.Code != http.StatusForbidden {
			t.Fatalf("logout with a forged token: %d", b.Code)
		}
		b.get("/")
		b.post("/logout", url.Values{})
		if b.At != "/login" {
			t.Fatalf("after logout: %s", b.At)
		}
		b.get("/hits")
		if b.At != "/login" {
			t.Fatalf("hits after logout: %s", b.At)
		}
	})
}

func mustUser(t *testing.T, e *env, name string) *core.User {
	t.Helper()
	us, err := e.Auth.ListUsers(context.Background(), system)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Username == name {
			return u
		}
	}
	t.Fatalf("no user %s", name)
	return nil
}

func TestEnrolmentAndRecoveryCodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "fr.officer", "FR", core.RoleOfficer, false)
		b := e.browser(t)
		b.signIn("fr.officer", "ar")
		if b.At != "/enrol" || !strings.Contains(b.Last, `dir="rtl"`) {
			t.Fatalf("a user without a second factor must enrol first: at %s", b.At)
		}
		b.get("/notices")
		if b.At != "/enrol" {
			t.Fatalf("notices before enrolment: at %s", b.At)
		}
		secret := strings.ReplaceAll(between(t, b.Last, `id="totp-secret">`, "<"), " ", "")
		b.post("/enrol", url.Values{"code": {"123456"}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, "هذا ليس الرمز الحالي") {
			t.Fatalf("wrong enrolment code: %d\n%s", b.Code, b.Last)
		}
		b.post("/enrol", url.Values{"code": {auth.CurrentTOTP(secret, time.Now())}})
		codes := strings.Split(between(t, b.Last, `id="recovery-codes">`, "</ul>"), "<li><code>")
		if len(codes) != auth.RecoveryCodes+1 {
			t.Fatalf("recovery codes: %q", codes)
		}
		recovery := strings.TrimSuffix(codes[1], "</code></li>")
		// The codes are shown once: the enrolment page now sends home.
		b.get("/enrol")
		if b.At != "/" {
			t.Fatalf("enrol again: at %s", b.At)
		}
		b.get("/")
		b.post("/logout", url.Values{})
		// A recovery code signs in once.
		for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
			b.get("/login")
			b.post("/login", url.Values{"username": {"fr.officer"}, "password": {testPassword}, "code": {recovery}})
			if b.Code != want {
				t.Fatalf("recovery code, use %d: %d at %s", i+1, b.Code, b.At)
			}
			if want == http.StatusOK {
				b.post("/logout", url.Values{})
			}
		}
		// The API asks for the factor too.
		r, err := http.Post(e.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"fr.officer","password":"`+testPassword+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("API sign-in without the factor: %d", r.StatusCode)
		}
	})
}

func TestLockoutOnWrongCodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.get("/login?lang=en")
		for range auth.MaxAccountFailures {
			b.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "code": {"999999"}})
		}
		b.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "code": {auth.CurrentTOTP(e.Secrets["ma.officer"], time.Now())}})
		if b.Code != http.StatusUnauthorized {
			t.Fatalf("locked account signed in: %d", b.Code)
		}
	})
}

func TestRestrictedNoticeIsHidden(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		v := publish(t, e, ma, rev, &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}, redData("Zerhouni", "Karim", "كريم الزرهوني"))
		fr := e.browser(t)
		fr.signIn("fr.officer", "fr")
		fr.get("/notices/" + v.Notice.ID)
		if fr.Code != http.StatusNotFound || strings.Contains(fr.Last, "Zerhouni") {
			t.Fatalf("FR sees a notice released only to ES: %d", fr.Code)
		}
		fr.get("/notices/0190a1b2-0000-7000-8000-000000000000")
		if fr.Code != http.StatusNotFound {
			t.Fatalf("absent notice: %d", fr.Code)
		}
		fr.get("/audit?record=" + v.Notice.ID)
		if fr.Code != http.StatusNotFound {
			t.Fatalf("FR reads the trail of a notice it may not see: %d", fr.Code)
		}
		for _, path := range []string{"/notices", "/notices?name=Karim+Zerhouni", "/notices?name=%D8%A7%D9%84%D8%B2%D8%B1%D9%87%D9%88%D9%86%D9%8A", "/", "/hits"} {
			fr.get(path)
			shown := fr.Last
			if i := strings.Index(shown, `id="notice-list"`); i >= 0 && strings.HasPrefix(path, "/notices?") {
				shown = shown[i:] // the search box echoes what FR typed
			}
			if strings.Contains(shown, "Zerhouni") || strings.Contains(shown, "الزرهوني") || strings.Contains(shown, v.Notice.ID) {
				t.Fatalf("FR reads the restricted name on %s:\n%s", path, shown)
			}
		}
		es := e.browser(t)
		es.signIn("es.officer", "en")
		es.get("/notices/" + v.Notice.ID)
		if es.Code != http.StatusOK || !strings.Contains(es.Last, "Zerhouni") {
			t.Fatalf("ES cannot see the notice released to it: %d", es.Code)
		}
		es.get("/notices?name=Karim+Zerhouni")
		if !strings.Contains(es.Last, "Zerhouni") {
			t.Fatal("ES does not find the notice by name")
		}
	})
}

func TestRedNoticeFormErrorsKeepValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.officer", "ar")
		b.get("/notices/new?type=red")
		form := url.Values{"type": {"red"}, "action": {"submit"}, "given_names": {"Abdellatif"}, "name_original": {"عبد اللطيف خروبي"},
			"sex": {"M"}, "date_of_birth": {"1966-13-45"}, "purpose": {"prosecution"}, "charges.0.offence": {"Fraud"}, "charges.0.law": {"Art. 540"},
			"charges.0.max_penalty_years": {"abc"}, "warrant.kind": {"arrest_warrant"}}
		b.post("/notices/new", form)
		if b.Code != http.StatusBadRequest {
			t.Fatalf("invalid form: %d\n%s", b.Code, b.Last)
		}
		for _, kept := range []string{`value="Abdellatif"`, `value="عبد اللطيف خروبي"`, `value="1966-13-45"`, `value="abc"`, `value="Art. 540"`, `<option value="arrest_warrant" selected>`} {
			if !strings.Contains(b.Last, kept) {
				t.Errorf("the form lost %s", kept)
			}
		}
		if !strings.Contains(b.Last, `id="charges-0-max_penalty_years-err"`) || !strings.Contains(b.Last, "بعض الحقول تحتاج إلى انتباهك") {
			t.Fatalf("no field error in Arabic:\n%s", b.Last)
		}
		// With the number fixed, the service names the bad date (a draft
		// may be incomplete, but what it holds must be well formed)…
		form.Set("charges.0.max_penalty_years", "1")
		b.post("/notices/new", form)
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="date_of_birth-err"`) || strings.Contains(b.Last, `id="charges-0-max_penalty_years-err"`) {
			t.Fatalf("service field errors not shown: %d\n%s", b.Code, b.Last)
		}
		// …then, the draft made, submission names the missing family name.
		form.Set("date_of_birth", "1966-01-01")
		b.post("/notices/new", form)
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="family_name-err"`) {
			t.Fatalf("submission errors not shown: %d\n%s", b.Code, b.Last)
		}
		id := between(t, b.Last, `name="id" value="`, `"`)
		if id == "" {
			t.Fatal("the draft's id is not kept")
		}
		version := between(t, b.Last, `name="version" value="`, `"`)
		if version == "" {
			t.Fatal("the draft's version is not kept")
		}
		// Corrected, the same draft is submitted (no second draft).
		form.Set("family_name", "Kharroubi")
		form.Set("date_of_birth", "1966-01-01")
		form.Set("charges.0.max_penalty_years", "10")
		form.Set("nationalities", "MA")
		form.Set("description", "tall")
		form.Set("warrant.reference", "AW-1")
		form.Set("warrant.date", "2026-01-15")
		form.Set("warrant.authority", "Court of Rabat")
		form.Set("warrant.country", "MA")
		form.Set("extradition_countries", "FR, ES")
		form.Set("id", id)
		form.Set("version", version)
		b.post("/notices/new", form)
		if b.At != "/notices/"+id || !strings.Contains(b.Last, `data-state="submitted"`) {
			t.Fatalf("corrected request: at %s (%d)\n%s", b.At, b.Code, b.Last)
		}
	})
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %q in page:\n%s", from, s)
	}
	s = s[i+len(from):]
	j := strings.Index(s, to)
	if j < 0 {
		t.Fatalf("no %q after %q", to, from)
	}
	return s[:j]
}

func TestScreeningHitWorkflowAndThreads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		publish(t, e, ma, rev, &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}, redData("Kharroubi", "Abdellatif", "عبد اللطيف خروبي"))

		// France, to which the notice is not released, is told only to
		// contact Morocco, in French.
		fr := e.browser(t)
		fr.signIn("fr.officer", "fr")
		fr.get("/screen?kind=person")
		fr.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdul Latif Kharubi"}})
		if fr.Code != http.StatusOK || !strings.Contains(fr.Last, "Concordance possible — contactez le bureau MA") || strings.Contains(fr.Last, "Kharroubi") {
			t.Fatalf("restricted screening answer for FR: %d\n%s", fr.Code, fr.Last)
		}
		// A bad MRZ is a field error, in French, the paste kept.
		fr.get("/screen?kind=mrz")
		fr.post("/screen", url.Values{"kind": {"mrz"}, "mrz": {"P<MARNOTAVALIDMRZ"}})
		if fr.Code != http.StatusBadRequest || !strings.Contains(fr.Last, `id="mrz-err"`) || !strings.Contains(fr.Last, "P&lt;MARNOTAVALIDMRZ") {
			t.Fatalf("bad MRZ: %d\n%s", fr.Code, fr.Last)
		}

		// Spain sees the notice, with the score's explanation.
		es := e.browser(t)
		es.signIn("es.officer", "en")
		es.get("/screen")
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdul Latif Kharubi"}, "place": {"Algeciras"}})
		if !strings.Contains(es.Last, "Kharroubi") || !strings.Contains(es.Last, "Why this score") {
			t.Fatalf("screening for ES:\n%s", es.Last)
		}
		hitID := between(t, es.Last, `href="/hits/`, `"`)
		// "People only" leaves out a company of the same name, and keeps
		// the notice (its subject is a person) and the box ticked.
		_, err := e.Server.Records.Create(context.Background(), core.Viewer{Bureau: "MA", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)},
			records.Input{Kind: core.KindEntity, Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: json.RawMessage(`{"name":"Abdellatif Kharroubi"}`)})
		if err != nil {
			t.Fatal(err)
		}
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdellatif Kharroubi"}})
		if !strings.Contains(es.Last, "<td>Entity</td>") {
			t.Fatalf("the company is not answered without the box:\n%s", es.Last)
		}
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdellatif Kharroubi"}, "people_only": {"on"}})
		if strings.Contains(es.Last, "<td>Entity</td>") || !strings.Contains(es.Last, "<td>Notice</td>") || !strings.Contains(es.Last, `name="people_only" checked`) {
			t.Fatalf("people only:\n%s", es.Last)
		}

		// Morocco moves its side of the hit on from the inbox.
		mab := e.browser(t)
		mab.signIn("ma.officer", "ar")
		mab.get("/hits")
		if !strings.Contains(mab.Last, "/hits/"+hitID) {
			t.Fatalf("the hit is not in the owner's inbox:\n%s", mab.Last)
		}
		mab.get("/hits/" + hitID)
		mab.post("/hits/"+hitID+"/state", url.Values{"state": {core.HitBeingChecked}, "version": {between(t, mab.Last, `name="version" value="`, `"`)}})
		if mab.At != "/hits/"+hitID || !strings.Contains(between(t, mab.Last, `id="hit-state">`, "<"), "قيد التحقق") {
			t.Fatalf("after the state change: at %s\n%s", mab.At, mab.Last)
		}
		// France is no side of the hit: not found.
		fr.get("/hits/" + hitID)
		if fr.Code != http.StatusNotFound {
			t.Fatalf("FR reads a hit it is no side of: %d", fr.Code)
		}

		// A thread on the hit: Morocco replies; an empty reply is a field
		// error in Arabic; France cannot open it.
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(mustUser(t, e, "es.officer")), messagesNewThread(hitID))
		if err != nil {
			t.Fatal(err)
		}
		mab.get("/messages")
		if !strings.Contains(mab.Last, "/messages/"+th.ID) {
			t.Fatal("the thread is not listed for MA")
		}
		mab.get("/messages/" + th.ID)
		mab.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {""}})
		if mab.Code != http.StatusBadRequest || !strings.Contains(mab.Last, "class=\"err\"") {
			t.Fatalf("empty reply: %d\n%s", mab.Code, mab.Last)
		}
		mab.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgIdentityConfirmation}, "body": {"تم التأكد من الهوية"}})
		if !strings.Contains(mab.Last, "تم التأكد من الهوية") {
			t.Fatalf("reply not shown:\n%s", mab.Last)
		}
		fr.get("/messages/" + th.ID)
		if fr.Code != http.StatusNotFound {
			t.Fatalf("FR opens a thread it is not in: %d", fr.Code)
		}
	})
}

// TestEveryTypeHasAForm requests each type through its own form (no
// JSON): the lists' entries are added and removed without JavaScript, a
// refusal names the field in the page's language next to it and keeps
// what was typed, and the data arrive as the API would have sent them.
func TestEveryTypeHasAForm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.officer", "fr")
		forms := map[string]url.Values{
			"yellow": {"family_name": {"Benali"}, "given_names": {"Salma"}, "sex": {"F"}, "nationalities": {"MA"},
				"circumstances": {"a quitté l'école"}, "disappearance_date": {"2025-11"}, "disappearance_place": {"Casablanca"},
				"parents.0.name": {"Fatima Benali"}, "parents.0.relation": {"mother"}},
			"blue":   {"family_name": {"Testperson"}, "information_sought": {"lieu de résidence"}},
			"green":  {"family_name": {"Testperson"}, "criminal_activities": {"escroqueries"}, "countries_active": {"MA, ES"}},
			"black":  {"found_place": {"Tanger"}, "found_date": {"2026-02-01"}, "estimated_age_min": {"30"}, "description": {"1,70 m"}, "dna_available": {"true"}, "fingerprints_available": {"false"}},
			"orange": {"threat_nature": {"colis piégé"}, "threat_kind": {"object"}, "period.from": {"2026-03"}, "countries_affected": {"MA"}},
			"purple": {"modus_operandi": {"double fond"}, "objects": {"valise\nsac"}},
			"silver": {"family_name": {"Testperson"}, "assets.0.type": {"vehicle"}, "assets.0.criminal_activity": {"blanchiment"},
				"assets.0.identifiers.0.type": {"plate"}, "assets.0.identifiers.0.value": {"12345-A-6"},
				"assets.0.held_for.0.name": {"Testperson"}, "assets.0.held_for.0.kind": {"person"}, "assets.0.estimated_value": {"25000,50"}, "assets.0.currency": {"MAD"}},
		}
		for typ, form := range forms {
			b.get("/notices/new?type=" + typ)
			if b.Code != http.StatusOK || strings.Contains(b.Last, `name="data"`) {
				t.Fatalf("%s form: %d, or still a JSON box", typ, b.Code)
			}
			form.Set("type", typ)
			form.Set("action", "submit")
			b.post("/notices/new", form)
			if !strings.Contains(b.Last, `data-state="submitted"`) {
				t.Fatalf("%s request: %d at %s\n%s", typ, b.Code, b.At, b.Last)
			}
		}
		// The silver notice's data are what the API would have sent.
		list, _, err := e.Server.Notices.List(context.Background(), viewerOf(ma), notices.Query{Type: "silver", Limit: 5})
		if err != nil || len(list) != 1 {
			t.Fatalf("silver notices: %v %d", err, len(list))
		}
		var d struct {
			Assets []struct {
				Type        string
				Value       float64 `json:"estimated_value"`
				Identifiers []map[string]string
				HeldFor     []map[string]string `json:"held_for"`
			}
		}
		json.Unmarshal(list[0].View.Record.Data, &d)
		if len(d.Assets) != 1 || d.Assets[0].Value != 25000.5 || len(d.Assets[0].Identifiers) != 1 || d.Assets[0].HeldFor[0]["kind"] != "person" {
			t.Fatalf("silver data: %s", list[0].View.Record.Data)
		}

		// Entries are added and removed by re-rendering the form.
		b.get("/notices/new?type=yellow")
		if strings.Contains(b.Last, `id="parents-1-name"`) || !strings.Contains(b.Last, `id="parents-0-name"`) {
			t.Fatal("the yellow form does not start with one empty parent")
		}
		b.post("/notices/new", url.Values{"type": {"yellow"}, "add": {"parents"}, "family_name": {"Benali"}, "parents.0.name": {"Fatima Benali"}})
		if b.Code != http.StatusOK || !strings.Contains(b.Last, `id="parents-2-name"`) || !strings.Contains(b.Last, `value="Fatima Benali"`) || !strings.Contains(b.Last, `value="Benali"`) {
			t.Fatalf("add another parent: %d\n%s", b.Code, b.Last)
		}
		b.post("/notices/new", url.Values{"type": {"yellow"}, "remove": {"parents.0"}, "parents.0.name": {"Fatima Benali"}, "parents.1.name": {"Karim Benali"}})
		if strings.Contains(b.Last, "Fatima Benali") || !strings.Contains(b.Last, `id="parents-0-name" name="parents.0.name" type="text" dir="auto" value="Karim Benali"`) {
			t.Fatalf("remove a parent:\n%s", b.Last)
		}

		// A refusal, in French, next to the field of the second entry (an
		// empty first entry dropped), keeping what was typed.
		b.post("/notices/new", url.Values{"type": {"silver"}, "action": {"submit"}, "family_name": {"Testperson"},
			"assets.0.type": {""}, "assets.1.type": {"vessel"}, "assets.1.estimated_value": {"9000"}, "assets.1.criminal_activity": {"pêche illégale"},
			"assets.1.held_for.0.name": {"Testperson"}, "assets.1.held_for.0.kind": {"company"}})
		if b.Code != http.StatusBadRequest {
			t.Fatalf("silver without currency: %d", b.Code)
		}
		if !strings.Contains(b.Last, `id="assets-0-currency-err">Indiquez la devise de la valeur estimée, par exemple EUR.`) ||
			!strings.Contains(b.Last, `value="9000"`) || !strings.Contains(b.Last, `<option value="vessel" selected>`) {
			t.Fatalf("currency refusal not next to its field, in French:\n%s", b.Last)
		}
		// A number that is not one is refused before the service.
		b.post("/notices/new", url.Values{"type": {"black"}, "action": {"draft"}, "estimated_age_min": {"trente"}})
		if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="estimated_age_min-err"`) || !strings.Contains(b.Last, `value="trente"`) {
			t.Fatalf("bad number: %d\n%s", b.Code, b.Last)
		}
	})
}

func messagesNewThread(hitID string) messages.NewThread {
	return messages.NewThread{Subject: "Kharroubi — Algeciras", HitID: hitID, Message: messages.Post{Type: core.MsgInformationRequest, Body: "Is this your subject?"}}
}

// TestEveryPageRenders opens every page as each kind of user in each
// language: no template error reaches anyone, and nobody meets a page
// their role is refused as anything but 403.
func TestEveryPageRenders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "ma.admin", "MA", core.RoleAdmin, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		v := publish(t, e, ma, rev, nil, redData("Kharroubi", "Abdellatif", "عبد اللطيف خروبي"))
		es := e.browser(t)
		es.signIn("es.officer", "en")
		es.get("/screen")
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Abdellatif Kharroubi"}})
		hitID := between(t, es.Last, `href="/hits/`, `"`)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(mustUser(t, e, "es.officer")), messagesNewThread(hitID))
		if err != nil {
			t.Fatal(err)
		}
		// A request waiting in the queue, for the reviewer's pages.
		draft, err := e.Server.Notices.Create(context.Background(), viewerOf(ma), notices.Input{Type: "red", Data: redData("Alaoui", "Driss", "إدريس العلوي")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Notices.Submit(context.Background(), viewerOf(ma), draft.Notice.ID, draft.Record.Version); err != nil {
			t.Fatal(err)
		}
		// Citizen reports in one campaign, for the triage pages.
		rep, _ := twoLinked(t, e)
		pages := []string{"/", "/screen?kind=person", "/screen?kind=document", "/screen?kind=mrz", "/screen?kind=identifier",
			"/notices", "/notices?type=red&state=published", "/notices?name=خروبي", "/notices/" + v.Notice.ID, "/notices/" + draft.Notice.ID,
			"/hits", "/messages", "/audit", "/audit?record=" + v.Notice.ID,
			"/reports", "/reports?status=all", "/reports?status=closed", "/reports/" + rep.ID, "/campaigns", "/campaigns?min=1", "/campaigns/" + rep.CampaignID}
		for _, typ := range []string{"red", "yellow", "blue", "black", "green", "orange", "purple", "silver"} {
			pages = append(pages, "/notices/new?type="+typ)
		}
		users := map[string][]string{
			"ma.officer":    append(pages, "/hits/"+hitID, "/messages/"+th.ID),
			"ipsg.reviewer": {"/", "/reviews", "/notices/" + draft.Notice.ID, "/notices", "/reports"},
			"ma.admin":      {"/admin", "/", "/reports", "/campaigns"},
		}
		refused := map[string]bool{"ma.officer /reviews": true, "ma.officer /admin": true, "ma.admin /reviews": true, "ipsg.reviewer /admin": true,
			"ipsg.reviewer /reports": true, "ma.admin /reports": true, "ma.admin /campaigns": true}
		for _, lang := range []string{"ar", "fr", "en"} {
			for name, paths := range users {
				b := e.browser(t)
				// A code is good once: each language signs in with another
				// step's code, within the drift window.
				b.signInAt(name, lang, time.Now().Add(time.Duration(langIndex(lang))*auth.TOTPStep))
				for _, p := range append(paths, "/reviews", "/admin") {
					b.get(p)
					want := http.StatusOK
					if refused[name+" "+p] {
						want = http.StatusForbidden
					}
					if b.Code != want {
						t.Errorf("%s %s in %s: %d, want %d", name, p, lang, b.Code, want)
					}
					if !strings.Contains(b.Last, `<html lang="`+lang+`"`) {
						t.Errorf("%s %s: not in %s", name, p, lang)
					}
				}
			}
		}
	})
}

func langIndex(l string) int { return map[string]int{"ar": -1, "fr": 0, "en": 1}[l] }

// signInAt signs in with the code of the step containing at (within the
// drift window), so one user may sign in more than once a step.
func (b *browser) signInAt(username, lang string, at time.Time) {
	b.t.Helper()
	b.get("/login?lang=" + lang)
	b.post("/login", url.Values{"username": {username}, "password": {testPassword}, "code": {auth.CurrentTOTP(b.e.Secrets[username], at)}})
	if b.Code != http.StatusOK || b.At == "/login" {
		b.t.Fatalf("sign-in of %s: %d at %s", username, b.Code, b.At)
	}
}

func TestAdministration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.admin", "MA", core.RoleAdmin, true)
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.admin", "fr")
		b.get("/admin")
		// A bad user: each field's error in French, what was typed kept
		// (the password excepted).
		b.post("/admin/users", url.Values{"username": {"X"}, "display_name": {"سلمى بنعلي"}, "bureau": {"ZZ"}, "role": {"reviewer"}, "lang": {"ar"}, "new_password": {"short"}})
		if b.Code != http.StatusBadRequest {
			t.Fatalf("bad user: %d", b.Code)
		}
		for _, want := range []string{`id="username-err"`, `id="bureau-err"`, `id="new_password-err"`, `value="سلمى بنعلي"`, `value="ZZ"`, "Indiquez des codes de pays membres"} {
			if !strings.Contains(b.Last, want) {
				t.Errorf("bad user page lacks %s", want)
			}
		}
		b.post("/admin/users", url.Values{"username": {"ma.analyst"}, "display_name": {"سلمى بنعلي"}, "bureau": {"MA"}, "role": {"analyst"}, "lang": {"ar"}, "new_password": {testPassword}})
		if !strings.Contains(b.Last, "L&#39;utilisateur a été créé") || !strings.Contains(b.Last, "ma.analyst") {
			t.Fatalf("user not created: %d\n%s", b.Code, b.Last)
		}
		b.post("/admin/users/ma.officer/disable", url.Values{})
		if b.At != "/admin" {
			t.Fatalf("disable: %d at %s", b.Code, b.At)
		}
		o := e.browser(t)
		o.get("/login")
		o.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "code": {auth.CurrentTOTP(e.Secrets["ma.officer"], time.Now())}})
		if o.Code != http.StatusUnauthorized {
			t.Fatalf("a disabled user signed in: %d", o.Code)
		}
		// An officer may not administer.
		b.post("/admin/users/ma.officer/enable", url.Values{})
		o.signInAt("ma.officer", "en", time.Now().Add(auth.TOTPStep))
		o.get("/admin")
		if o.Code != http.StatusForbidden {
			t.Fatalf("officer on /admin: %d", o.Code)
		}
		o.get("/")
		o.post("/admin/users/ma.admin/reset-totp", url.Values{})
		if o.Code != http.StatusForbidden {
			t.Fatalf("officer resets a second factor: %d", o.Code)
		}
		// The administrator resets the officer's factor: the session ends,
		// and the next sign-in enrols again.
		b.post("/admin/users/ma.officer/reset-totp", url.Values{})
		o.get("/hits")
		if o.At != "/login" {
			t.Fatalf("the officer's session survived the reset: at %s", o.At)
		}
		o.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}})
		if o.At != "/enrol" {
			t.Fatalf("after the reset: at %s (%d)", o.At, o.Code)
		}
	})
}

// TestNoticePhotoAndDocuments: a notice's photo stands with its identity
// and its documents are listed; both are served to a bureau that may see
// the notice, and neither to one that may not.
func TestNoticePhotoAndDocuments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		ctx := context.Background()
		ns := e.Server.Notices
		draft, err := ns.Create(ctx, viewerOf(ma), notices.Input{Type: "red", Releasability: &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}},
			Data: redData("Zerouali", "Hamid", "حميد الزروالي")})
		if err != nil {
			t.Fatal(err)
		}
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
		photo, err := ns.Attach(ctx, viewerOf(ma), draft.Notice.ID, "face.png", "photo", png)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ns.Attach(ctx, viewerOf(ma), draft.Notice.ID, "warrant.pdf", "document", []byte("%PDF-1.4\n%fictitious warrant\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := ns.Get(ctx, viewerOf(ma), draft.Notice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v, err = ns.Submit(ctx, viewerOf(ma), v.Notice.ID, v.Record.Version); err != nil {
			t.Fatal(err)
		}
		if v, err = ns.StartReview(ctx, viewerOf(rev), v.Notice.ID); err != nil {
			t.Fatal(err)
		}
		if _, err = ns.Decide(ctx, viewerOf(rev), v.Notice.ID, notices.Decision{Decision: "publish", Version: v.Record.Version}); err != nil {
			t.Fatal(err)
		}

		es := e.browser(t)
		es.signIn("es.officer", "es")
		page := es.get("/notices/" + draft.Notice.ID)
		photoURL := "/notice-files/" + draft.Notice.ID + "/" + photo.ID
		docURL := "/notice-files/" + draft.Notice.ID + "/" + doc.ID
		if es.Code != http.StatusOK || !strings.Contains(page, `src="`+photoURL+`"`) || !strings.Contains(page, `alt="Fotografía`) ||
			!strings.Contains(page, `href="`+docURL+`"`) || !strings.Contains(page, "Documentos adjuntos") {
			t.Fatalf("notice page for ES: %d\n%s", es.Code, page)
		}
		r, err := es.c.Get(e.URL + photoURL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, png) ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("photo: %d %v", r.StatusCode, r.Header)
		}
		r, err = es.c.Get(e.URL + docURL)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("document: %d %v", r.StatusCode, r.Header)
		}

		// France, to which the notice is not released, gets neither.
		fr := e.browser(t)
		fr.signIn("fr.officer", "fr")
		for _, u := range []string{photoURL, docURL} {
			if fr.get(u); fr.Code != http.StatusNotFound || strings.Contains(fr.Last, "PNG") {
				t.Fatalf("FR read %s: %d", u, fr.Code)
			}
		}
	})
}
