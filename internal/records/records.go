// Package records owns the life cycle of the record envelope that every
// kind of national data travels in: validation, ownership, optimistic
// concurrency, retention and review. Each operation asks access before it
// returns or changes anything and appends to the audit chain in the same
// transaction. It knows nothing of HTTP.
package records

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/screen"
)

// Retention periods: nominal data is kept 5 years, travel documents 10;
// the owner is asked to review six months before the end.
const (
	NominalRetention  = 5
	DocumentRetention = 10
	ReviewNotice      = 6 // months before the end of retention
	MaxDataBytes      = 256 << 10
	MaxCaveatText     = 2000
	MaxReasonLength   = 2000
)

// RetentionYears is how long a kind of record is kept before it expires.
func RetentionYears(kind string) int {
	if kind == core.KindTravelDocument {
		return DocumentRetention
	}
	return NominalRetention
}

// Service runs record operations against a store.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Changed, if set, is called after every committed change, so that
	// followers of the change feed (the screening index) need not wait
	// for their next poll.
	Changed func()
}

func (s *Service) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}

// New returns a Service over st.
func New(st core.Store) *Service { return &Service{Store: st, Now: time.Now} }

// Input is what a caller sends to create or change a record.
type Input struct {
	Kind          string              `json:"kind"`
	Releasability *core.Releasability `json:"releasability"`
	Caveats       []string            `json:"caveats"`     // on a change, absent keeps them and [] removes them
	CaveatText    *string             `json:"caveat_text"` // on a change, absent keeps it and "" removes it
	ReviewDate    string              `json:"review_date"` // YYYY-MM-DD or RFC 3339
	Data          json.RawMessage     `json:"data"`
	// Version is the version the change is based on; required for updates.
	Version int64 `json:"version"`
}

// Create validates in and stores a new record owned by v's bureau.
func (s *Service) Create(ctx context.Context, v core.Viewer, in Input) (*core.Record, error) {
	if !v.Can(core.PermRecordsWrite) || v.Bureau == "" {
		return nil, s.refuse(ctx, v, "record.create", core.Errorf(core.EFORBIDDEN, "your role does not allow creating records"))
	}
	// National data belongs to a country. The secretariat owns only what
	// it issues itself: notices (the INTERPOL–UN Security Council ones).
	if members.IsSecretariat(v.Bureau) && in.Kind != core.KindNotice {
		return nil, s.refuse(ctx, v, "record.create", core.Errorf(core.EFORBIDDEN, "the secretariat issues notices; national records belong to a member country's bureau"))
	}
	if !members.IsSecretariat(v.Bureau) && !members.Valid(v.Bureau) {
		return nil, s.refuse(ctx, v, "record.create", core.Errorf(core.EFORBIDDEN, "your bureau is not a member's"))
	}
	if err := noticeElsewhere(v, in.Kind); err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	r := &core.Record{
		ID: uuid.Must(uuid.NewV7()).String(), Owner: v.Bureau, Status: core.StatusActive, Version: 1,
		CreatedAt: now, CreatedBy: v.ActorName(), UpdatedAt: now, UpdatedBy: v.ActorName(),
	}
	if err := s.apply(r, in, true); err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertRecord(r); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "record.create", audit.OK, r.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	s.changed()
	return r, nil
}

// CreateMany stores several new records owned by v's bureau in one
// transaction: all of them or, if one is refused, none. The error of a
// refused input names it ("inputs[3].data.name").
func (s *Service) CreateMany(ctx context.Context, v core.Viewer, ins []Input) ([]*core.Record, error) {
	if err := canCreate(v); err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	out, err := s.build(v, ins)
	if err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error { return insertAll(tx, v, out) })
	if err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	s.changed()
	return out, nil
}

