package api_test

// Events of the areas with an access rule of their own (accreditation,
// citizen reports, meetings) name no record; a review found the event
// stream deciding them on the audience alone. Each reaches only those the
// area's rule lets see what it tells (events.Sight). Every person here is
// invented.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// streamedTypes replays a caller's event stream from the start and
// returns the types of the events it carries whose type has one of the
// prefixes.
func streamedTypes(t *testing.T, f *fixture, c *caller, prefixes ...string) []string {
	t.Helper()
	sc := f.subscribe(t, c, "0")
	if sc.Status != http.StatusOK {
		t.Fatalf("%s: event stream answered %d", c, sc.Status)
	}
	var out []string
	for _, ev := range sc.drain(1500 * time.Millisecond) {
		for _, p := range prefixes {
			if strings.HasPrefix(ev.Type, p) {
				out = append(out, ev.Type)
				break
			}
		}
	}
	return out
}

// TestAccreditationEventsStayWithUnit: only the host's security
// unit (the host bureau, records:read) sees a participant's status; the
// host's screening-only key (a border system) gets 403 on the queue and 404
// on each participant. The accreditation events carry the participant, its
// status and the decision (an alert also its findings): the event stream
// does not hand them to that key either.
func TestAccreditationEventsStayWithUnit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, true)
			f := cf.fixture
			host, unit := f.user(t, "MA", core.RoleOfficer), f.user(t, "MA", core.RoleSupervisor)
			border := f.key(t, "MA", core.PermScreen)
			r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
			if r.Status != 201 {
				t.Fatalf("create gathering: %s", r)
			}
			gid := jsonField(r, "id").(string)
			base := "/api/v1/gatherings/" + gid + "/participants"
			if r = importCSV(t, f, host, gid, accreditationList); r.Status != 201 {
				t.Fatalf("import: %s", r)
			}
			var q accreditation.Queue
			f.do(t, "GET", base, nil, host).decode(t, &q)
			if q.Count == 0 {
				t.Fatal("empty queue")
			}
			a := q.Items[0]
			if r = f.do(t, "POST", base+"/"+a.ID+"/decision", map[string]any{"decision": "escalate", "reason": "badge refused at the gate"}, host); r.Status != 200 {
				t.Fatalf("decide: %s", r)
			}
			// The key is not of the unit: the list and the participant are hidden.
			wantProblem(t, f.do(t, "GET", base, nil, border), 403, core.EFORBIDDEN, "")
			wantProblem(t, f.do(t, "GET", base+"/"+a.ID, nil, border), 404, core.ENOTFOUND, "")

			if got := streamedTypes(t, f, unit, "accreditation."); len(got) == 0 {
				t.Fatal("the host's unit hears of no accreditation event: nothing to probe")
			}
			if got := streamedTypes(t, f, border, "accreditation."); len(got) > 0 {
				t.Errorf("the host's screening-only key, refused the list and every participant, receives %v on GET /api/v1/events (participant %s's status and the unit's decision)", got, a.Ref)
			}
		})
	}
}

// TestReportEventsStayWithTriageUnit: citizen reports and
// campaigns are read by the receiving bureau's analysts, officers and
// supervisors (access.CanTriageReports) and nobody else: the bureau's
// administrator gets 403 on the queue and the campaigns, and neither it,
// nor a screening-only key of the bureau, nor the bureau's webhook (an
// automated receiver, no triage unit) is sent report.received (the
// report's receipt number, category and urgency) or campaign.updated (the
// campaign's name, size and losses).
func TestReportEventsStayWithTriageUnit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, true)
			f := cf.fixture
			cf.Server.Reports.PoW.Difficulty = 4
			cf.Server.ReportRate = 1000
			admin := f.user(t, "MA", core.RoleAdmin)
			// The bureau's receiver, asked by its administrator for everything.
			hook := f.registerWebhook(t, admin, newReceiver(t, 0).URL, nil, "*")
			wallet := "0x52908400098527886E0F7030069857D2E4169EE7"
			for _, n := range []string{"A coach on a messaging app had me send crypto to " + wallet, "Same platform, same wallet " + wallet} {
				submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": n, "country": "MA"})
			}
			analyst := f.user(t, "MA", core.RoleAnalyst)
			border := f.key(t, "MA", core.PermScreen)
			for _, c := range []*caller{admin, border} {
				for _, path := range []string{"/api/v1/reports", "/api/v1/campaigns"} {
					if r := f.do(t, "GET", path, nil, c); r.Status != 403 {
						t.Fatalf("%s reads %s: %s", c, path, r)
					}
				}
			}
			if got := streamedTypes(t, f, analyst, "report.", "campaign."); len(got) == 0 {
				t.Fatal("the triage unit hears of no report event: nothing to probe")
			}
			for _, c := range []*caller{admin, border} {
				if got := streamedTypes(t, f, c, "report.", "campaign."); len(got) > 0 {
					t.Errorf("%s, refused the reports and campaigns, receives %v on GET /api/v1/events (receipt numbers, categories, campaigns)", c, got)
				}
			}
			// Nor are they delivered to the administrator's webhook.
			if err := cf.Dispatcher.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
			var dl struct{ Items []core.Delivery }
			if r := f.do(t, "GET", "/api/v1/webhooks/"+hook+"/deliveries", nil, admin); r.Status != http.StatusOK {
				t.Fatalf("deliveries: %s", r)
			} else {
				r.decode(t, &dl)
			}
			for _, d := range dl.Items {
				if strings.HasPrefix(d.EventType, "report.") || strings.HasPrefix(d.EventType, "campaign.") {
					t.Errorf("the bureau's webhook is sent %s", d.EventType)
				}
			}
		})
	}
}

// TestMeetingEventsStayWithParties: a delegation reads its
// meeting requests with records:read (access.Meeting); a screening-only
// key of the bureau asked is refused them (403), and is not sent
// meeting.requested either (who asked whom, at which gathering).
func TestMeetingEventsStayWithParties(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, true)
			cf.Server.Meetings.Now = func() time.Time { return beforeGathering }
			f := cf.fixture
			host, fr, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
			border := f.key(t, "ES", core.PermScreen)
			r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
			if r.Status != 201 {
				t.Fatalf("create gathering: %s", r)
			}
			base := "/api/v1/gatherings/" + jsonField(r, "id").(string)
			r = f.do(t, "POST", base+"/requests", map[string]any{"to": "ES", "topics": []string{"Stolen vehicles"}, "languages": []string{"fr"}, "minutes": 30, "priority": 3,
				"participants": []map[string]any{{"name": "Commissaire Hugo Lambert"}, {"name": "Inspectora Lucía Berrocal-Anaya", "party": "ES"}}}, fr)
			if r.Status != 201 {
				t.Fatalf("request: %s", r)
			}
			if r = f.do(t, "GET", base+"/requests", nil, border); r.Status != 403 {
				t.Fatalf("the screening-only key reads the requests: %s", r)
			}
			if got := streamedTypes(t, f, es, "meeting."); len(got) == 0 {
				t.Fatal("the party asked hears of no meeting event: nothing to probe")
			}
			if got := streamedTypes(t, f, border, "meeting."); len(got) > 0 {
				t.Errorf("%s, refused ES's meeting requests, receives %v on GET /api/v1/events", border, got)
			}
		})
	}
}
