package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestCampaignListReachesPastAThousand: the store listed at most 1,000
// campaigns and the list had no offset, so the 1,001st largest campaign
// could not be reached from the campaign list at all. Every campaign must
// be reachable by paging, and the count be their true number.
func TestCampaignListReachesPastAThousand(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			const n = 1005
			at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			err := s.Store.Update(ctx, func(tx core.Tx) error {
				for i := range n {
					c := &core.Campaign{ID: fmt.Sprintf("c-%04d", i), Version: 1, Bureau: "MA", Reports: 2 + i%7, UpdatedAt: at, LossTotals: []core.Money{}}
					if err := tx.InsertCampaign(c); err != nil {
						return err
					}
				}
				// Another bureau's and a merged campaign are not listed.
				if err := tx.InsertCampaign(&core.Campaign{ID: "c-fr", Version: 1, Bureau: "FR", Reports: 9, UpdatedAt: at, LossTotals: []core.Money{}}); err != nil {
					return err
				}
				return tx.InsertCampaign(&core.Campaign{ID: "c-merged", Version: 1, Bureau: "MA", Reports: 9, MergedInto: "c-0001", UpdatedAt: at, LossTotals: []core.Money{}})
			})
			if err != nil {
				t.Fatal(err)
			}
			analyst := totalsAnalyst()
			seen := map[string]bool{}
			var order []int
			for offset := 0; offset < n+500; offset += 400 {
				page, err := s.ListCampaigns(ctx, analyst, core.CampaignFilter{Limit: 400, Offset: offset})
				if err != nil {
					t.Fatal(err)
				}
				if want := min(400, max(0, n-offset)); len(page) != want {
					t.Fatalf("offset %d: %d campaigns, want %d", offset, len(page), want)
				}
				for _, c := range page {
					if seen[c.ID] || c.Bureau != "MA" || c.MergedInto != "" {
						t.Fatalf("offset %d lists %s (bureau %s, merged into %q, seen before: %v)", offset, c.ID, c.Bureau, c.MergedInto, seen[c.ID])
					}
					seen[c.ID] = true
					order = append(order, c.Reports)
				}
			}
			if len(seen) != n {
				t.Errorf("paging reached %d of the %d campaigns", len(seen), n)
			}
			if !slices.IsSortedFunc(order, func(a, b int) int { return b - a }) {
				t.Error("the pages together are not largest first")
			}
			if got, err := s.CountCampaigns(ctx, analyst, core.CampaignFilter{}); err != nil || got != n {
				t.Errorf("count: %d (%v), want %d", got, err, n)
			}
			if got, err := s.CountCampaigns(ctx, analyst, core.CampaignFilter{MinReports: 8}); err != nil || got != n/7 {
				t.Errorf("count of 8 reports or more: %d (%v), want %d", got, err, n/7)
			}
			// A page's reports' campaigns are named whatever their rank.
			got, err := s.ListCampaigns(ctx, analyst, core.CampaignFilter{MinReports: 1, IDs: []string{"c-1004", "c-fr", "c-missing"}})
			if err != nil || len(got) != 1 || got[0].ID != "c-1004" {
				t.Errorf("by ids: %v (%v), want c-1004 alone", got, err)
			}
			// The list is the triage unit's, and it is told apart from
			// another bureau's.
			fr := core.Viewer{Bureau: "FR", Role: core.RoleAnalyst, UserID: "f", Permissions: core.RolePermissions(core.RoleAnalyst)}
			if _, err := s.CountCampaigns(ctx, fr, core.CampaignFilter{}); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("another bureau counts the campaigns: %v", err)
			}
		})
	}
}

func escalatingOfficer() core.Viewer {
	return core.Viewer{Bureau: "MA", Role: core.RoleOfficer, UserID: "o", Permissions: core.RolePermissions(core.RoleOfficer)}
}

// cyberRecords lists the bureau's cyber-indicator records by the value
// they were made from.
func cyberRecords(t *testing.T, s *Service) map[string]int {
	t.Helper()
	rs, _, err := s.Records.List(context.Background(), escalatingOfficer(), records.Query{Kind: core.KindCyberIndicator, Owner: "MA", Limit: 500}, "record.list")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rs {
		out[jsonValue(t, r.Data)]++
	}
	return out
}

func jsonValue(t *testing.T, data []byte) string {
	t.Helper()
	var d struct{ Value string }
	if err := json.Unmarshal(data, &d); err != nil || d.Value == "" {
		t.Fatalf("record data without a value: %s (%v)", data, err)
	}
	return d.Value
}

func wantAlreadyEscalated(t *testing.T, err error, n string) {
	t.Helper()
	var e *core.Error
	if !errors.As(err, &e) || e.Code != core.ECONFLICT || len(e.Fields) != 1 || e.Fields[0].Code != "already_escalated" || !slices.Equal(e.Fields[0].Params, []string{n}) {
		t.Fatalf("escalating again with nothing new: %v, want a conflict already_escalated of %s indicators", err, n)
	}
}

