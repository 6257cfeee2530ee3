package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/meetings"
)

// TestMeetingPages: a delegation sees its schedule in its language (the
// other party named in it), answers a request, and a bad request form is
// refused field by field in its language; the host sees the grid; no
// English leaks into the French, Arabic or Spanish pages.
func TestMeetingPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		fr := e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		svc := e.Server.Meetings
		svc.Now = func() time.Time { return time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC) } // before the gathering
		g, err := svc.CreateGathering(ctx, viewerOf(ma), meetings.GatheringInput{
			Name: "Conférence régionale", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24", "2025-11-25"}, DayStart: "09:00",
			SlotMinutes: 30, SlotsPerDay: 6, Rooms: []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 8}},
			Agenda: []core.Plenary{{Title: "Plénière", Times: core.TimeRange{Start: "2025-11-24T09:00", End: "2025-11-24T10:00"}}}})
		if err != nil {
			t.Fatal(err)
		}
		in := meetings.RequestInput{To: "MA", Topics: []string{"Véhicules volés"}, Languages: []string{"fr"},
			Participants: []core.Participant{{Name: "Commissaire Hugo Lambert"}}}
		m, err := svc.Request(ctx, viewerOf(fr), g.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Answer(ctx, viewerOf(ma), g.ID, m.ID, meetings.AnswerInput{Answer: "accept"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Plan(ctx, viewerOf(ma), g.ID); err != nil {
			t.Fatal(err)
		}
		second, err := svc.Request(ctx, viewerOf(ma), g.ID, meetings.RequestInput{To: "FR", Topics: []string{"Fugitifs"}, Languages: []string{"fr"},
			Participants: []core.Participant{{Name: "Inspectrice Salma Bennani"}}})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.signIn("fr.officer", "fr")
		for _, code := range []string{"fr", "ar", "es"} {
			b.get("/meetings?lang=" + code)
			if !strings.Contains(b.Last, "/meetings/"+g.ID) {
				t.Fatalf("%s: the gathering is not listed:\n%s", code, b.Last)
			}
			b.get("/meetings/" + g.ID)
			morocco := map[string]string{"fr": "Maroc", "ar": "المغرب", "es": "Marruecos"}[code]
			sched := between(t, b.Last, `id="schedule"`, "</table>")
			if !strings.Contains(sched, morocco) || !strings.Contains(sched, "10:00") {
				t.Errorf("%s: the schedule does not show the meeting with %s at 10:00:\n%s", code, morocco, sched)
			}
			if strings.Contains(b.Last, `id="grid"`) {
				t.Errorf("%s: a delegation sees the host's grid", code)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s gathering page: %s", code, l)
			}
			// A request to oneself: refused, in the language, nothing stored.
			b.post("/meetings/"+g.ID+"/requests", url.Values{"to": {"FR"}, "topics": {"x"}, "participants": {"Commissaire Hugo Lambert"}, "languages": {"fr"}})
			if b.Code != http.StatusBadRequest || !strings.Contains(b.Last, `id="to-err"`) {
				t.Fatalf("%s: a request to oneself: %d\n%s", code, b.Code, b.Last)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s refused request: %s", code, l)
			}
		}
		_, mine, _ := svc.Requests(ctx, viewerOf(fr), g.ID, "")
		if len(mine) != 2 {
			t.Fatalf("FR has %d requests after the refused forms, want 2", len(mine))
		}
		// France accepts Morocco's request from its page.
		b.get("/meetings/" + g.ID)
		b.post("/meetings/"+g.ID+"/requests/"+second.ID+"/answer", url.Values{"answer": {"accept"}})
		if b.Code != http.StatusOK || b.At != "/meetings/"+g.ID {
			t.Fatalf("answer: %d at %s", b.Code, b.At)
		}
		if _, got, _ := svc.Get(ctx, viewerOf(fr), g.ID, second.ID); got.State != core.MeetingAccepted || got.Slot == nil {
			t.Fatalf("after accepting from the page: %+v", got)
		}
		// The host sees the grid, with the plenary and both meetings.
		h := e.browser(t)
		h.signIn("ma.officer", "ar")
		h.get("/meetings/" + g.ID)
		grid := between(t, h.Last, `id="grid"`, "</table>")
		if strings.Count(grid, "cell-meeting") != 2 || strings.Count(grid, "cell-agenda") != 2 {
			t.Fatalf("host grid:\n%s", grid)
		}
		for _, l := range i18ntest.Leaks(h.Last, "ar") {
			t.Errorf("ar host page: %s", l)
		}

		// Once the gathering has ended (its last slot, 25 November at
		// 12:00 in Casablanca), the page offers no request form but says
		// when it ended; a form sent from a page left open is refused,
		// saying so, and nothing is stored.
		svc.Now = func() time.Time { return time.Date(2025, 11, 25, 11, 0, 0, 0, time.UTC) }
		for _, code := range []string{"fr", "ar", "es", "en"} {
			b.get("/meetings/" + g.ID + "?lang=" + code)
			if strings.Contains(b.Last, `id="request-form"`) || !strings.Contains(between(t, b.Last, `id="ended"`, "</p>"), "12:00") {
				t.Fatalf("%s: an ended gathering's page:\n%s", code, b.Last)
			}
			b.post("/meetings/"+g.ID+"/requests", url.Values{"to": {"MA"}, "topics": {"Fugitifs"}, "participants": {"Commissaire Hugo Lambert"}, "languages": {"fr"}})
			if b.Code != http.StatusConflict || !strings.Contains(between(t, b.Last, `id="gathering-err"`, "</p>"), "12:00") {
				t.Fatalf("%s: a request after the gathering: %d\n%s", code, b.Code, b.Last)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s late request: %s", code, l)
			}
		}
		if _, mine, _ := svc.Requests(ctx, viewerOf(fr), g.ID, ""); len(mine) != 2 {
			t.Fatalf("FR has %d requests after the late forms, want 2", len(mine))
		}
	})
}

