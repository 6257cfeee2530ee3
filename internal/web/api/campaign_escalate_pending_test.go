package api_test

import (
	"context"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestEscalateCompletesPendingThroughAPI: the campaign says which notice
// requests an escalation has not drafted yet (pending_notices), and
// escalating again drafts them (201, completed naming that escalation)
// although nothing is new; after that, nothing new is refused again.
func TestEscalateCompletesPendingThroughAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		phone := "+212612345015"
		submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": "a fictitious broker called", "country": "MA", "suspect": map[string]any{"phones": []string{phone}}})
		rc := submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": "the same broker", "country": "MA", "suspect": map[string]any{"phones": []string{phone}}})
		officer := f.user(t, "MA", core.RoleOfficer)
		var q struct{ Items []core.Report }
		f.do(t, "GET", "/api/v1/reports", nil, officer).decode(t, &q)
		campaign := ""
		for _, r := range q.Items {
			if r.Receipt == rc.Receipt {
				campaign = r.CampaignID
			}
		}
		if campaign == "" {
			t.Fatalf("no campaign for %s", rc.Receipt)
		}
		if r := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"FR"}, "no_purple": true}, officer); r.Status != 201 {
			t.Fatalf("escalate: %s", r)
		}
		// As a failure after the records leaves it.
		err := f.Store.Update(context.Background(), func(tx core.Tx) error {
			c, err := tx.GetCampaign(campaign)
			if err != nil {
				return err
			}
			c.Escalations[0].Pending = []string{"purple"}
			c.Version++
			return tx.UpdateCampaign(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		var cv core.Campaign
		f.do(t, "GET", "/api/v1/campaigns/"+campaign, nil, officer).decode(t, &cv)
		if len(cv.Escalations) != 1 || !slices.Equal(cv.Escalations[0].Pending, []string{"purple"}) {
			t.Fatalf("the campaign's escalations: %+v, want the Purple Notice request pending", cv.Escalations)
		}
		r := f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"ES"}}, officer)
		var out struct {
			New       int `json:"new"`
			Completed []struct {
				Records []string
				Purple  *struct{ ID string }  `json:"purple_notice"`
				Silver  []struct{ ID string } `json:"silver_notices"`
			}
		}
		r.decode(t, &out)
		if r.Status != 201 || out.New != 0 || len(out.Completed) != 1 || out.Completed[0].Purple == nil || out.Completed[0].Silver == nil || len(out.Completed[0].Silver) != 0 ||
			!slices.Equal(out.Completed[0].Records, cv.Escalations[0].Records) {
			t.Fatalf("escalating again: %s", r)
		}
		var after core.Campaign
		f.do(t, "GET", "/api/v1/campaigns/"+campaign, nil, officer).decode(t, &after)
		if e := after.Escalations; len(e) != 1 || e[0].Purple != out.Completed[0].Purple.ID || len(e[0].Pending) != 0 {
			t.Errorf("the escalation after the retry: %+v", e)
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"ES"}}, officer), 409, core.ECONFLICT, "campaign")
	})
}
