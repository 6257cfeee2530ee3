package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestHitListPagesPastWithheldHits: GET /api/v1/hits gave a next_cursor
// only when a page came back full, but a hit withheld from the searcher
// (probing) is read and not shown: the searcher's page came back short
// and its paging stopped there, before its later hits. The cursor is the
// last hit the page read now: paging one at a time lists what one page
// of a hundred lists.
func TestHitListPagesPastWithheldHits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma := f.user(t, "MA", core.RoleOfficer)
			esKey := f.key(t, "ES", core.PermScreen)
			restrictedPerson(t, f.fixture, ma, "Youssef", "Benkirane", "1980-05-12")
			for _, dob := range []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05"} {
				f.screenAs(t, esKey, map[string]any{"name": "Youssef Benkirane", "date_of_birth": dob})
			}
			f.createRecord(t, ma, map[string]any{"kind": core.KindPerson, "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"given_names": "Driss", "family_name": "Zerhouni", "nationalities": []string{"MA"}}})
			f.screenAs(t, esKey, map[string]any{"name": "Driss Zerhouni"})

			list := func(q url.Values) ([]string, string) {
				t.Helper()
				var p struct {
					Items []struct {
						ID string `json:"id"`
					}
					NextCursor string `json:"next_cursor"`
				}
				r := f.do(t, "GET", "/api/v1/hits?"+q.Encode(), nil, esKey)
				if r.Status != http.StatusOK {
					t.Fatalf("%s", r)
				}
				r.decode(t, &p)
				var ids []string
				for _, h := range p.Items {
					ids = append(ids, h.ID)
				}
				return ids, p.NextCursor
			}
			all, next := list(url.Values{"limit": {"100"}})
			if next != "" || len(all) < 2 {
				t.Fatalf("one page of a hundred: %v, next %q", all, next)
			}
			var paged []string
			q := url.Values{"limit": {"1"}}
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("the cursor does not advance")
				}
				ids, next := list(q)
				paged = append(paged, ids...)
				if next == "" {
					break
				}
				q.Set("cursor", next)
			}
			if !slices.Equal(paged, all) {
				t.Fatalf("paging one at a time lists %v; one page lists %v", paged, all)
			}
			var owner struct{ Items []map[string]any }
			f.do(t, "GET", "/api/v1/hits?side=owner", nil, ma).decode(t, &owner)
			if len(owner.Items) <= len(all) {
				t.Fatalf("no hit is withheld from ES: the owner has %d, ES %d", len(owner.Items), len(all))
			}
		})
	}
}
