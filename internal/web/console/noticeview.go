package console

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// A notice page lays out the data as the notice is read: the identity
// first, then the type's own part, then the rest; every label and value
// in the reader's language. What a bureau typed (names, references, free
// text) shows as typed.

// shownSection is one part of a notice on its page.
type shownSection struct {
	Title string
	Items []shownItem
}

// shownItem is one field: a value, a list of values, or entries (a list
// of objects, or one object such as the warrant).
type shownItem struct {
	Label   string
	Value   string
	Values  []string
	Entries []shownEntry
	// Typed marks what a bureau typed as such (names, references,
	// numbers): not for machine translation.
	Typed bool
}

type shownEntry struct {
	Title string
	Items []shownItem
}

// hiddenFields are data the page shows elsewhere (the title) or that are
// bookkeeping of the UN import.
var hiddenFields = map[string]bool{"notice_type": true, "source": true, "source_id": true}

// otherFields close the page, after the type's own part.
var otherFields = map[string]bool{"reference": true, "summary": true}

// typedKinds are values a bureau typed: shown as typed.
var typedKinds = map[string]bool{notices.KindString: true}

// noticeSections lays out a notice's data for the page.
func noticeSections(l *Lang, typ string, raw json.RawMessage) []shownSection {
	var data map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	dec.Decode(&data)
	identity := shownSection{Title: l.T("section.identity")}
	own := shownSection{Title: l.T("section." + typ)}
	other := shownSection{Title: l.T("section.other")}
	schema := notices.Schema(typ)
	known := map[string]bool{}
	for _, f := range schema {
		known[f.Name] = true
		x, ok := data[f.Name]
		if !ok || hiddenFields[f.Name] {
			continue
		}
		it, ok := shownValue(l, f, f.Name, x)
		if !ok {
			continue
		}
		switch {
		case f.Identity:
			identity.Items = append(identity.Items, it)
		case otherFields[f.Name]:
			other.Items = append(other.Items, it)
		default:
			own.Items = append(own.Items, it)
		}
	}
	// Data outside the type's layout (kept from an older layout) is not
	// hidden: it shows under its stored name.
	keys := make([]string, 0)
	for k := range data {
		if !known[k] && !hiddenFields[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b, _ := json.Marshal(data[k])
		other.Items = append(other.Items, shownItem{Label: k, Value: strings.Trim(string(b), `"`), Typed: true})
	}
	var out []shownSection
	for _, s := range []shownSection{identity, own, other} {
		if len(s.Items) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// fieldLabel is the label of a field at path (charges.offence: no
// indices) in the reader's language.
func fieldLabel(l *Lang, path string) string { return l.TOr("datafield."+path, path) }

// shownValue is field f (at path, without indices) of value x as the page
// shows it; ok is false for an empty value.
func shownValue(l *Lang, f notices.Field, path string, x any) (shownItem, bool) {
	it := shownItem{Label: fieldLabel(l, path), Typed: typedKinds[f.Kind]}
	switch f.Kind {
	case notices.KindCountries, notices.KindStrings:
		list, _ := x.([]any)
		for _, e := range list {
			s := fmt.Sprint(e)
			if f.Kind == notices.KindCountries {
				s = countryName(l, s)
			}
			it.Values = append(it.Values, s)
		}
		if f.Kind == notices.KindCountries {
			it.Value, it.Values = strings.Join(it.Values, listSep(l)), nil
		}
		return it, len(list) > 0
	case notices.KindObject:
		m, _ := x.(map[string]any)
		e := shownEntry{Title: it.Label, Items: shownItems(l, f.Fields, path, m)}
		it.Entries = []shownEntry{e}
		return it, len(e.Items) > 0
	case notices.KindList:
		list, _ := x.([]any)
		for i, e := range list {
			m, _ := e.(map[string]any)
			it.Entries = append(it.Entries, shownEntry{Title: l.T("item."+path, l.Num(i+1)), Items: shownItems(l, f.Fields, path, m)})
		}
		return it, len(it.Entries) > 0
	}
	it.Value = shownScalar(l, f, path, x)
	return it, it.Value != ""
}

func shownItems(l *Lang, fs []notices.Field, path string, m map[string]any) []shownItem {
	var out []shownItem
	for _, f := range fs {
		if x, ok := m[f.Name]; ok {
			if it, ok := shownValue(l, f, path+"."+f.Name, x); ok {
				out = append(out, it)
			}
		}
	}
	return out
}

// units are the fields whose numbers have a unit, by catalog key.
var units = map[string]string{"height": "unit.cm", "weight": "unit.kg", "charges.max_penalty_years": "unit.years",
	"sentence_remaining_months": "unit.months", "estimated_age_min": "unit.years", "estimated_age_max": "unit.years"}

func shownScalar(l *Lang, f notices.Field, path string, x any) string {
	s := strings.TrimSpace(fmt.Sprint(x))
	switch f.Kind {
	case notices.KindBool:
		if b, ok := x.(bool); ok {
			return l.T(map[bool]string{true: "bool.yes", false: "bool.no"}[b])
		}
	case notices.KindEnum:
		return l.TOr("enum."+path+"."+s, s)
	case notices.KindCountry:
		return countryName(l, s)
	case notices.KindDate, notices.KindFullDate:
		return partialDate(l, s)
	case notices.KindNumber:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return s
		}
		num := decimal(l, n)
		switch key := units[path]; {
		case path == "assets.estimated_value":
			return l.Amount(n)
		case key == "unit.years" || key == "unit.months":
			if n == math.Trunc(n) && n < 1e9 {
				return l.N(key, int(n))
			}
			return l.N(key, 2) // the plural of a fraction
		case key != "":
			return l.T(key, num)
		}
		return num
	case notices.KindString:
		if path == "subject_type" {
			return l.TOr("enum.subject_type."+s, s)
		}
	}
	return s
}

// decimal formats a number in the language: grouped integer part, the
// language's decimal mark.
func decimal(l *Lang, n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e15 {
		return l.Num(int(n))
	}
	s := l.Amount(n)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".,\u066b")
}

func countryName(l *Lang, code string) string {
	if c, ok := members.Lookup(code); ok {
		return c.Name(l.Code)
	}
	return code
}

func listSep(l *Lang) string {
	if l.Code == "ar" {
		return "، "
	}
	return ", "
}

var (
	fullDateRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	monthDateRe = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	yearRangeRe = regexp.MustCompile(`^(\d{4})\.\.(\d{4})$`)
)

// partialDate says a notice's date (YYYY-MM-DD, YYYY-MM, YYYY or a range
// of years YYYY..YYYY) in the language, as precisely as it is known.
func partialDate(l *Lang, s string) string {
	switch {
	case fullDateRe.MatchString(s):
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return l.Date(t)
		}
	case monthDateRe.MatchString(s):
		m := monthDateRe.FindStringSubmatch(s)
		mon, _ := strconv.Atoi(m[2])
		if mon >= 1 && mon <= 12 {
			name := l.T("month." + strconv.Itoa(mon))
			if l.Code == "es" { // the catalog's "de marzo de" reads "marzo de 2026" alone
				return strings.TrimPrefix(name, "de ") + " " + m[1]
			}
			return name + " " + m[1]
		}
	case yearRangeRe.MatchString(s):
		m := yearRangeRe.FindStringSubmatch(s)
		return m[1] + "–" + m[2]
	}
	return s
}

