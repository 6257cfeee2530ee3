package reports

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func totalsAnalyst() core.Viewer {
	return core.Viewer{Bureau: "MA", Role: core.RoleAnalyst, UserID: "a", Permissions: core.RolePermissions(core.RoleAnalyst)}
}

// sumOfReports is the per-currency sum of a campaign view's
// listed reports' own totals (what the report pages show).
func sumOfReports(cv *CampaignView) map[string]float64 {
	out := map[string]float64{}
	for _, r := range cv.ReportList {
		for _, m := range r.LossTotals {
			out[m.Currency] += m.Amount
		}
	}
	return out
}

func totalsByCurrency(ms []core.Money) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		out[m.Currency] += m.Amount
	}
	return out
}

// TestThreeDecimalCurrencyTotals: the Tunisian, Libyan, Kuwaiti,
// Bahraini, Omani, Jordanian and Iraqi currencies count in thousandths;
// a campaign's losses per currency must be what its reports lost, not
// each report's amount rounded to cents as it joins (three victims of
// 0.005 TND each, 15 millimes, are not 0.03 TND or nothing).
func TestThreeDecimalCurrencyTotals(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			analyst := totalsAnalyst()
			var rc *Receipt
			for _, amount := range []float64{0.005, 0.005, 0.005, 12.345} {
				rc = submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+21620123456"}}, Country: "TN",
					Losses: []core.Loss{{Amount: amount, Currency: "TND", Method: "card"}}})
			}
			cv, err := s.Campaign(ctx, analyst, campaignOf(t, s, rc.Receipt))
			if err != nil {
				t.Fatal(err)
			}
			want := sumOfReports(cv)["TND"]
			if math.Abs(want-12.36) > 1e-9 || cv.Reports != 4 {
				t.Fatalf("setup: %d reports losing %v TND", cv.Reports, want)
			}
			if got := totalsByCurrency(cv.LossTotals)["TND"]; math.Abs(got-want) > 1e-9 {
				t.Errorf("the campaign's loss_totals say %v TND; its four reports lost %v TND (%v)", got, want, cv.LossTotals)
			}
		})
	}
}

// TestLargeTotalsKeepSmallLosses: five reports at the largest
// losses a report may hold (20 × 10^12) and one victim's 0.01 MAD form a
// campaign; splitting the five off leaves the victim's report alone, and
// its campaign must still show its 0.01 MAD: totals kept in float64
// lose cents beyond 2^53 cents (about 9×10^13) and do not find them
// again when the large amounts are taken away.
func TestLargeTotalsKeepSmallLosses(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			analyst := totalsAnalyst()
			phone := []string{"+212612000777"}
			big := make([]core.Loss, MaxItems)
			for i := range big {
				big[i] = core.Loss{Amount: 1e12, Currency: "MAD", Method: "transfer"}
			}
			var bigIDs []string
			for range 5 {
				rc := submit(t, s, Input{Suspect: core.Suspect{Phones: phone}, Losses: big})
				s.Store.View(ctx, func(tx core.Tx) error {
					r, err := tx.GetReportByReceipt(rc.Receipt)
					if err == nil {
						bigIDs = append(bigIDs, r.ID)
					}
					return err
				})
			}
			small := submit(t, s, Input{Suspect: core.Suspect{Phones: phone}, Losses: []core.Loss{{Amount: 0.01, Currency: "MAD", Method: "card"}}})
			cid := campaignOf(t, s, small.Receipt)
			if _, err := s.Split(ctx, analyst, cid, bigIDs, "large transfers"); err != nil {
				t.Fatal(err)
			}
			cv, err := s.Campaign(ctx, analyst, cid)
			if err != nil {
				t.Fatal(err)
			}
			if cv.Reports != 1 || len(cv.ReportList) != 1 || cv.ReportList[0].Receipt != small.Receipt {
				t.Fatalf("setup: the campaign left holds %d reports", cv.Reports)
			}
			if got := totalsByCurrency(cv.LossTotals)["MAD"]; math.Abs(got-0.01) > 1e-9 {
				t.Errorf("the campaign of the one report that lost 0.01 MAD shows loss_totals %v", cv.LossTotals)
			}
			cs, err := s.Campaigns(ctx, analyst, 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.ID == cid {
					if got := totalsByCurrency(c.LossTotals)["MAD"]; math.Abs(got-0.01) > 1e-9 {
						t.Errorf("the campaign list shows %v for it", c.LossTotals)
					}
				}
			}
		})
	}
}