// CreateManyWith is CreateMany for inputs that depend on what the
// transaction reads: plan runs in the transaction that stores the records
// (it may lock what the inputs are made from, and refuse), then, in the
// same transaction, done gets the records. None is stored if either
// returns an error, which CreateManyWith returns as it is.
func (s *Service) CreateManyWith(ctx context.Context, v core.Viewer, plan func(tx core.Tx) ([]Input, error), done func(tx core.Tx, rs []*core.Record) error) ([]*core.Record, error) {
	if err := canCreate(v); err != nil {
		return nil, s.refuse(ctx, v, "record.create", err)
	}
	var out []*core.Record
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		ins, err := plan(tx)
		if err != nil {
			return err
		}
		if out, err = s.build(v, ins); err != nil {
			return err
		}
		if err := insertAll(tx, v, out); err != nil {
			return err
		}
		return done(tx, out)
	})
	if err != nil {
		return nil, err
	}
	s.changed()
	return out, nil
}

func canCreate(v core.Viewer) error {
	if !v.Can(core.PermRecordsWrite) || v.Bureau == "" {
		return core.Errorf(core.EFORBIDDEN, "your role does not allow creating records")
	}
	return nil
}

// build validates inputs into new records owned by v's bureau; the error
// of a refused input names it ("inputs[3].data.name").
func (s *Service) build(v core.Viewer, ins []Input) ([]*core.Record, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	out := make([]*core.Record, len(ins))
	for i, in := range ins {
		if members.IsSecretariat(v.Bureau) && in.Kind != core.KindNotice || !members.IsSecretariat(v.Bureau) && !members.Valid(v.Bureau) {
			return nil, core.Errorf(core.EFORBIDDEN, "your bureau may not own records of kind %q", in.Kind)
		}
		if err := noticeElsewhere(v, in.Kind); err != nil {
			return nil, err
		}
		r := &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Owner: v.Bureau, Status: core.StatusActive, Version: 1,
			CreatedAt: now, CreatedBy: v.ActorName(), UpdatedAt: now, UpdatedBy: v.ActorName()}
		if err := s.apply(r, in, true); err != nil {
			if e, ok := err.(*core.Error); ok {
				for j := range e.Fields {
					e.Fields[j].Field = fmt.Sprintf("inputs[%d].%s", i, e.Fields[j].Field)
				}
			}
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func insertAll(tx core.Tx, v core.Viewer, rs []*core.Record) error {
	for _, r := range rs {
		if err := tx.InsertRecord(r); err != nil {
			return err
		}
		if err := audit.Append(tx, audit.Entry(v, "record.create", audit.OK, r.ID)); err != nil {
			return err
		}
	}
	return nil
}

// noticeElsewhere refuses a member bureau's notice through the records
// API: notices are requested, reviewed, versioned and ended by the notices
// service (/api/v1/notices). Only the secretariat's INTERPOL–UN Special
// Notices, published by the UN list import, are written here.
func noticeElsewhere(v core.Viewer, kind string) error {
	if kind == core.KindNotice && !v.System && !members.IsSecretariat(v.Bureau) {
		return core.Errorf(core.EFORBIDDEN, "notices are requested through POST /api/v1/notices, where they are reviewed before they circulate")
	}
	return nil
}

// apply validates in and writes it onto r. Kind can be set only at creation.
func (s *Service) apply(r *core.Record, in Input, creating bool) error {
	var fs []core.FieldError
	bad := func(field, reason string) { fs = append(fs, core.FieldError{Field: field, Reason: reason}) }
	if creating {
		if !core.ValidKind(in.Kind) {
			bad("kind", "must be one of "+strings.Join(core.Kinds, ", "))
		}
		r.Kind = in.Kind
	} else if in.Kind != "" && in.Kind != r.Kind {
		bad("kind", "cannot change: the record is a "+r.Kind)
	}
	if in.Releasability == nil {
		if creating {
			bad("releasability", "is required: {\"mode\": \"all\"}, or mode \"only\" or \"except\" with countries")
		}
	} else {
		rel, rfs := ValidateReleasability(*in.Releasability, r.Owner)
		fs = append(fs, rfs...)
		r.Releasability = rel
	}
	caveats := in.Caveats
	if caveats == nil && creating {
		caveats = []string{}
	}
	fs = append(fs, ValidateCaveats(r, caveats, in.CaveatText)...)
	if in.Data == nil {
		if creating {
			bad("data", "is required: a JSON object describing the "+kindOr(r.Kind))
		}
	} else {
		data, dfs := ValidateData(r.Kind, in.Data)
		fs = append(fs, dfs...)
		r.Data = data
	}
	if creating {
		r.RetainUntil = r.CreatedAt.AddDate(RetentionYears(r.Kind), 0, 0)
		r.ReviewDate = r.RetainUntil.AddDate(0, -ReviewNotice, 0)
	}
	if in.ReviewDate != "" {
		d, err := ParseDate(in.ReviewDate)
		if err != nil {
			bad("review_date", "must be a date as YYYY-MM-DD or an RFC 3339 time")
		} else if d.After(r.RetainUntil) {
			bad("review_date", "must be on or before the end of retention, "+r.RetainUntil.Format("2006-01-02"))
		} else {
			r.ReviewDate = d
		}
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

func kindOr(k string) string {
	if k == "" {
		return "record"
	}
	return strings.ReplaceAll(k, "_", " ")
}

// ValidateCaveats checks caveats and a caveat text and writes them onto r:
// the valid caveats without repeats (unless caveats is nil), the text
// trimmed if it is not too long (unless text is nil). It returns the
// errors of both.
func ValidateCaveats(r *core.Record, caveats []string, text *string) []core.FieldError {
	var fs []core.FieldError
	if caveats != nil {
		cav := []string{}
		for i, c := range caveats {
			if !core.ValidCaveat(c) {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("caveats[%d]", i), Reason: "must be one of " + strings.Join(core.Caveats, ", ")})
			} else if !slices.Contains(cav, c) {
				cav = append(cav, c)
			}
		}
		r.Caveats = cav
	}
	if text != nil {
		if utf8.RuneCountInString(*text) > MaxCaveatText {
			fs = append(fs, core.FieldError{Field: "caveat_text", Reason: fmt.Sprintf("must be at most %d characters", MaxCaveatText)})
		} else {
			r.CaveatText = strings.TrimSpace(*text)
		}
	}
	return fs
}

// ValidateReleasability checks and normalises a releasability for a record
// owned by owner.
func ValidateReleasability(rel core.Releasability, owner string) (core.Releasability, []core.FieldError) {
	var fs []core.FieldError
	out := core.Releasability{Mode: rel.Mode}
	switch rel.Mode {
	case core.ReleaseAll:
		if len(rel.Countries) > 0 {
			fs = append(fs, core.FieldError{Field: "releasability.countries", Reason: "must be empty when mode is \"all\""})
		}
	case core.ReleaseOnly, core.ReleaseExcept:
		if len(rel.Countries) == 0 {
			fs = append(fs, core.FieldError{Field: "releasability.countries", Reason: "must list at least one country when mode is \"" + rel.Mode + "\""})
		}
		if len(rel.Countries) > members.Count() {
			fs = append(fs, core.FieldError{Field: "releasability.countries", Reason: "lists more countries than there are members"})
			break
		}
		for i, c := range rel.Countries {
			code := strings.ToUpper(strings.TrimSpace(c))
			country, ok := members.Lookup(code)
			if !ok {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("releasability.countries[%d]", i), Reason: fmt.Sprintf("%q is not a member country's ISO 3166 alpha-2 or alpha-3 code", truncate(c, 10))})
				continue
			}
			if country.Alpha2 != owner && !slices.Contains(out.Countries, country.Alpha2) {
				out.Countries = append(out.Countries, country.Alpha2)
			}
		}
		slices.Sort(out.Countries)
	default:
		fs = append(fs, core.FieldError{Field: "releasability.mode", Reason: "must be \"all\", \"only\" or \"except\""})
	}
	return out, fs
}

