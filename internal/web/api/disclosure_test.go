package api_test

// What a bureau learns of a record not released to it when it screens:
// "possible hit — contact bureau X" at the alert threshold whatever it
// asks, a reference that links nothing, nothing of the owner's workflow,
// and, on every replica, what the store says now rather than what an
// index that has not caught up thinks.

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// replica starts a second server over f's store, as another process of
// the same deployment would be. Its index is loaded now; if follow is
// false it never catches up afterwards (a replica whose poll has not come
// yet), otherwise it follows every write made through it.
func replica(t *testing.T, f *fixture, follow bool) *fixture {
	t.Helper()
	rs := records.New(f.Store)
	idx := screen.New()
	seq, err := idx.Load(context.Background(), f.Store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if follow {
		rs.Changed = idx.Follower(f.Store, seq)
	}
	s := api.New(f.Store, f.Auth, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "test"})
	s.Screen = idx
	w := audit.NewWriter(f.Store, nil, 100, time.Millisecond)
	s.ReadAudit = w
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.StopStreams(); hs.Close(); s.Close(); w.Close() })
	return &fixture{Backend: f.Backend, Store: f.Store, Auth: f.Auth, Records: rs, URL: hs.URL, client: hs.Client()}
}

// screenAs screens a person query as c and returns the answer's hits.
func (f *fixture) screenAs(t *testing.T, c *caller, q map[string]any) []answerHitOut {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/screen/person", q, c)
	if r.Status != http.StatusOK {
		t.Fatalf("screen %v: %s", q, r)
	}
	var a struct {
		Hits  []answerHitOut
		Count int
	}
	r.decode(t, &a)
	if a.Count != len(a.Hits) {
		t.Fatalf("screen %v: count %d for %d hits", q, a.Count, len(a.Hits))
	}
	return a.Hits
}

// possibleHits keeps the answer's hits that name owner as "possible hit".
func possibleHits(hs []answerHitOut, owner string) []answerHitOut {
	var out []answerHitOut
	for _, h := range hs {
		if h.Restricted && h.Owner == owner {
			out = append(out, h)
		}
	}
	return out
}

// storedEvents reads the event stream addressed to bureau, as SSE
// clients and webhooks of that bureau are fed from it.
func storedEvents(t *testing.T, st core.Store, bureau string) []core.Event {
	t.Helper()
	var evs []core.Event
	if err := st.View(context.Background(), func(tx core.Tx) error {
		var err error
		evs, err = tx.Events(0, bureau, 10_000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

func restrictedPerson(t *testing.T, f *fixture, ma *caller, given, family, dob string) record {
	t.Helper()
	return f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}},
		"data": map[string]any{"given_names": given, "family_name": family, "date_of_birth": dob, "sex": "M", "nationalities": []string{"MA"}}})
}

// TestRestrictedDisclosureIsNotAThresholdOracle: a record not released to
// the searcher is told as a possible hit exactly when the alert screening
// would tell it, whatever threshold, limit, date of birth or sex the
// searcher sends; a first name alone never tells it; and every such
// answer is a hit its owner reads.
func TestRestrictedDisclosureIsNotAThresholdOracle(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.key(t, "ES", core.PermScreen)
			closed := restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")

			for _, th := range []float64{0.05, 0.5, 0.85, 0.99} {
				if hs := possibleHits(f.screenAs(t, es, map[string]any{"name": "Youssef", "threshold": th}), "MA"); len(hs) != 0 {
					t.Errorf("a first name alone at threshold %v discloses a record of MA: %+v", th, hs)
				}
			}
			// Four variants of the full name (under the probing limit),
			// each at every threshold and limit: always one possible hit.
			variants := []map[string]any{{}, {"date_of_birth": "1980-05-12", "sex": "M"}, {"date_of_birth": "1950-01-01"}, {"sex": "F"}}
			seen := map[string]bool{}
			for _, extra := range variants {
				for _, th := range []float64{0.05, 0.5, 0.99} {
					for _, limit := range []int{1, 50} {
						q := map[string]any{"name": "Youssef Benkirane", "threshold": th, "limit": limit}
						for k, v := range extra {
							q[k] = v
						}
						hs := possibleHits(f.screenAs(t, es, q), "MA")
						if len(hs) != 1 || hs[0].RecordID != "" || hs[0].Score != 0 || hs[0].HitID == "" {
							t.Fatalf("%v: want one possible hit of MA with a hit record, got %+v", q, hs)
						}
						seen[hs[0].HitID] = true
					}
				}
			}
			// The owner hears of every one of them.
			for id := range seen {
				if ov := f.getHit(t, ma, id); ov.RecordID != closed.ID || ov.Searcher != "ES" {
					t.Fatalf("owner's view of %s: %+v", id, ov)
				}
			}
			if len(seen) != len(variants) {
				t.Errorf("%d hit records for %d different queries", len(seen), len(variants))
			}
		})
	}
}

