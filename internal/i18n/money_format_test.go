package i18n

import "testing"

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
		if got := cats.Lang(c.code).Money(c.amount, c.currency); got != c.want {
			t.Errorf("%s %v %s: %q, want %q", c.code, c.amount, c.currency, got, c.want)
		}
	}
}
