package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// beforeGathering is a time before gatheringBody's gathering: requests
// are taken until a gathering ends, and its days are in the past.
var beforeGathering = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

// forEachMeetingsBackend is forEachBackend with the server's meetings
// clock at beforeGathering.
func forEachMeetingsBackend(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Meetings.Now = func() time.Time { return beforeGathering }
			})
			fn(t, f)
		})
	}
}

func gatheringBody() map[string]any {
	return map[string]any{
		"name": "Regional conference", "time_zone": "Africa/Casablanca", "days": []string{"2025-11-24", "2025-11-25"},
		"day_start": "09:00", "slot_minutes": 30, "slots_per_day": 8, "venues": []string{"Palais", "Annexe"}, "travel_minutes": 15,
		"rooms":        []map[string]any{{"id": "r1", "name": "Salle Atlas", "venue": "Palais", "capacity": 6}, {"id": "r2", "venue": "Annexe", "capacity": 12, "equipment": []string{"screen"}}},
		"interpreters": []map[string]any{{"id": "i1", "pairs": []string{"ar-fr"}, "hours": 6}},
		"agenda":       []map[string]any{{"title": "Plenary", "times": map[string]string{"start": "2025-11-24T09:00", "end": "2025-11-24T10:00"}}},
	}
}

// TestMeetingsAPI: the host creates a gathering; bad requests are 422
// problem+json naming the field; a third bureau cannot see a request; the
// accepted meeting is planned and exported as iCalendar in the caller's
// language; the grid is the host's.
func TestMeetingsAPI(t *testing.T) {
	forEachMeetingsBackend(t, func(t *testing.T, f *fixture) {
		host, fr, de := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer), f.user(t, "DE", core.RoleOfficer)
		r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
		if r.Status != 201 {
			t.Fatalf("create: %s", r)
		}
		gid := jsonField(r, "id").(string)
		bad := gatheringBody()
		bad["slot_minutes"] = 0
		wantProblem(t, f.do(t, "POST", "/api/v1/gatherings", bad, host), 422, core.EINVALID, "slot_minutes")

		base := "/api/v1/gatherings/" + gid
		req := func(to string, extra map[string]any) map[string]any {
			m := map[string]any{"to": to, "topics": []string{"Stolen vehicles"}, "languages": []string{"ar", "fr"}, "minutes": 60, "priority": 4,
				"participants": []map[string]any{{"name": "Commissaire Hugo Lambert"}, {"name": "Officer Samira Idrissi", "party": "MA"}}}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		wantProblem(t, f.do(t, "POST", base+"/requests", req("FR", nil), fr), 422, core.EINVALID, "to")
		wantProblem(t, f.do(t, "POST", base+"/requests", req("MA", map[string]any{"preferred": []map[string]string{{"start": "2025-11-26T10:00", "end": "2025-11-26T11:00"}}}), fr), 422, core.EINVALID, "preferred[0]")
		wantProblem(t, f.do(t, "POST", base+"/requests", req("MA", map[string]any{"minutes": 45}), fr), 422, core.EINVALID, "minutes")
		wantProblem(t, f.do(t, "POST", base+"/requests", req("MA", map[string]any{"equipment": []string{"hologram"}}), fr), 422, core.EINVALID, "equipment[0]")
		wantProblem(t, f.do(t, "POST", base+"/requests", req("MA", map[string]any{"languages": []string{"ar", "xx"}}), fr), 422, core.EINVALID, "languages[1]")
		wantProblem(t, f.do(t, "POST", base+"/requests", req("MA", map[string]any{"languages": []string{"english"}}), fr), 422, core.EINVALID, "languages[0]")
		badPair := gatheringBody()
		badPair["interpreters"] = []map[string]any{{"id": "i1", "pairs": []string{"ar-xx"}, "hours": 6}}
		wantProblem(t, f.do(t, "POST", "/api/v1/gatherings", badPair, host), 422, core.EINVALID, "interpreters[0].pairs[0]")
		wantProblem(t, f.do(t, "POST", "/api/v1/gatherings/01900000-0000-7000-8000-000000000009/requests", req("MA", nil), fr), 404, core.ENOTFOUND, "")

		r = f.do(t, "POST", base+"/requests", req("MA", nil), fr)
		if r.Status != 201 {
			t.Fatalf("request: %s", r)
		}
		mid := jsonField(r, "id").(string)
		wantProblem(t, f.do(t, "GET", base+"/requests/"+mid, nil, de), 404, core.ENOTFOUND, "")
		wantProblem(t, f.do(t, "POST", base+"/requests/"+mid+"/answer", map[string]any{"answer": "maybe"}, host), 422, core.EINVALID, "answer")
		if r = f.do(t, "POST", base+"/requests/"+mid+"/answer", map[string]any{"answer": "accept"}, host); r.Status != 200 {
			t.Fatalf("accept: %s", r)
		}
		wantProblem(t, f.do(t, "POST", base+"/plan", nil, fr), 403, core.EFORBIDDEN, "")
		if r = f.do(t, "POST", base+"/plan", nil, host); r.Status != 200 || jsonField(r, "placed").(float64) != 1 {
			t.Fatalf("plan: %s", r)
		}
		wantProblem(t, f.do(t, "GET", base+"/grid", nil, fr), 403, core.EFORBIDDEN, "")
		if r = f.do(t, "GET", base+"/grid", nil, host); r.Status != 200 {
			t.Fatalf("grid: %s", r)
		}
		if r = f.do(t, "GET", base+"/schedule", nil, de); r.Status != 200 || jsonField(r, "count").(float64) != 0 {
			t.Fatalf("a third bureau's schedule: %s", r)
		}
		wantProblem(t, f.do(t, "GET", base+"/schedule?party=FR", nil, de), 403, core.EFORBIDDEN, "")
		r = f.do(t, "GET", base+"/schedule.ics?lang=ar", nil, fr)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("ics: %s", r)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(r.Body)))
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("ics does not parse back: %v %s", err, r.Body)
		}
		ev := cal.Events()[0]
		if ev.Id() != mid+"@manara" || !strings.Contains(ev.GetProperty(ics.ComponentPropertySummary).Value, "المغرب") {
			t.Fatalf("ics event %s: %s", ev.Id(), r.Body)
		}
		wantProblem(t, f.do(t, "GET", base+"/schedule.ics?lang=xx", nil, fr), 422, core.EINVALID, "lang")
	})
}