// TestProbingIsReportedAndWithheld: different queries by one bureau that
// hit one record not released to it are counted in the store (across
// replicas); from the third the owner is told (hit.probing, audited);
// past the fifth the searcher is told nothing of that record any more,
// while the owner still hears of every hit.
func TestProbingIsReportedAndWithheld(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.key(t, "ES", core.PermScreen)
			closed := restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")
			other := replica(t, f.fixture, true)

			dobs := []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05", "1978"}
			var told []string
			for i, dob := range dobs {
				srv := f.fixture
				if i%2 == 1 {
					srv = other // the count is the store's, not one process's
				}
				hs := possibleHits(srv.screenAs(t, es, map[string]any{"name": "Youssef Benkirane", "date_of_birth": dob}), "MA")
				switch {
				case i < hits.DefaultProbeLimit && len(hs) != 1:
					t.Fatalf("variant %d (%s): want a possible hit, got %+v", i+1, dob, hs)
				case i >= hits.DefaultProbeLimit && len(hs) != 0:
					t.Fatalf("variant %d (%s) after the probing limit: the searcher is still told %+v", i+1, dob, hs)
				}
				for _, h := range hs {
					told = append(told, h.HitID)
				}
			}
			// A repeat of a variant already told is not news: still told.
			if hs := possibleHits(f.screenAs(t, es, map[string]any{"name": "Youssef Benkirane", "date_of_birth": "1980"}), "MA"); len(hs) != 1 {
				t.Errorf("a repeat of a told variant: %+v", hs)
			}

			// The owner: every hit, the late ones marked withheld.
			var owner struct{ Items []map[string]any }
			f.do(t, "GET", "/api/v1/hits?side=owner", nil, ma).decode(t, &owner)
			withheld := 0
			for _, h := range owner.Items {
				if h["withheld"] == true {
					withheld++
				}
			}
			if len(owner.Items) != len(dobs) || withheld != len(dobs)-hits.DefaultProbeLimit {
				t.Fatalf("owner sees %d hits, %d withheld; want %d and %d", len(owner.Items), withheld, len(dobs), len(dobs)-hits.DefaultProbeLimit)
			}
			// The searcher: only what it was told, in its list and stats.
			var searcher struct{ Items []hitView }
			f.do(t, "GET", "/api/v1/hits?side=searcher", nil, es).decode(t, &searcher)
			if len(searcher.Items) != hits.DefaultProbeLimit {
				t.Fatalf("searcher lists %d hits, want %d", len(searcher.Items), hits.DefaultProbeLimit)
			}
			var st struct{ Hits int }
			f.do(t, "GET", "/api/v1/hits/stats", nil, es).decode(t, &st)
			if st.Hits != hits.DefaultProbeLimit {
				t.Errorf("searcher's statistics count %d hits, want %d", st.Hits, hits.DefaultProbeLimit)
			}
			for _, ev := range storedEvents(t, f.Store, "ES") {
				if ev.Type == hits.EventProbing {
					t.Fatalf("the searcher is told of the probing alert: %s", ev.Data)
				}
			}

			// hit.probing reached the owner from the third variant on, and
			// is in the audit log.
			var probing []hits.Probing
			for _, ev := range storedEvents(t, f.Store, "MA") {
				if ev.Type == hits.EventProbing {
					var p hits.Probing
					json.Unmarshal(ev.Data, &p)
					if p.Searcher != "ES" || p.RecordID != closed.ID || ev.RecordID != closed.ID {
						t.Fatalf("probing event %s", ev.Data)
					}
					probing = append(probing, p)
				}
			}
			if want := len(dobs) - hits.DefaultProbeWarn + 1; len(probing) != want || probing[0].Variants != hits.DefaultProbeWarn || probing[0].Withheld ||
				!probing[len(probing)-1].Withheld || probing[len(probing)-1].Variants != len(dobs) {
				t.Fatalf("probing events %+v, want %d from variant %d on", probing, want, hits.DefaultProbeWarn)
			}
			audited := 0
			f.Store.View(context.Background(), func(tx core.Tx) error {
				es, err := tx.RecordAudit(closed.ID, 0, 10_000)
				for _, e := range es {
					if e.Action == hits.EventProbing && e.Bureau == "ES" {
						audited++
					}
				}
				return err
			})
			if audited != len(probing) {
				t.Errorf("%d probing audit entries for %d alerts", audited, len(probing))
			}

			// Another bureau's probing is counted apart.
			it := f.key(t, "IT", core.PermScreen)
			if hs := possibleHits(f.screenAs(t, it, map[string]any{"name": "Youssef Benkirane", "date_of_birth": "1978"}), "MA"); len(hs) != 1 {
				t.Errorf("IT is withheld by ES's probing: %+v", hs)
			}
		})
	}
}

