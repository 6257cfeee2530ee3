package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/records"
)

// TestAccreditationPages: the host's security unit sees the queue and a
// participant's page in Arabic, French, English and Spanish (a possible
// hit told as "contact bureau X"), decides with a reason from the page
// (refused field by field without one); another bureau sees neither.
func TestAccreditationPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		es := e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		e.user(t, "de.officer", "DE", core.RoleOfficer, true)
		g, err := e.Server.Meetings.CreateGathering(ctx, viewerOf(ma), meetings.GatheringInput{
			Name: "Conférence régionale", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24", "2025-11-25"}, DayStart: "09:00",
			SlotMinutes: 30, SlotsPerDay: 6, Rooms: []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 8}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Server.Records.Create(ctx, viewerOf(es), records.Input{Kind: core.KindPerson, Releasability: &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}},
			Data: json.RawMessage(`{"family_name":"Drevlyanska","given_names":"Oksana","date_of_birth":"1984-07-21"}`)}); err != nil {
			t.Fatal(err)
		}
		csv := "ref,category,name,date_of_birth,nationalities\nA-1,staff,Oksana Drevlyanska,1984-07-21,UA\nA-2,journalist,Camille Dufrénoy,1991-05-05,FR\n"
		if _, err := e.Server.Accreditation.ImportCSV(ctx, viewerOf(ma), g.ID, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		q, _ := e.Server.Accreditation.List(ctx, viewerOf(ma), g.ID, accreditation.ListFilter{Status: core.AttendeeReview})
		if q.Count != 1 {
			t.Fatalf("review queue: %+v", q)
		}
		pid := q.Items[0].ID
		h := e.browser(t)
		h.signIn("ma.officer", "en")
		for _, code := range []string{"ar", "fr", "en", "es"} {
			h.get("/meetings/" + g.ID + "/participants?lang=" + code)
			if h.Code != http.StatusOK || !strings.Contains(between(t, h.Last, `id="queue"`, "</table>"), "Drevlyanska") {
				t.Fatalf("%s queue: %d\n%s", code, h.Code, h.Last)
			}
			for _, l := range i18ntest.Leaks(h.Last, code) {
				t.Errorf("%s queue: %s", code, l)
			}
			h.get("/meetings/" + g.ID + "/participants/" + pid)
			findings := between(t, h.Last, `id="findings"`, "</ul>")
			if !strings.Contains(findings, "ES") || strings.Contains(findings, "Drevlyanska") {
				t.Fatalf("%s findings of a possible hit:\n%s", code, findings)
			}
			for _, l := range i18ntest.Leaks(h.Last, code) {
				t.Errorf("%s participant page: %s", code, l)
			}
		}
		h.get("/meetings/" + g.ID + "/participants/" + pid + "?lang=fr")
		h.post("/meetings/"+g.ID+"/participants/"+pid+"/decision", url.Values{"decision": {"escalate"}, "reason": {""}})
		if h.Code != http.StatusBadRequest || !strings.Contains(h.Last, `id="reason-err"`) {
			t.Fatalf("decision without a reason: %d\n%s", h.Code, h.Last)
		}
		h.post("/meetings/"+g.ID+"/participants/"+pid+"/decision", url.Values{"decision": {"escalate"}, "reason": {"Espagne contactée"}})
		if h.Code != http.StatusOK || !strings.Contains(h.Last, "Espagne contactée") {
			t.Fatalf("decision: %d\n%s", h.Code, h.Last)
		}
		// Escalated, the participant waits for a clearance or a
		// confirmation, offered alone; once confirmed, nothing more is
		// offered, and a decision sent anyway (a page left open) is
		// refused, naming the decision taken, in the page's language.
		form := between(t, h.Last, `id="decision-form"`, "</form>")
		if strings.Contains(form, `value="escalate"`) || !strings.Contains(form, `value="clear"`) || !strings.Contains(form, `value="confirm"`) {
			t.Fatalf("an escalated participant's decisions:\n%s", form)
		}
		h.post("/meetings/"+g.ID+"/participants/"+pid+"/decision", url.Values{"decision": {"escalate"}, "reason": {"encore"}})
		if h.Code != http.StatusConflict || !strings.Contains(between(t, h.Last, `id="decision-err"`, "</p>"), "Transmettre") {
			t.Fatalf("escalated twice: %d\n%s", h.Code, h.Last)
		}
		h.post("/meetings/"+g.ID+"/participants/"+pid+"/decision", url.Values{"decision": {"confirm"}, "reason": {"Identité confirmée par l'Espagne"}})
		if h.Code != http.StatusOK || strings.Contains(h.Last, `id="decision-form"`) || !strings.Contains(h.Last, `href="/meetings/`+g.ID+`/participants"`) {
			t.Fatalf("a confirmed participant still offers a decision, or no longer links to the queue: %d\n%s", h.Code, h.Last)
		}
		for _, code := range []string{"ar", "fr", "en", "es"} {
			h.get("/meetings/" + g.ID + "/participants/" + pid + "?lang=" + code)
			h.post("/meetings/"+g.ID+"/participants/"+pid+"/decision", url.Values{"decision": {"clear"}, "reason": {"x"}})
			if h.Code != http.StatusConflict || strings.Contains(h.Last, `id="decision-form"`) {
				t.Fatalf("%s: decided again: %d\n%s", code, h.Code, h.Last)
			}
			for _, l := range i18ntest.Leaks(h.Last, code) {
				t.Errorf("%s refusal: %s", code, l)
			}
		}
		if !strings.Contains(between(t, h.Last, `id="decision-err"`, "</p>"), "Confirmar") {
			t.Errorf("the refusal does not name the decision taken:\n%s", h.Last)
		}
		if a, _ := e.Server.Accreditation.Get(ctx, viewerOf(ma), g.ID, pid); a.Status != core.AttendeeConfirmed {
			t.Fatalf("after the refusals: %s", a.Status)
		}
		d := e.browser(t)
		d.signIn("de.officer", "en")
		d.get("/meetings/" + g.ID + "/participants")
		if d.Code != http.StatusForbidden || strings.Contains(d.Last, "Drevlyanska") {
			t.Fatalf("another bureau's queue: %d", d.Code)
		}
		d.get("/meetings/" + g.ID + "/participants/" + pid)
		if d.Code != http.StatusNotFound || strings.Contains(d.Last, "Drevlyanska") {
			t.Fatalf("another bureau's participant page: %d", d.Code)
		}
	})
}
