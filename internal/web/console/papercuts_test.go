package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/reports"
)

// record writes a record as its owner.
func record(t *testing.T, e *env, owner *core.User, kind string, rel core.Releasability, data map[string]any) *core.Record {
	t.Helper()
	raw, _ := json.Marshal(data)
	r, err := e.Server.Records.Create(context.Background(), viewerOf(owner), records.Input{Kind: kind, Releasability: &rel, Data: raw})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var hitRow = regexp.MustCompile(`<tr class="hit( restricted)?">`)

// TestScreeningResultsOneRowPerRecord: two records of one name (as the
// demo has: one name, several records, told apart by their date of birth)
// are two rows, each with its kind, date of birth, nationality, owner and
// reference, and the spelling matched as the record writes it; a record
// that lists one document twice is one row; a restricted record shows
// only "possible hit — contact bureau X" and the reference.
func TestScreeningResultsOneRowPerRecord(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, false)
		e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		all := core.Releasability{Mode: core.ReleaseAll}
		person := func(dob string, rel core.Releasability) {
			record(t, e, ma, core.KindPerson, rel, map[string]any{"given_names": "Abdellatif", "family_name": "Kharroubi", "name_original": "عبد اللطيف خروبي",
				"date_of_birth": dob, "nationalities": []string{"MA"},
				"documents": []map[string]any{{"type": "passport", "number": "QX1234567", "country": "MA"}, {"type": "id_card", "number": "QX 123 4567", "country": "MAR"}}})
		}
		person("1966-04-02", all)
		person("1981-11-20", all)
		person("1990-01-01", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}})

		fr := e.browser(t)
		fr.signIn("fr.officer", "fr")
		fr.get("/screen?kind=person")
		fr.post("/screen", url.Values{"kind": {"person"}, "name": {"عبد اللطيف خروبي"}})
		if fr.Code != http.StatusOK {
			t.Fatalf("screening: %d\n%s", fr.Code, fr.Last)
		}
		rows := hitRow.FindAllStringSubmatch(fr.Last, -1)
		restricted := 0
		for _, r := range rows {
			if r[1] != "" {
				restricted++
			}
		}
		if len(rows) != 3 || restricted != 1 {
			t.Fatalf("want three rows (two records seen, one restricted), got %d (%d restricted):\n%s", len(rows), restricted, fr.Last)
		}
		table := between(t, fr.Last, `id="screen-hits">`, `</table>`)
		for _, want := range []string{"1966-04-02", "1981-11-20", "Personne", `class="matched">عبد اللطيف خروبي</bdi>`, "Concordance possible — contactez le bureau MA", "HIT-"} {
			if !strings.Contains(table, want) {
				t.Errorf("results lack %q:\n%s", want, table)
			}
		}
		if strings.Contains(table, "1990-01-01") || strings.Count(table, `class="ref"`) != 3 {
			t.Errorf("the restricted row tells more than the owner and its reference, or a row lacks its reference:\n%s", table)
		}

		// By document: each record once, though each lists the passport
		// twice (two seen, one possible hit); the number as written.
		fr.get("/screen?kind=document")
		fr.post("/screen", url.Values{"kind": {"document"}, "number": {"qx1234567"}, "country": {"MA"}})
		rows = hitRow.FindAllStringSubmatch(fr.Last, -1)
		if len(rows) != 3 || !strings.Contains(fr.Last, `class="matched">QX1234567</bdi>`) {
			t.Fatalf("document screening: want one row per record (3), got %d:\n%s", len(rows), fr.Last)
		}
	})
}

