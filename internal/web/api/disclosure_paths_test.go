package api_test

// Disclosure paths a review found reaching round the access decision
// (the audit proof, notice versions, the events of a pending request and
// of a withheld hit's thread, the hit list's state filter), each kept shut
// here. Every person here is invented.

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// ownAuditEntries reads, through GET /api/v1/audit/proof/inclusion, every
// entry of the log that the server hands c in full (its own bureau's).
func ownAuditEntries(t *testing.T, f *fixture, c *caller) []core.AuditEntry {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/audit/proof/inclusion?seq=1", nil, c)
	if r.Status != http.StatusOK {
		t.Fatalf("inclusion proof: %s", r)
	}
	var first inclusionOut
	r.decode(t, &first)
	var out []core.AuditEntry
	for seq := int64(1); seq <= first.TreeSize; seq++ {
		path := "/api/v1/audit/proof/inclusion?seq=" + strconv.FormatInt(seq, 10) + "&size=" + strconv.FormatInt(first.TreeSize, 10)
		r := f.do(t, "GET", path, nil, c)
		if r.Status != http.StatusOK {
			t.Fatalf("inclusion proof: %s", r)
		}
		var inc inclusionOut
		r.decode(t, &inc)
		if inc.Entry != nil {
			out = append(out, *inc.Entry)
		}
	}
	return out
}

// TestAuditProofHidesRecordsNotReleased: a bureau that screens a record
// not released to it is told "possible hit — contact bureau MA", a
// reference that links nothing, and nothing else. Its own audit entries,
// which GET /api/v1/audit/proof/inclusion hands its audit:read key, name
// that record (its owner's trail needs them), its score and the probing
// alert that withholds the hits: the proof shows them without those.
func TestAuditProofHidesRecordsNotReleased(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma := f.user(t, "MA", core.RoleOfficer)
			es := f.key(t, "ES", core.PermScreen, core.PermAuditRead)
			closed := restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")

			// Past the probing limit: the later screenings are withheld.
			dobs := []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05", "1978"}
			for i, dob := range dobs {
				hs := possibleHits(f.screenAs(t, es, map[string]any{"name": "Youssef Benkirane", "date_of_birth": dob}), "MA")
				if i < hits.DefaultProbeLimit && (len(hs) != 1 || hs[0].RecordID != "") {
					t.Fatalf("variant %d: want one possible hit without record id, got %+v", i+1, hs)
				}
			}
			time.Sleep(50 * time.Millisecond) // the screening audit writer's group

			var leaks []string
			for _, e := range ownAuditEntries(t, f.fixture, es) {
				if e.Bureau != "ES" {
					t.Fatalf("handed another bureau's entry: %+v", e)
				}
				if slices.Contains(e.RecordIDs, closed.ID) {
					leaks = append(leaks, "seq "+strconv.FormatInt(e.Seq, 10)+" "+e.Action+" names the hidden record "+closed.ID)
				}
				if strings.Contains(e.Query, "withheld=true") || strings.Contains(e.Query, "score") {
					leaks = append(leaks, "seq "+strconv.FormatInt(e.Seq, 10)+" "+e.Action+" tells "+strconv.Quote(e.Query))
				}
			}
			if len(leaks) > 0 {
				t.Errorf("ES, told only \"possible hit — contact bureau MA\", reads in its own audit entries:\n  %s", strings.Join(leaks, "\n  "))
			}
		})
	}
}

// TestNoticeVersionsOnlyThoseReleased: a notice in circulation only to FR
// is changed, then opened to every member. ES may now read the notice,
// but not the version that circulated to FR alone.
func TestNoticeVersionsOnlyThoseReleased(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			nf := newNoticeFixture(t, b)
			f := nf.fixture
			ma, reviewer := f.user(t, "MA", core.RoleOfficer), f.user(t, members.Secretariat, core.RoleReviewer)
			es := f.user(t, "ES", core.RoleOfficer)

			secret := "informant Zineb Tazarine at the Hotel Atlas, room 12"
			d := validData(notices.TypeBlue)
			d["information_sought"] = "contacts of the subject; " + secret
			n := f.publish(t, ma, reviewer, notices.TypeBlue, d, map[string]any{"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}})
			wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+n.ID+"/versions", nil, es), 404, core.ENOTFOUND, "")

			// The owner removes the detail and opens the notice to all.
			d2 := validData(notices.TypeBlue)
			d2["information_sought"] = "current whereabouts"
			n = f.noticeDo(t, 200, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"version": n.Version, "reason": "shared more widely",
				"data": d2, "releasability": core.Releasability{Mode: core.ReleaseAll}}, ma)
			if n.Releasability.Mode != core.ReleaseAll {
				t.Fatalf("not opened: %+v", n.Releasability)
			}

			r := f.do(t, "GET", "/api/v1/notices/"+n.ID+"/versions", nil, es)
			if r.Status != http.StatusOK {
				t.Fatalf("versions as ES: %s", r)
			}
			var vs struct{ Items []core.NoticeVersion }
			r.decode(t, &vs)
			for _, v := range vs.Items {
				if v.Releasability.Mode == core.ReleaseOnly && !slices.Contains(v.Releasability.Countries, "ES") {
					t.Errorf("ES reads revision %d, which circulated only to %v: %s", v.Revision, v.Releasability.Countries, v.Data)
				}
			}
			if strings.Contains(string(r.Body), "Tazarine") {
				t.Errorf("ES reads data that was released to FR only: %s", truncate(string(r.Body), 400))
			}
		})
	}
}

