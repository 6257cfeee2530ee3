package reports

import (
	"context"
	"reflect"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestCampaignLossTotals: a campaign keeps its losses per currency as
// reports join it, as campaigns merge and split, and the list carries
// them (amounts of different currencies are never added); a campaign
// stored before the totals were kept gets them from its reports.
func TestCampaignLossTotals(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			analyst := core.Viewer{Bureau: "MA", Role: core.RoleAnalyst, UserID: "a", Permissions: core.RolePermissions(core.RoleAnalyst)}
			a1 := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000002"}}, Losses: []core.Loss{{Amount: 1250, Currency: "MAD", Method: "transfer"}, {Amount: 300, Currency: "EUR", Method: "card"}}})
			submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000002"}}, Losses: []core.Loss{{Amount: 750.5, Currency: "MAD", Method: "transfer"}}})
			b1 := submit(t, s, Input{Suspect: core.Suspect{Handles: []string{"@promo_totals"}}, Losses: []core.Loss{{Amount: 99.99, Currency: "USD", Method: "crypto"}}})
			submit(t, s, Input{Suspect: core.Suspect{Handles: []string{"promo_totals"}}, Losses: []core.Loss{{Amount: 10, Currency: "EUR", Method: "card"}, {Amount: 5}}})
			ca, cb := campaignOf(t, s, a1.Receipt), campaignOf(t, s, b1.Receipt)
			listed := func() map[string][]core.Money {
				t.Helper()
				cs, err := s.Campaigns(ctx, analyst, 2, 100)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string][]core.Money{}
				for _, c := range cs {
					out[c.ID] = c.LossTotals
				}
				return out
			}
			want := map[string][]core.Money{
				ca: {{Amount: 2000.5, Currency: "MAD"}, {Amount: 300, Currency: "EUR"}},
				cb: {{Amount: 99.99, Currency: "USD"}, {Amount: 10, Currency: "EUR"}, {Amount: 5, Currency: ""}},
			}
			if got := listed(); !reflect.DeepEqual(got, want) {
				t.Fatalf("listed totals %v, want %v", got, want)
			}
			cv, err := s.Merge(ctx, analyst, ca, []string{cb})
			if err != nil {
				t.Fatal(err)
			}
			merged := []core.Money{{Amount: 2000.5, Currency: "MAD"}, {Amount: 310, Currency: "EUR"}, {Amount: 99.99, Currency: "USD"}, {Amount: 5, Currency: ""}}
			if !reflect.DeepEqual(cv.Campaign.LossTotals, merged) || !reflect.DeepEqual(listed()[ca], merged) {
				t.Fatalf("merged: %v, listed %v; want %v", cv.Campaign.LossTotals, listed()[ca], merged)
			}
			var split []string
			for _, r := range cv.ReportList {
				if r.Receipt == b1.Receipt || r.Receipt != a1.Receipt && len(r.LossTotals) == 2 && r.LossTotals[0].Currency == "EUR" {
					split = append(split, r.ID)
				}
			}
			nv, err := s.Split(ctx, analyst, ca, split, "promo")
			if err != nil {
				t.Fatal(err)
			}
			got := listed()
			if !reflect.DeepEqual(got[ca], want[ca]) || !reflect.DeepEqual(got[nv.ID], want[cb]) {
				t.Fatalf("after the split: %v and %v, want %v and %v", got[ca], got[nv.ID], want[ca], want[cb])
			}
			// A campaign stored without totals (before they were kept)
			// has them made from its reports, and kept from then on.
			err = s.Store.Update(ctx, func(tx core.Tx) error {
				c, err := tx.GetCampaign(ca)
				if err != nil {
					return err
				}
				c.LossTotals, c.Version = nil, c.Version+1
				return tx.UpdateCampaign(c)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := listed(); !reflect.DeepEqual(got[ca], want[ca]) {
				t.Errorf("a campaign without kept totals lists %v, want %v", got[ca], want[ca])
			}
			submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000002"}}, Losses: []core.Loss{{Amount: 0.5, Currency: "MAD", Method: "cash"}}})
			if got := listed()[ca]; !reflect.DeepEqual(got, []core.Money{{Amount: 2001, Currency: "MAD"}, {Amount: 300, Currency: "EUR"}}) {
				t.Errorf("after a report joined it: %v", got)
			}
		})
	}
}

func TestAddMoney(t *testing.T) {
	got := core.AddMoney(nil, 1, core.Money{Amount: 0.1, Currency: "EUR"}, core.Money{Amount: 0.2, Currency: "EUR"}, core.Money{Amount: 3, Currency: "MAD"})
	if !reflect.DeepEqual(got, []core.Money{{Amount: 0.3, Currency: "EUR"}, {Amount: 3, Currency: "MAD"}}) {
		t.Errorf("adding: %v", got)
	}
	got = core.AddMoney(got, -1, core.Money{Amount: 0.3, Currency: "EUR"})
	if !reflect.DeepEqual(got, []core.Money{{Amount: 3, Currency: "MAD"}}) {
		t.Errorf("taking away: %v", got)
	}
	if got := core.AddMoney(nil, 1); got == nil || len(got) != 0 {
		t.Errorf("nothing: %#v", got)
	}
}