// TestReferencesDoNotLinkScreenings: screening a hidden record's name,
// passport and account gives three references that do not show they are
// one record; the owner finds each hit by its reference, on any replica.
func TestReferencesDoNotLinkScreenings(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.key(t, "ES", core.PermScreen)
			closed := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}},
				"data": map[string]any{"given_names": "Youssef", "family_name": "Benkirane", "nationalities": []string{"MA"},
					"documents":   []map[string]any{{"number": "QX4471902", "country": "MA", "type": "passport"}},
					"identifiers": []map[string]any{{"type": "iban", "value": "FR76 3000 6000 0112 3456 7890 189"}}}})
			answers := []*resp{
				f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Youssef Benkirane"}, es),
				f.do(t, "POST", "/api/v1/screen/document", map[string]any{"number": "QX4471902", "country": "MA"}, es),
				f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"}, es),
			}
			refs := map[string]bool{}
			other := replica(t, f.fixture, false)
			for _, r := range answers {
				var a struct{ Hits []answerHitOut }
				if r.Status != http.StatusOK {
					t.Fatalf("%s", r)
				}
				r.decode(t, &a)
				if len(a.Hits) != 1 || !a.Hits[0].Restricted || !strings.HasPrefix(a.Hits[0].Reference, "HIT-") {
					t.Fatalf("%s: want one possible hit with a hit reference", r)
				}
				ref := a.Hits[0].Reference
				if refs[ref] {
					t.Fatalf("reference %s links two screenings of one record", ref)
				}
				refs[ref] = true
				for _, srv := range []*fixture{f.fixture, other} {
					if ov := srv.getHit(t, ma, ref); ov.RecordID != closed.ID || ov.Reference != ref || ov.ID != a.Hits[0].HitID {
						t.Fatalf("the owner looks %s up and gets %+v", ref, ov)
					}
					if sv := srv.getHit(t, es, ref); !sv.Restricted || sv.RecordID != "" {
						t.Fatalf("the searcher looks %s up and gets %+v", ref, sv)
					}
				}
				wantProblem(t, f.do(t, "GET", "/api/v1/hits/"+ref, nil, f.key(t, "IT", core.PermScreen)), 404, core.ENOTFOUND, "")
			}

			// An answer that makes no hit record (an investigation under
			// the alert threshold) has a reference of its own: the same
			// on every replica, different for another query.
			f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"given_names": "Rachid", "family_name": "Ouazzani", "date_of_birth": "1975-03-02", "sex": "M"}})
			other2 := replica(t, f.fixture, false)
			q := map[string]any{"name": "Rachid Ouazzani", "threshold": 0.3, "date_of_birth": "1901"}
			a1, a2 := f.screenAs(t, es, q), other2.screenAs(t, es, q)
			if len(a1) == 0 || len(a2) == 0 || a1[0].HitID != "" || a1[0].Reference == "" || a1[0].Reference != a2[0].Reference {
				t.Fatalf("answer references differ between replicas: %+v / %+v", a1, a2)
			}
			q["sex"] = "F"
			if a3 := f.screenAs(t, es, q); len(a3) == 0 || a3[0].Reference == a1[0].Reference {
				t.Fatalf("two different queries share a reference: %+v / %+v", a3, a1)
			}
		})
	}
}

