package core

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Amounts of money are counted exactly, in each currency's minor units
// (ISO 4217's exponent: thousandths of a Tunisian dinar, cents of a
// dirham, whole yen), never added as float64: a total beyond 2^53 minor
// units would lose the smaller amounts, and a three-decimal currency
// rounded to cents would lose its thousandths.

// iso4217Digits are the currencies whose ISO 4217 minor unit is not two
// decimals. (golang.org/x/text/currency's table follows CLDR, which
// writes some currencies with fewer decimals than ISO 4217 counts in:
// the Iraqi dinar has three decimals in ISO 4217, none in CLDR.)
var iso4217Digits = map[string]int{
	// three decimals
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// four
	"CLF": 4, "UYW": 4,
	// none
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// ISO 4217 gives these no minor unit (precious metals, units of
	// account, testing, no currency): counted as an unknown code is.
	"XAG": unknownDigits, "XAU": unknownDigits, "XPD": unknownDigits, "XPT": unknownDigits,
	"XBA": unknownDigits, "XBB": unknownDigits, "XBC": unknownDigits, "XBD": unknownDigits,
	"XDR": unknownDigits, "XSU": unknownDigits, "XUA": unknownDigits, "XTS": unknownDigits, "XXX": unknownDigits,
}

// iso4217Recent are codes of two decimals newer than x/text's table.
var iso4217Recent = []string{"MRU", "SLE", "STN", "VED", "VES", "XCG", "ZWG"}

// unknownDigits is how many decimals are kept of an amount in a code ISO
// 4217 does not know (a reporter may write BTC or ETH: intake asks only
// for three letters) or gives no minor unit: eight, a bitcoin's satoshis.
const unknownDigits = 8

// CurrencyDigits returns how many decimals amounts in a currency are
// counted in: its ISO 4217 minor unit (3 for TND, KWD, BHD, OMR, JOD, LYD
// and IQD, 0 for JPY or XOF, 2 for most), 2 when no currency is given, 8
// for a code ISO 4217 does not know or gives no minor unit.
func CurrencyDigits(code string) int {
	if code == "" {
		return 2
	}
	if d, ok := iso4217Digits[code]; ok {
		return d
	}
	if _, err := currency.ParseISO(code); (err == nil && len(code) == 3) || slices.Contains(iso4217Recent, code) {
		return 2
	}
	return unknownDigits
}

// RoundAmount rounds an amount half to even to its currency's minor unit
// (CurrencyDigits), as the amount is written in decimal (0.125 MAD is
// 0.12, 0.135 MAD 0.14). NaN and infinities are returned as they are.
func RoundAmount(amount float64, currency string) float64 {
	if math.IsNaN(amount) || math.IsInf(amount, 0) {
		return amount
	}
	return moneyOf(currency, minorOf(amount, CurrencyDigits(currency))).Amount
}

// Money is an amount in one currency (an ISO 4217 code, empty when the
// reporter gave none). Amount is the nearest float64 to the amount, which
// is counted exactly in the currency's minor units: Amount itself, to
// the minor unit, up to 2^52 of them; exact beyond. Its JSON is
// {"amount","currency"} with the amount a number written exactly with
// its currency's decimals (12.360 TND, 5000.00 MAD, 1500 JPY).
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	// minor is the amount in minor units when Amount cannot hold it
	// (2^52 of them or more); nil otherwise.
	minor *big.Int
	// stale marks an amount read as stored before totals were counted
	// exactly (rounded to cents as float64) that may be wrong: a
	// currency of other than two decimals, or beyond 2^53 cents.
	stale bool
}

// exactFloat is where float64 stops holding every whole number of minor
// units; exactCents where totals stored as float64 cents stopped.
var (
	exactFloat = new(big.Int).Lsh(big.NewInt(1), 52)
	exactCents = new(big.Int).Lsh(big.NewInt(1), 53)
)

// moneyOf makes a Money of minor units of a currency.
func moneyOf(cur string, minor *big.Int) Money {
	d := CurrencyDigits(cur)
	f, _ := new(big.Rat).SetFrac(minor, pow10(d)).Float64()
	m := Money{Amount: f, Currency: cur}
	if new(big.Int).Abs(minor).Cmp(exactFloat) >= 0 {
		m.minor = new(big.Int).Set(minor)
	}
	return m
}

// Minor returns the amount in its currency's minor units.
func (m Money) Minor() *big.Int {
	if m.minor != nil {
		return new(big.Int).Set(m.minor)
	}
	return minorOf(m.Amount, CurrencyDigits(m.Currency))
}