// ValidateData checks a record body: a JSON object within the size limit,
// with what its kind requires. It returns the body compacted.
func ValidateData(kind string, raw json.RawMessage) (json.RawMessage, []core.FieldError) {
	if len(raw) > MaxDataBytes {
		return nil, []core.FieldError{{Field: "data", Reason: fmt.Sprintf("must be at most %d bytes", MaxDataBytes)}}
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, []core.FieldError{{Field: "data", Reason: "must be a JSON object"}}
	}
	if bytes.Contains(raw, []byte(`\u0000`)) {
		return nil, []core.FieldError{{Field: "data", Reason: "must not contain NUL characters"}}
	}
	var fs []core.FieldError
	bad := func(field, reason string) { fs = append(fs, core.FieldError{Field: "data." + field, Reason: reason}) }
	str := func(k string) string { s, _ := obj[k].(string); return strings.TrimSpace(s) }
	country := func(k string, required bool) {
		v, present := obj[k]
		if !present {
			if required {
				bad(k, "is required: an ISO 3166 country code")
			}
			return
		}
		s, _ := v.(string)
		if _, ok := members.Lookup(s); !ok {
			bad(k, "must be a member country's ISO 3166 alpha-2 or alpha-3 code")
		}
	}
	countries := func(k string) {
		v, present := obj[k]
		if !present {
			return
		}
		list, ok := v.([]any)
		if !ok {
			bad(k, "must be a list of ISO 3166 country codes")
			return
		}
		for i, x := range list {
			s, _ := x.(string)
			if _, ok := members.Lookup(s); !ok {
				bad(fmt.Sprintf("%s[%d]", k, i), "must be a member country's ISO 3166 alpha-2 or alpha-3 code")
			}
		}
	}
	date := func(k string) {
		v, present := obj[k]
		if !present {
			return
		}
		s, _ := v.(string)
		if !validPartialDate(s) {
			bad(k, "must be a date as YYYY-MM-DD, YYYY-MM, YYYY or a range of years YYYY..YYYY")
		}
	}
	// A date of birth is read by the screening's own rule: one it cannot
	// read would be kept and never compared, so it is refused here.
	dob := func(k string) {
		v, present := obj[k]
		if !present {
			return
		}
		s, _ := v.(string)
		if reason := DateOfBirthProblem(s, time.Now()); reason != "" {
			bad(k, reason)
		}
	}
	// Screening reads names, documents and identifiers only where they
	// have the JSON type it expects and skips the rest without a word: a
	// name of another type would be stored and never screened.
	switch kind {
	case core.KindPerson, core.KindEntity, core.KindNotice:
		fs = append(fs, nameTypes("data.", obj)...)
		if kind == core.KindNotice {
			if subs, present := obj["subjects"]; present {
				list, ok := subs.([]any)
				if !ok {
					bad("subjects", "must be a list of objects, one for each subject, not "+jsonType(subs))
				}
				for i, x := range list {
					if m, ok := x.(map[string]any); ok {
						fs = append(fs, nameTypes(fmt.Sprintf("data.subjects[%d].", i), m)...)
					} else {
						bad(fmt.Sprintf("subjects[%d]", i), "must be an object with the subject's names, not "+jsonType(x))
					}
				}
			}
		}
	case core.KindTravelDocument:
		fs = append(fs, textTypes("data.", obj, "holder")...)
	}
	fs = append(fs, listTypes(obj)...)
	switch kind {
	case core.KindPerson:
		if str("family_name") == "" && str("given_names") == "" && str("name") == "" && str("name_original") == "" {
			bad("family_name", "a person needs at least one of family_name, given_names, name or name_original")
		}
		if s, ok := obj["sex"]; ok && s != "M" && s != "F" && s != "U" {
			bad("sex", "must be M, F or U")
		}
		dob("date_of_birth")
		countries("nationalities")
	case core.KindTravelDocument:
		// The number is stored only if it can be screened: screening
		// compares letters and digits alone, at most ident.MaxDocumentNumber
		// of them (POST /screen/document refuses more).
		if n, ok := obj["number"].(string); !ok && obj["number"] != nil {
			bad("number", "must be text (a JSON string), not "+jsonType(obj["number"]))
		} else if strings.TrimSpace(n) == "" {
			bad("number", "is required: the document number")
		} else if norm, c := screen.StrictDocNumber(n); c != 0 {
			// Dropped, it would key the record under another number (the
			// query with that character is refused the same way).
			bad("number", fmt.Sprintf("contains %q (%U): only letters A–Z, digits and separators (blanks, hyphens, dots, slashes) are allowed", c, c))
		} else if norm == "" {
			bad("number", fmt.Sprintf("must hold letters or digits: %q has none, and screening compares only those", truncate(n, 30)))
		} else if len(norm) > ident.MaxDocumentNumber {
			bad("number", fmt.Sprintf("must be at most %d letters and digits (screening compares those alone), got %d", ident.MaxDocumentNumber, len(norm)))
		}
		country("issuing_country", true)
		date("expiry_date")
	case core.KindVehicle:
		if str("vin") == "" && str("plate") == "" {
			bad("vin", "a vehicle needs a vin or a plate")
		}
		country("registration_country", false)
	case core.KindAsset:
		if str("asset_type") == "" {
			bad("asset_type", "is required: property, vehicle, account, business, cash, crypto or vessel")
		}
	case core.KindCyberIndicator:
		// Screening indexes an indicator by its type and value together;
		// each missing one is named.
		if str("type") == "" {
			bad("type", "is required: what the value is, such as domain, url, email, phone or iban")
		}
		if str("value") == "" {
			bad("value", "is required: the indicator itself, such as the domain or the address")
		}
	case core.KindNotice:
		if str("notice_type") == "" {
			bad("notice_type", "is required")
		}
	case core.KindEntity:
		if str("name") == "" {
			bad("name", "is required: the organisation's, vessel's or aircraft's name")
		}
	}
	if len(fs) > 0 {
		return nil, fs
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, []core.FieldError{{Field: "data", Reason: "must be a JSON object"}}
	}
	return buf.Bytes(), nil
}

