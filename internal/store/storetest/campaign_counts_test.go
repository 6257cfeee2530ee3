package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// A campaign's counts by category and by day cover every one of its
// reports (a view lists only the first 1,000), whatever their status, and
// no other campaign's; the day is the UTC date of receipt, a report
// received at 00:30 on 3 March in UTC+1 counted on 2 March. A move relabels the reports at
// their next version, so that a writer that read one before conflicts.
func TestCampaignCountsAndMove(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			day1 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			day2 := time.Date(2026, 3, 3, 0, 30, 0, 0, time.FixedZone("UTC+1", 3600)) // 23:30 UTC on 2 March
			report := func(n int, campaign, category, status string, at time.Time) *core.Report {
				return &core.Report{ID: fmt.Sprintf("r%d", n), Receipt: fmt.Sprintf("MA-TEST-%04d", n), SecretHash: "h", Version: 1, Bureau: "MA",
					Category: category, Status: status, Urgency: 3, CampaignID: campaign, CreatedAt: at}
			}
			update(t, st, func(tx core.Tx) error {
				rs := []*core.Report{
					report(1, "c1", "investment_fraud", core.ReportReceived, day1),
					report(2, "c1", "investment_fraud", core.ReportClosed, day1),
					report(3, "c1", "fake_shop", core.ReportReceived, day2),
					report(4, "c2", "romance_scam", core.ReportReceived, day2),
				}
				for _, r := range rs {
					if err := tx.InsertReport(r); err != nil {
						return err
					}
				}
				return nil
			})
			view(t, st, func(tx core.Tx) error {
				cats, days, err := tx.CampaignCounts("c1")
				if err != nil {
					return err
				}
				if want := map[string]int{"investment_fraud": 2, "fake_shop": 1}; !reflect.DeepEqual(cats, want) {
					t.Errorf("categories %v, want %v", cats, want)
				}
				if want := map[string]int{"2026-03-01": 2, "2026-03-02": 1}; !reflect.DeepEqual(days, want) {
					t.Errorf("days %v, want %v", days, want)
				}
				cats, days, err = tx.CampaignCounts("none")
				if err != nil {
					return err
				}
				if len(cats) != 0 || len(days) != 0 {
					t.Errorf("a campaign without reports counts %v / %v", cats, days)
				}
				return nil
			})
			var stale *core.Report
			update(t, st, func(tx core.Tx) error {
				var err error
				if stale, err = tx.GetReport("r4"); err != nil {
					return err
				}
				n, err := tx.MoveReports("c2", "c1")
				if err != nil {
					return err
				}
				if n != 1 {
					t.Errorf("moved %d reports, want 1", n)
				}
				return nil
			})
			view(t, st, func(tx core.Tx) error {
				r, err := tx.GetReport("r4")
				if err != nil {
					return err
				}
				if r.CampaignID != "c1" || r.Version != stale.Version+1 {
					t.Errorf("moved report in %s at version %d, want c1 at %d", r.CampaignID, r.Version, stale.Version+1)
				}
				cats, _, err := tx.CampaignCounts("c1")
				if err != nil {
					return err
				}
				if cats["romance_scam"] != 1 {
					t.Errorf("after the move c1 counts %v", cats)
				}
				return nil
			})
			err := st.Update(t.Context(), func(tx core.Tx) error {
				stale.Version++
				return tx.UpdateReport(stale)
			})
			if core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("writing back a report read before its move: %v, want a conflict", err)
			}
		})
	}
}
