package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/demo"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// duringGathering is a time while gatheringBody's gathering is under way.
var duringGathering = time.Date(2025, 11, 24, 12, 0, 0, 0, time.UTC)

type participant struct {
	core.Attendee
}

// accreditationList is a CSV list of invented people: one matches a
// record released to all, one a record released only to Spain, two
// match nothing (one of them until a notice is published about him).
const accreditationList = `ref,category,name,other_names,date_of_birth,sex,nationalities,passport_number,passport_country,organisation
A-001,delegate,Ilyas Vandermolen,,1971-03-09,M,BE,EP4411201,BE,Police fédérale
A-002,staff,Oksana Drevlyanska,Оксана Древлянська,1984-07-21,F,UA,FX993100,UA,Hotel Atlas
A-003,journalist,Abdellatif Kharroubi,عبد اللطيف خروبي,1966-01-01,M,MA,ZK1029384,MA,Radio Sahel
A-004,contractor,Tove Lindqvist-Amaro,,1990-12-30,F,SE,AA7730011,SE,Catering Nord
`

func importCSV(t *testing.T, f *fixture, c *caller, gid, body string) *resp {
	t.Helper()
	return f.do(t, "POST", "/api/v1/gatherings/"+gid+"/participants", []byte(body), c, "Content-Type", "text/csv")
}