// ParseDate reads a day (YYYY-MM-DD, taken as midnight UTC) or an RFC 3339 time.
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC().Truncate(time.Microsecond), err
}

// DateOfBirthProblem says why s cannot be a record's date of birth, or ""
// if it can: it must be a date the screening reads (screen.ParseDate:
// YYYY-MM-DD, YYYY-MM, YYYY or a range of years, 1850 to 2200), so that it
// plays its part in every screening, and not in the future. now is
// today; a day's leeway covers the time zones.
func DateOfBirthProblem(s string, now time.Time) string {
	d, err := screen.ParseDate(s)
	if err != nil || !d.Known() {
		return fmt.Sprintf("must be a date as YYYY-MM-DD, YYYY-MM, YYYY or a range of years YYYY..YYYY, from 1850 on (the dates screening reads), got %q", truncate(s, 30))
	}
	t := now.UTC().AddDate(0, 0, 1)
	if d.From > int32(t.Year()*10000+int(t.Month())*100+t.Day()) {
		return fmt.Sprintf("must not be in the future, got %q", truncate(s, 30))
	}
	return ""
}

// nameTypes checks that the names of a person or entity described by m
// have the JSON types screening reads: text for family_name, given_names,
// name and name_original; a list of names (text, or objects with
// given_names, family_name or name) for aliases and names. prefix is the
// path of m ("data.").
func nameTypes(prefix string, m map[string]any) []core.FieldError {
	fs := textTypes(prefix, m, "family_name", "given_names", "name", "name_original")
	for _, k := range []string{"aliases", "names"} {
		v, present := m[k]
		if !present || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			fs = append(fs, core.FieldError{Field: prefix + k, Reason: "must be a list of names, each text or an object with given_names, family_name or name; not " + jsonType(v)})
			continue
		}
		for i, x := range list {
			at := fmt.Sprintf("%s%s[%d]", prefix, k, i)
			switch x := x.(type) {
			case string:
			case map[string]any:
				fs = append(fs, textTypes(at+".", x, "given_names", "family_name", "name")...)
			default:
				fs = append(fs, core.FieldError{Field: at, Reason: "must be a name as text, or an object with given_names, family_name or name; not " + jsonType(x)})
			}
		}
	}
	return fs
}

