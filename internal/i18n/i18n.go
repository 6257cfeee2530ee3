// Package i18n holds the interface's strings — one JSON catalog per
// language in lang.Supported, embedded from catalogs/ — and formats
// numbers, amounts, scores and dates per language. The console and the
// citizen's public report page both read their text here, so a language
// is added in one place.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
)

//go:embed catalogs/*.json
var catalogFS embed.FS

// entry is one catalog value: a plain string, or plural forms keyed by
// CLDR category (zero, one, two, few, many, other).
type entry struct {
	text   string
	plural map[string]string
}

func (e *entry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &e.text)
	}
	return json.Unmarshal(b, &e.plural)
}

// Catalog is one language's strings.
type Catalog map[string]entry

// Catalogs are the catalogs of every supported language, by code.
type Catalogs map[string]Catalog

// Load reads the embedded catalog of every supported language.
func Load() (Catalogs, error) {
	out := Catalogs{}
	for _, l := range lang.Supported {
		b, err := fs.ReadFile(catalogFS, "catalogs/"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		var c Catalog
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		out[l] = c
	}
	return out, nil
}

// Shared is Load done once for the whole process (the catalogs are
// embedded: they cannot change while it runs).
var Shared = sync.OnceValues(Load)

// Lang is the language of code, with its catalog; an unknown code gets
// the default language.
func (cs Catalogs) Lang(code string) *Lang {
	if !lang.Valid(code) {
		code = lang.Default
	}
	return &Lang{Code: code, cat: cs[code]}
}

// Keys lists a catalog's keys, sorted.
func (c Catalog) Keys() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Text is key's plain text, or its "other" plural form; ok is false when
// the catalog has neither.
func (c Catalog) Text(key string) (s string, ok bool) {
	e, found := c[key]
	if !found {
		return "", false
	}
	if e.plural != nil {
		return e.plural["other"], e.plural["other"] != ""
	}
	return e.text, e.text != ""
}

// PluralForms is key's plural forms by CLDR category, nil for a plain
// string.
func (c Catalog) PluralForms(key string) map[string]string { return c[key].plural }

// PluralCategories are the CLDR categories the integers take in a
// language: what each plural entry of its catalog must give.
func PluralCategories(code string) []string {
	switch code {
	case "ar":
		return []string{"zero", "one", "two", "few", "many", "other"}
	case "fr", "es":
		return []string{"one", "many", "other"}
	}
	return []string{"one", "other"}
}

// PluralCategory is the CLDR (42 and later) plural category of an
// integer in code. Arabic: zero, one, two, few (3–10 in the last two
// digits), many (11–99 in the last two digits), other. French: one for 0
// and 1; Spanish: one for 1; both: many for a non-zero multiple of a
// million ("un million de…", "un millón de…"), other otherwise. English:
// one for 1.
func PluralCategory(code string, n int) string {
	if n < 0 {
		n = -n
	}
	switch code {
	case "ar":
		m := n % 100
		switch {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11 && m <= 99:
			return "many"
		}
		return "other"
	case "fr", "es":
		switch {
		case n == 1 || code == "fr" && n == 0:
			return "one"
		case n != 0 && n%1_000_000 == 0:
			return "many"
		}
		return "other"
	}
	if n == 1 {
		return "one"
	}
	return "other"
}

// Lang is the interface language of one request: what templates call.
type Lang struct {
	Code string
	cat  Catalog
}

// Dir is the writing direction of the interface.
func (l *Lang) Dir() string { return lang.Dir(l.Code) }

// Has reports whether the catalog has key.
func (l *Lang) Has(key string) bool {
	_, ok := l.cat.Text(key)
	return ok
}

// T is the string for key; args fill its %s / %d verbs. A missing key
// shows itself (and a test keeps catalogs complete).
func (l *Lang) T(key string, args ...any) string {
	s, ok := l.cat.Text(key)
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// TOr is the string for key, or fallback when the catalog has none (for
// values, such as an indicator's type, whose list may grow).
func (l *Lang) TOr(key, fallback string) string {
	if l.Has(key) {
		return l.T(key)
	}
	return fallback
}

// Reason is a refusal in the language: the catalog's "reason.<code>"
// (see core.FieldError's Code) filled with params, integers formatted for
// the language; ok is false when code is empty or the catalog has no such
// reason. A reason given as plural forms takes the form of its first
// integer parameter ("1 to 200 characters": 200).
func (l *Lang) Reason(code string, params []string) (s string, ok bool) {
	key := "reason." + code
	if code == "" || !l.Has(key) {
		return "", false
	}
	text, _ := l.cat.Text(key)
	if l.cat.PluralForms(key) != nil {
		for _, p := range params {
			if n, err := strconv.Atoi(p); err == nil {
				text = l.form(key, n)
				break
			}
		}
	}
	// A reason may use fewer of the error's numbers than it has (the
	// file type's says none of them): only those are passed, so that no
	// "%!(EXTRA …)" reaches the page.
	if n := verbsUsed(text); len(params) > n {
		params = params[:n]
	}
	args := make([]any, len(params))
	for i, p := range params {
		if n, err := strconv.Atoi(p); err == nil {
			args[i] = l.Num(n)
		} else {
			args[i] = p
		}
	}
	if len(args) == 0 {
		return text, true
	}
	return fmt.Sprintf(text, args...), true
}

// N is the plural form of key for n, with {n} replaced by n formatted.
func (l *Lang) N(key string, n int) string {
	if _, ok := l.cat[key]; !ok {
		return key
	}
	return strings.ReplaceAll(l.form(key, n), "{n}", l.Num(n))
}

// form is key's text for n: its plural form for n's category (CLDR), else
// its "other" form; a plain string as it is.
func (l *Lang) form(key string, n int) string {
	e := l.cat[key]
	if e.plural == nil {
		return e.text
	}
	if f, ok := e.plural[PluralCategory(l.Code, n)]; ok && f != "" {
		return f
	}
	return e.plural["other"]
}

// Num formats an integer with the language's grouping. Arabic uses
// Western (European) digits, as Moroccan and Algerian administrations do
// and as references and document numbers are written; grouping uses the
// Arabic thousands separator. Spanish groups with a point, and (as the
// RAE and CLDR say) not a four-digit number: 1234, 12.345.
func (l *Lang) Num(n int) string {
	s := strconv.Itoa(n)
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return "-" + l.group(rest)
	}
	return l.group(s)
}

// group writes a run of digits with the language's thousands separator.
func (l *Lang) group(s string) string {
	sep := ","
	switch l.Code {
	case "fr":
		sep = "\u202f" // narrow no-break space
	case "ar":
		sep = "\u066c" // Arabic thousands separator
	case "es":
		sep = "."
		if len(s) <= 4 {
			sep = ""
		}
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Amount formats a number with two decimals (rounded half to even, as
// money is), in the language's grouping and decimal mark.
func (l *Lang) Amount(f float64) string { return l.decimal(core.Money{Amount: f}.Decimal()) }

// decimal writes a number written as core.Money.Decimal writes it
// ("-1234.50") with the language's grouping and decimal mark. Working on
// the digits, not on a number, it neither overflows nor rounds: eight
// decimals of 10^12 are beyond int64.
func (l *Lang) decimal(s string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	whole, frac, ok := strings.Cut(s, ".")
	s = sign + l.group(whole)
	if ok {
		mark := "."
		switch l.Code {
		case "fr", "es":
			mark = ","
		case "ar":
			mark = "\u066b" // Arabic decimal separator
		}
		s += mark + frac
	}
	return s
}

// Money formats an amount exactly, with its currency's decimals and its
// ISO 4217 code after it, as the language writes amounts ("1,250.00
// MAD", "1 250,00 MAD", "1٬250٫00 MAD", "12.360 TND", "1,500 JPY",
// "0.00000001 BTC"); without a currency, the amount alone, with two
// decimals.
func (l *Lang) Money(m core.Money) string {
	s := l.decimal(m.Decimal())
	if m.Currency == "" {
		return s
	}
	return s + "\u00a0" + m.Currency
}

// Score formats a 0–1 score as a percentage.
func (l *Lang) Score(f float64) string {
	p := strconv.Itoa(int(f*100 + 0.5))
	switch l.Code {
	case "fr", "es":
		return p + "\u202f%" // French and Spanish (RAE) space the sign
	case "ar":
		return p + "\u066a"
	}
	return p + "%"
}

// Date formats a day with the month's name in the language.
func (l *Lang) Date(t any) string {
	var tm time.Time
	switch v := t.(type) {
	case time.Time:
		tm = v
	case *time.Time:
		if v == nil {
			return ""
		}
		tm = *v
	default:
		return ""
	}
	if tm.IsZero() {
		return ""
	}
	tm = tm.UTC()
	// Day, month name, year reads right in all the languages (the
	// Spanish catalog's month names carry the "de": 4 de marzo de 2026).
	return fmt.Sprintf("%d %s %d", tm.Day(), l.T("month."+strconv.Itoa(int(tm.Month()))), tm.Year())
}

// DateTime adds the UTC time of day.
func (l *Lang) DateTime(t any) string {
	d := l.Date(t)
	if d == "" {
		return ""
	}
	var tm time.Time
	switch v := t.(type) {
	case time.Time:
		tm = v
	case *time.Time:
		tm = *v
	}
	return d + " " + tm.UTC().Format("15:04") + " UTC"
}

var indexedVerb = regexp.MustCompile(`%\[(\d+)\]`)

// verbsUsed is how many arguments a catalog string reads: its highest
// %[n] index, or else its count of plain verbs.
func verbsUsed(s string) int {
	n := 0
	for _, m := range indexedVerb.FindAllStringSubmatch(s, -1) {
		if i, _ := strconv.Atoi(m[1]); i > n {
			n = i
		}
	}
	if n > 0 {
		return n
	}
	return strings.Count(s, "%") - 2*strings.Count(s, "%%")
}
