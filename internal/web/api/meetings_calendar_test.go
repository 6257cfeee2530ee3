package api_test

import (
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/manara-hub/manara/internal/core"
)

// TestHostCalendarIsItsOwn: schedule.ics is "your delegation's
// schedule" (its route's summary; README: one VEVENT per meeting of the
// party). The host's own calendar must hold the host's meetings only:
// Germany's meeting with France is not Morocco's, and must not appear in
// Morocco's calendar titled "Bilateral meeting: Germany".
func TestHostCalendarIsItsOwn(t *testing.T) {
	forEachMeetingsBackend(t, func(t *testing.T, f *fixture) {
		host, fr, de := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer), f.user(t, "DE", core.RoleOfficer)
		r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
		if r.Status != 201 {
			t.Fatalf("create: %s", r)
		}
		base := "/api/v1/gatherings/" + jsonField(r, "id").(string)
		req := func(to, who string) map[string]any {
			return map[string]any{"to": to, "topics": []string{"Stolen vehicles"}, "languages": []string{"fr"}, "minutes": 30,
				"participants": []map[string]any{{"name": who}}}
		}
		r = f.do(t, "POST", base+"/requests", req("MA", "Commissaire Hugo Lambert"), fr)
		if r.Status != 201 {
			t.Fatalf("request: %s", r)
		}
		withHost := jsonField(r, "id").(string)
		r = f.do(t, "POST", base+"/requests", req("DE", "Commissaire Hugo Lambert"), fr)
		if r.Status != 201 {
			t.Fatalf("request: %s", r)
		}
		without := jsonField(r, "id").(string)
		if r = f.do(t, "POST", base+"/requests/"+withHost+"/answer", map[string]any{"answer": "accept"}, host); r.Status != 200 {
			t.Fatalf("accept: %s", r)
		}
		if r = f.do(t, "POST", base+"/requests/"+without+"/answer", map[string]any{"answer": "accept"}, de); r.Status != 200 {
			t.Fatalf("accept: %s", r)
		}
		if r = f.do(t, "POST", base+"/plan", nil, host); r.Status != 200 || jsonField(r, "placed").(float64) != 2 {
			t.Fatalf("plan: %s", r)
		}
		r = f.do(t, "GET", base+"/schedule.ics?lang=en", nil, host)
		if r.Status != 200 {
			t.Fatalf("ics: %s", r)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(r.Body)))
		if err != nil {
			t.Fatalf("ics does not parse: %v", err)
		}
		var uids []string
		for _, ev := range cal.Events() {
			uids = append(uids, ev.Id())
			if ev.Id() == without+"@manara" {
				t.Errorf("Morocco's calendar holds France's meeting with Germany, titled %q", ev.GetProperty(ics.ComponentPropertySummary).Value)
			}
		}
		if len(uids) != 1 || uids[0] != withHost+"@manara" {
			t.Errorf("Morocco's calendar: %v, want only %s@manara", uids, withHost)
		}
	})
}
