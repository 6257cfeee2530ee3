package imports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Sources of the JSON-lines readers.
const (
	SourceFTM     = "ftm"
	SourceSenzing = "senzing"
)

// ftmLine is one line of a FollowTheMoney export (entities.ftm.json), as
// decoded: the properties stay raw until the schema says which are read.
type ftmLine struct {
	ID         string                     `json:"id"`
	Schema     string                     `json:"schema"`
	Properties map[string]json.RawMessage `json:"properties"`
	Target     *bool                      `json:"target"`
}

// ftmEntity is what is kept of one entity until the end of the file: the
// values of the properties its schema reads, cleaned, empty ones left out,
// at most maxRecordParts a property. Property values are strings in the
// flat exports; anything else (a nested entity of the "nested" exports) is
// ignored.
type ftmEntity struct {
	ID     string
	Schema string
	props  []ftmProp
	line   int
}

// ftmProp holds the values of one property joined by "\x00" (which clean
// leaves in no value), so that a value costs its bytes and no more.
type ftmProp struct {
	name   string
	values string
}

// prop returns the values of a property.
func (e *ftmEntity) prop(name string) []string {
	for _, p := range e.props {
		if p.name == name {
			return strings.Split(p.values, "\x00")
		}
	}
	return nil
}

func (e *ftmEntity) first(name string) string {
	for _, p := range e.props {
		if p.name == name {
			v, _, _ := strings.Cut(p.values, "\x00")
			return v
		}
	}
	return ""
}

// ftmRead are the properties read of the entities of each kind: subjects,
// the schemata in ftmAdjuncts, and addresses.
var ftmRead = map[string][]string{
	"subject": {"name", "firstName", "secondName", "middleName", "fatherName", "lastName", "alias", "previousName",
		"birthDate", "birthPlace", "gender", "nationality", "citizenship", "jurisdiction", "country", "flag", "mainCountry",
		"passportNumber", "idNumber", "taxNumber", "innCode", "vatCode", "registrationNumber", "ogrnCode",
		"email", "website", "phone", "imoNumber", "mmsi", "callSign", "swiftBic", "leiCode",
		"address", "addressEntity", "program", "topics", "notes"},
	"Passport":       {"holder", "number", "passportNumber", "country", "type"},
	"Identification": {"holder", "number", "passportNumber", "country", "type"},
	"Sanction":       {"entity", "program", "authority", "listingDate", "startDate", "reason"},
	"CryptoWallet":   {"holder", "publicKey", "currency"},
	"Address":        {"full", "street", "city", "postalCode", "region", "country"},
}

// ftmKeep makes the entity of l, keeping the properties named; values
// past maxRecordParts are ignored with a warning.
func ftmKeep(w *warnings, where string, line int, l *ftmLine, names []string) *ftmEntity {
	e := &ftmEntity{ID: l.ID, Schema: l.Schema, line: line}
	var b []byte
	for _, name := range names {
		raw, ok := l.Properties[name]
		if !ok {
			continue
		}
		b = b[:0]
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token() // '[' (or null)
		for n := 0; dec.More(); n++ {
			if n == maxRecordParts {
				w.add(where, name, fmt.Sprintf("more than %d values; the rest ignored", maxRecordParts))
				break
			}
			var v json.RawMessage
			if dec.Decode(&v) != nil {
				break
			}
			var s string
			if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
				continue
			}
			if s, _, _ = clean(s); s == "" {
				continue
			}
			if len(b) > 0 {
				b = append(b, 0)
			}
			b = append(b, s...)
		}
		if len(b) > 0 {
			e.props = append(e.props, ftmProp{name: name, values: string(b)}) // a copy of its own size
		}
	}
	return e
}

// badProperties says what is wrong with the properties of l: each must
// be a list of values.
func badProperties(l *ftmLine) string {
	for name, raw := range l.Properties {
		if t := jsonKind(raw); t != "array" && t != "null" {
			return fmt.Sprintf("field %q is a JSON %s, want a list of values", "properties."+name, t)
		}
	}
	return ""
}

