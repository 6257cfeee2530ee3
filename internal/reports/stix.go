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
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
)

// STIX 2.1 and CSV for cyber-indicator records. Exports read through the
// records service (the access decision filters them); imports create the
// importer's records through it.

// TLP 1.0 marking definitions as the STIX 2.1 specification predefines
// them (exports mark with these; the TLP 2.0 ones are in stixmark.go).
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

// tlpOf is the TLP marking an exported record goes out with. A record its
// owner marked "no further dissemination" stays with the bureau that
// exports it, whoever it is released to: TLP 2.0 AMBER+STRICT, the
// recipient's organisation only (GREEN would invite passing it on).
func tlpOf(r *core.Record) string {
	if slices.Contains(r.Caveats, core.CaveatNoFurtherDissemination) {
		return TLP2AmberStrict
	}
	if r.Releasability.Mode == core.ReleaseAll {
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
// x_manara_releasability) and the observable it is about, and per owner
// the identity its indicators' created_by_ref names.
func (s *Service) ExportSTIX(ctx context.Context, v core.Viewer, w io.Writer) (int, error) {
	b := Bundle{Type: "bundle", ID: "bundle--" + uuid.NewString(), Objects: []map[string]any{}}
	var owners []string
	firstSeen := map[string]time.Time{} // owner → the earliest of its records exported
	observed := map[string]bool{}       // observables already in the bundle
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
		if t, ok := firstSeen[r.Owner]; !ok || r.CreatedAt.Before(t) {
			if !ok {
				owners = append(owners, r.Owner)
			}
			firstSeen[r.Owner] = r.CreatedAt
		}
		name, _ := d["campaign_name"].(string)
		ind := map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--" + r.ID, "created": r.CreatedAt.Format(time.RFC3339Nano),
			"modified": r.UpdatedAt.Format(time.RFC3339Nano), "valid_from": r.CreatedAt.Format(time.RFC3339Nano), "pattern": p, "pattern_type": "stix",
			"indicator_types": []string{"malicious-activity"}, "name": strings.TrimSpace(typ + " " + val), "description": name,
			"object_marking_refs": []string{tlpOf(r)}, "created_by_ref": identityID(r.Owner),
			"x_manara_owner": r.Owner, "x_manara_releasability": r.Releasability, "x_manara_observable_ref": obsID}
		if len(r.Caveats) > 0 {
			ind["x_manara_caveats"] = r.Caveats
		}
		b.Objects = append(b.Objects, ind)
		if !observed[obsID] {
			observed[obsID] = true
			b.Objects = append(b.Objects, obs)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// The identities go first, so that a reader meets what created_by_ref
	// names before the indicators naming it.
	ids := make([]map[string]any, 0, len(owners)+len(b.Objects))
	for _, o := range owners {
		at := firstSeen[o].Format(time.RFC3339Nano)
		name := "National Central Bureau " + o
		if c, ok := members.Lookup(o); ok {
			name = fmt.Sprintf("National Central Bureau, %s (%s)", c.NameEN, o)
		} else if members.IsSecretariat(o) {
			name = "INTERPOL General Secretariat"
		}
		ids = append(ids, map[string]any{"type": "identity", "spec_version": "2.1", "id": identityID(o), "created": at, "modified": at,
			"name": name, "identity_class": "organization", "x_manara_bureau": o})
	}
	b.Objects = append(ids, b.Objects...)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return n, enc.Encode(b)
}

// identityID is the id of the STIX identity of bureau owner (the same in
// every export).
func identityID(owner string) string {
	return "identity--" + uuid.NewSHA1(uuid.NameSpaceOID, []byte(owner)).String()
}

// formulaStart are the first characters that make a spreadsheet read a
// CSV cell as a formula (OWASP, CSV injection), and the quote that
// neutralises them, so that a cell starting with it is quoted in turn and
// csvCell is undone exactly by csvUncell.
const formulaStart = "=+-@\t\r'"

// csvCell is s as the CSV export writes it: prefixed with a single quote
// when it starts with one of formulaStart ("=HYPERLINK(…)" → "'=HYPERLINK(…)",
// "+212612345678" → "'+212612345678"), so that a spreadsheet shows it as
// text rather than running it.
func csvCell(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvUncell undoes csvCell: a cell of a CSV import that is a single quote
// before one of formulaStart loses the quote, so that our own export
// imports as it was exported.
func csvUncell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// ExportCSV writes the visible cyber-indicator records as CSV, every cell
// through csvCell (a phone's +, a description's =, …).
func (s *Service) ExportCSV(ctx context.Context, v core.Viewer, w io.Writer) (int, error) {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "owner", "type", "value", "releasability", "countries", "campaign", "description", "caveats"})
	n, err := s.Records.Export(ctx, v, records.Query{Kind: core.KindCyberIndicator}, func(r *core.Record) error {
		var d map[string]any
		json.Unmarshal(r.Data, &d)
		str := func(k string) string { x, _ := d[k].(string); return x }
		row := []string{r.ID, r.Owner, str("type"), str("value"), r.Releasability.Mode, strings.Join(r.Releasability.Countries, " "), str("campaign"), str("description"),
			strings.Join(r.Caveats, " ")}
		for i := range row {
			row[i] = csvCell(row[i])
		}
		return cw.Write(row)
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
	// Notes holds what the answer's notes say of this indicator, each
	// naming a field of it: which text fields were kept only in part, and
	// to what ("description was cut to 500 bytes"), or why it was passed
	// over ("revoked is true (indicator--…): passed over, not imported").
	Notes []string
	// PassedOver is set for an indicator read from the file but not to be
	// imported: its producer revoked it, or its valid_until has passed.
	// It keeps its place, so that the file's indicators[i] stays the i-th
	// indicator of the file; Import leaves it out.
	PassedOver bool
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
// is its x_manara_releasability, or from its TLP markings (TLP 1.0 or 2.0,
// predefined or marking-definition objects of the bundle; the narrowest
// when there are several): CLEAR, WHITE and GREEN to all members; AMBER
// to the countries given (only the importer if none); RED, AMBER+STRICT
// (TLP 2.0: the recipient's organisation only) or no TLP marking at all,
// to the importer alone. A marking that is
// not one of those, nor a statement, is refused naming the indicator's
// object_marking_refs: its audience cannot be told, and is never widened.
// An indicator its producer revoked, or whose valid_until has passed, is
// passed over (PassedOver, and Notes says why).
func ParseSTIX(raw []byte, amberTo []string) ([]ImportedIndicator, error) {
	return parseSTIX(raw, amberTo, time.Now())
}

func parseSTIX(raw []byte, amberTo []string, now time.Time) ([]ImportedIndicator, error) {
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
	// First the objects indicators refer to: the bundle's marking
	// definitions, and its wallets' currencies (by id and by value).
	markings := map[string]tlpLevel{}
	type wallet struct {
		currency string
		at       int
	}
	walletByID, walletByValue := map[string]wallet{}, map[string]wallet{}
	for i, o := range b.Objects {
		var head struct {
			Type     string `json:"type"`
			ID       string `json:"id"`
			Value    string `json:"value"`
			Currency string `json:"currency"`
		}
		if json.Unmarshal(o, &head) != nil {
			continue // the loop below names it
		}
		switch head.Type {
		case "marking-definition":
			if _, ok := predefinedTLP[head.ID]; !ok && head.ID != "" {
				markings[head.ID] = readMarking(o)
			}
		case "x-manara-crypto-wallet":
			if head.Currency != "" {
				w := wallet{strings.ToLower(strings.TrimSpace(head.Currency)), i}
				walletByID[head.ID] = w
				walletByValue[head.Value] = w
			}
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
			ID          string              `json:"id"`
			Pattern     string              `json:"pattern"`
			PatternType string              `json:"pattern_type"`
			Description string              `json:"description"`
			Markings    []string            `json:"object_marking_refs"`
			Rel         *core.Releasability `json:"x_manara_releasability"`
			ObsRef      string              `json:"x_manara_observable_ref"`
			Revoked     bool                `json:"revoked"`
			ValidUntil  string              `json:"valid_until"`
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
		// What is no longer evidence is passed over, and said to be, before
		// its pattern is read: a feed carries revoked indicators of
		// patterns of every kind.
		var gone string
		if ind.Revoked {
			gone = "revoked is true"
		} else if ind.ValidUntil != "" {
			until, err := time.Parse(time.RFC3339Nano, ind.ValidUntil)
			if err != nil {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("objects[%d].valid_until", i), Reason: "must be a STIX timestamp (2026-01-31T00:00:00Z)"})
				continue
			}
			if !until.After(now) {
				gone = fmt.Sprintf("valid_until %s has passed", until.UTC().Format(time.RFC3339))
			}
		}
		if gone != "" {
			if ind.ID != "" {
				gone += " (" + clip(ind.ID, 100) + ")"
			}
			out = append(out, ImportedIndicator{PassedOver: true, Notes: []string{gone + ": passed over, not imported"}})
			if len(out) > MaxImportIndicators {
				return nil, core.Errorf(core.ETOOLARGE, "at most %d indicators an import", MaxImportIndicators)
			}
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
		if m[1] == "x-manara-crypto-wallet" {
			// The currency is the observable's (ours names it in
			// x_manara_observable_ref); without one, the address's own.
			w, ok := walletByID[ind.ObsRef]
			if !ok {
				w, ok = walletByValue[val]
			}
			switch {
			case !ok:
				typ = walletKind(val)
			case w.currency == "btc" || w.currency == "eth" || w.currency == "trx":
				typ = w.currency
			default:
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("objects[%d].currency", w.at), Reason: fmt.Sprintf("%q is not a currency Manara screens: btc, eth or trx", clip(w.currency, 20))})
				continue
			}
		}
		level := tlpStatement // no TLP marking
		bad := false
		for _, ref := range ind.Markings {
			l, ok := predefinedTLP[ref]
			if !ok {
				l = markings[ref]
			}
			if l == tlpUnknown {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("objects[%d].object_marking_refs", i),
					Reason: fmt.Sprintf("%q is not a TLP marking Manara reads (TLP 1.0 or 2.0, predefined or a marking-definition of the bundle): the indicator's audience cannot be told", clip(ref, 100))})
				bad = true
				break
			}
			level = max(level, l)
		}
		if bad {
			continue
		}
		var rel core.Releasability
		switch {
		case ind.Rel != nil:
			rel = *ind.Rel
		case level == tlpAll:
			rel = core.Releasability{Mode: core.ReleaseAll}
		case level == tlpAmber:
			rel = core.Releasability{Mode: core.ReleaseOnly, Countries: slices.Clone(amberTo)}
		default: // RED, or no TLP marking: the importer alone
			rel = core.Releasability{Mode: core.ReleaseOnly}
		}
		var cut []string
		desc := clipped(ind.Description, MaxImportDescription, "description", &cut)
		out = append(out, ImportedIndicator{Type: typ, Value: val, Description: desc, Releasability: rel, Notes: cut})
		if len(out) > MaxImportIndicators {
			return nil, core.Errorf(core.ETOOLARGE, "at most %d indicators an import", MaxImportIndicators)
		}
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	return out, nil
}

// walletKind is the currency of a wallet address as the identifier
// parser reads it (btc, eth or trx); one it does not read is taken for
// the kind its form suggests, so that the import's refusal says why.
func walletKind(val string) string {
	if a, err := ident.ParseCrypto(val); err == nil {
		return string(a.Kind)
	}
	switch t := strings.TrimSpace(val); {
	case strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X"):
		return "eth"
	case strings.HasPrefix(t, "T"):
		return "trx"
	}
	return "btc"
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
// A cell that is a single quote before = + - @ ' (or a tab or carriage
// return) loses the quote: it is how ExportCSV neutralises formulas, and
// our own export imports as it was exported.
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
				return csvUncell(strings.TrimSpace(rec[i]))
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
		out = append(out, ImportedIndicator{Type: strings.ToLower(get("type")), Value: get("value"), Campaign: campaign, Description: desc, Releasability: rel, Notes: cut})
		if len(out) > MaxImportIndicators {
			return nil, core.Errorf(core.ETOOLARGE, "at most %d indicators an import", MaxImportIndicators)
		}
	}
	return out, nil
}