// textTypes checks that each of keys, when m has it, is text. null is
// taken as absent.
func textTypes(prefix string, m map[string]any, keys ...string) []core.FieldError {
	var fs []core.FieldError
	for _, k := range keys {
		if v, present := m[k]; present && v != nil {
			if _, ok := v.(string); !ok {
				fs = append(fs, core.FieldError{Field: prefix + k, Reason: "must be text (a JSON string), not " + jsonType(v)})
			}
		}
	}
	return fs
}

// listTypes checks the documents and identifiers any kind of record may
// list: each a list of objects whose fields are text.
func listTypes(obj map[string]any) []core.FieldError {
	var fs []core.FieldError
	for _, l := range []struct {
		key, shape string
		fields     []string
	}{
		{"documents", `{"number", "country", "type"}`, []string{"number", "country", "issuing_country", "type"}},
		{"identifiers", `{"type", "value"}`, []string{"type", "value"}},
	} {
		v, present := obj[l.key]
		if !present || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			fs = append(fs, core.FieldError{Field: "data." + l.key, Reason: "must be a list of objects " + l.shape + ", not " + jsonType(v)})
			continue
		}
		for i, x := range list {
			at := fmt.Sprintf("data.%s[%d]", l.key, i)
			if m, ok := x.(map[string]any); ok {
				fs = append(fs, textTypes(at+".", m, l.fields...)...)
			} else {
				fs = append(fs, core.FieldError{Field: at, Reason: "must be an object " + l.shape + ", not " + jsonType(x)})
			}
		}
	}
	return fs
}

