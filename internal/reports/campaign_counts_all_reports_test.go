package reports

import (
	"context"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A campaign's view lists at most maxCampaignReports reports, but "the
// counts and losses cover all of them": its categories and its growth per
// day are counted over the listed reports only, so a campaign of 1,001
// reports says 1,000 in both (and names a category it lost to the cut not
// at all).
func TestCampaignCountsCoverEveryReport(t *testing.T) {
	if testing.Short() {
		t.Skip("1,001 reports")
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			s.Cap = 5000
			phone := core.Suspect{Phones: []string{"+212612300101"}}
			// The last report sorts last in the queue (no loss, not urgent):
			// a category only it has.
			n := maxCampaignReports + 1
			var last *Receipt
			for i := 0; i < n-1; i++ {
				submit(t, s, Input{Category: "investment_fraud", Suspect: phone, Losses: []core.Loss{{Amount: 100, Currency: "MAD"}}})
			}
			last = submit(t, s, Input{Category: "illicit_trade", Suspect: phone})
			cv, err := s.Campaign(context.Background(), core.Viewer{System: true}, campaignOf(t, s, last.Receipt))
			if err != nil {
				t.Fatal(err)
			}
			if cv.Reports != n {
				t.Fatalf("campaign has %d reports, want %d", cv.Reports, n)
			}
			cats, days := 0, 0
			for _, k := range cv.Categories {
				cats += k
			}
			for _, d := range cv.PerDay {
				days += d.Reports
			}
			if cats != n || days != n || cv.Categories["illicit_trade"] != 1 {
				t.Errorf("categories count %d reports (illicit_trade %d), growth per day %d; the campaign has %d", cats, cv.Categories["illicit_trade"], days, n)
			}
		})
	}
}