// jsonKind names the kind of a JSON value from its first byte.
func jsonKind(raw json.RawMessage) string {
	t := trimSpaceBytes(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '[':
		return "array"
	case '{':
		return "object"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// FtM schemata read as listed subjects; the kind each becomes.
var ftmSubjects = map[string]string{
	"Person": KindIndividual, "Organization": KindEntity, "Company": KindEntity, "LegalEntity": KindEntity,
	"PublicBody": KindEntity, "Vessel": KindVessel, "Airplane": KindAircraft,
}

// FtM schemata that add to the subject they point at, and the property
// that points.
var ftmAdjuncts = map[string]string{
	"Passport": "holder", "Identification": "holder", "Sanction": "entity", "CryptoWallet": "holder",
}

// ReadFTM reads FollowTheMoney entities, one JSON object a line, as
// OpenSanctions publishes them (entities.ftm.json): {id, schema,
// properties{name: […], birthDate: […], …}, target}. Person,
// Organization, Company, LegalEntity, PublicBody, Vessel and Airplane
// entities become subjects; Passport and Identification (holder),
// Sanction (entity), CryptoWallet (holder) and Address (an entity's
// addressEntity) entities are joined to the subject they name, whichever
// comes first in the file. Entities marked "target": false (relatives,
// associates and owned companies, present only as context) and other
// schemata (Ownership, Family, Position…) are not subjects; they are
// counted in one warning. A line that is not a JSON entity, or a subject
// without a name, is skipped with a warning naming the line.
func ReadFTM(r io.Reader) ([]Subject, []Warning, error) {
	if r == nil {
		return nil, nil, errors.New("ftm: no input")
	}
	var (
		w         warnings
		subjects  []*ftmEntity
		pointing  []*ftmEntity // Passport, Identification, Sanction, CryptoWallet
		addresses = map[string]*ftmEntity{}
		seen      = map[string]int{} // id -> line, to name duplicates
		context   int
		other     = map[string]int{}
	)
	err := readLines("ftm", r, &w, func(line int, b []byte) error {
		var l ftmLine
		if err := json.Unmarshal(b, &l); err != nil {
			w.skip(fmt.Sprintf("line %d", line), "", fmt.Sprintf("not a JSON entity: %v; line skipped", jsonReason(err)))
			return nil
		}
		if reason := badProperties(&l); reason != "" {
			w.skip(fmt.Sprintf("line %d", line), "", "not a JSON entity: "+reason+"; line skipped")
			return nil
		}
		where := fmt.Sprintf("line %d", line)
		if l.ID == "" || l.Schema == "" {
			w.skip(where, "", "no id or no schema; line skipped")
			return nil
		}
		where = fmt.Sprintf("line %d (%s)", line, truncateForMessage(l.ID))
		if first, dup := seen[l.ID]; dup {
			w.skip(where, "id", fmt.Sprintf("already read on line %d; line skipped", first))
			return nil
		}
		seen[l.ID] = line
		_, subject := ftmSubjects[l.Schema]
		_, adjunct := ftmAdjuncts[l.Schema]
		var read []string
		switch {
		case subject && l.Target != nil && !*l.Target:
			context++
			return nil
		case subject:
			if len(subjects) >= maxSubjects {
				return fmt.Errorf("ftm: %s: more than %d entities: %w", where, maxSubjects, ErrTooLarge)
			}
			read = ftmRead["subject"]
		case adjunct || l.Schema == "Address":
			read = ftmRead[l.Schema]
		default:
			other[l.Schema]++
			return nil
		}
		e := ftmKeep(&w, where, line, &l, read)
		switch {
		case subject:
			subjects = append(subjects, e)
		case adjunct:
			pointing = append(pointing, e)
		default:
			addresses[e.ID] = e
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if w.seen == 0 {
		return nil, nil, errors.New("ftm: empty input")
	}
	// Join each Passport, Identification, Sanction and CryptoWallet to the
	// subjects it names, at most maxRecordParts a subject.
	index := make(map[string]int, len(subjects))
	for i, e := range subjects {
		index[e.ID] = i
	}
	adjuncts := make([][]*ftmEntity, len(subjects))
	for _, a := range pointing {
		for _, id := range a.prop(ftmAdjuncts[a.Schema]) {
			if i, ok := index[id]; ok && len(adjuncts[i]) < maxRecordParts {
				adjuncts[i] = append(adjuncts[i], a)
			}
		}
	}
	out := make([]Subject, 0, len(subjects))
	for i, e := range subjects {
		if s, ok := ftmSubject(&w, e, adjuncts[i], addresses); ok {
			out = append(out, s)
		}
	}
	if err := w.check("ftm"); err != nil {
		return nil, nil, err
	}
	if context > 0 {
		w.add("input", "target", fmt.Sprintf("%d persons or organisations marked \"target\": false (relatives, associates, owned companies) not imported", context))
	}
	if len(other) > 0 {
		var parts []string
		for _, name := range sortedKeys(other) {
			parts = append(parts, fmt.Sprintf("%s %d", name, other[name]))
		}
		w.add("input", "schema", "entities of other schemata not imported: "+strings.Join(parts, ", "))
	}
	return out, w.result(), nil
}

// ftmSubject builds the subject of e, with what the entities pointing at
// it add.
func ftmSubject(w *warnings, e *ftmEntity, adj []*ftmEntity, addresses map[string]*ftmEntity) (Subject, bool) {
	where := fmt.Sprintf("line %d (%s)", e.line, truncateForMessage(e.ID))
	s := Subject{Source: SourceFTM, SourceID: "ftm:" + e.ID, Kind: ftmSubjects[e.Schema]}
	names := e.prop("name")
	if len(names) == 0 {
		// A person may carry only its name parts.
		full := joinNonEmpty(" ", e.first("firstName"), e.first("secondName"), e.first("middleName"), e.first("fatherName"), e.first("lastName"))
		if full != "" {
			names = []string{full}
		}
	}
	if len(names) == 0 {
		w.skip(where, "name", "no name; entity skipped")
		return Subject{}, false
	}
	s.Name = names[0]
	s.Aliases = append(append(append(s.Aliases, names[1:]...), e.prop("alias")...), e.prop("previousName")...)
	s.Aliases = dedupe(s.Aliases, s.Name)
	for _, v := range e.prop("birthDate") {
		if d, ok := parseISODate(v); ok {
			s.DatesOfBirth = addDate(s.DatesOfBirth, d)
		} else {
			w.add(where, "birthDate", fmt.Sprintf("%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD); dropped", truncateForMessage(v)))
		}
	}
	s.PlaceOfBirth = e.first("birthPlace")
	switch strings.ToLower(e.first("gender")) {
	case "male", "m":
		s.Sex = "M"
	case "female", "f":
		s.Sex = "F"
	}
	countryProps := []string{"nationality", "citizenship"}
	if s.Kind != KindIndividual {
		countryProps = []string{"jurisdiction", "country", "flag", "mainCountry"}
	}
	for _, prop := range countryProps {
		for _, c := range e.prop(prop) {
			s.Nationalities = addString(s.Nationalities, ftmCountry(w, where, prop, c))
		}
	}
	for _, m := range []struct{ prop, typ string }{
		{"passportNumber", DocPassport}, {"idNumber", DocNationalID}, {"taxNumber", DocTaxID}, {"innCode", DocTaxID},
		{"vatCode", DocTaxID}, {"registrationNumber", DocRegistration}, {"ogrnCode", DocRegistration},
	} {
		for _, v := range e.prop(m.prop) {
			s.Documents = addDocument(s.Documents, Document{Type: m.typ, Number: v})
		}
	}
	for _, m := range []struct{ prop, typ string }{
		{"email", IDEmail}, {"website", IDURL}, {"phone", IDPhone}, {"imoNumber", IDIMO}, {"mmsi", IDMMSI},
		{"callSign", IDCallSign}, {"swiftBic", IDSWIFT}, {"leiCode", IDOther},
	} {
		for _, v := range e.prop(m.prop) {
			s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: m.typ, Value: v})
		}
	}
	for _, a := range e.prop("address") {
		s.Addresses = append(s.Addresses, Address{Street: a})
	}
	for _, id := range e.prop("addressEntity") {
		if a, ok := addresses[id]; ok {
			full := a.first("full")
			if full == "" {
				full = joinNonEmpty(", ", a.first("street"), a.first("city"), a.first("postalCode"), a.first("region"))
			}
			s.Addresses = append(s.Addresses, Address{Street: full, City: a.first("city"), Region: a.first("region"),
				PostalCode: a.first("postalCode"), Country: ftmCountry(w, where, "addressEntity", a.first("country"))})
		}
	}
	for _, p := range e.prop("program") {
		s.Programs = addString(s.Programs, p)
	}
	for _, t := range e.prop("topics") {
		s.Programs = addString(s.Programs, t)
	}
	var notes []string
	notes = append(notes, e.prop("notes")...)
	for _, a := range adj {
		switch a.Schema {
		case "Passport", "Identification":
			num := a.first("number")
			if num == "" {
				num = a.first("passportNumber")
			}
			if num == "" {
				continue
			}
			typ := DocPassport
			if a.Schema == "Identification" {
				typ, _ = docType(a.first("type"))
				if typ == DocOther && a.first("type") == "" {
					typ = DocNationalID
				}
			}
			s.Documents = addDocument(s.Documents, Document{Type: typ, Number: num, Country: ftmCountry(w, where, "country", a.first("country")), Note: a.first("type")})
		case "Sanction":
			for _, p := range a.prop("program") {
				s.Programs = addString(s.Programs, p)
			}
			if len(a.prop("program")) == 0 {
				for _, au := range a.prop("authority") {
					s.Programs = addString(s.Programs, au)
				}
			}
			for _, prop := range []string{"listingDate", "startDate"} {
				for _, v := range a.prop(prop) {
					if d, ok := parseISODate(v); ok && d.Day > 0 && (s.ListedOn == "" || d.String() < s.ListedOn) {
						s.ListedOn = d.String()
					}
				}
			}
			notes = append(notes, a.prop("reason")...)
		case "CryptoWallet":
			if key := a.first("publicKey"); key != "" {
				s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: strings.ToLower(firstNonEmpty(a.first("currency"), IDOther)), Value: key})
			}
		}
	}
	s.Remarks = cutString(strings.Join(dedupe(notes), " "), maxFieldBytes)
	return s, true
}

// ftmCountry maps an FtM country code ("ru", "gb", "suhh") or a country
// name to ISO alpha-2; an unknown one is kept as given with a warning.
func ftmCountry(w *warnings, where, field, c string) string {
	if c == "" {
		return ""
	}
	if code, ok := ResolveCountry(strings.ToUpper(c)); ok {
		return code
	}
	v, known := resolveCountry(c)
	if !known {
		w.add(where, field, fmt.Sprintf("unknown country %q; kept as given", truncateForMessage(c)))
	}
	return v
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ErrCutShort is wrapped by the error returned for a JSON-lines input
// whose last line has no line end and is not complete JSON.
var ErrCutShort = errors.New("the file is cut short")

// readLines passes each non-blank line of a JSON-lines input to fn, with
// its number. Lines over maxRunBytes and inputs over maxInputBytes are
// refused, and so is an input whose last line has no line end and is not
// complete JSON: a download cut short is not the list, and read as one
// bad line it would have every entry past the cut cancelled.
func readLines(name string, r io.Reader, w *warnings, fn func(line int, b []byte) error) error {
	br := bufio.NewReaderSize(newLimitReader(r, name, '\n', "line"), 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	var buf []byte
	for line := 1; ; line++ {
		buf = buf[:0]
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			buf = append(buf, chunk...)
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			if errors.Is(err, ErrTooLarge) {
				return err
			}
			return fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		if t := trimSpaceBytes(buf); len(t) > 0 {
			if err == io.EOF && !json.Valid(t) {
				return fmt.Errorf("%s: line %d: %w: its last line has no line end and is not complete JSON; nothing was imported (download the file again)", name, line, ErrCutShort)
			}
			w.seen++
			if ferr := fn(line, t); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

func trimSpaceBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// jsonReason shortens a JSON decoding error to what a user can act on.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("bad JSON at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q is a JSON %s, want %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}
