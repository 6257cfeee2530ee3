package notices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/screen"
)

// Notice types. TypeUN is the INTERPOL–UN Security Council Special Notice,
// which only the UN list import creates.
const (
	TypeRed    = "red"
	TypeYellow = "yellow"
	TypeBlue   = "blue"
	TypeBlack  = "black"
	TypeGreen  = "green"
	TypeOrange = "orange"
	TypePurple = "purple"
	TypeSilver = "silver"
	TypeUN     = "un"
)

// Types lists every notice type.
var Types = []string{TypeRed, TypeYellow, TypeBlue, TypeBlack, TypeGreen, TypeOrange, TypePurple, TypeSilver, TypeUN}

// RequestTypes are the types a bureau may request or diffuse.
var RequestTypes = []string{TypeRed, TypeYellow, TypeBlue, TypeBlack, TypeGreen, TypeOrange, TypePurple, TypeSilver}

// Thresholds of the Red Notice rules.
const (
	MinPenaltyYears    = 2 // prosecution: the offence carries at least 2 years
	MinSentenceMonths  = 6 // sentence: at least 6 months left to serve
	maxString          = 500
	maxText            = 10000
	maxItems           = 100
	purposeProsecution = "prosecution"
	purposeSentence    = "sentence"
)

// MaxListEntries is how many entries a list of a notice's data takes
// (assets, identifiers, documents…): a caller with more spreads them over
// several notices.
const MaxListEntries = maxItems

// Asset types of a Silver Notice.
var AssetTypes = []string{"property", "vehicle", "account", "business", "cash", "crypto", "vessel"}

type fieldKind int

const (
	kString fieldKind = iota
	kText
	kDate     // full or partial date: YYYY-MM-DD, YYYY-MM, YYYY, YYYY..YYYY
	kFullDate // YYYY-MM-DD
	kCountry
	kCountries
	kStrings
	kBool
	kNumber
	kEnum
	kObject
	kList // of objects
	kIdentifier
)

// spec describes one field of a notice's data. req fields must be present
// (and lists non-empty) in a complete notice; a draft may lack them.
type spec struct {
	name   string
	kind   fieldKind
	req    bool
	enum   []string
	fields []spec
}

func f(name string, k fieldKind) spec   { return spec{name: name, kind: k} }
func req(name string, k fieldKind) spec { return spec{name: name, kind: k, req: true} }
func enumOf(name string, req bool, vals ...string) spec {
	return spec{name: name, kind: kEnum, req: req, enum: vals}
}
func listOf(name string, req bool, fs ...spec) spec {
	return spec{name: name, kind: kList, req: req, fields: fs}
}
func objOf(name string, req bool, fs ...spec) spec {
	return spec{name: name, kind: kObject, req: req, fields: fs}
}

// identity is a person's identity particulars; required marks which a
// type needs.
func identity(required ...string) []spec {
	fs := []spec{
		f("family_name", kString), f("given_names", kString), f("name_original", kString), f("aliases", kStrings),
		enumOf("sex", false, "M", "F", "U"), f("date_of_birth", kDate), f("place_of_birth", kString), f("country_of_birth", kCountry),
		f("nationalities", kCountries), f("description", kText), f("distinguishing_marks", kText), f("languages", kStrings),
		f("height", kNumber), f("weight", kNumber), f("eyes_color", kString), f("hair_color", kString),
		listOf("documents", false, f("type", kString), req("number", kString), f("country", kCountry)),
		listOf("identifiers", false, req("type", kString), req("value", kString)),
	}
	for i := range fs {
		if slices.Contains(required, fs[i].name) {
			fs[i].req = true
		}
	}
	return fs
}

// common fields every type may carry.
var common = []spec{f("notice_type", kString), f("reference", kString), f("summary", kText)}