// jsonType names the JSON type of a decoded value, for an error.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "text"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	}
	return "an object"
}

func validPartialDate(s string) bool {
	if a, b, ok := strings.Cut(s, ".."); ok { // a range of years: 1960..1962
		return len(a) == 4 && len(b) == 4 && validPartialDate(a) && validPartialDate(b) && a <= b
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// refuse records a refused operation in its own transaction (the one that
// failed has rolled back) and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	e := audit.Entry(v, action, audit.OutcomeOf(err), ids...)
	if fe := firstField(err); fe != "" {
		e.Query = fe
	}
	audit.Record(ctx, s.Store, e)
	return err
}

func firstField(err error) string {
	if e, ok := err.(*core.Error); ok && len(e.Fields) > 0 {
		return e.Fields[0].Field + ": " + e.Fields[0].Reason
	}
	return ""
}

// Get returns a record if v may see it. A record v may not see looks the
// same as one that does not exist, and the attempt is audited.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string) (*core.Record, error) {
	var r *core.Record
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		r, err = tx.GetRecord(id)
		if err != nil {
			return err
		}
		if !access.CanSee(v, r) {
			r = nil
			return errHidden
		}
		return audit.Append(tx, audit.Entry(v, "record.read", audit.OK, id))
	})
	if err == errHidden {
		s.refuse(ctx, v, "record.read", core.Errorf(core.EFORBIDDEN, "hidden"), id)
		return nil, notFound()
	}
	if err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			s.refuse(ctx, v, "record.read", err, id)
		}
		return nil, err
	}
	return r, nil
}

var errHidden = core.Errorf(core.ENOTFOUND, "record not found")

func notFound() error { return core.Errorf(core.ENOTFOUND, "record not found") }

// Query selects records for a listing, a search or an export.
type Query struct {
	Kind      string
	Owner     string
	Status    string
	Text      string
	ReviewDue bool
	After     string
	Limit     int
}