// checkRows are the automatic checks in words: each check's name and
// each refusal as "label: reason" in the reader's language.
func checkRows(l *Lang, typ string, checks []notices.Check) []checkRow {
	var out []checkRow
	for _, c := range checks {
		row := checkRow{OK: c.OK, Name: l.TOr("check."+c.Name, c.Name)}
		for _, e := range c.Errors {
			label := l.T("datafield.notice_type")
			if p, ok := strings.CutPrefix(e.Field, "data."); ok {
				label = fieldLabel(l, indexFree(p))
			}
			row.Errors = append(row.Errors, label+" — "+reasonText(l, e))
		}
		out = append(out, row)
	}
	return out
}

var indexRe = regexp.MustCompile(`\[\d+\]`)

// indexFree is a data path without its list indices.
func indexFree(p string) string { return indexRe.ReplaceAllString(p, "") }

// ago says how long ago t was, in the language ("3 days ago").
func ago(l *Lang, now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return l.N("ago.minutes", max(int(d/time.Minute), 0))
	case d < 24*time.Hour:
		return l.N("ago.hours", int(d/time.Hour))
	}
	return l.N("ago.days", int(d/(24*time.Hour)))
}

// submittedAgo is a request's age in the queue, or "" if not submitted.
func submittedAgo(l *Lang, now time.Time, n *core.Notice) string {
	if n.SubmittedAt == nil {
		return ""
	}
	return ago(l, now, *n.SubmittedAt)
}