// TestSignInRedirectKeepsLanguage: a visitor without a session who opens
// a page in Arabic is sent to the Arabic sign-in page, and back to the
// page afterwards; a right password without the code is told, in the
// page's language, that the code is needed.
func TestSignInRedirectKeepsLanguage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		r, err := b.c.Get(e.URL + "/notices?lang=ar")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		want := "/login?lang=ar&next=" + url.QueryEscape("/notices?lang=ar")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Fatalf("redirect: %d to %q, want %q", r.StatusCode, r.Header.Get("Location"), want)
		}
		b.c.CheckRedirect = nil
		b.get(want)
		if !strings.Contains(b.Last, `lang="ar"`) || !strings.Contains(b.Last, `name="next" value="/notices?lang=ar"`) {
			t.Fatalf("sign-in page not in Arabic or without next:\n%s", b.Last)
		}
		b.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "next": {"/notices?lang=ar"}})
		if b.Code != http.StatusUnauthorized || !strings.Contains(b.Last, "كلمة المرور صحيحة") || !strings.Contains(b.Last, `id="code-err"`) {
			t.Fatalf("right password without the code: %d\n%s", b.Code, b.Last)
		}
		b.post("/login", url.Values{"username": {"ma.officer"}, "password": {"wrong"}, "next": {"/notices?lang=ar"}})
		if b.Code != http.StatusUnauthorized || strings.Contains(b.Last, "كلمة المرور صحيحة") {
			t.Fatalf("wrong password: %d\n%s", b.Code, b.Last)
		}
		b.post("/login", url.Values{"username": {"ma.officer"}, "password": {testPassword}, "code": {auth.CurrentTOTP(e.Secrets["ma.officer"], time.Now())},
			"next": {"/notices?lang=ar"}})
		if b.Code != http.StatusOK || b.At != "/notices" {
			t.Fatalf("after sign-in: %d at %s", b.Code, b.At)
		}
		// The bureau is named in the page's language.
		if got := between(t, b.Last, `id="who-bureau" title="MA">`, "<"); got != "المكتب المركزي الوطني - المغرب" {
			t.Errorf("bureau in the header: %q", got)
		}
		b.get("/notices?lang=fr")
		if got := between(t, b.Last, `id="who-bureau" title="MA">`, "<"); got != "BCN Maroc" {
			t.Errorf("bureau in the header in French: %q", got)
		}
	})
}

var optionValue = regexp.MustCompile(`<option value="([a-z_]+)"`)

