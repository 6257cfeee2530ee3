package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
)

// STIX 2.1 and CSV for cyber-indicator records. Exports read through the
// records service (the access decision filters them); imports create the
// importer's records through it.

// TLP 2.0 marking definitions as STIX 2.1 publishes them.
const (
	TLPWhite = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	TLPGreen = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	TLPAmber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
	TLPRed   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
)

// Limits on imports.
const (
	MaxImportBytes      = 5 << 20
	MaxImportIndicators = 5000
)

// stixTypes maps our identifier types to STIX cyber-observable types and
// the property patterns compare; types STIX has no object for get an x-
// type of ours.
var stixTypes = map[string][2]string{
	"domain": {"domain-name", "value"}, "url": {"url", "value"}, "email": {"email-addr", "value"},
	"phone": {"x-manara-phone", "value"}, "iban": {"x-manara-iban", "value"},
	"btc": {"x-manara-crypto-wallet", "value"}, "eth": {"x-manara-crypto-wallet", "value"}, "trx": {"x-manara-crypto-wallet", "value"},
}

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string           `json:"type"`
	ID      string           `json:"id"`
	Objects []map[string]any `json:"objects"`
}

func tlpOf(rel core.Releasability) string {
	if rel.Mode == core.ReleaseAll {
		return TLPGreen
	}
	return TLPAmber
}

func pattern(typ, value string) (string, bool) {
	st, ok := stixTypes[typ]
	if !ok {
		return "", false
	}
	esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value)
	return fmt.Sprintf("[%s:%s = '%s']", st[0], st[1], esc), true
}

// ExportSTIX writes the cyber-indicator records v may see as one bundle:
// per record an indicator (pattern, TLP marking, our releasability in
// x_manara_releasability) and the observable it is about.
func (s *Service) ExportSTIX(ctx context.Context, v core.Viewer, w io.Writer) (int, error) {
	b := Bundle{Type: "bundle", ID: "bundle--" + uuid.NewString(), Objects: []map[string]any{}}
	n, err := s.Records.Export(ctx, v, records.Query{Kind: core.KindCyberIndicator}, func(r *core.Record) error {
		var d map[string]any
		json.Unmarshal(r.Data, &d)
		typ, _ := d["type"].(string)
		val, _ := d["value"].(string)
		p, ok := pattern(typ, val)
		if !ok {
			return nil
		}
		st := stixTypes[typ]
		obsID := st[0] + "--" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(typ+":"+val)).String()
		obs := map[string]any{"type": st[0], "spec_version": "2.1", "id": obsID, st[1]: val}
		if st[0] == "x-manara-crypto-wallet" {
			obs["currency"] = typ
		}
		name, _ := d["campaign_name"].(string)
		ind := map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--" + r.ID, "created": r.CreatedAt.Format(time.RFC3339Nano),
			"modified": r.UpdatedAt.Format(time.RFC3339Nano), "valid_from": r.CreatedAt.Format(time.RFC3339Nano), "pattern": p, "pattern_type": "stix",
			"indicator_types": []string{"malicious-activity"}, "name": strings.TrimSpace(typ + " " + val), "description": name,
			"object_marking_refs": []string{tlpOf(r.Releasability)}, "created_by_ref": "identity--" + uuid.NewSHA1(uuid.NameSpaceOID, []byte(r.Owner)).String(),
			"x_manara_owner": r.Owner, "x_manara_releasability": r.Releasability, "x_manara_observable_ref": obsID}
		b.Objects = append(b.Objects, ind, obs)
		return nil
	})
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return n, enc.Encode(b)
}

