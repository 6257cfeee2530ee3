package api_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var propertyNames = []string{"Abdellatif Kharroubi", "Jean-Pierre Durand", "Olusegun Adebayo", "Hiroshi Tanaka", "Lucia Fernandez", "Mikhail Petrov",
	"Ingrid Johansson", "Kwame Mensah", "Dimitris Papadopoulos", "Aigerim Nurlanova", "Rashid Karimov", "Thandiwe Ndlovu"}

// TestCooperationReleasabilityProperty extends the releasability property
// to hits, events and threads: with random records, releasability and
// screenings, no event in any bureau's stream, no hit in its listing and
// no thread it can list tells it of a record access.CanSee hides from it,
// beyond "possible hit — contact bureau X".
func TestCooperationReleasabilityProperty(t *testing.T) {
	seed := propertySeed(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			f := newCoopFixture(t, b, true)
			owners := []string{"MA", "FR", "ES"}
			writers := map[string]*caller{}
			for _, o := range owners {
				writers[o] = f.user(t, o, core.RoleOfficer)
			}
			var viewers []*caller
			for _, bu := range []string{"MA", "FR", "ES", "BR", "DE"} {
				if w, ok := writers[bu]; ok {
					viewers = append(viewers, w)
				} else {
					viewers = append(viewers, f.user(t, bu, core.RoleOfficer))
				}
			}
			viewers = append(viewers, f.key(t, "BR", core.PermScreen), f.key(t, "MA", core.PermScreen))
			pool := []string{"MA", "FR", "ES", "BR", "DE"}
			recs := map[string]*core.Record{}
			for _, name := range propertyNames {
				owner := owners[rng.IntN(len(owners))]
				rel := core.Releasability{Mode: []string{core.ReleaseAll, core.ReleaseOnly, core.ReleaseExcept}[rng.IntN(3)]}
				if rel.Mode != core.ReleaseAll {
					for _, c := range pool {
						if c != owner && rng.IntN(2) == 0 {
							rel.Countries = append(rel.Countries, c)
						}
					}
					if len(rel.Countries) == 0 {
						rel.Countries = []string{"DE"}
					}
				}
				given, family, _ := strings.Cut(name, " ")
				r := f.createRecord(t, writers[owner], map[string]any{"kind": "person", "releasability": rel,
					"data": map[string]any{"given_names": given, "family_name": family}})
				rec := r.Record
				recs[r.ID] = &rec
			}
			// Everyone screens some names, at two places.
			for _, v := range viewers {
				for range 4 {
					f.screenPerson(t, v, propertyNames[rng.IntN(len(propertyNames))], map[string]string{"border_post": []string{"A", "B"}[rng.IntN(2)]})
				}
			}
			// Threads on some hits, between their sides.
			var all []*core.Hit
			f.Store.View(context.Background(), func(tx core.Tx) error {
				var err error
				all, err = tx.ListHits(core.HitFilter{All: true})
				return err
			})
			if len(all) == 0 {
				t.Fatal("no hits were made")
			}
			for i, h := range all {
				if i%3 != 0 {
					continue
				}
				if w, ok := writers[h.Owner]; ok {
					r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "About " + h.Reference, "hit_id": h.ID,
						"message": map[string]any{"type": "information_request", "body": "Details please."}}, w)
					if r.Status != http.StatusCreated && r.Status != http.StatusUnprocessableEntity {
						t.Fatalf("thread: %s", r)
					}
				}
			}
			// What a screening would show the viewer of a record is what a
			// hit may show it: the record if CanSee or CanSeeHit allows.
			hidden := func(v *caller, id string) bool {
				r := recs[id]
				return !access.CanSee(v.Viewer, r) && !access.CanSeeHit(v.Viewer, r.Owner, r.Status, r.Releasability)
			}
			for _, v := range viewers {
				leakCheck := func(what, raw string) {
					for id := range recs {
						if hidden(v, id) && strings.Contains(raw, id) {
							t.Errorf("%s: %s names record %s, which is hidden from it: %s", v, what, id, truncate(raw, 400))
						}
					}
				}
				// Events, replayed from the start.
				sc := f.subscribe(t, v, "0")
				for _, ev := range sc.drain(500 * time.Millisecond) {
					raw, _ := json.Marshal(ev.Data)
					rid, _ := ev.Data["record_id"].(string)
					data, _ := ev.Data["data"].(map[string]any)
					switch {
					case rid != "":
						rec := recs[rid]
						if rec == nil || !(access.CanSee(v.Viewer, rec) || strings.HasPrefix(ev.Type, "hit.") && access.CanSeeHit(v.Viewer, rec.Owner, rec.Status, rec.Releasability)) {
							t.Errorf("%s received %s about record %s it may not see", v, ev.Type, rid)
						}
					case strings.HasPrefix(ev.Type, "hit."):
						for _, k := range []string{"record_id", "label", "matched", "explanation", "score", "record_kind", "country"} {
							if _, ok := data[k]; ok {
								t.Errorf("%s: possible-hit event carries %s: %s", v, k, raw)
							}
						}
					}
					if strings.HasPrefix(ev.Type, "hit.") && data["owner"] != v.Viewer.Bureau && data["searcher"] != v.Viewer.Bureau {
						t.Errorf("%s received a hit event it is no side of: %s", v, raw)
					}
					leakCheck("event "+ev.Type, string(raw))
				}
				// Hit listings.
				r := f.do(t, "GET", "/api/v1/hits?limit=500", nil, v)
				var page struct{ Items []hitView }
				r.decode(t, &page)
				for _, h := range page.Items {
					if h.Owner != v.Viewer.Bureau && h.Searcher != v.Viewer.Bureau {
						t.Errorf("%s lists hit %s of %s/%s", v, h.ID, h.Owner, h.Searcher)
					}
					if h.Restricted != (h.RecordID == "") {
						t.Errorf("%s: hit %s restricted=%v with record %q", v, h.ID, h.Restricted, h.RecordID)
					}
				}
				leakCheck("hit listing", string(r.Body))
				// Threads.
				tr := f.do(t, "GET", "/api/v1/threads", nil, v)
				var threads struct{ Items []core.Thread }
				tr.decode(t, &threads)
				for _, th := range threads.Items {
					if !slices.Contains(th.Participants, v.Viewer.Bureau) {
						t.Errorf("%s lists thread %s of %v", v, th.ID, th.Participants)
					}
				}
				leakCheck("thread listing", string(tr.Body))
			}
		})
	}
}