// options lists the values a select offers, in order.
func options(t *testing.T, page, id string) []string {
	t.Helper()
	sel := between(t, page, `<select id="`+id+`"`, `</select>`)
	var out []string
	for _, m := range optionValue.FindAllStringSubmatch(sel, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestHitWorkflowOffersOnlyAllowedMoves: the hit page offers only the
// states the hits service allows from where the viewer's side stands, and
// the four actions as a translated choice; a refused move shows the form
// again, as filled in, with the reason in the page's language.
func TestHitWorkflowOffersOnlyAllowedMoves(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		record(t, e, ma, core.KindPerson, core.Releasability{Mode: core.ReleaseAll}, map[string]any{"given_names": "Youssef", "family_name": "Benjelloun Tahiri",
			"date_of_birth": "1979-05-05", "nationalities": []string{"MA"}})
		es := e.browser(t)
		es.signIn("es.officer", "es")
		es.get("/screen?kind=person")
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Youssef Benjelloun Tahiri"}})
		hitID := between(t, es.Last, `href="/hits/`, `"`)

		mab := e.browser(t)
		mab.signIn("ma.officer", "ar")
		mab.get("/hits/" + hitID)
		if got := options(t, mab.Last, "state"); strings.Join(got, ",") != "being_checked" {
			t.Fatalf("from new, want only being_checked offered, got %v", got)
		}
		if strings.Contains(mab.Last, `id="action"`) {
			t.Fatal("an action is offered where action_taken is not a next state")
		}
		version := between(t, mab.Last, `name="version" value="`, `"`)
		// A move the service refuses (a form from an older page, a crafted
		// post): the form again, in Arabic, the notes kept.
		mab.post("/hits/"+hitID+"/state", url.Values{"state": {core.HitConfirmed}, "version": {version}, "notes": {"ملاحظة أولى"}})
		if mab.Code != http.StatusConflict || mab.At != "/hits/"+hitID+"/state" {
			t.Fatalf("refused move: %d at %s", mab.Code, mab.At)
		}
		stateErr := between(t, mab.Last, `id="state-err">`, "<")
		if !strings.Contains(stateErr, "جديد") || !strings.Contains(stateErr, "قيد التحقق") || !strings.Contains(mab.Last, "ملاحظة أولى</textarea>") {
			t.Fatalf("refusal not explained in Arabic with the allowed state, or notes lost: %q\n%s", stateErr, mab.Last)
		}
		move := func(state, action string) {
			t.Helper()
			mab.get("/hits/" + hitID)
			mab.post("/hits/"+hitID+"/state", url.Values{"state": {state}, "action": {action}, "version": {between(t, mab.Last, `name="version" value="`, `"`)}})
		}
		move(core.HitBeingChecked, "")
		if got := options(t, mab.Last, "state"); strings.Join(got, ",") != "confirmed,false_positive" {
			t.Fatalf("from being_checked, want confirmed and false_positive, got %v", got)
		}
		move(core.HitConfirmed, "")
		if got := options(t, mab.Last, "action"); strings.Join(got, ",") != strings.Join(core.HitActions, ",") || !strings.Contains(mab.Last, "تم توقيف الشخص") {
			t.Fatalf("the four actions are not offered, translated: %v\n%s", got, mab.Last)
		}
		move(core.HitActionTaken, "")
		if mab.Code != http.StatusUnprocessableEntity || !strings.Contains(between(t, mab.Last, `id="action-err">`, "<"), "اختر الإجراء المتخذ") {
			t.Fatalf("action_taken without an action: %d\n%s", mab.Code, mab.Last)
		}
		move(core.HitActionTaken, core.ActionArrested)
		if mab.Code != http.StatusOK || !strings.Contains(between(t, mab.Last, `id="hit-state">`, "<"), "اتُّخذ إجراء") ||
			!strings.Contains(mab.Last, "· تم توقيف الشخص") {
			t.Fatalf("after the action: %d\n%s", mab.Code, mab.Last)
		}
	})
}

