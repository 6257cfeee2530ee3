package i18n

import (
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestMoneyUsesTheCurrencysDecimals: an amount is written with its
// currency's own minor unit, not always cents.
func TestMoneyUsesTheCurrencysDecimals(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code, currency string
		amount         float64
		want           string
	}{
		{"en", "TND", 12.36, "12.360\u00a0TND"},
		{"fr", "KWD", 0.005, "0,005\u00a0KWD"},
		{"en", "JPY", 1500, "1,500\u00a0JPY"},
		{"en", "MAD", 1250.5, "1,250.50\u00a0MAD"},
		{"en", "", 3.1, "3.10"},
	} {
		if got := cats.Lang(c.code).Money(core.Money{Amount: c.amount, Currency: c.currency}); got != c.want {
			t.Errorf("%s %v %s: %q, want %q", c.code, c.amount, c.currency, got, c.want)
		}
	}
}

// TestMoneyExact: amounts are written exactly from core.Money, in each
// language's grouping and marks: eight-decimal amounts (a code ISO 4217
// does not know, such as BTC) far beyond what int64 satoshis or float64
// hold, as well as everyday ones.
func TestMoneyExact(t *testing.T) {
	cats, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	exact := func(amount, currency string) core.Money {
		t.Helper()
		var m core.Money
		if err := json.Unmarshal([]byte(`{"amount":`+amount+`,"currency":"`+currency+`"}`), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	// 1.975… × 10^20 satoshis: beyond int64 (9.2 × 10^18) and beyond the
	// 2^53 a float64 holds exactly.
	total := exact("1975308642197.53080001", "BTC")
	loss := core.Money{Amount: 987654321098.7654, Currency: "BTC"} // a loss as intake keeps it
	for _, c := range []struct {
		lang string
		m    core.Money
		want string
	}{
		{"en", total, "1,975,308,642,197.53080001\u00a0BTC"},
		{"fr", total, "1\u202f975\u202f308\u202f642\u202f197,53080001\u00a0BTC"},
		{"ar", total, "1\u066c975\u066c308\u066c642\u066c197\u066b53080001\u00a0BTC"},
		{"es", total, "1.975.308.642.197,53080001\u00a0BTC"},
		{"en", loss, "987,654,321,098.76540000\u00a0BTC"},
		{"ar", loss, "987\u066c654\u066c321\u066c098\u066b76540000\u00a0BTC"},
		{"en", exact("-0.00000001", "ETH"), "-0.00000001\u00a0ETH"},
		{"en", core.Money{Amount: 1250.5, Currency: "MAD"}, "1,250.50\u00a0MAD"},
		{"fr", core.Money{Amount: 1250.5, Currency: "MAD"}, "1\u202f250,50\u00a0MAD"},
		{"ar", core.Money{Amount: 1250.5, Currency: "MAD"}, "1\u066c250\u066b50\u00a0MAD"},
		{"es", core.Money{Amount: 1250.5, Currency: "MAD"}, "1250,50\u00a0MAD"},
		{"es", core.Money{Amount: 31250.5, Currency: "EUR"}, "31.250,50\u00a0EUR"},
		{"ar", exact("12.360", "TND"), "12\u066b360\u00a0TND"},
		{"fr", core.Money{Amount: 1500, Currency: "JPY"}, "1\u202f500\u00a0JPY"},
		{"es", core.Money{Amount: -7.5, Currency: ""}, "-7,50"},
	} {
		if got := cats.Lang(c.lang).Money(c.m); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.m, got, c.want)
		}
	}
	// Amount, two decimals, goes the same way: no overflow past int64.
	if got, want := cats.Lang("en").Amount(1e20), "100,000,000,000,000,000,000.00"; got != want {
		t.Errorf("Amount(1e20) = %q, want %q", got, want)
	}
}
