package reports

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestCampaignEventsOnlyForLinkedCampaigns: the README's events
// are "campaign.updated (campaigns of 2+ reports)": intake keeps to it, but
// a split that leaves campaigns of one report, and naming a campaign of
// one report, tell the unit's stream of one-report "campaigns".
func TestCampaignEventsOnlyForLinkedCampaigns(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			analyst := core.Viewer{Bureau: "MA", Role: core.RoleAnalyst, UserID: "a", Permissions: core.RolePermissions(core.RoleAnalyst)}
			a1 := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000888"}}})
			submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000888"}}})
			lone := submit(t, s, Input{Narrative: "a fictitious parcel fee by SMS, no number kept"})
			ca := campaignOf(t, s, a1.Receipt)
			var last int64
			s.Store.View(ctx, func(tx core.Tx) error { var err error; last, err = tx.LastEvent(); return err })
			cv, err := s.Campaign(ctx, analyst, ca)
			if err != nil {
				t.Fatal(err)
			}
			var a1ID string
			for _, r := range cv.ReportList {
				if r.Receipt == a1.Receipt {
					a1ID = r.ID
				}
			}
			if _, err := s.Split(ctx, analyst, ca, []string{a1ID}, "first victim"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Name(ctx, analyst, campaignOf(t, s, lone.Receipt), "parcel fee"); err != nil {
				t.Fatal(err)
			}
			var evs []core.Event
			s.Store.View(ctx, func(tx core.Tx) error { var err error; evs, err = tx.Events(last, "MA", 100); return err })
			for _, e := range evs {
				if e.Type != EventCampaignUpdated {
					continue
				}
				var d struct{ Reports int }
				json.Unmarshal(e.Data, &d)
				if d.Reports < 2 {
					t.Errorf("campaign.updated for campaign %s of %d report(s): %s", e.Subject, d.Reports, e.Data)
				}
			}
		})
	}
}