// Decimal writes the amount exactly with its currency's decimals
// ("12.360", "-0.01", "1500").
func (m Money) Decimal() string {
	d := CurrencyDigits(m.Currency)
	n := m.Minor()
	neg := n.Sign() < 0
	s := new(big.Int).Abs(n).String()
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String writes the amount and its currency ("12.360 TND").
func (m Money) String() string {
	return strings.TrimSpace(m.Decimal() + " " + m.Currency)
}

// MarshalJSON writes {"amount","currency"}, the amount exact.
func (m Money) MarshalJSON() ([]byte, error) {
	cur, err := json.Marshal(m.Currency)
	if err != nil {
		return nil, err
	}
	return []byte(`{"amount":` + m.Decimal() + `,"currency":` + string(cur) + `}`), nil
}

// UnmarshalJSON reads {"amount","currency"}, the amount as written (not
// through a float64), rounded half to even to the currency's minor unit.
// Amounts stored before totals were counted exactly (float64, rounded to
// cents) read as they were; those that may be wrong are marked stale.
func (m *Money) UnmarshalJSON(b []byte) error {
	var raw struct {
		Amount   json.Number `json:"amount"`
		Currency string      `json:"currency"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	text := raw.Amount.String()
	if text == "" {
		text = "0"
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return fmt.Errorf("money: amount %q is not a number", text)
	}
	d := CurrencyDigits(raw.Currency)
	minor := roundRat(r, d)
	*m = moneyOf(raw.Currency, minor)
	if !canonical(text, d) {
		// Before, totals were float64 rounded to cents: right for
		// currencies of two decimals up to 2^53 cents, not otherwise.
		// (Beyond 2^53 cents an old total written with two decimals
		// cannot be told from an exact one: it is read as written.)
		m.stale = d != 2 || new(big.Int).Abs(minor).Cmp(exactCents) >= 0
	}
	return nil
}

// canonical says whether text is written as Decimal writes amounts of d
// decimals.
func canonical(text string, d int) bool {
	text = strings.TrimPrefix(text, "-")
	whole, frac, dot := strings.Cut(text, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return false
	}
	if d == 0 {
		return !dot
	}
	return dot && len(frac) == d
}

// minorOf returns x in minor units of d decimals, rounded half to even
// as x is written in the fewest decimal digits that read back as x.
func minorOf(x float64, d int) *big.Int {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return new(big.Int)
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(x, 'f', -1, 64))
	return roundRat(r, d)
}

// roundRat returns r × 10^d rounded half to even to an integer.
func roundRat(r *big.Rat, d int) *big.Int {
	v := new(big.Rat).Mul(r, new(big.Rat).SetInt(pow10(d)))
	q, rem := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	// |rem| < den; compare 2|rem| with den.
	c := new(big.Int).Lsh(new(big.Int).Abs(rem), 1).Cmp(v.Denom())
	if c > 0 || c == 0 && q.Bit(0) == 1 {
		if v.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func pow10(d int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
}

// LossTotals sums losses per currency, in the order the currencies first
// appear: amounts in different currencies are never added together. An
// amount is counted as the report's LossTotal counts it (above zero, at
// most 10^12), rounded half to even to its currency's minor unit (as
// intake rounds it), and added exactly; a currency whose losses come to
// nothing is left out.
func LossTotals(losses []Loss) []Money {
	var ms []Money
	for _, l := range losses {
		if !math.IsNaN(l.Amount) && l.Amount > 0 && l.Amount <= 1e12 {
			ms = append(ms, Money{Amount: l.Amount, Currency: l.Currency})
		}
	}
	out := AddMoney(nil, 1, ms...)
	if len(out) == 0 {
		return nil
	}
	return out
}

// AddMoney adds amounts to totals per currency (sign 1) or takes them
// away (sign -1), exactly, in each currency's minor units, leaving out
// the currencies that come to nothing. It never returns nil, so that
// totals kept empty are told from totals never kept.
func AddMoney(totals []Money, sign float64, amounts ...Money) []Money {
	var cur []string
	sums := map[string]*big.Int{}
	add := func(m Money, neg bool) {
		if sums[m.Currency] == nil {
			cur = append(cur, m.Currency)
			sums[m.Currency] = new(big.Int)
		}
		if neg {
			sums[m.Currency].Sub(sums[m.Currency], m.Minor())
		} else {
			sums[m.Currency].Add(sums[m.Currency], m.Minor())
		}
	}
	for _, m := range totals {
		add(m, false)
	}
	for _, m := range amounts {
		add(m, sign < 0)
	}
	out := make([]Money, 0, len(cur))
	for _, c := range cur {
		if sums[c].Sign() != 0 {
			out = append(out, moneyOf(c, sums[c]))
		}
	}
	return out
}

// TotalsStale says whether the campaign's LossTotals were read as stored
// before totals were counted exactly and may be wrong (float64 rounded
// to cents, not written with the currency's decimals: a currency of
// other than two decimals, or a total beyond 2^53 cents): they are to be
// made again from its reports.
func (c *Campaign) TotalsStale() bool {
	return slices.ContainsFunc(c.LossTotals, func(m Money) bool { return m.stale })
}