// TestPendingNoticeEventOnlyToReviewers: until publication a notice
// request is pending, seen by its owner and the secretariat's reviewers
// only; so is its notice.submitted event. An IPSG analyst, to whom the
// request answers 404, is not told that MA asks for a Red Notice.
func TestPendingNoticeEventOnlyToReviewers(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma := f.user(t, "MA", core.RoleOfficer)
			analyst := f.user(t, members.Secretariat, core.RoleAnalyst)
			sc := f.subscribe(t, analyst, "0")

			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": notices.TypeRed, "data": validData(notices.TypeRed)}, ma)
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, ma)
			wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+n.ID, nil, analyst), 404, core.ENOTFOUND, "")

			for _, ev := range sc.drain(1500 * time.Millisecond) {
				raw, _ := json.Marshal(ev.Data)
				if strings.Contains(string(raw), n.ID) {
					t.Errorf("the IPSG analyst, who may not see the pending request, is sent %s: %s", ev.Type, raw)
				}
			}
		})
	}
}

// TestWithheldHitThreadEventsWithheld: past the probing limit a hit is
// withheld from its searcher: "the hit never appears in its lists,
// statistics or events". The owner opens a thread on that hit; the
// searcher may not see the thread (404), nor its message.posted event,
// which names no record.
func TestWithheldHitThreadEventsWithheld(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma := f.user(t, "MA", core.RoleOfficer)
			esKey := f.key(t, "ES", core.PermScreen)
			es := f.user(t, "ES", core.RoleOfficer)
			restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")
			dobs := []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05"}
			for _, dob := range dobs {
				f.screenAs(t, esKey, map[string]any{"name": "Youssef Benkirane", "date_of_birth": dob})
			}
			var owner struct{ Items []map[string]any }
			f.do(t, "GET", "/api/v1/hits?side=owner", nil, ma).decode(t, &owner)
			withheld := ""
			for _, h := range owner.Items {
				if h["withheld"] == true {
					withheld, _ = h["id"].(string)
				}
			}
			if withheld == "" {
				t.Fatalf("no withheld hit among %d", len(owner.Items))
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/hits/"+withheld, nil, es), 404, core.ENOTFOUND, "")

			sc := f.subscribe(t, es, "")
			esAdmin := f.user(t, "ES", core.RoleAdmin)
			hook := f.registerWebhook(t, esAdmin, newReceiver(t, 0).URL, nil, "message.posted")
			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "About your screenings", "hit_id": withheld, "participants": []string{"ES"},
				"message": map[string]any{"type": "general", "body": "Please call us."}}, ma)
			if r.Status != http.StatusCreated {
				t.Fatalf("open thread: %s", r)
			}
			thread, _ := jsonField(r, "id").(string)
			wantProblem(t, f.do(t, "GET", "/api/v1/threads/"+thread, nil, es), 404, core.ENOTFOUND, "")

			for _, ev := range sc.drain(1500 * time.Millisecond) {
				raw, _ := json.Marshal(ev.Data)
				if strings.Contains(string(raw), withheld) || strings.Contains(string(raw), thread) {
					t.Errorf("ES, from whom the hit is withheld and who may not see the thread, is sent %s: %s", ev.Type, raw)
				}
			}
			// Nor does ES's webhook get a delivery of it.
			if err := f.Dispatcher.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
			var dl struct{ Items []core.Delivery }
			if r := f.do(t, "GET", "/api/v1/webhooks/"+hook+"/deliveries", nil, esAdmin); r.Status != http.StatusOK {
				t.Fatalf("deliveries: %s", r)
			} else if r.decode(t, &dl); len(dl.Items) != 0 {
				t.Errorf("ES's webhook is sent an event of the withheld hit's thread: %+v", dl.Items)
			}
		})
	}
}

// TestHitStateFilterOnlyWhatIsShown: a searcher told only "possible hit —
// contact bureau MA" learns nothing of what the owner does with the hit
// (no owner_state, no version, no hit.updated), so GET /api/v1/hits?state=
// filters its list on its own side's state: a state only the owner's side
// reached does not list the hit.
func TestHitStateFilterOnlyWhatIsShown(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
			restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")
			hs := possibleHits(f.screenPerson(t, es, "Youssef Benkirane", borderPost), "MA")
			if len(hs) != 1 || hs[0].HitID == "" {
				t.Fatalf("want one possible hit, got %+v", hs)
			}
			id := hs[0].HitID
			f.moveHit(t, ma, id, map[string]any{"state": core.HitBeingChecked})
			f.moveHit(t, ma, id, map[string]any{"state": core.HitConfirmed})
			if sv := f.getHit(t, es, id); !sv.Restricted || sv.OwnerState != "" || sv.SearcherState != core.HitNew {
				t.Fatalf("the searcher's view: %+v", sv)
			}
			for _, st := range []string{core.HitBeingChecked, core.HitConfirmed} {
				var page struct{ Items []hitView }
				r := f.do(t, "GET", "/api/v1/hits?side=searcher&state="+st, nil, es)
				if r.Status != http.StatusOK {
					t.Fatalf("%s", r)
				}
				r.decode(t, &page)
				for _, h := range page.Items {
					if h.ID == id {
						t.Errorf("ES's side is %s, yet ?state=%s lists the restricted hit: the owner's side is %s", h.SearcherState, st, st)
					}
				}
			}
		})
	}
}