// TestRestrictedSearcherSeesNoOwnerWorkflow: the searcher of a hit on a
// record not released to it learns nothing of what the owner does with
// the hit: no owner_state or version in what it reads, and no event when
// the owner moves its side.
func TestRestrictedSearcherSeesNoOwnerWorkflow(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
			restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")
			hs := possibleHits(f.screenPerson(t, es, "Youssef Benkirane", borderPost), "MA")
			if len(hs) != 1 {
				t.Fatalf("want a possible hit: %+v", hs)
			}
			id := hs[0].HitID
			before := len(storedEvents(t, f.Store, "ES"))
			f.moveHit(t, ma, id, map[string]any{"state": "being_checked", "notes": "calling the source"})
			f.moveHit(t, ma, id, map[string]any{"state": "confirmed"})
			if ov := f.getHit(t, ma, id); ov.OwnerState != core.HitConfirmed || ov.Version != 3 {
				t.Fatalf("owner's view %+v", ov)
			}

			leaks := func(where string, raw []byte) {
				t.Helper()
				var m map[string]any
				if err := json.Unmarshal(raw, &m); err != nil {
					t.Fatalf("%s: %v: %s", where, err, raw)
				}
				if _, ok := m["owner_state"]; ok {
					t.Errorf("%s shows the searcher the owner's state: %s", where, raw)
				}
				if v, ok := m["version"].(float64); ok && v != 0 {
					t.Errorf("%s shows the searcher a version that moves with the owner's steps: %s", where, raw)
				}
				if strings.Contains(string(raw), core.HitConfirmed) || strings.Contains(string(raw), "calling the source") {
					t.Errorf("%s shows the searcher the owner's workflow: %s", where, raw)
				}
			}
			leaks("GET /hits/{id}", f.do(t, "GET", "/api/v1/hits/"+id, nil, es).Body)
			var page struct{ Items []json.RawMessage }
			f.do(t, "GET", "/api/v1/hits?side=searcher", nil, es).decode(t, &page)
			if len(page.Items) != 1 {
				t.Fatalf("searcher lists %d hits", len(page.Items))
			}
			leaks("GET /hits", page.Items[0])
			// SSE and webhooks are fed from the stored stream: the owner's
			// moves send the searcher nothing.
			evs := storedEvents(t, f.Store, "ES")
			if len(evs) != before {
				t.Fatalf("the owner's moves sent the searcher %d events: %s", len(evs)-before, evs[len(evs)-1].Data)
			}
			for _, ev := range evs {
				leaks("event "+ev.Type, ev.Data)
			}
			// The searcher's own move is its own to hear of, still without
			// the owner's side.
			sv := f.moveHit(t, es, id, map[string]any{"state": "being_checked"})
			if sv.SearcherState != core.HitBeingChecked || sv.OwnerState != "" {
				t.Fatalf("searcher's move %+v", sv)
			}
			evs = storedEvents(t, f.Store, "ES")
			if len(evs) != before+1 || evs[len(evs)-1].Type != hits.EventUpdated {
				t.Fatalf("searcher's own move: %d events", len(evs)-before)
			}
			leaks("event after the searcher's move", evs[len(evs)-1].Data)
			// The SSE replay carries the same.
			sc := f.subscribe(t, es, "0")
			for range before + 1 {
				ev := <-sc.Events
				raw, _ := json.Marshal(ev.Data["data"])
				leaks("SSE "+ev.Type, raw)
			}
		})
	}
}

