package core

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestCurrencyDigits(t *testing.T) {
	for code, want := range map[string]int{
		"TND": 3, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "LYD": 3, "IQD": 3,
		"MAD": 2, "EUR": 2, "USD": 2, "MRU": 2, "VES": 2, "HUF": 2, "COP": 2, "": 2,
		"JPY": 0, "KRW": 0, "XOF": 0, "ISK": 0, "CLF": 4,
		"BTC": 8, "XAU": 8, "XXX": 8,
	} {
		if got := CurrencyDigits(code); got != want {
			t.Errorf("CurrencyDigits(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestRoundAmount(t *testing.T) {
	for _, c := range []struct {
		in   float64
		cur  string
		want float64
	}{
		{0.125, "MAD", 0.12}, {0.135, "MAD", 0.14}, {0.005, "TND", 0.005}, {0.0005, "TND", 0}, {0.0015, "TND", 0.002},
		{2.5, "JPY", 2}, {3.5, "JPY", 4}, {1e12, "MAD", 1e12}, {999999999999.995, "MAD", 1e12}, {0.123456785, "BTC", 0.12345678},
	} {
		if got := RoundAmount(c.in, c.cur); got != c.want {
			t.Errorf("RoundAmount(%v, %s) = %v, want %v", c.in, c.cur, got, c.want)
		}
	}
}

// TestMoneyExact: totals beyond what a float64 holds are kept exactly,
// in JSON too, and the small amounts come back when the large go.
func TestMoneyExact(t *testing.T) {
	big := Money{Amount: 1e12, Currency: "MAD"}
	var totals []Money
	for range 100 {
		totals = AddMoney(totals, 1, big)
	}
	totals = AddMoney(totals, 1, Money{Amount: 0.01, Currency: "MAD"}, Money{Amount: 0.001, Currency: "TND"})
	b, err := json.Marshal(totals)
	if err != nil || string(b) != `[{"amount":100000000000000.01,"currency":"MAD"},{"amount":0.001,"currency":"TND"}]` {
		t.Fatalf("%s %v", b, err)
	}
	var back []Money
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back[0].Decimal() != "100000000000000.01" || back[0].stale || back[1].stale {
		t.Fatalf("read back %v", back)
	}
	for range 100 {
		back = AddMoney(back, -1, big)
	}
	if !reflect.DeepEqual(back, []Money{{Amount: 0.01, Currency: "MAD"}, {Amount: 0.001, Currency: "TND"}}) {
		t.Errorf("after taking the large amounts away: %v", back)
	}
	if s := (Money{Amount: -0.05, Currency: "TND"}).String(); s != "-0.050 TND" {
		t.Errorf("String: %q", s)
	}
}

// TestMoneyReadsFloatTotals: totals stored as float64 rounded to cents
// read as they were; those that may be wrong are marked stale.
func TestMoneyReadsFloatTotals(t *testing.T) {
	var c Campaign
	if err := json.Unmarshal([]byte(`{"loss_totals":[{"amount":2000.5,"currency":"MAD"},{"amount":5,"currency":""},{"amount":1500,"currency":"JPY"}]}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.TotalsStale() || !reflect.DeepEqual(c.LossTotals, []Money{{Amount: 2000.5, Currency: "MAD"}, {Amount: 5}, {Amount: 1500, Currency: "JPY"}}) {
		t.Errorf("two-decimal totals: %v stale %v", c.LossTotals, c.TotalsStale())
	}
	for _, old := range []string{`{"amount":12.38,"currency":"TND"}`, `{"amount":1500.5,"currency":"JPY"}`, `{"amount":1e+14,"currency":"MAD"}`, `{"amount":100000000000000,"currency":"MAD"}`} {
		var c Campaign
		if err := json.Unmarshal([]byte(`{"loss_totals":[`+old+`]}`), &c); err != nil || !c.TotalsStale() {
			t.Errorf("%s: stale %v, %v", old, c.TotalsStale(), err)
		}
	}
	// Written as exact totals are, beyond 2^53 cents: read as written
	// (an old float64 total cannot be told from an exact one there).
	if err := json.Unmarshal([]byte(`{"loss_totals":[{"amount":100000000000000.02,"currency":"MAD"}]}`), &c); err != nil || c.TotalsStale() || c.LossTotals[0].Decimal() != "100000000000000.02" {
		t.Errorf("%v %v", c.LossTotals, err)
	}
}