// ExportCSV writes the visible cyber-indicator records as CSV.
func (s *Service) ExportCSV(ctx context.Context, v core.Viewer, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "owner", "type", "value", "releasability", "countries", "campaign", "description"})
	n, err := s.Records.Export(ctx, v, records.Query{Kind: core.KindCyberIndicator}, func(r *core.Record) error {
		var d map[string]any
		json.Unmarshal(r.Data, &d)
		str := func(k string) string { x, _ := d[k].(string); return x }
		return cw.Write([]string{r.ID, r.Owner, str("type"), str("value"), r.Releasability.Mode, strings.Join(r.Releasability.Countries, " "), str("campaign"), str("description")})
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// ImportedIndicator is one indicator read from a file, before it is stored.
type ImportedIndicator struct {
	Type, Value, Description, Campaign string
	Releasability                      core.Releasability
	// Cut says which text fields were kept only in part, and to what
	// ("description was cut to 500 bytes"), so that the answer can say so.
	Cut []string
}

// The longest description and campaign name an imported indicator keeps;
// longer ones are cut (another tool's bundle is not refused for a long
// description), and the import's answer says which were.
const (
	MaxImportDescription = 500
	MaxImportCampaign    = 100
)

// clipped is s cut to n bytes, noting in cut that name was when it was.
func clipped(s string, n int, name string, cut *[]string) string {
	if len(s) > n {
		*cut = append(*cut, fmt.Sprintf("%s was cut to %d bytes", name, n))
	}
	return clip(s, n)
}

var patternRe = regexp.MustCompile(`^\[\s*([a-z0-9\-]+):([a-z_]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$`)

// ParseSTIX reads the indicators of a bundle. An indicator's releasability
// is its x_manara_releasability, or from its TLP marking: clear, white and
// green to all members; amber to the countries given (only the owner if
// none); red to nobody else.
func ParseSTIX(raw []byte, amberTo []string) ([]ImportedIndicator, error) {
	if len(raw) > MaxImportBytes {
		return nil, core.Errorf(core.ETOOLARGE, "the bundle is %d bytes; at most %d", len(raw), MaxImportBytes)
	}
	var b struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(raw, &b); err != nil || b.Type != "bundle" {
		return nil, core.Invalid(core.FieldError{Field: "bundle", Reason: "must be a STIX 2.1 bundle: {\"type\": \"bundle\", \"objects\": [...]}"})
	}
	reverse := map[string]string{}
	for k, v := range stixTypes {
		if _, dup := reverse[v[0]]; !dup || k < reverse[v[0]] {
			reverse[v[0]] = k
		}
	}
	var out []ImportedIndicator
	var fs []core.FieldError
	for i, o := range b.Objects {
		// Only the other types of object are passed over (observables,
		// identities, markings): an indicator that does not read is
		// refused, or the bundle would be imported short of it.
		var ind struct {
			Type        string              `json:"type"`
			Pattern     string              `json:"pattern"`
			PatternType string              `json:"pattern_type"`
			Description string              `json:"description"`
			Markings    []string            `json:"object_marking_refs"`
			Rel         *core.Releasability `json:"x_manara_releasability"`
		}
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(o, &head); err != nil {
			fs = append(fs, objectError(i, err))
			continue
		}
		if head.Type != "indicator" {
			continue
		}
		if err := json.Unmarshal(o, &ind); err != nil {
			fs = append(fs, objectError(i, err))
			continue
		}
		field := fmt.Sprintf("objects[%d].pattern", i)
		m := patternRe.FindStringSubmatch(strings.TrimSpace(ind.Pattern))
		if m == nil || ind.PatternType != "" && ind.PatternType != "stix" {
			fs = append(fs, core.FieldError{Field: field, Reason: "only single comparisons [type:property = 'value'] in STIX patterns are read"})
			continue
		}
		typ, ok := reverse[m[1]]
		if !ok {
			fs = append(fs, core.FieldError{Field: field, Reason: fmt.Sprintf("object type %q is not one Manara screens", m[1])})
			continue
		}
		val := strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(m[3])
		rel := core.Releasability{Mode: core.ReleaseAll}
		switch {
		case ind.Rel != nil:
			rel = *ind.Rel
		case slices.Contains(ind.Markings, TLPRed):
			rel = core.Releasability{Mode: core.ReleaseOnly}
		case slices.Contains(ind.Markings, TLPAmber):
			rel = core.Releasability{Mode: core.ReleaseOnly, Countries: amberTo}
		}
		var cut []string
		desc := clipped(ind.Description, MaxImportDescription, "description", &cut)
		out = append(out, ImportedIndicator{Type: typ, Value: val, Description: desc, Releasability: rel, Cut: cut})
		if len(out) > MaxImportIndicators {
			return nil, core.Errorf(core.ETOOLARGE, "at most %d indicators an import", MaxImportIndicators)
		}
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	return out, nil
}

// objectError names the part of the bundle's objects[i] that err (from
// reading it) is about, and what it should have been.
func objectError(i int, err error) core.FieldError {
	field := fmt.Sprintf("objects[%d]", i)
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return core.FieldError{Field: field, Reason: "must be a STIX object"}
	}
	if typ.Field != "" {
		field += "." + typ.Field
	}
	want := "a " + typ.Type.Kind().String()
	switch typ.Type.Kind() {
	case reflect.Slice:
		want = "a list"
	case reflect.Struct, reflect.Pointer, reflect.Map:
		want = "an object"
	}
	return core.FieldError{Field: field, Reason: fmt.Sprintf("must be %s, not %s", want, typ.Value)}
}

// ParseCSV reads indicators from CSV with a header naming at least type
// and value (and optionally releasability, countries, campaign, description).
func ParseCSV(raw []byte) ([]ImportedIndicator, error) {
	if len(raw) > MaxImportBytes {
		return nil, core.Errorf(core.ETOOLARGE, "the file is %d bytes; at most %d", len(raw), MaxImportBytes)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, core.Invalid(core.FieldError{Field: "csv", Reason: "needs a header line naming type and value"})
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["type"]; !ok {
		return nil, core.Invalid(core.FieldError{Field: "csv", Reason: "the header must name a type column"})
	}
	if _, ok := col["value"]; !ok {
		return nil, core.Invalid(core.FieldError{Field: "csv", Reason: "the header must name a value column"})
	}
	var out []ImportedIndicator
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, core.Invalid(core.FieldError{Field: fmt.Sprintf("line %d", line), Reason: "is not valid CSV"})
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rel := core.Releasability{Mode: core.ReleaseAll}
		if m := get("releasability"); m != "" {
			rel = core.Releasability{Mode: m, Countries: strings.FieldsFunc(get("countries"), func(r rune) bool { return r == ' ' || r == ';' || r == ',' })}
		}
		var cut []string
		campaign := clipped(get("campaign"), MaxImportCampaign, "campaign", &cut)
		desc := clipped(get("description"), MaxImportDescription, "description", &cut)
		out = append(out, ImportedIndicator{Type: strings.ToLower(get("type")), Value: get("value"), Campaign: campaign, Description: desc, Releasability: rel, Cut: cut})
		if len(out) > MaxImportIndicators {
			return nil, core.Errorf(core.ETOOLARGE, "at most %d indicators an import", MaxImportIndicators)
		}
	}
	return out, nil
}

// Import stores indicators as v's cyber-indicator records, all or none,
// each canonicalised by the screening parsers.
func (s *Service) Import(ctx context.Context, v core.Viewer, inds []ImportedIndicator) ([]*core.Record, error) {
	if len(inds) == 0 {
		return nil, core.Invalid(core.FieldError{Field: "indicators", Reason: "the file holds no indicator"})
	}
	var ins []records.Input
	var fs []core.FieldError
	for i, ind := range inds {
		p := fmt.Sprintf("indicators[%d].", i)
		typ, canon, err := screen.ResolveIdentifier(ind.Type, ind.Value)
		if err != nil {
			fs = append(fs, core.FieldError{Field: p + "value", Reason: core.ErrorMessage(err)})
		}
		for j, c := range ind.Releasability.Countries {
			if m, ok := members.Lookup(c); ok {
				ind.Releasability.Countries[j] = m.Alpha2
			}
		}
		rel := ind.Releasability
		if rel.Mode == core.ReleaseOnly && len(rel.Countries) == 0 {
			// TLP:RED, or AMBER with no country named: the owner alone
			// (the owner is dropped from the list it is validated with).
			rel.Countries = []string{v.Bureau}
		}
		// Checked here rather than left to the records, so that every
		// fault of the file comes back at once, named by its indicator.
		_, rfs := records.ValidateReleasability(rel, v.Bureau)
		for _, e := range rfs {
			e.Field = p + e.Field
			fs = append(fs, e)
		}
		if err != nil || len(rfs) > 0 {
			continue
		}
		data, _ := json.Marshal(map[string]any{"type": typ, "value": canon, "campaign": ind.Campaign, "description": ind.Description, "source": "import"})
		ins = append(ins, records.Input{Kind: core.KindCyberIndicator, Releasability: &rel, Data: data})
	}
	if len(fs) > 0 {
		if len(fs) > 50 {
			fs = fs[:50]
		}
		return nil, core.Invalid(fs...)
	}
	recs, err := s.Records.CreateMany(ctx, v, ins)
	// The records name their inputs; ins is inds one for one (nothing
	// was left out, or the import stopped above), so inputs[i] is the
	// file's indicators[i].
	var e *core.Error
	if errors.As(err, &e) {
		for j := range e.Fields {
			if rest, ok := strings.CutPrefix(e.Fields[j].Field, "inputs["); ok {
				e.Fields[j].Field = "indicators[" + rest
			}
		}
	}
	return recs, err
}