// TestReportsShowCurrencyAndCampaignName: losses are shown with their
// currency, per currency (never added across currencies), formatted for
// the language; the urgency is said once; the campaign column names the
// campaign (its name, else "Campaign" and its code), not the start of
// its id.
func TestReportsShowCurrencyAndCampaignName(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst", "MA", core.RoleAnalyst, true)
		a := report(t, e, reports.Input{Narrative: "Un faux conseiller m’a menacé", Lang: "fr", Country: "MA", ThreatToLife: true,
			Suspect: core.Suspect{Phones: []string{"0612345678"}},
			Losses: []core.Loss{{Amount: 1250, Currency: "MAD", Method: "transfer"}, {Amount: 300, Currency: "EUR", Method: "card"},
				{Amount: 250, Currency: "MAD", Method: "cash"}}})
		report(t, e, reports.Input{Narrative: "appel du +212 612-345678", Country: "MA"})
		if a.CampaignID == "" {
			t.Fatal("no campaign")
		}
		code := strings.ToUpper(a.CampaignID[len(a.CampaignID)-6:])

		b := e.browser(t)
		b.signIn("ma.analyst", "fr")
		b.get("/reports")
		row := between(t, b.Last, `href="/reports/`+a.ID+`"`, "</tr>")
		for _, want := range []string{"1\u202f500,00\u00a0MAD", "300,00\u00a0EUR", "Campagne " + code} {
			if !strings.Contains(row, want) {
				t.Errorf("queue row lacks %q:\n%s", want, row)
			}
		}
		if strings.Contains(row, ">"+a.CampaignID[:8]) || strings.Contains(row, "1\u202f800") {
			t.Errorf("queue row shows the id's time prefix or adds currencies together:\n%s", row)
		}

		if _, err := e.Server.Reports.Name(context.Background(), system, a.CampaignID, "Faux conseiller bancaire"); err != nil {
			t.Fatal(err)
		}
		b.get("/reports")
		if !strings.Contains(between(t, b.Last, `href="/reports/`+a.ID+`"`, "</tr>"), "Faux conseiller bancaire") {
			t.Errorf("queue row does not name the campaign:\n%s", b.Last)
		}

		b.get("/reports/" + a.ID + "?lang=en")
		if urgency := between(t, b.Last, `id="report-urgency">`, "</dd>"); strings.Count(strings.ToLower(urgency), "threat to life") != 1 {
			t.Errorf("urgency not said exactly once: %q", urgency)
		}
		b.get("/reports/" + a.ID + "?lang=ar")
		if !strings.Contains(b.Last, "1٬500٫00\u00a0MAD") || !strings.Contains(b.Last, "300٫00\u00a0EUR") || !strings.Contains(b.Last, "Faux conseiller bancaire") {
			t.Errorf("report page: amounts without currency in Arabic formatting, or campaign unnamed:\n%s", b.Last)
		}
		b.get("/campaigns/" + a.CampaignID + "?lang=en")
		totals := between(t, b.Last, `id="campaign-totals">`, "</dl>")
		if !strings.Contains(totals, "1,500.00\u00a0MAD") || !strings.Contains(totals, "300.00\u00a0EUR") {
			t.Errorf("campaign totals without currencies:\n%s", totals)
		}
		// The campaign list: one total per currency, in the language.
		for code, want := range map[string][]string{"es": {"1500,00\u00a0MAD", "300,00\u00a0EUR"}, "ar": {"1٬500٫00\u00a0MAD", "300٫00\u00a0EUR"}} {
			b.get("/campaigns?lang=" + code)
			row := between(t, b.Last, `href="/campaigns/`+a.CampaignID+`"`, "</tr>")
			for _, w := range want {
				if !strings.Contains(row, w) {
					t.Errorf("%s campaign list row lacks %q:\n%s", code, w, row)
				}
			}
			if strings.Contains(row, "1800") || strings.Contains(row, "1.800") || strings.Contains(row, "1٬800") {
				t.Errorf("%s campaign list adds currencies together:\n%s", code, row)
			}
		}
	})
}

// TestLongReplyIsRefusedAtTheBody: a reply longer than a message may be
// (messages.MaxBody characters), which the messages service refuses as
// "too large" without naming a field, is the thread again (400) with the
// reason at the body, in the page's language, and what was typed kept;
// the textarea tells the browser the limit.
func TestLongReplyIsRefusedAtTheBody(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		th, err := e.Server.Messages.Open(context.Background(), viewerOf(ma), messages.NewThread{Subject: "Stolen vehicle VIN check", Participants: []string{"FR"},
			Message: messages.Post{Type: core.MsgInformationRequest, Body: "Could you confirm the owner of this fictitious vehicle?"}})
		if err != nil {
			t.Fatal(err)
		}
		fr := e.browser(t)
		fr.signIn("fr.officer", "fr")
		fr.get("/messages/" + th.ID)
		if want := fmt.Sprintf(`maxlength="%d"`, messages.MaxBody); !strings.Contains(fr.Last, want) {
			t.Errorf("the reply's textarea has no %s", want)
		}
		long := strings.Repeat("é", messages.MaxBody+1)
		fr.post("/messages/"+th.ID+"/reply", url.Values{"type": {core.MsgGeneral}, "body": {long}})
		if fr.Code != http.StatusBadRequest || !strings.Contains(fr.Last, `id="body-err"`) {
			t.Fatalf("a reply of %d characters: %d at %s, want the thread again with an error at the body (400)\n%.600s", messages.MaxBody+1, fr.Code, fr.At, fr.Last)
		}
		if !strings.Contains(html.UnescapeString(fr.Last), "C'est trop long : 20\u202f001 caractères ; 20\u202f000 au plus.") {
			t.Errorf("the reason is not the length and the limit, in French: %s", between(t, fr.Last, `id="body-err">`, "<"))
		}
		if !strings.Contains(fr.Last, ">"+long+"</textarea>") {
			t.Error("the reply typed is not kept")
		}
	})
}