// TestMeetingPagesDuringAndAfter: the host's page names, in each
// language, an accepted meeting the plan could not place because its
// times have passed; once the gathering has ended, a request received
// offers only a decline, an acceptance sent from a page left open is
// refused saying when the gathering ended, and a decline is taken.
func TestMeetingPagesDuringAndAfter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		fr := e.user(t, "fr.officer", "FR", core.RoleOfficer, true)
		es := e.user(t, "es.officer", "ES", core.RoleOfficer, true)
		svc := e.Server.Meetings
		svc.Now = func() time.Time { return time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC) } // before the gathering
		// One morning, 09:00–11:00 in Casablanca (UTC+1), four slots.
		g, err := svc.CreateGathering(ctx, viewerOf(ma), meetings.GatheringInput{
			Name: "Conférence régionale", TimeZone: "Africa/Casablanca", Days: []string{"2025-11-24"}, DayStart: "09:00",
			SlotMinutes: 30, SlotsPerDay: 4, Rooms: []core.GatheringRoom{{ID: "r1", Name: "Salle Atlas", Capacity: 8}}})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := svc.Request(ctx, viewerOf(ma), g.ID, meetings.RequestInput{To: "FR", Topics: []string{"Fugitifs"}, Languages: []string{"fr"},
			Participants: []core.Participant{{Name: "Inspectrice Salma Bennani"}}})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := svc.Request(ctx, viewerOf(es), g.ID, meetings.RequestInput{To: "MA", Topics: []string{"Vehículos robados"}, Languages: []string{"es"},
			Participants: []core.Participant{{Name: "Comisaria Elena Ruiz"}}, Impossible: []core.TimeRange{{Start: "2025-11-24T10:00", End: "2025-11-24T11:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Plan(ctx, viewerOf(ma), g.ID); err != nil {
			t.Fatal(err)
		}
		// 10:15: Spain's only times, 09:00–10:00, have passed.
		svc.Now = func() time.Time { return time.Date(2025, 11, 24, 9, 15, 0, 0, time.UTC) }
		if m, err := svc.Answer(ctx, viewerOf(ma), g.ID, gone.ID, meetings.AnswerInput{Answer: "accept"}); err != nil || m.Slot != nil {
			t.Fatalf("Spain's meeting accepted at 10:15: %+v %v", m, err)
		}
		h := e.browser(t)
		h.signIn("ma.officer", "fr")
		h.get("/meetings/" + g.ID)
		h.post("/meetings/"+g.ID+"/plan", url.Values{})
		passed := map[string]string{"fr": "ont commencé ou sont passés", "ar": "بدأت أو انقضت", "es": "han empezado o pasado", "en": "has begun or passed"}
		for _, code := range []string{"fr", "ar", "es", "en"} {
			h.get("/meetings/" + g.ID + "?lang=" + code)
			if u := between(t, h.Last, `id="unplaced"`, "</ul>"); !strings.Contains(u, "ES–MA") || !strings.Contains(u, passed[code]) {
				t.Fatalf("%s: the host's unplaced meetings:\n%s", code, u)
			}
			for _, l := range i18ntest.Leaks(h.Last, code) {
				t.Errorf("%s host page: %s", code, l)
			}
		}
		// 11:00: the gathering has ended.
		svc.Now = func() time.Time { return time.Date(2025, 11, 24, 10, 0, 0, 0, time.UTC) }
		b := e.browser(t)
		b.signIn("fr.officer", "fr")
		for _, code := range []string{"fr", "ar", "es", "en"} {
			b.get("/meetings/" + g.ID + "?lang=" + code)
			reqs := between(t, b.Last, `id="requests"`, "</table>")
			if strings.Contains(reqs, `value="accept"`) || !strings.Contains(reqs, `value="decline"`) || !strings.Contains(b.Last, `id="answer-ended"`) {
				t.Fatalf("%s: a request received after the gathering:\n%s", code, b.Last)
			}
			b.post("/meetings/"+g.ID+"/requests/"+pending.ID+"/answer", url.Values{"answer": {"accept"}})
			if b.Code != http.StatusConflict || !strings.Contains(between(t, b.Last, `id="answer-err"`, "</p>"), "11:00") {
				t.Fatalf("%s: an acceptance after the gathering: %d\n%s", code, b.Code, b.Last)
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s late acceptance: %s", code, l)
			}
		}
		if _, m, _ := svc.Get(ctx, viewerOf(fr), g.ID, pending.ID); m.State != core.MeetingRequested {
			t.Fatalf("after refused acceptances the request is %s", m.State)
		}
		b.post("/meetings/"+g.ID+"/requests/"+pending.ID+"/answer", url.Values{"answer": {"decline"}})
		if b.Code != http.StatusOK || b.At != "/meetings/"+g.ID {
			t.Fatalf("decline after the gathering: %d at %s", b.Code, b.At)
		}
		if _, m, _ := svc.Get(ctx, viewerOf(fr), g.ID, pending.ID); m.State != core.MeetingDeclined {
			t.Fatalf("after declining the request is %s", m.State)
		}
	})
}
