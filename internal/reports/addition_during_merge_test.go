package reports

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// An addition reads its report without locking it and writes the whole
// row back, campaign_id included, on the version it read. A merge that
// committed in between relabelled the report (MoveReports) at its next
// version, so the addition's write conflicts instead of putting the
// report back into the campaign merged away (where the surviving campaign
// would count it but not list it); the addition then runs again on the
// report as it now is, and the reporter sees no error.
//
// The addition is held, after it read its report, on the posting-list
// head of the value its text carries (as a concurrent report on that
// value would hold it), while the unit merges. PostgreSQL only: SQLite
// runs one write transaction at a time.
func TestAdditionDuringMergeKeepsTheMergedCampaign(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			if b.Name != "postgres" {
				t.Skip("SQLite serialises write transactions: the interleaving needs PostgreSQL")
			}
			s := newService(t, b)
			ctx := context.Background()
			unit := core.Viewer{System: true}
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612300101"}}})
			y1 := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612300102"}}})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612300102"}}})
			x, y := campaignOf(t, s, a.Receipt), campaignOf(t, s, y1.Receipt)
			if x == y {
				t.Fatal("setup: the reports should be two campaigns")
			}
			const fresh = "phone:+212612300199"
			locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				held <- s.Store.Update(ctx, func(tx core.Tx) error {
					if _, err := tx.LockIndicator("MA", fresh); err != nil {
						return err
					}
					close(locked)
					<-release
					return nil
				})
			}()
			<-locked
			added := make(chan error, 1)
			go func() {
				_, err := s.Add(ctx, public, a.Receipt, a.Secret, AddInput{Text: "they now call from +212 612 300 199"})
				added <- err
			}()
			time.Sleep(500 * time.Millisecond) // the addition has read its report and waits on the head
			if _, err := s.Merge(ctx, unit, y, []string{x}); err != nil {
				close(release)
				t.Fatalf("merge: %v", err)
			}
			close(release)
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			if err := <-added; err != nil {
				t.Errorf("the addition, retried after the merge, failed: %v", err)
			}
			if got := campaignOf(t, s, a.Receipt); got != y {
				cv, _ := s.Campaign(ctx, unit, y)
				listed := 0
				if cv != nil {
					listed = len(cv.ReportList)
				}
				t.Errorf("after the merge the report is in campaign %s (merged into %s), not %s; %s counts %d reports and lists %d",
					got, y, y, y, cv.Reports, listed)
			}
			if f, err := s.Follow(ctx, public, a.Receipt, a.Secret); err != nil || f.Additions != 1 {
				t.Errorf("the report holds %v additions (%v), want the one added", f, err)
			}
			var r *core.Report
			if err := s.Store.View(ctx, func(tx core.Tx) (err error) {
				r, err = tx.GetReportByReceipt(a.Receipt)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if !hasKey(r.Indicators, fresh) {
				t.Errorf("the addition's number is not among the report's indicators %v", keysOf(r.Indicators))
			}
		})
	}
}