// TestMeetingPartyIsChecked: the party of a gathering's requests and
// schedule is a member's code or one of the gathering's organisations: the
// host asking for party=XX is told so (not given an empty list), and a
// delegation asking for its own code in lower case is served its own
// requests, not refused as if it asked for another's.
func TestMeetingPartyIsChecked(t *testing.T) {
	forEachMeetingsBackend(t, func(t *testing.T, f *fixture) {
		host, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
		r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %s", r)
		}
		base := "/api/v1/gatherings/" + jsonField(r, "id").(string)
		if r := f.do(t, "POST", base+"/requests", map[string]any{"to": "MA", "topics": []string{"Stolen vehicles"}, "languages": []string{"fr"},
			"participants": []map[string]any{{"name": "Commissaire Hugo Lambert"}}}, fr); r.Status != http.StatusCreated {
			t.Fatalf("request: %s", r)
		}
		for _, path := range []string{base + "/requests?party=XX", base + "/schedule?party=XX"} {
			wantProblem(t, f.do(t, "GET", path, nil, host), 422, core.EINVALID, "party")
		}
		for _, c := range []*caller{fr, host} {
			r := f.do(t, "GET", base+"/requests?party=fr", nil, c)
			if r.Status != http.StatusOK || jsonField(r, "count") != float64(1) {
				t.Errorf("FR's requests asked for as party=fr: %s", r)
			}
		}
		if r := f.do(t, "GET", base+"/schedule.ics?party=fr", nil, fr); r.Status != http.StatusOK {
			t.Errorf("FR's calendar asked for as party=fr: %s", r)
		}
		wantProblem(t, f.do(t, "GET", base+"/requests?party=de", nil, fr), 403, core.EFORBIDDEN, "")
	})
}