// TestAccreditationScreening: the host's security unit imports a CSV
// list; every participant is screened through the screening path (a
// record released to the host is a hit, one that is not is a possible
// hit the owner hears of); a notice published after accreditation alerts
// the unit through continuous screening (an event, the queue); decisions
// are audited with their reason; nobody else reads a participant's status.
func TestAccreditationScreening(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var srv *api.Server
			f, srv := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Accreditation.Now = func() time.Time { return duringGathering }
			})
			ctx := context.Background()
			host, hostAnalyst := f.user(t, "MA", core.RoleOfficer), f.user(t, "MA", core.RoleAnalyst)
			be, es, de := f.user(t, "BE", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "DE", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
			if r.Status != 201 {
				t.Fatalf("create gathering: %s", r)
			}
			gid := jsonField(r, "id").(string)
			base := "/api/v1/gatherings/" + gid + "/participants"

			// Belgium's record of one participant, released to all; Spain's
			// of another, released to Spain only.
			f.createRecord(t, be, map[string]any{"kind": core.KindPerson, "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"family_name": "Vandermolen", "given_names": "Ilyas", "date_of_birth": "1971-03-09", "nationalities": []string{"BE"}}})
			f.createRecord(t, es, map[string]any{"kind": core.KindPerson, "releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}},
				"data": map[string]any{"family_name": "Drevlyanska", "given_names": "Oksana", "date_of_birth": "1984-07-21", "nationalities": []string{"UA"}}})

			// Only the host's unit imports; a broken list imports nothing.
			wantProblem(t, importCSV(t, f, de, gid, accreditationList), 403, core.EFORBIDDEN, "")
			wantProblem(t, importCSV(t, f, hostAnalyst, gid, accreditationList), 403, core.EFORBIDDEN, "")
			p := wantProblem(t, importCSV(t, f, host, gid, accreditationList+"A-005,delegate,,,1990-13-40,X,ZZ,,,\nA-006,chef,Nadia Haddou-Lemaire,,,,,,,\n"), 422, core.EINVALID, "lines[6].name")
			for _, field := range []string{"lines[6].date_of_birth", "lines[6].sex", "lines[6].nationalities[0]", "lines[7].category"} {
				found := false
				for _, fe := range p.Errors {
					found = found || fe.Field == field
				}
				if !found {
					t.Errorf("no error on %s: %+v", field, p.Errors)
				}
			}
			wantProblem(t, importCSV(t, f, host, gid, "name;category\n"), 422, core.EINVALID, "lines[2]")
			wantProblem(t, f.do(t, "POST", base, map[string]any{"participants": []any{map[string]any{"category": "staff", "name": "Nadia Haddou-Lemaire", "documents": []any{map[string]any{"number": "", "country": "FR"}}}}}, host), 422, core.EINVALID, "participants[0].documents[0].number")
			var empty accreditation.Queue
			f.do(t, "GET", base, nil, host).decode(t, &empty)
			if empty.Count != 0 {
				t.Fatalf("a refused list left %d participants", empty.Count)
			}

			r = importCSV(t, f, host, gid, accreditationList)
			if r.Status != 201 {
				t.Fatalf("import: %s", r)
			}
			var res accreditation.ImportResult
			r.decode(t, &res)
			if res.Imported != 4 || res.Screened != 4 || res.Counts[core.AttendeeHit] != 1 || res.Counts[core.AttendeeReview] != 1 || res.Counts[core.AttendeeCleared] != 2 {
				t.Fatalf("import result: %+v", res)
			}
			var q accreditation.Queue
			f.do(t, "GET", base+"?status=review", nil, host).decode(t, &q)
			if q.Count != 1 || q.Items[0].Ref != "A-002" {
				t.Fatalf("review queue: %+v", q)
			}
			review := q.Items[0]
			if fnd := review.Findings[0]; !fnd.Restricted || fnd.Owner != "ES" || fnd.RecordID != "" || fnd.Label != "" || !strings.Contains(fnd.Message, "contact bureau ES") {
				t.Fatalf("a record not released to the host is shown as %+v", fnd)
			}
			// Spain, the owner, heard of it: its hit names the screening.
			var hl struct {
				Items []struct{ Reference, Searcher, Query string }
			}
			f.do(t, "GET", "/api/v1/hits?side=owner", nil, es).decode(t, &hl)
			if len(hl.Items) != 1 || hl.Items[0].Searcher != "MA" || hl.Items[0].Reference != review.Findings[0].Reference {
				t.Fatalf("the owner's hits: %+v", hl)
			}
			// Spain sees its share of the participant; Belgium and
			// Germany (no finding of theirs on her) do not see her.
			r = f.do(t, "GET", base+"/"+review.ID, nil, es)
			if r.Status != 200 {
				t.Fatalf("owner's view: %s", r)
			}
			var own participant
			r.decode(t, &own)
			if own.Decision != nil || len(own.History) != 0 || len(own.Findings) != 1 {
				t.Fatalf("owner's view shows too much: %+v", own)
			}
			for _, c := range []*caller{be, de, rev} {
				wantProblem(t, f.do(t, "GET", base+"/"+review.ID, nil, c), 404, core.ENOTFOUND, "")
				wantProblem(t, f.do(t, "GET", base, nil, c), 403, core.EFORBIDDEN, "")
			}

			// Continuous screening: a first pass finds nothing new.
			if n, _, err := srv.Accreditation.CheckChanges(ctx); err != nil || n != 0 {
				t.Fatalf("first pass: %d alerts, %v", n, err)
			}
			// Spain publishes a Red Notice about the journalist, accredited
			// and cleared before it existed.
			f.do(t, "GET", base+"?status=cleared", nil, host).decode(t, &q)
			var journalist core.Attendee
			for _, a := range q.Items {
				if a.Ref == "A-003" {
					journalist = *a
				}
			}
			if journalist.ID == "" {
				t.Fatalf("A-003 not cleared: %+v", q)
			}
			f.publish(t, es, rev, "red", validData("red"), nil)
			n, _, err := srv.Accreditation.CheckChanges(ctx)
			if err != nil || n != 1 {
				t.Fatalf("after the notice: %d alerts, %v", n, err)
			}
			var got participant
			f.do(t, "GET", base+"/"+journalist.ID, nil, host).decode(t, &got)
			if got.Status != core.AttendeeHit || got.Alerts != 1 || len(got.Findings) != 1 || !got.Findings[0].Alert || got.Findings[0].Owner != "ES" || got.Findings[0].Kind != core.KindNotice {
				t.Fatalf("after the alert: %+v", got.Attendee)
			}
			// The alert is on the event stream, for the host only.
			var alerts []core.Event
			f.Store.View(ctx, func(tx core.Tx) error {
				evs, err := tx.Events(0, "", 1000)
				for _, e := range evs {
					if e.Type == accreditation.EventAlert {
						alerts = append(alerts, e)
					}
				}
				return err
			})
			if len(alerts) != 1 || len(alerts[0].Audience) != 1 || alerts[0].Audience[0] != "MA" || alerts[0].RecordID != "" {
				t.Fatalf("alert events: %+v", alerts)
			}
			var al accreditation.Alert
			json.Unmarshal(alerts[0].Data, &al)
			if al.Participant != journalist.ID || len(al.Findings) != 1 {
				t.Fatalf("alert data: %+v", al)
			}
			// A second pass does not alert again.
			if n, _, err := srv.Accreditation.CheckChanges(ctx); err != nil || n != 0 {
				t.Fatalf("second pass: %d alerts, %v", n, err)
			}

			// Decisions: a reason is required; an analyst may not decide;
			// the decision is audited with its reason.
			wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "confirm"}, host), 422, core.EINVALID, "reason")
			wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "shrug", "reason": "x"}, host), 422, core.EINVALID, "decision")
			wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "escalate", "reason": "x"}, hostAnalyst), 403, core.EFORBIDDEN, "")
			wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "clear", "reason": "x"}, es), 404, core.ENOTFOUND, "")
			r = f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "escalate", "reason": "Red Notice of Spain: accreditation suspended, Spain contacted"}, host)
			if r.Status != 200 || jsonField(r, "status") != core.AttendeeEscalated {
				t.Fatalf("decide: %s", r)
			}
			// Escalated, the journalist waits for a clearance or a
			// confirmation; once confirmed, the decision is final.
			p = wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "escalate", "reason": "again"}, host), 409, core.ECONFLICT, "decision")
			if !strings.Contains(p.Detail, `"escalate"`) {
				t.Errorf("the refusal does not name the decision taken: %+v", p)
			}
			if r = f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": "confirm", "reason": "Spain confirmed the identity"}, host); r.Status != 200 || jsonField(r, "status") != core.AttendeeConfirmed {
				t.Fatalf("confirm after escalation: %s", r)
			}
			for _, again := range []string{"clear", "confirm"} {
				p = wantProblem(t, f.do(t, "POST", base+"/"+journalist.ID+"/decision", map[string]any{"decision": again, "reason": "second thoughts"}, host), 409, core.ECONFLICT, "decision")
				if !strings.Contains(p.Detail, `"confirm"`) {
					t.Errorf("%s after confirm: the refusal does not name the decision taken: %+v", again, p)
				}
			}
			found := false
			f.Store.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 100000)
				for _, e := range es {
					if e.Action == "accreditation.decide" && e.Outcome == "ok" && strings.Contains(e.Query, "accreditation suspended") {
						found = true
					}
				}
				return err
			})
			if !found {
				t.Fatal("the decision is not in the audit log with its reason")
			}

			statusNeverLeaks(t, f, gid, map[string][]string{"ES": {"A-002", "A-003"}, "BE": {"A-001"}})
		})
	}
}