var typeSpecs = map[string][]spec{
	TypeRed: append(identity("family_name", "sex", "date_of_birth", "nationalities"),
		enumOf("purpose", true, purposeProsecution, purposeSentence),
		listOf("charges", true, req("offence", kString), req("law", kString), req("max_penalty_years", kNumber), f("description", kText), f("translation", kText), f("country", kCountry)),
		objOf("warrant", true, enumOf("kind", true, "arrest_warrant", "judgment"), req("reference", kString), req("date", kFullDate), req("authority", kString), f("country", kCountry)),
		f("sentence_remaining_months", kNumber),
		req("extradition_countries", kCountries),
	),
	TypeYellow: append(identity(),
		req("circumstances", kText), req("disappearance_date", kDate), req("disappearance_place", kString), f("disappearance_country", kCountry),
		listOf("parents", false, req("name", kString), enumOf("relation", false, "mother", "father", "guardian")),
	),
	TypeBlue: append(identity(),
		req("information_sought", kText), f("offence", kString),
	),
	TypeGreen: append(identity(),
		req("criminal_activities", kText), f("modus_operandi", kText), f("countries_active", kCountries),
	),
	TypeBlack: append(identity(),
		req("found_place", kString), req("found_date", kDate), f("found_country", kCountry),
		f("estimated_age_min", kNumber), f("estimated_age_max", kNumber), req("description", kText),
		req("dna_available", kBool), req("fingerprints_available", kBool),
	),
	TypeOrange: append(identity(),
		req("threat_nature", kText), enumOf("threat_kind", false, "person", "event", "object", "process"),
		objOf("period", true, req("from", kDate), f("to", kDate)), req("countries_affected", kCountries),
	),
	TypePurple: append(identity(),
		req("modus_operandi", kText), f("objects", kStrings), f("devices", kStrings), f("concealment_methods", kStrings), f("offence", kString),
	),
	TypeSilver: append(identity(),
		listOf("assets", true,
			enumOf("type", true, AssetTypes...), f("description", kText),
			listOf("identifiers", false, req("type", kString), req("value", kString)),
			f("location", kString), f("jurisdiction", kCountry), f("estimated_value", kNumber), f("currency", kString),
			listOf("held_for", true, req("name", kString), enumOf("kind", true, "person", "company")),
			req("criminal_activity", kText)),
	),
}

func init() {
	for t, fs := range typeSpecs {
		typeSpecs[t] = append(fs, common...)
	}
}

// ValidType reports whether t is a notice type.
func ValidType(t string) bool { return slices.Contains(Types, t) }

// validator collects field errors under a path.
type validator struct {
	fs       []core.FieldError
	complete bool
}

// bad records a refusal of field: code and params name it for
// translation (the console's catalogs have "reason.<code>"); the English
// reason, from format and args, is what the API says.
func (v *validator) bad(field, code string, params []string, format string, args ...any) {
	if len(v.fs) < 50 {
		v.fs = append(v.fs, core.FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Code: code, Params: params})
	}
}

// ps is a refusal's parameters: numbers as the catalogs fill them in.
func ps(xs ...any) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// Validate checks a notice's data for its type and returns it normalised
// (compacted, with notice_type set). A draft (complete false) is checked
// for shape only: unknown fields, wrong types and bad values; a complete
// notice (submission, diffusion, publication) must also have the type's
// required data and meet the Red Notice thresholds.
func Validate(typ string, raw json.RawMessage, complete bool) (json.RawMessage, error) {
	specs, ok := typeSpecs[typ]
	if !ok {
		return nil, core.Invalid(core.FieldError{Field: "type", Reason: "must be one of " + strings.Join(RequestTypes, ", ")})
	}
	if len(raw) > maxDataBytes {
		return nil, core.Invalid(core.FieldError{Field: "data", Reason: fmt.Sprintf("must be at most %d bytes", maxDataBytes)})
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage(`{}`)
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, core.Invalid(core.FieldError{Field: "data", Reason: "must be a JSON object"})
	}
	if dec.More() {
		return nil, core.Invalid(core.FieldError{Field: "data", Reason: "must be a single JSON object"})
	}
	v := &validator{complete: complete}
	if nt, ok := obj["notice_type"]; ok && nt != typ {
		v.bad("data.notice_type", "invalid", nil, "must be %q, the notice's type, or left out", typ)
	}
	v.object("data", obj, specs, typ+" notice")
	if len(v.fs) == 0 {
		v.rules(typ, obj)
	}
	if len(v.fs) > 0 {
		return nil, core.Invalid(v.fs...)
	}
	obj["notice_type"] = typ
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, core.Invalid(core.FieldError{Field: "data", Reason: "must be a JSON object"})
	}
	return out, nil
}