// List returns one page of the records v may see, and the cursor of the
// next page ("" at the end). action names it in the audit log.
func (s *Service) List(ctx context.Context, v core.Viewer, q Query, action string) ([]*core.Record, string, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	f := core.RecordFilter{Visible: access.Visibility(v), Kind: q.Kind, Owner: q.Owner, Status: q.Status,
		Text: q.Text, After: q.After, Limit: q.Limit}
	// Review flags go to the owner only: review_due keeps to the caller's
	// bureau's records. Both filters hold, neither replaces the other, so
	// an owner that is another bureau's keeps nothing.
	none := false
	if q.ReviewDue {
		f.DueBefore = s.Now()
		if f.Owner == "" {
			f.Owner = v.Bureau
		} else if f.Owner != v.Bureau {
			none = true
		}
	}
	var page []*core.Record
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var rs []*core.Record
		if !none {
			var err error
			if rs, err = tx.ListRecords(f); err != nil {
				return err
			}
		}
		page = access.Filter(v, rs)
		next := ""
		if len(rs) == f.Limit {
			next = rs[len(rs)-1].ID
		}
		ids := make([]string, len(page))
		for i, r := range page {
			ids[i] = r.ID
		}
		e := audit.Entry(v, action, audit.OK, ids...)
		e.Query = q.summary()
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		q.After = next
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return page, q.After, nil
}

func (q Query) summary() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("kind", q.Kind)
	add("owner", q.Owner)
	add("status", q.Status)
	add("q", q.Text)
	if q.ReviewDue {
		add("review_due", "true")
	}
	add("after", q.After)
	return strings.Join(parts, " ")
}

// Export streams every record v may see, page by page, to emit. It is
// audited as one export naming every record sent.
func (s *Service) Export(ctx context.Context, v core.Viewer, q Query, emit func(*core.Record) error) (int, error) {
	q.Limit = 500
	n := 0
	for {
		page, next, err := s.List(ctx, v, q, "record.export")
		if err != nil {
			return n, err
		}
		for _, r := range page {
			if err := emit(r); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		q.After = next
	}
}

// Update changes a record. Only the owner bureau may, and only from the
// current version: a stale version is a conflict.
func (s *Service) Update(ctx context.Context, v core.Viewer, id string, in Input) (*core.Record, error) {
	return s.change(ctx, v, id, in.Version, "record.update", func(r *core.Record) error {
		if r.Status != core.StatusActive {
			return core.Errorf(core.ECONFLICT, "the record is %s and can no longer be changed", r.Status)
		}
		return s.apply(r, in, false)
	})
}

// Cancel ends a record for good, with a reason. It stays for the audit.
func (s *Service) Cancel(ctx context.Context, v core.Viewer, id string, version int64, reason string) (*core.Record, error) {
	return s.change(ctx, v, id, version, "record.cancel", func(r *core.Record) error {
		if err := checkReason(reason); err != nil {
			return err
		}
		if r.Status == core.StatusCancelled {
			return core.Errorf(core.ECONFLICT, "the record is already cancelled")
		}
		r.Status, r.StatusReason = core.StatusCancelled, strings.TrimSpace(reason)
		return nil
	})
}

// Extend keeps a record for another retention period from now, with a
// reason; an expired record becomes active again.
func (s *Service) Extend(ctx context.Context, v core.Viewer, id string, version int64, reason string) (*core.Record, error) {
	return s.change(ctx, v, id, version, "record.extend", func(r *core.Record) error {
		return s.extend(r, reason)
	})
}

// ExtendWith extends a record and changes its data in one write (an
// imported entry back on its list, with what the list says of it now):
// if the data is refused, the record stays as it was.
func (s *Service) ExtendWith(ctx context.Context, v core.Viewer, id string, reason string, in Input) (*core.Record, error) {
	return s.change(ctx, v, id, in.Version, "record.extend", func(r *core.Record) error {
		if err := s.extend(r, reason); err != nil {
			return err
		}
		return s.apply(r, in, false)
	})
}

func (s *Service) extend(r *core.Record, reason string) error {
	if err := checkReason(reason); err != nil {
		return err
	}
	if r.Status == core.StatusCancelled {
		return core.Errorf(core.ECONFLICT, "a cancelled record cannot be extended")
	}
	now := s.Now().UTC().Truncate(time.Microsecond)
	r.RetainUntil = now.AddDate(RetentionYears(r.Kind), 0, 0)
	r.ReviewDate = r.RetainUntil.AddDate(0, -ReviewNotice, 0)
	r.Status, r.StatusReason = core.StatusActive, "extended: "+strings.TrimSpace(reason)
	return nil
}

func checkReason(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return core.Invalid(core.FieldError{Field: "reason", Reason: "is required"})
	}
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		return core.Invalid(core.FieldError{Field: "reason", Reason: fmt.Sprintf("must be at most %d characters", MaxReasonLength)})
	}
	return nil
}