// TestNarrowingOnAnotherReplica: a record narrowed (or cancelled) through
// one replica is not shown in full through another whose index has not
// caught up: the store decides what a hit discloses.
func TestNarrowingOnAnotherReplica(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es := f.user(t, "MA", core.RoleOfficer), f.key(t, "ES", core.PermScreen)
			open := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"given_names": "Youssef", "family_name": "Benkirane", "date_of_birth": "1980-05-12"}})
			gone := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"given_names": "Karim", "family_name": "Lahlou"}})
			stale := replica(t, f.fixture, false) // loaded now, never polls

			if hs := stale.screenAs(t, es, map[string]any{"name": "Youssef Benkirane"}); len(hs) != 1 || hs[0].RecordID != open.ID {
				t.Fatalf("before narrowing: %+v", hs)
			}
			r := f.do(t, "PUT", "/api/v1/records/"+open.ID, map[string]any{"version": open.Version, "kind": "person",
				"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}},
				"data":          map[string]any{"given_names": "Youssef", "family_name": "Benkirane", "date_of_birth": "1980-05-12"}}, ma)
			if r.Status != http.StatusOK {
				t.Fatalf("narrow: %s", r)
			}
			if r := f.do(t, "POST", "/api/v1/records/"+gone.ID+"/cancel", map[string]any{"reason": "entered in error", "version": gone.Version}, ma); r.Status != http.StatusOK {
				t.Fatalf("cancel: %s", r)
			}

			// At the alert threshold: a possible hit, and its owner hears of it.
			hs := stale.screenAs(t, es, map[string]any{"name": "Youssef Benkirane"})
			if len(hs) != 1 || !hs[0].Restricted || hs[0].RecordID != "" || hs[0].Label != "" || len(hs[0].Explanation) != 0 || hs[0].Score != 0 || hs[0].HitID == "" {
				t.Fatalf("narrowed record through a stale replica: %+v", hs)
			}
			if ov := f.getHit(t, ma, hs[0].HitID); ov.RecordID != open.ID {
				t.Fatalf("owner's view %+v", ov)
			}
			if sv := stale.getHit(t, es, hs[0].HitID); !sv.Restricted || sv.RecordID != "" {
				t.Fatalf("searcher's hit view %+v", sv)
			}
			// Under the alert threshold (an investigation, no hit record):
			// not shown at all, as a restricted record would not be.
			for _, h := range stale.screenAs(t, es, map[string]any{"name": "Youssef Benkirane", "date_of_birth": "1950", "sex": "F", "threshold": 0.3}) {
				if h.RecordID == open.ID || h.Label != "" && strings.Contains(h.Label, "Benkirane") {
					t.Fatalf("investigation through a stale replica shows the narrowed record: %+v", h)
				}
			}
			// Cancelled: not screened any more.
			if hs := stale.screenAs(t, es, map[string]any{"name": "Karim Lahlou"}); len(hs) != 0 {
				t.Fatalf("a cancelled record through a stale replica: %+v", hs)
			}
			br := stale.do(t, "POST", "/api/v1/screen/batch", `{"type":"person","name":"Youssef Benkirane"}`+"\n"+`{"type":"person","name":"Karim Lahlou"}`+"\n", es, "Content-Type", "application/x-ndjson")
			if br.Status != 200 || strings.Contains(string(br.Body), open.ID) || strings.Contains(string(br.Body), gone.ID) || !strings.Contains(string(br.Body), "contact bureau MA") {
				t.Fatalf("batch through a stale replica: %s", br)
			}
		})
	}
}