func (v *validator) object(path string, obj map[string]any, specs []spec, what string) {
	known := map[string]spec{}
	for _, s := range specs {
		known[s.name] = s
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := known[k]; !ok {
			v.bad(path+"."+k, "unknown_field", nil, "is not a field of a %s", what)
		}
	}
	for _, s := range specs {
		x, present := obj[s.name]
		if !present || x == nil {
			if s.req && v.complete {
				v.bad(path+"."+s.name, "required", nil, "is required for a %s", what)
			}
			delete(obj, s.name)
			continue
		}
		v.value(path+"."+s.name, x, s, what)
	}
}

// list reads a list value, refusing one that is not a list (with
// notList), is too long, or is empty where the type requires entries.
func (v *validator) list(path string, x any, s spec, what, notList string) ([]any, bool) {
	list, ok := x.([]any)
	if !ok {
		v.bad(path, "invalid", nil, "%s", notList)
		return nil, false
	}
	if len(list) > maxItems {
		v.bad(path, "too_many", ps(len(list), maxItems), "must have at most %d entries", maxItems)
		return nil, false
	}
	if s.req && v.complete && len(list) == 0 {
		v.bad(path, "list_required", nil, "is required for a %s: list at least one", what)
	}
	return list, true
}

func (v *validator) value(path string, x any, s spec, what string) {
	switch s.kind {
	case kString, kText:
		str, ok := x.(string)
		limit := maxString
		if s.kind == kText {
			limit = maxText
		}
		switch {
		case !ok:
			v.bad(path, "invalid", nil, "must be a string")
		case utf8.RuneCountInString(str) > limit:
			v.bad(path, "too_long", ps(utf8.RuneCountInString(str), limit), "must be at most %d characters", limit)
		case strings.ContainsRune(str, 0):
			v.bad(path, "text", nil, "must not contain NUL characters")
		case s.req && v.complete && strings.TrimSpace(str) == "":
			v.bad(path, "required", nil, "is required for a %s and must not be blank", what)
		}
	case kDate, kFullDate:
		str, _ := x.(string)
		if s.kind == kFullDate {
			d, err := time.Parse("2006-01-02", str)
			if err != nil {
				v.bad(path, "date", nil, "must be a date as YYYY-MM-DD")
			} else if d.After(time.Now().AddDate(0, 0, 1)) {
				v.bad(path, "future_date", nil, "must not be in the future")
			}
			return
		}
		dr, err := screen.ParseDate(str)
		if err != nil || !dr.Known() {
			v.bad(path, "partial_date", nil, "must be a date as YYYY-MM-DD, YYYY-MM, YYYY or a range of years YYYY..YYYY")
		}
	case kCountry:
		str, _ := x.(string)
		if _, ok := members.Lookup(str); !ok {
			v.bad(path, "country", nil, "must be a member country's ISO 3166 alpha-2 or alpha-3 code")
		}
	case kCountries, kStrings:
		list, ok := v.list(path, x, s, what, "must be a list")
		if !ok {
			return
		}
		for i, e := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			str, ok := e.(string)
			if s.kind == kCountries {
				if _, known := members.Lookup(str); !ok || !known {
					v.bad(p, "country", nil, "must be a member country's ISO 3166 alpha-2 or alpha-3 code")
				}
			} else if !ok || utf8.RuneCountInString(str) > maxString {
				v.bad(p, "too_long", ps(utf8.RuneCountInString(str), maxString), "must be a string of at most %d characters", maxString)
			}
		}
	case kBool:
		if _, ok := x.(bool); !ok {
			v.bad(path, "yes_no", nil, "must be true or false")
		}
	case kNumber:
		n, ok := x.(json.Number)
		if !ok {
			v.bad(path, "number", nil, "must be a number")
			return
		}
		fl, err := n.Float64()
		if err != nil || math.IsInf(fl, 0) || fl < 0 || fl > 1e15 {
			v.bad(path, "number_range", nil, "must be a number from 0 to 10^15")
		}
	case kEnum:
		str, _ := x.(string)
		if !slices.Contains(s.enum, str) {
			v.bad(path, "choose", nil, "must be one of %s", strings.Join(s.enum, ", "))
		}
	case kObject:
		m, ok := x.(map[string]any)
		if !ok {
			v.bad(path, "invalid", nil, "must be an object")
			return
		}
		v.object(path, m, s.fields, what)
	case kList:
		list, ok := v.list(path, x, s, what, "must be a list of objects")
		if !ok {
			return
		}
		for i, e := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			m, ok := e.(map[string]any)
			if !ok {
				v.bad(p, "invalid", nil, "must be an object")
				continue
			}
			v.object(p, m, s.fields, what)
		}
	}
}