// Import stores indicators as v's cyber-indicator records, all or none,
// each canonicalised by the screening parsers. Those passed over
// (revoked or expired) are not stored; when all are, nothing is, and the
// answer is no record (the notes say why).
func (s *Service) Import(ctx context.Context, v core.Viewer, inds []ImportedIndicator) ([]*core.Record, error) {
	if len(inds) == 0 {
		return nil, core.Invalid(core.FieldError{Field: "indicators", Reason: "the file holds no indicator"})
	}
	ins := []records.Input{}
	var at []int // at[j] is the file's indicator ins[j] was made from
	var fs []core.FieldError
	for i, ind := range inds {
		if ind.PassedOver {
			continue
		}
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
		at = append(at, i)
	}
	if len(fs) > 0 {
		if len(fs) > 50 {
			fs = fs[:50]
		}
		return nil, core.Invalid(fs...)
	}
	// Called even with nothing to store (all passed over), so that who
	// may not create records is refused all the same.
	recs, err := s.Records.CreateMany(ctx, v, ins)
	// The records name their inputs; inputs[j] is the file's
	// indicators[at[j]] (only those passed over were left out, or the
	// import stopped above).
	var e *core.Error
	if errors.As(err, &e) {
		for k := range e.Fields {
			rest, ok := strings.CutPrefix(e.Fields[k].Field, "inputs[")
			num, tail, ok2 := strings.Cut(rest, "]")
			j, err := strconv.Atoi(num)
			if ok && ok2 && err == nil && j >= 0 && j < len(at) {
				e.Fields[k].Field = fmt.Sprintf("indicators[%d]%s", at[j], tail)
			}
		}
	}
	return recs, err
}