// statusNeverLeaks tries to read every participant of gid, its status and
// its findings, as other bureaus' officers, analysts, supervisors and
// keys, the secretariat, and the host's own screening-only key, through
// every path: the queue, one participant, a decision, a record's audit
// trail, the event stream (SSE and webhooks are fed from it through
// CanSeeEvent). Only the owner of a record a participant's screening hit
// (concerned: bureau → refs) sees that participant, with its own
// findings only.
func statusNeverLeaks(t *testing.T, f *fixture, gid string, concerned map[string][]string) {
	t.Helper()
	host := f.user(t, "MA", core.RoleSupervisor)
	var all accreditation.Queue
	f.do(t, "GET", "/api/v1/gatherings/"+gid+"/participants?limit=500", nil, host).decode(t, &all)
	if all.Count == 0 {
		t.Fatal("no participants to probe")
	}
	var callers []*caller
	for _, b := range []string{"FR", "ES", "BE", "DE", "IPSG"} {
		for _, role := range []string{core.RoleOfficer, core.RoleSupervisor, core.RoleAnalyst, core.RoleAdmin} {
			callers = append(callers, f.user(t, b, role))
		}
		callers = append(callers, f.key(t, b, core.PermScreen), f.key(t, b, core.PermRecordsRead, core.PermScreen), f.key(t, b, core.PermAuditRead, core.PermAdmin))
	}
	callers = append(callers, f.user(t, "IPSG", core.RoleReviewer), f.key(t, "MA", core.PermScreen), f.key(t, "MA", core.PermAuditRead))
	base := "/api/v1/gatherings/" + gid + "/participants"
	for _, c := range callers {
		for _, q := range []string{"", "?status=hit", "?status=review", "?status=cleared", "?status=escalated", "?category=journalist"} {
			if r := f.do(t, "GET", base+q, nil, c); r.Status < 400 {
				t.Errorf("%s reads the queue%s: %s", c, q, r)
			}
		}
		for _, a := range all.Items {
			mayRead := c.Viewer.Can(core.PermRecordsRead) && slices.Contains(concerned[c.Viewer.Bureau], a.Ref)
			r := f.do(t, "GET", base+"/"+a.ID, nil, c)
			switch {
			case mayRead && r.Status == 200:
				var got participant
				r.decode(t, &got)
				for _, fnd := range got.Findings {
					if fnd.Owner != c.Viewer.Bureau {
						t.Errorf("%s sees another bureau's finding on %s: %+v", c, a.Ref, fnd)
					}
				}
				if got.Decision != nil || len(got.History) != 0 {
					t.Errorf("%s sees the unit's decision on %s", c, a.Ref)
				}
			case mayRead:
				t.Errorf("%s, owner of a record %s hit, cannot read it: %s", c, a.Ref, r)
			case r.Status != 404:
				t.Errorf("%s reads %s: %s", c, a.Ref, r)
			}
			if r := f.do(t, "POST", base+"/"+a.ID+"/decision", map[string]any{"decision": "clear", "reason": "probe"}, c); r.Status < 400 {
				t.Errorf("%s decides on %s: %s", c, a.Ref, r)
			}
			if r := f.do(t, "GET", "/api/v1/records/"+a.ID+"/audit", nil, c); r.Status != 404 {
				t.Errorf("%s reads %s's audit trail: %s", c, a.Ref, r)
			}
		}
	}
	// The event stream: accreditation events reach the host only, and no
	// other bureau's webhook or SSE stream would carry them.
	var evs []core.Event
	f.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		evs, err = tx.Events(0, "", 100000)
		return err
	})
	n := 0
	for _, e := range evs {
		if !strings.HasPrefix(e.Type, "accreditation.") {
			continue
		}
		n++
		for _, b := range []string{"FR", "ES", "BE", "DE", "IPSG"} {
			if access.CanSeeEvent(access.BureauViewer(b, "probe"), &e, nil) {
				t.Errorf("%s would receive %s", b, e.Type)
			}
		}
		if !access.CanSeeEvent(access.BureauViewer("MA", "probe"), &e, nil) {
			t.Errorf("the host would not receive %s", e.Type)
		}
	}
	if n == 0 {
		t.Error("no accreditation event to probe")
	}
}