func num(x any) (float64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func items(obj map[string]any, k string) []map[string]any {
	list, _ := obj[k].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// rules checks what depends on several fields: the Red Notice thresholds,
// identity alternatives, identifiers through their parsers, currencies.
func (v *validator) rules(typ string, obj map[string]any) {
	v.identifiers("data.identifiers", items(obj, "identifiers"))
	if dob, ok := obj["date_of_birth"].(string); ok {
		if dr, err := screen.ParseDate(dob); err == nil && dr.From > int32(time.Now().Year()*10000+1231) {
			v.bad("data.date_of_birth", "future_date", nil, "must not be in the future")
		}
	}
	switch typ {
	case TypeRed:
		if !v.complete {
			return
		}
		purpose, _ := obj["purpose"].(string)
		warrant, _ := obj["warrant"].(map[string]any)
		kind, _ := warrant["kind"].(string)
		switch purpose {
		case purposeProsecution:
			charges := items(obj, "charges")
			best := 0.0
			for _, c := range charges {
				if y, ok := num(c["max_penalty_years"]); ok {
					best = math.Max(best, y)
				}
			}
			if best < MinPenaltyYears {
				for i, c := range charges {
					y, _ := num(c["max_penalty_years"])
					v.bad(fmt.Sprintf("data.charges[%d].max_penalty_years", i), "penalty_threshold", ps(y, MinPenaltyYears),
						"%g years is below the threshold: a Red Notice for prosecution needs an offence punishable by at least %d years of deprivation of liberty", y, MinPenaltyYears)
				}
			}
			if kind != "arrest_warrant" {
				v.bad("data.warrant.kind", "warrant_arrest", nil, "must be arrest_warrant for a prosecution")
			}
		case purposeSentence:
			m, present := num(obj["sentence_remaining_months"])
			switch {
			case !present:
				v.bad("data.sentence_remaining_months", "sentence_required", nil, "is required for a Red Notice to serve a sentence")
			case m < MinSentenceMonths:
				v.bad("data.sentence_remaining_months", "sentence_threshold", ps(m, MinSentenceMonths),
					"%g months is below the threshold: a Red Notice to serve a sentence needs at least %d months left to serve", m, MinSentenceMonths)
			}
			if kind != "judgment" {
				v.bad("data.warrant.kind", "warrant_judgment", nil, "must be judgment to serve a sentence")
			}
		}
	case TypeBlack:
		lo, okLo := num(obj["estimated_age_min"])
		hi, okHi := num(obj["estimated_age_max"])
		if okLo && okHi && lo > hi {
			v.bad("data.estimated_age_max", "age_order", nil, "must not be below estimated_age_min")
		}
		if v.complete && !okLo && !okHi {
			v.bad("data.estimated_age_min", "age_required", nil, "is required for a black notice: give estimated_age_min, estimated_age_max or both")
		}
	case TypeOrange:
		if p, ok := obj["period"].(map[string]any); ok {
			from, _ := p["from"].(string)
			to, _ := p["to"].(string)
			a, e1 := screen.ParseDate(from)
			b, e2 := screen.ParseDate(to)
			if to != "" && e1 == nil && e2 == nil && b.To < a.From {
				v.bad("data.period.to", "period_order", nil, "must not be before data.period.from")
			}
		}
	case TypeSilver:
		for i, a := range items(obj, "assets") {
			p := fmt.Sprintf("data.assets[%d]", i)
			v.identifiers(p+".identifiers", items(a, "identifiers"))
			_, hasValue := a["estimated_value"]
			cur, _ := a["currency"].(string)
			if cur != "" && !validCurrency(cur) {
				v.bad(p+".currency", "currency", nil, "must be an ISO 4217 code: three capital letters, such as EUR")
			} else if hasValue && cur == "" {
				v.bad(p+".currency", "currency_required", nil, "is required with estimated_value: an ISO 4217 code, such as EUR")
			}
		}
	}
	if v.complete && (typ == TypeBlue || typ == TypeYellow || typ == TypeGreen) {
		name := strings.TrimSpace(str(obj, "family_name") + str(obj, "given_names") + str(obj, "name_original"))
		switch {
		case name != "":
		case typ == TypeYellow && str(obj, "description") != "":
			// Someone unable to identify themselves has no name: a
			// description (with photos) identifies them instead.
		case typ == TypeYellow:
			v.bad("data.family_name", "name_or_description", nil, "a yellow notice needs the person's name (family_name, given_names or name_original), or a description to identify someone unable to identify themselves")
		default:
			v.bad("data.family_name", "name_required", nil, "a %s notice needs the person's name: family_name, given_names or name_original", typ)
		}
	}
}

func str(obj map[string]any, k string) string {
	s, _ := obj[k].(string)
	return strings.TrimSpace(s)
}

// identifiers checks each identifier with its parser.
func (v *validator) identifiers(path string, ids []map[string]any) {
	for i, id := range ids {
		typ, _ := id["type"].(string)
		val, _ := id["value"].(string)
		if typ == "" || val == "" {
			continue
		}
		if _, _, err := screen.ResolveIdentifier(typ, val); err != nil {
			field := "value"
			var e *core.Error
			if ce, ok := err.(*core.Error); ok {
				e = ce
			}
			reason, code := core.ErrorMessage(err), "identifier"
			if e != nil && len(e.Fields) > 0 {
				field, reason = e.Fields[0].Field, e.Fields[0].Reason
				if e.Fields[0].Code != "" {
					code = e.Fields[0].Code
				}
				if field != "type" {
					field = "value"
				}
			}
			v.bad(fmt.Sprintf("%s[%d].%s", path, i, field), code, nil, "%s", reason)
		}
	}
}

func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// interest lists a notice's countries of interest: nationalities, country
// of birth, extradition countries, those of the warrant and the charges,
// where the subject went missing or was found, the countries a threat
// affects, the jurisdictions of assets, and the addressees of a diffusion.
func interest(data json.RawMessage, rel core.Releasability, diffusion bool) []string {
	var d map[string]any
	json.Unmarshal(data, &d)
	set := map[string]bool{}
	addCode := func(x any) {
		if s, ok := x.(string); ok {
			if c, ok := members.Lookup(s); ok {
				set[c.Alpha2] = true
			}
		}
	}
	addList := func(x any) {
		list, _ := x.([]any)
		for _, e := range list {
			addCode(e)
		}
	}
	for _, k := range []string{"nationalities", "extradition_countries", "countries_affected", "countries_active"} {
		addList(d[k])
	}
	for _, k := range []string{"country_of_birth", "disappearance_country", "found_country"} {
		addCode(d[k])
	}
	if w, ok := d["warrant"].(map[string]any); ok {
		addCode(w["country"])
	}
	// A charge's country is the one whose warrant it rests on, as the
	// public extract answers it (arrestWarrantCountryId).
	for _, c := range items(d, "charges") {
		addCode(c["country"])
	}
	for _, a := range items(d, "assets") {
		addCode(a["jurisdiction"])
	}
	if diffusion && rel.Mode == core.ReleaseOnly {
		for _, c := range rel.Countries {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