// change runs one owner-only, version-checked change in a transaction.
func (s *Service) change(ctx context.Context, v core.Viewer, id string, version int64, action string, mutate func(*core.Record) error) (*core.Record, error) {
	if version <= 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "version", Reason: "is required: the version your change is based on"}), id)
	}
	var r *core.Record
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		r, err = tx.GetRecord(id)
		if err != nil {
			return err
		}
		if !access.CanSee(v, r) {
			return notFound()
		}
		if !access.CanChange(v, r) {
			return core.Errorf(core.EFORBIDDEN, "only the owner bureau (%s) may change this record; you may comment or ask", r.Owner)
		}
		if r.Kind == core.KindNotice && !members.IsSecretariat(r.Owner) && !v.System {
			return core.Errorf(core.ECONFLICT, "a notice changes through /api/v1/notices/%s, which keeps its versions and review", r.ID)
		}
		if r.Version != version {
			return core.Errorf(core.ECONFLICT, "the record is at version %d, not %d: reload it and apply your change again", r.Version, version)
		}
		if err := mutate(r); err != nil {
			return err
		}
		r.Version++
		r.UpdatedAt = s.Now().UTC().Truncate(time.Microsecond)
		r.UpdatedBy = v.ActorName()
		if err := tx.UpdateRecord(r); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.changed()
	return r, nil
}

// ExpireDue marks active records past their retention as expired. Nothing
// is deleted. It returns how many it expired.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	sys := core.Viewer{System: true}
	n := 0
	for {
		var batch int
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			rs, err := tx.RecordsPastRetention(s.Now(), 200)
			if err != nil {
				return err
			}
			batch = len(rs)
			for _, r := range rs {
				r.Status, r.StatusReason = core.StatusExpired, "retention period ended"
				r.Version++
				r.UpdatedAt, r.UpdatedBy = s.Now().UTC().Truncate(time.Microsecond), "system:retention"
				if err := tx.UpdateRecord(r); err != nil {
					return err
				}
				if err := audit.Append(tx, audit.Entry(sys, "record.expire", audit.OK, r.ID)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += batch
		if batch > 0 {
			s.changed()
		}
		if batch < 200 {
			return n, nil
		}
	}
}

// Flags are the notices a record carries for its viewer.
func Flags(v core.Viewer, r *core.Record, now time.Time) []string {
	var fl []string
	if v.Bureau == r.Owner && r.Status == core.StatusActive && now.After(r.ReviewDate) {
		fl = append(fl, "review_due")
	}
	return fl
}

// AuditTrail pages through the audit entries naming a record, for admins
// and its owner bureau.
func (s *Service) AuditTrail(ctx context.Context, v core.Viewer, id string, after int64, limit int) ([]core.AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []core.AuditEntry
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		r, err := tx.GetRecord(id)
		if err != nil {
			return err
		}
		if !access.CanReadAudit(v, r) {
			if access.CanSee(v, r) {
				return core.Errorf(core.EFORBIDDEN, "only the owner bureau and administrators may read a record's audit trail")
			}
			return notFound()
		}
		out, err = tx.RecordAudit(id, after, limit)
		if err != nil {
			return err
		}
		// An entry may name other records (a listing page) and say what
		// another bureau asked: the trail shows only this record, and the
		// query text only of the viewer's own bureau.
		for i := range out {
			out[i].RecordIDs = []string{id}
			if out[i].Bureau != v.Bureau {
				out[i].Query = ""
			}
		}
		return audit.Append(tx, audit.Entry(v, "audit.read", audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "audit.read", err, id)
	}
	return out, nil
}