// TestScreenPlaceTooLongIsRefusedAtThePlace: a screening's place longer
// than the screening context holds (200 bytes), which the service names
// context.place, is refused at the form's place field with its length
// and the limit, in the page's language, on every kind of screening (the
// MRZ form shows its other errors at its one field, not this one); the
// input tells the browser the limit.
func TestScreenPlaceTooLongIsRefusedAtThePlace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		es := e.browser(t)
		es.signIn("es.officer", "es")
		place := strings.Repeat("Algeciras ", 30) + "puerto"
		for _, form := range []url.Values{
			{"kind": {"person"}, "name": {"Lucas Ferrandiz"}},
			{"kind": {"mrz"}, "mrz": {"P<ESPFERRANDIZ<<LUCAS"}},
		} {
			kind := form.Get("kind")
			es.get("/screen?kind=" + kind)
			if !strings.Contains(es.Last, `maxlength="200"`) {
				t.Errorf("%s: the place input has no maxlength", kind)
			}
			form.Set("place", place)
			es.post("/screen", form)
			if es.Code != http.StatusBadRequest || !strings.Contains(es.Last, `id="place-err"`) {
				t.Fatalf("%s, a 306-byte place: %d, errors shown: %v; want 400 with the error at the place", kind, es.Code, regexpErrIDs.FindAllString(es.Last, -1))
			}
			if got := between(t, es.Last, `id="place-err">`, "<"); !strings.HasPrefix(got, "Es demasiado largo: 306 bytes; como máximo 200") {
				t.Errorf("%s: the place's reason is %q", kind, got)
			}
			if strings.Contains(es.Last, `id="mrz-err"`) {
				t.Errorf("%s: the place's refusal is told at the MRZ too", kind)
			}
		}
	})
}

// TestNoticeFormRefusesNonFiniteNumbers: "NaN" or "Inf" typed as a
// maximum penalty is not a number of years: refused at that field, like
// "abc", with everything typed kept, rather than read as a float that
// JSON cannot hold (the form's data would then marshal to nothing).
func TestNoticeFormRefusesNonFiniteNumbers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ma.officer", "fr")
		for _, bad := range []string{"10", "NaN", "Inf", "-Infinity", "1e400"} {
			b.get("/notices/new?type=red")
			form := url.Values{"type": {"red"}, "action": {"draft"}, "family_name": {"Zerhouni"}, "given_names": {"Karim"},
				"sex": {"M"}, "date_of_birth": {"1971-04-02"}, "purpose": {"prosecution"}, "charges.0.offence": {"Fraud"}, "charges.0.law": {"Art. 540"},
				"charges.0.max_penalty_years": {bad}, "warrant.kind": {"arrest_warrant"}}
			b.post("/notices/new", form)
			if bad == "10" { // the control: a good number makes a draft holding what was typed
				if !strings.HasPrefix(b.At, "/notices/") || !strings.Contains(b.Last, "Zerhouni") {
					t.Fatalf("control draft: %d at %s", b.Code, b.At)
				}
				continue
			}
			if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="charges-0-max_penalty_years-err"`) {
				t.Errorf("max_penalty_years=%s: %d at %s, field errors at %v; want 400 with the error at charges.0.max_penalty_years", bad, b.Code, b.At, regexpErrIDs.FindAllString(b.Last, -1))
				continue
			}
			if !strings.Contains(b.Last, `value="Zerhouni"`) {
				t.Errorf("max_penalty_years=%s: what was typed is not kept", bad)
			}
		}
	})
}

var regexpErrIDs = regexp.MustCompile(`id="[a-z0-9_-]+-err"`)
