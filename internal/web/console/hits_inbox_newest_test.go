package console_test

// The hits inbox of a bureau with more than a page of hits (every person
// here is invented).

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestHitsInboxShowsNewestAndPagesToOlder: the inbox once asked for 200
// hits and reversed them "newest first", but hits are listed oldest id
// first: past 200, it showed the bureau's 200 oldest, never the hit that
// had just arrived, and no way to the others. It shows the newest first
// now, and its next page holds the older ones, each hit on one page only.
func TestHitsInboxShowsNewestAndPagesToOlder(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 200 hits")
	}
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.inbox.officer", "MA", core.RoleOfficer, true)
		e.user(t, "es.inbox.officer", "ES", core.RoleOfficer, true)
		given := []string{"Adil", "Badr", "Chafik", "Driss", "Fouad", "Ghali", "Hicham", "Ismail", "Jalal", "Karim", "Lahcen", "Mehdi", "Nabil", "Omar", "Rida"}
		family := []string{"Amrani", "Berrada", "Chraibi", "Doukkali", "Essaidi", "Filali", "Guessous", "Hajji", "Idrissi", "Jettou", "Kettani", "Lahlou", "Mernissi", "Naciri"}
		var names []string
		for _, g := range given {
			for _, f := range family {
				names = append(names, g+" "+f)
				record(t, e, ma, core.KindPerson, core.Releasability{Mode: core.ReleaseAll}, map[string]any{"given_names": g, "family_name": f, "nationalities": []string{"MA"}})
			}
		}
		es := e.browser(t)
		es.signIn("es.inbox.officer", "en")
		es.get("/screen?kind=person")
		for _, n := range names {
			es.post("/screen", url.Values{"kind": {"person"}, "name": {n}})
		}
		// The newest: a name nobody else bears.
		record(t, e, ma, core.KindPerson, core.Releasability{Mode: core.ReleaseAll}, map[string]any{"given_names": "Ouarda", "family_name": "Tiznitiya", "nationalities": []string{"MA"}})
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Ouarda Tiznitiya"}})
		newest := between(t, es.Last, `href="/hits/`, `"`)

		mab := e.browser(t)
		mab.signIn("ma.inbox.officer", "en")
		mab.get("/hits")
		first := hitLinks(mab.Last)
		if len(first) == 0 || first[0] != newest {
			t.Fatalf("the inbox (%d rows) does not open on the hit that just arrived (%s): %v", len(first), newest, first[:min(3, len(first))])
		}
		seen := map[string]bool{}
		for _, id := range first {
			seen[id] = true
		}
		pages := 1
		for strings.Contains(mab.Last, `id="next"`) {
			link := mab.Last[:strings.Index(mab.Last, `" id="next"`)]
			next := html.UnescapeString(link[strings.LastIndex(link, `href="`)+len(`href="`):])
			if pages++; pages > 5 {
				t.Fatalf("the inbox pages on past %s", next)
			}
			mab.get(next)
			for _, id := range hitLinks(mab.Last) {
				if seen[id] {
					t.Fatalf("hit %s on two pages", id)
				}
				seen[id] = true
			}
		}
		if pages < 2 || len(seen) < len(names)+1 {
			t.Fatalf("%d pages show %d hits; %d screenings hit", pages, len(seen), len(names)+1)
		}
	})
}

// hitLinks are the ids of the hits a page links to, in its order.
func hitLinks(page string) []string {
	var ids []string
	for _, part := range strings.Split(page, `<a href="/hits/`)[1:] {
		ids = append(ids, part[:strings.Index(part, `"`)])
	}
	return ids
}
