package console_test

// What the dashboard says waits for an officer (every person here is
// invented).

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// TestDashboardCountsWaitingWorkOfAnyAge: "What waits for me" once counted
// drafts, refused requests and new hits only among those of the last 14
// days (the charts' window), so a draft or an unanswered hit three weeks
// old was "0 drafts" / "0 new hits" while the page it links to
// (/notices?state=draft, /hits) listed it, still waiting. They are counted
// whatever their age now, each bureau its own: the searcher's side of the
// hit waits for Spain too, Morocco's draft does not.
func TestDashboardCountsWaitingWorkOfAnyAge(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.dash.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.dash.reviewer", "IPSG", core.RoleReviewer, true)
		e.user(t, "es.dash.border", "ES", core.RoleOfficer, true)
		publish(t, e, ma, rev, &core.Releasability{Mode: core.ReleaseAll}, redData("Benslimane", "Youssef", "يوسف بنسليمان"))
		if _, err := e.Server.Notices.Create(context.Background(), viewerOf(ma), notices.Input{Type: "red",
			Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: redData("Ouazzani", "Hamid", "حميد الوزاني")}); err != nil {
			t.Fatal(err)
		}
		// Spain screens the published notice: a new hit for Morocco.
		es := e.browser(t)
		es.signIn("es.dash.border", "en")
		es.get("/screen?kind=person")
		es.post("/screen", url.Values{"kind": {"person"}, "name": {"Youssef Benslimane"}})
		if !strings.Contains(es.Last, `href="/hits/`) {
			t.Fatalf("no hit from the screening:\n%s", es.Last)
		}

		mab := e.browser(t)
		mab.signIn("ma.dash.officer", "en")
		mab.get("/")
		if !strings.Contains(mab.Last, "1 draft") || !strings.Contains(mab.Last, "1 new hit") {
			t.Fatalf("today's dashboard:\n%s", mab.Last)
		}
		// Three weeks on, nothing has been done: both still wait.
		e.Console.Now = func() time.Time { return time.Now().Add(21 * 24 * time.Hour) }
		mab.get("/notices?state=draft")
		if mab.Code != http.StatusOK || !strings.Contains(mab.Last, "Ouazzani") {
			t.Fatalf("the draft is not listed:\n%s", mab.Last)
		}
		mab.get("/")
		waits := between(t, mab.Last, `id="waits"`, "</ul>")
		if !strings.Contains(waits, "1 draft") {
			t.Errorf("the dashboard no longer counts the three-week-old draft that /notices?state=draft lists: %s", waits)
		}
		if !strings.Contains(waits, "1 new hit") {
			t.Errorf("the dashboard no longer counts the three-week-old unanswered hit: %s", waits)
		}
		es.get("/")
		waits = between(t, es.Last, `id="waits"`, "</ul>")
		if !strings.Contains(waits, "1 new hit") || !strings.Contains(waits, "0 drafts") {
			t.Errorf("Spain's dashboard: %s", waits)
		}
	})
}