// TestDemoAccreditation: the demo's Marrakech session gets its
// accreditation list, screened on import, and the Red Notice published
// during the session alerts the host about the participant it concerns,
// through continuous screening.
func TestDemoAccreditation(t *testing.T) {
	b := storetest.Backends(t)[0]
	f, srv := newIndexedFixture(t, b, api.Config{Version: "test"}, nil)
	ctx := context.Background()
	g, err := demo.LoadMeetings(ctx, srv.Meetings, demo.Defaults.Seed)
	if err != nil {
		t.Fatal(err)
	}
	a, err := demo.LoadAccreditation(ctx, srv.Accreditation, srv.Notices, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != core.AttendeeHit || a.Alerts != 1 || len(a.Findings) != 1 || a.Findings[0].Owner != "ES" || !a.Findings[0].Alert {
		t.Fatalf("alerted participant: %+v", a)
	}
	q, err := srv.Accreditation.List(ctx, core.Viewer{System: true}, g.ID, accreditation.ListFilter{Limit: 500})
	if err != nil || q.Count < 40 || q.Counts[core.AttendeePending] != 0 {
		t.Fatalf("demo list: %v %+v", err, q.Counts)
	}
	evs := storedEvents(t, f.Store, "MA")
	alerts := 0
	for _, e := range evs {
		if e.Type == accreditation.EventAlert && e.Subject == a.ID {
			alerts++
		}
	}
	if alerts != 1 {
		t.Fatalf("%d alert events about %s", alerts, a.Name)
	}
}