// TestMeetingsDuringTheGathering: with the meetings clock in the middle
// of the gathering, an acceptance is placed in a slot starting after
// now, a meeting already held keeps its place, and the plan and the
// grid name the meeting whose times have all passed (reason passed);
// once the gathering has ended, accepting or proposing other times is a
// 409 problem at gathering saying when it ended, and a decline is taken.
func TestMeetingsDuringTheGathering(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			clock := beforeGathering
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Meetings.Now = func() time.Time { return clock }
			})
			host := f.user(t, "MA", core.RoleOfficer)
			r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
			if r.Status != http.StatusCreated {
				t.Fatalf("create: %s", r)
			}
			base := "/api/v1/gatherings/" + jsonField(r, "id").(string)
			ask := func(from string, extra map[string]any) string {
				t.Helper()
				body := map[string]any{"to": "MA", "topics": []string{"Stolen vehicles"}, "languages": []string{"fr"},
					"participants": []map[string]any{{"name": "Delegate of " + from}}}
				for k, v := range extra {
					body[k] = v
				}
				r := f.do(t, "POST", base+"/requests", body, f.user(t, from, core.RoleOfficer))
				if r.Status != http.StatusCreated {
					t.Fatalf("%s's request: %s", from, r)
				}
				return jsonField(r, "id").(string)
			}
			answer := func(id, answer string) *resp {
				return f.do(t, "POST", base+"/requests/"+id+"/answer", map[string]any{"answer": answer}, host)
			}
			held := ask("FR", nil)
			if r = answer(held, "accept"); r.Status != http.StatusOK {
				t.Fatalf("accept: %s", r)
			}
			if r = f.do(t, "POST", base+"/plan", nil, host); r.Status != http.StatusOK || jsonField(r, "placed") != float64(1) {
				t.Fatalf("plan: %s", r)
			}
			slotOf := func(id string) map[string]any {
				t.Helper()
				r := f.do(t, "GET", base+"/requests/"+id, nil, host)
				s, _ := jsonField(r, "slot").(map[string]any)
				return s
			}
			first := slotOf(held)
			if first == nil || first["start"] != "2025-11-24T09:00:00Z" {
				t.Fatalf("France placed at %v, want 10:00 in Casablanca on the first day", first)
			}
			// 11:15 in Casablanca on the second day.
			clock = time.Date(2025, 11, 25, 10, 15, 0, 0, time.UTC)
			gone := ask("ES", map[string]any{"impossible": []map[string]string{{"start": "2025-11-25T11:30", "end": "2025-11-25T13:00"}}})
			if r = answer(gone, "accept"); r.Status != http.StatusOK || jsonField(r, "slot") != nil {
				t.Fatalf("Spain's meeting, possible only before now, accepted: %s", r)
			}
			soon := ask("DE", nil)
			if r = answer(soon, "accept"); r.Status != http.StatusOK {
				t.Fatalf("accept: %s", r)
			}
			if s := slotOf(soon); s == nil || s["start"].(string) < "2025-11-25T10:30:00Z" {
				t.Fatalf("Germany placed at %v, want a slot starting after 10:15 UTC", s)
			}
			pending := ask("IT", nil)
			r = f.do(t, "POST", base+"/plan", nil, host)
			var rep struct {
				Placed   int
				Unplaced []struct{ ID, From, To, Reason, Detail string }
			}
			if r.Status != http.StatusOK || json.Unmarshal(r.Body, &rep) != nil || rep.Placed != 2 || len(rep.Unplaced) != 1 ||
				rep.Unplaced[0].ID != gone || rep.Unplaced[0].Reason != "passed" || rep.Unplaced[0].From != "ES" || rep.Unplaced[0].Detail == "" {
				t.Fatalf("plan during the gathering: %s", r)
			}
			if s := slotOf(held); s == nil || s["start"] != first["start"] || s["room"] != first["room"] {
				t.Fatalf("France's meeting, held yesterday, is now %v, want %v", s, first)
			}
			r = f.do(t, "GET", base+"/grid", nil, host)
			if u, _ := jsonField(r, "unplaced").([]any); len(u) != 1 || u[0].(map[string]any)["reason"] != "passed" {
				t.Fatalf("grid's unplaced: %s", r)
			}
			// 14:00 in Casablanca: the gathering ended at 13:00.
			clock = time.Date(2025, 11, 25, 13, 0, 0, 0, time.UTC)
			for _, a := range []map[string]any{{"answer": "accept"}, {"answer": "propose", "times": []map[string]string{{"start": "2025-11-25T12:00", "end": "2025-11-25T12:30"}}}} {
				p := wantProblem(t, f.do(t, "POST", base+"/requests/"+pending+"/answer", a, host), http.StatusConflict, core.ECONFLICT, "gathering")
				if !strings.Contains(p.Detail, "2025-11-25T13:00") {
					t.Errorf("%v after the end: %+v, want when it ended", a, p)
				}
			}
			if r = answer(pending, "decline"); r.Status != http.StatusOK || jsonField(r, "state") != core.MeetingDeclined {
				t.Fatalf("a decline after the end: %s", r)
			}
		})
	}
}
