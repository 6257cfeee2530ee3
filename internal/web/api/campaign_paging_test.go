package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestCampaignListPagesPastAThousand: GET /api/v1/campaigns stopped at
// 1,000 campaigns with no offset, so the rest could not be listed. It
// pages with limit and offset, as the queue does, and says the total.
func TestCampaignListPagesPastAThousand(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		const n = 1003
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		err := f.Store.Update(context.Background(), func(tx core.Tx) error {
			for i := range n {
				if err := tx.InsertCampaign(&core.Campaign{ID: fmt.Sprintf("c-%04d", i), Version: 1, Bureau: "MA", Reports: 2, UpdatedAt: at, LossTotals: []core.Money{}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		analyst := f.user(t, "MA", core.RoleAnalyst)
		type page struct {
			Items                []core.Campaign
			Count, Offset, Total int
		}
		var first page
		f.do(t, "GET", "/api/v1/campaigns", nil, analyst).decode(t, &first)
		if len(first.Items) != 100 || first.Count != 100 || first.Total != n || first.Offset != 0 {
			t.Fatalf("first page: %d items, count %d, total %d, offset %d", len(first.Items), first.Count, first.Total, first.Offset)
		}
		seen := map[string]bool{}
		for offset := 0; offset < n; offset += 1000 {
			var p page
			f.do(t, "GET", fmt.Sprintf("/api/v1/campaigns?limit=1000&offset=%d", offset), nil, analyst).decode(t, &p)
			if p.Total != n || p.Offset != offset || p.Count != len(p.Items) {
				t.Fatalf("offset %d: count %d, total %d, offset %d", offset, p.Count, p.Total, p.Offset)
			}
			for _, c := range p.Items {
				seen[c.ID] = true
			}
		}
		if len(seen) != n || !seen["c-1002"] {
			t.Errorf("the pages reach %d of %d campaigns (c-1002: %v)", len(seen), n, seen["c-1002"])
		}
		var past page
		f.do(t, "GET", "/api/v1/campaigns?offset=5000", nil, analyst).decode(t, &past)
		if len(past.Items) != 0 || past.Total != n {
			t.Errorf("past the end: %d items, total %d", len(past.Items), past.Total)
		}
		wantProblem(t, f.do(t, "GET", "/api/v1/campaigns?offset=-1", nil, analyst), 422, "invalid", "offset")
		wantProblem(t, f.do(t, "GET", "/api/v1/campaigns?limit=1001", nil, analyst), 422, "invalid", "limit")
	})
}

// TestEscalateCampaignAgainThroughAPI: a second escalation with nothing
// new is refused (409, saying why on the field campaign) and makes no
// record; the first says how many it shared.
func TestEscalateCampaignAgainThroughAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		phone := "+212612345010"
		submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": "a fictitious broker called", "country": "MA", "suspect": map[string]any{"phones": []string{phone}}})
		rc := submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": "the same broker", "country": "MA", "suspect": map[string]any{"phones": []string{phone}}})
		analyst := f.user(t, "MA", core.RoleAnalyst)
		officer := f.user(t, "MA", core.RoleOfficer)
		var q struct{ Items []core.Report }
		f.do(t, "GET", "/api/v1/reports", nil, analyst).decode(t, &q)
		campaign := ""
		for _, r := range q.Items {
			if r.Receipt == rc.Receipt {
				campaign = r.CampaignID
			}
		}
		if campaign == "" {
			t.Fatalf("no campaign for %s", rc.Receipt)
		}
		var out struct {
			Records []struct{ ID string }
			New     int `json:"new"`
			Already int `json:"already_escalated"`
		}
		r := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"FR"}, "no_purple": true}, officer)
		if r.Status != 201 {
			t.Fatalf("escalate: %s", r)
		}
		r.decode(t, &out)
		if len(out.Records) != 1 || out.New != 1 || out.Already != 0 {
			t.Fatalf("first escalation: %s", r)
		}
		p := wantProblem(t, f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"ES"}}, officer), 409, core.ECONFLICT, "campaign")
		if !strings.Contains(p.Errors[0].Reason, "shared by an earlier escalation") || !strings.Contains(p.Errors[0].Reason, "nothing new") {
			t.Errorf("second escalation's refusal: %+v", p.Errors)
		}
		var recs struct{ Items []core.Record }
		f.do(t, "GET", "/api/v1/records?kind="+core.KindCyberIndicator, nil, officer).decode(t, &recs)
		if len(recs.Items) != 1 {
			t.Errorf("%d cyber-indicator records after escalating twice, want 1", len(recs.Items))
		}
	})
}