// TestLossAmountsRoundedAtIntake: each loss is kept to its currency's
// minor unit, rounded half to even as written; the campaign's totals
// are written in JSON as numbers with the currency's decimals.
func TestLossAmountsRoundedAtIntake(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			phone := []string{"+212612000888"}
			submit(t, s, Input{Suspect: core.Suspect{Phones: phone}, Losses: []core.Loss{
				{Amount: 0.125, Currency: "MAD"}, {Amount: 0.135, Currency: "MAD"}, {Amount: 1.5, Currency: "JPY"}, {Amount: 0.0005, Currency: "KWD"},
				{Amount: 0.123456789, Currency: "BTC"}, {Amount: 2.345, Currency: ""}}})
			rc := submit(t, s, Input{Suspect: core.Suspect{Phones: phone}, Losses: []core.Loss{{Amount: 2.5, Currency: "JPY"}, {Amount: 0.0015, Currency: "KWD"}}})
			var r *core.Report
			s.Store.View(ctx, func(tx core.Tx) error {
				var err error
				r, err = tx.GetReportByReceipt(rc.Receipt)
				return err
			})
			if r == nil || r.Losses[0].Amount != 2 || r.Losses[1].Amount != 0.002 {
				t.Fatalf("stored losses %+v", r)
			}
			cv, err := s.Campaign(ctx, totalsAnalyst(), campaignOf(t, s, rc.Receipt))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(cv.LossTotals)
			// 0.0005 KWD rounds to nothing: KWD comes with the second report.
			want := `[{"amount":0.26,"currency":"MAD"},{"amount":4,"currency":"JPY"},{"amount":0.12345679,"currency":"BTC"},{"amount":2.34,"currency":""},{"amount":0.002,"currency":"KWD"}]`
			if string(got) != want {
				t.Errorf("loss_totals %s, want %s", got, want)
			}
		})
	}
}

// TestStoredFloatTotalsRead: a campaign stored with float64 totals
// rounded to cents (before they were counted exactly) still reads; those
// that may be wrong (a three-decimal currency) are made again from its
// reports, those that are right (two decimals) read as stored.
func TestStoredFloatTotalsRead(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st, records.New(st), notices.New(st), "MA")
			s.PoW.Difficulty = 4
			ctx := context.Background()
			var rc *Receipt
			for _, amount := range []float64{0.005, 0.005, 0.005, 12.345} {
				rc = submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+21620123457"}}, Country: "TN",
					Losses: []core.Loss{{Amount: amount, Currency: "TND"}, {Amount: 500.25, Currency: "EUR"}}})
			}
			cid := campaignOf(t, s, rc.Receipt)
			// What the float64 totals stored: TND rounded to cents at
			// each join; EUR right.
			old := func(eur string) {
				t.Helper()
				var body string
				if err := st.DB().QueryRowContext(ctx, `SELECT body FROM campaigns WHERE id = '`+cid+`'`).Scan(&body); err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(body), &m); err != nil {
					t.Fatal(err)
				}
				m["loss_totals"] = json.RawMessage(`[{"amount":12.38,"currency":"TND"},{"amount":` + eur + `,"currency":"EUR"}]`)
				nb, _ := json.Marshal(m)
				if _, err := st.DB().ExecContext(ctx, `UPDATE campaigns SET body = '`+strings.ReplaceAll(string(nb), "'", "''")+`' WHERE id = '`+cid+`'`); err != nil {
					t.Fatal(err)
				}
			}
			old("2001")
			cv, err := s.Campaign(ctx, totalsAnalyst(), cid)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(cv.LossTotals); string(got) != `[{"amount":12.360,"currency":"TND"},{"amount":2001.00,"currency":"EUR"}]` {
				t.Errorf("old totals made again: %s", got)
			}
			cs, err := s.Campaigns(ctx, totalsAnalyst(), 2, 100)
			if err != nil || len(cs) != 1 {
				t.Fatal(cs, err)
			}
			if got, _ := json.Marshal(cs[0].LossTotals); string(got) != `[{"amount":12.360,"currency":"TND"},{"amount":2001.00,"currency":"EUR"}]` {
				t.Errorf("listed: %s", got)
			}
			// Only two-decimal totals: read as stored, no report read.
			old("2000.5")
			var c *core.Campaign
			st.View(ctx, func(tx core.Tx) error { c, err = tx.GetCampaign(cid); return err })
			if err != nil || !c.TotalsStale() {
				t.Fatalf("a TND total rounded to cents is not marked: %v", err)
			}
			c.LossTotals = c.LossTotals[1:]
			if c.TotalsStale() {
				t.Error("a EUR total in cents is marked")
			}
			if c.LossTotals[0].Amount != 2000.5 {
				t.Errorf("EUR read as %v", c.LossTotals[0])
			}
		})
	}
}
