package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// TestReportsQueueReachesEveryReport: the console's triage queue
// shows the first 200 reports and says "200 reports", with no way on to
// the rest: the 201st open report (the least urgent) cannot be reached
// from the queue at all. Every open report must be listed, or reachable
// through a next-page link.
func TestReportsQueueReachesEveryReport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ma.analyst.pages", "MA", core.RoleAnalyst, true)
		s := e.Server.Reports
		s.PoW.Difficulty = 4
		const n = 201
		for i := range n {
			ch := s.PoW.Issue(time.Now())
			in := reports.Input{Category: "other", Narrative: "a fictitious parcel fee", Consent: true,
				PoW: reports.ProofOfWork{Challenge: ch.Challenge, Counter: reports.Solve(ch.Challenge, ch.Difficulty)}}
			if i == 0 {
				in.Losses = []core.Loss{{Amount: 1, Currency: "MAD"}} // ranks first
			}
			if _, err := s.Submit(context.Background(), citizen, in); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.Queue(context.Background(), system, core.ReportFilter{Limit: 500})
		if err != nil || len(all) != n {
			t.Fatalf("setup: %d open reports (%v)", len(all), err)
		}
		last := all[n-1].Receipt
		b := e.browser(t)
		b.signIn("ma.analyst.pages", "en")
		b.get("/reports")
		if b.Code != http.StatusOK {
			t.Fatalf("/reports: %d", b.Code)
		}
		seen := strings.Contains(b.Last, last)
		next := regexp.MustCompile(`href="(/reports\?[^"]*(?:offset|after|page|cursor)=[^"]*)"`).FindStringSubmatch(b.Last)
		for hops := 0; !seen && next != nil && hops < 5; hops++ {
			b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
			seen = strings.Contains(b.Last, last)
			next = regexp.MustCompile(`href="(/reports\?[^"]*(?:offset|after|page|cursor)=[^"]*)"`).FindStringSubmatch(b.Last)
		}
		if !seen {
			t.Errorf("of %d open reports, the queue page lists %d (%q) and links to no further page: report %s cannot be reached",
				n, strings.Count(b.Last, `class="mono">R-`), regexp.MustCompile(`<p>(\d+ reports?)</p>`).FindString(b.Last), last)
		}
		// The dashboard counts every one waiting, past any page.
		b.get("/")
		if got := regexp.MustCompile(`id="dash-reports">([^<]*)<`).FindStringSubmatch(b.Last); got == nil || !strings.Contains(got[1], "201") {
			t.Errorf("dashboard: %v, want the 201 reports waiting", got)
		}
		// The count is the true total, on every page.
		b.get("/reports")
		if !strings.Contains(b.Last, "<p>Reports 1–200 of 201</p>") || strings.Contains(b.Last, `id="prev"`) {
			t.Errorf("first page of the queue: %s", regexp.MustCompile(`<p>Reports[^<]*</p>`).FindString(b.Last))
		}
		b.get("/reports?offset=200")
		if !strings.Contains(b.Last, "<p>Reports 201–201 of 201</p>") || strings.Contains(b.Last, `id="next"`) || !strings.Contains(b.Last, `href="/reports" id="prev"`) {
			t.Errorf("last page of the queue: %s", regexp.MustCompile(`<p>Reports[^<]*</p>`).FindString(b.Last))
		}
		// The campaigns (each report its own: min=1) page the same way,
		// counted, the filter kept in the links.
		b.get("/campaigns?min=1")
		if !strings.Contains(b.Last, "<p>Campaigns 1–200 of 201</p>") || !strings.Contains(b.Last, `href="/campaigns?min=1&amp;offset=200" id="next"`) {
			t.Fatalf("first page of the campaigns: %s", regexp.MustCompile(`<p>Campaigns[^<]*</p>|<nav aria-label="Pages">.*</nav>`).FindAllString(b.Last, -1))
		}
		b.get("/campaigns?min=1&offset=200")
		if got := strings.Count(b.Last, `<tr><td><a href="/campaigns/`); got != 1 || !strings.Contains(b.Last, "<p>Campaigns 201–201 of 201</p>") || strings.Contains(b.Last, `id="next"`) {
			t.Errorf("last page of the campaigns: %d rows, %s", got, regexp.MustCompile(`<p>Campaigns[^<]*</p>`).FindString(b.Last))
		}
	})
}
