package console

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/lang"
)

//go:embed i18n/*.json
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

func loadCatalogs() (map[string]Catalog, error) {
	out := map[string]Catalog{}
	for _, l := range lang.Supported {
		b, err := fs.ReadFile(catalogFS, "i18n/"+l+".json")
		if err != nil {
			return nil, err
		}
		var c Catalog
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		out[l] = c
	}
	return out, nil
}

// PluralCategory is the CLDR plural category of an integer in lang.
// Arabic: zero, one, two, few (3–10 in the last two digits), many (11–99
// in the last two digits), other; French: one for 0 and 1; English: one
// for 1.
func PluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
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
	case "fr":
		if n <= 1 {
			return "one"
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

// T is the string for key; args fill its %s / %d verbs. A missing key
// shows itself (and a test keeps catalogs complete).
func (l *Lang) T(key string, args ...any) string {
	e, ok := l.cat[key]
	if !ok || e.text == "" && e.plural == nil {
		return key
	}
	s := e.text
	if e.plural != nil {
		s = e.plural["other"]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// TOr is the string for key, or fallback when the catalog has none (for
// values, such as an indicator's type, whose list may grow).
func (l *Lang) TOr(key, fallback string) string {
	if e, ok := l.cat[key]; ok && (e.text != "" || e.plural != nil) {
		return l.T(key)
	}
	return fallback
}

// N is the plural form of key for n, with {n} replaced by n formatted.
func (l *Lang) N(key string, n int) string {
	e, ok := l.cat[key]
	if !ok {
		return key
	}
	s := e.text
	if e.plural != nil {
		if f, ok := e.plural[PluralCategory(l.Code, n)]; ok {
			s = f
		} else {
			s = e.plural["other"]
		}
	}
	return strings.ReplaceAll(s, "{n}", l.Num(n))
}

// Num formats an integer with the language's grouping. Arabic uses
// Western (European) digits, as Moroccan and Algerian administrations do
// and as references and document numbers are written; grouping uses the
// Arabic thousands separator.
func (l *Lang) Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	switch l.Code {
	case "fr":
		sep = "\u202f" // narrow no-break space
	case "ar":
		sep = "\u066c" // Arabic thousands separator
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Amount formats a sum of money with two decimals, in the language's
// grouping and decimal mark.
func (l *Lang) Amount(f float64) string {
	neg := f < 0
	if neg {
		f = -f
	}
	cents := int64(f*100 + 0.5)
	mark := "."
	switch l.Code {
	case "fr":
		mark = ","
	case "ar":
		mark = "\u066b" // Arabic decimal separator
	}
	s := l.Num(int(cents/100)) + mark + fmt.Sprintf("%02d", cents%100)
	if neg {
		return "-" + s
	}
	return s
}

// Score formats a 0–1 score as a percentage.
func (l *Lang) Score(f float64) string {
	p := strconv.Itoa(int(f*100 + 0.5))
	if l.Code == "fr" {
		return p + "\u202f%"
	}
	if l.Code == "ar" {
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
	// Day, month name, year reads right in all three languages.
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

// keys lists a catalog's keys, sorted (for tests).
func (c Catalog) keys() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