// TestEscalateAgainSharesOnlyNew: escalating a campaign again made a
// second record of every indicator (and a second Purple Notice request).
// It must make records only of the indicators no escalation shared, say
// how many were shared before, and be refused when nothing is new.
func TestEscalateAgainSharesOnlyNew(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			phone, wallet := "+212612345001", "0x52908400098527886E0F7030069857D2E4169EE7"
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}}})
			id := campaignOf(t, s, a.Receipt)

			first, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(first.Records) != 2 || first.Already != 0 || first.Purple == nil || len(first.Silver) != 1 {
				t.Fatalf("first escalation: %d records, %d already, purple %v, %d silver", len(first.Records), first.Already, first.Purple != nil, len(first.Silver))
			}

			_, err = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
			wantAlreadyEscalated(t, err, "2")
			if got := cyberRecords(t, s); len(got) != 2 {
				t.Fatalf("after a refused second escalation: %v", got)
			}

			// A new account joins the campaign: only it is shared, with a
			// Silver Notice request of its own and no second Purple one.
			iban := "GB82WEST12345698765432"
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Accounts: []string{iban}}})
			again, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Records) != 1 || again.Already != 2 || again.Purple != nil || again.PurpleBefore != first.Purple.Notice.ID || len(again.Silver) != 1 {
				t.Fatalf("second escalation: %d records, %d already, purple %v, before %q (want %q), %d silver",
					len(again.Records), again.Already, again.Purple != nil, again.PurpleBefore, first.Purple.Notice.ID, len(again.Silver))
			}
			if !strings.Contains(string(again.Records[0].Data), iban) || again.Records[0].Releasability.Countries[0] != "ES" {
				t.Errorf("the new record: %s released to %v", again.Records[0].Data, again.Records[0].Releasability.Countries)
			}
			if silver := string(again.Silver[0].Record.Data); !strings.Contains(silver, iban) || strings.Contains(silver, strings.ToLower(wallet)) || strings.Contains(silver, wallet) {
				t.Errorf("the second Silver Notice request holds other than the new account: %s", silver)
			}
			got := cyberRecords(t, s)
			if len(got) != 3 {
				t.Errorf("records after two escalations: %v, want one of each of the 3 values", got)
			}
			for v, k := range got {
				if k != 1 {
					t.Errorf("%s has %d records", v, k)
				}
			}
			cv, err := s.Campaign(ctx, officer, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(cv.Escalations) != 2 || len(cv.Escalations[1].Records) != 1 || len(cv.Escalations[1].Indicators) != 1 || !slices.Equal(cv.Escalations[1].Silver, []string{again.Silver[0].Notice.ID}) || cv.Escalations[0].Purple != first.Purple.Notice.ID {
				t.Errorf("the campaign's escalations: %+v", cv.Escalations)
			}
		})
	}
}

// TestEscalateAgainAfterOldEscalation: a campaign escalated before the
// escalations kept their indicators is read from its records: a second
// escalation shares none of them again.
func TestEscalateAgainAfterOldEscalation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345002"}, Emails: []string{"fictitious.broker@example.org"}}})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345002"}}})
			id := campaignOf(t, s, a.Receipt)
			if _, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoPurple: true}); err != nil {
				t.Fatal(err)
			}
			err := s.Store.Update(ctx, func(tx core.Tx) error {
				c, err := tx.GetCampaign(id)
				if err != nil {
					return err
				}
				c.Escalations[0].Indicators = nil
				c.Version++
				return tx.UpdateCampaign(c)
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			wantAlreadyEscalated(t, err, "2")
		})
	}
}

// TestEscalateAtOnceSharesOnce: officers escalating one campaign at the
// same moment (a form sent twice) share each value once: one escalation
// makes the records, the others are told nothing is new.
func TestEscalateAtOnceSharesOnce(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345003"}, Accounts: []string{"GB33BUKB20201555555555"}}})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345003"}}})
			id := campaignOf(t, s, a.Receipt)
			const n = 6
			var wg sync.WaitGroup
			outs := make([]*Escalation, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					outs[i], errs[i] = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoPurple: true, NoSilver: true})
				}()
			}
			close(start)
			wg.Wait()
			done := 0
			for i := range n {
				if errs[i] == nil {
					done++
					if len(outs[i].Records) != 2 {
						t.Errorf("the escalation that went through made %d records", len(outs[i].Records))
					}
					continue
				}
				wantAlreadyEscalated(t, errs[i], "2")
			}
			if done != 1 {
				t.Errorf("%d of %d escalations at once went through, want 1", done, n)
			}
			if got := cyberRecords(t, s); len(got) != 2 || sumValues(got) != 2 {
				t.Errorf("records: %v, want one of each of the 2 values", got)
			}
		})
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, k := range m {
		n += k
	}
	return n
}
