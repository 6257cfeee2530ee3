package imports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadSenzing reads Senzing JSON records, one a line, as OpenSanctions and
// others publish them for entity resolution: {DATA_SOURCE, RECORD_ID,
// RECORD_TYPE, NAMES: [{NAME_TYPE, NAME_FULL…}], DATES: [{DATE_OF_BIRTH}],
// COUNTRIES: [{NATIONALITY}], IDENTIFIERS…}. Attributes are read wherever
// they are: at the top level (the flat layout) or in the objects of any
// list (the grouped layout, where one object holds one name, one address,
// one document…).
//
// RECORD_TYPE PERSON is an individual and ORGANIZATION an entity; without
// a record type, a record with a date of birth, a gender or name parts is
// read as a person and one with NAME_ORG as an organisation. Others (the
// positions a PEP list describes, such as "United States senator") are
// not subjects; they are counted in one warning. A line that is not a
// JSON object, or has no RECORD_ID or no name, or repeats the DATA_SOURCE
// (in any case) and RECORD_ID of an earlier line, is skipped with a
// warning.
func ReadSenzing(r io.Reader) ([]Subject, []Warning, error) {
	if r == nil {
		return nil, nil, errors.New("senzing: no input")
	}
	var (
		w        warnings
		out      []Subject
		seen     = map[string]int{}
		notParty int
	)
	err := readLines("senzing", r, &w, func(line int, b []byte) error {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(b, &probe); err != nil {
			w.skip(fmt.Sprintf("line %d", line), "", fmt.Sprintf("not a JSON object: %v; line skipped", jsonReason(err)))
			return nil
		}
		rec := jsonFields(b)
		s, where, ok := senzingSubject(&w, line, rec, seen)
		switch {
		case !ok:
		case s.Kind == "":
			notParty++
		default:
			if len(out) >= maxSubjects {
				return fmt.Errorf("senzing: %s: more than %d records: %w", where, maxSubjects, ErrTooLarge)
			}
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if w.seen == 0 {
		return nil, nil, errors.New("senzing: empty input")
	}
	if err := w.check("senzing"); err != nil {
		return nil, nil, err
	}
	if notParty > 0 {
		w.add("input", "RECORD_TYPE", fmt.Sprintf("%d records neither a person nor an organisation (positions, topics…) not imported", notParty))
	}
	return out, w.result(), nil
}

// senzingName is one name: NAME_FULL or NAME_ORG, else its parts.
type senzingName struct{ typ, full string }

// senzingSubject reads one record. ok is false when it was skipped (with a
// warning); a Subject with no Kind is a record of neither a person nor an
// organisation.
func senzingSubject(w *warnings, line int, rec []jsonField, seen map[string]int) (s Subject, where string, ok bool) {
	where = fmt.Sprintf("line %d", line)
	// attrs are the record's attribute groups: the top level, then each
	// object of each list, in the order of the line: a re-import of an
	// unchanged file must give the same nationalities, documents and
	// names in the same order, or every entry would be "updated".
	top := map[string]string{}
	var groups []map[string]string
	for _, f := range rec {
		if v := senzingString(f.raw); v != "" {
			top[strings.ToUpper(f.key)] = v
			continue
		}
		var list []json.RawMessage
		if jsonKind(f.raw) != "array" || json.Unmarshal(f.raw, &list) != nil {
			continue
		}
		for i, obj := range list {
			if i >= maxRecordParts {
				w.add(where, f.key, fmt.Sprintf("more than %d entries; the rest ignored", maxRecordParts))
				break
			}
			if jsonKind(obj) != "object" {
				continue
			}
			g := map[string]string{}
			for _, ff := range jsonFields(obj) {
				if v := senzingString(ff.raw); v != "" {
					g[strings.ToUpper(ff.key)] = v
				}
			}
			groups = append(groups, g)
		}
	}
	groups = append([]map[string]string{top}, groups...)
	id := top["RECORD_ID"]
	if id == "" {
		w.skip(where, "RECORD_ID", "missing; record skipped")
		return s, where, false
	}
	where = fmt.Sprintf("line %d (%s)", line, truncateForMessage(id))
	// The source id is the key of the import: repeats are those of the
	// same source id, which names one record only.
	sid := senzingID(top["DATA_SOURCE"], id)
	if first, dup := seen[sid]; dup {
		w.skip(where, "RECORD_ID", fmt.Sprintf("already read on line %d; record skipped", first))
		return s, where, false
	}
	seen[sid] = line
	s = Subject{Source: SourceSenzing, SourceID: sid}

	var names []senzingName
	hasParts, hasOrg, personish := false, false, false
	for _, g := range groups {
		full := g["NAME_FULL"]
		if g["NAME_ORG"] != "" {
			hasOrg = true
			if full == "" {
				full = g["NAME_ORG"]
			}
		}
		if full == "" {
			full = joinNonEmpty(" ", g["NAME_FIRST"], g["NAME_MIDDLE"], g["NAME_LAST"])
			hasParts = hasParts || full != ""
		}
		if full != "" {
			names = append(names, senzingName{strings.ToUpper(g["NAME_TYPE"]), full})
		}
		if v := g["DATE_OF_BIRTH"]; v != "" {
			personish = true
			if d, ok := parseSenzingDate(v); ok {
				s.DatesOfBirth = addDate(s.DatesOfBirth, d)
			} else {
				w.add(where, "DATE_OF_BIRTH", fmt.Sprintf("%q is not a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDD); dropped", truncateForMessage(v)))
			}
		}
		switch strings.ToUpper(g["GENDER"]) {
		case "M", "MALE":
			s.Sex, personish = "M", true
		case "F", "FEMALE":
			s.Sex, personish = "F", true
		}
		if v := g["PLACE_OF_BIRTH"]; v != "" && s.PlaceOfBirth == "" {
			s.PlaceOfBirth = v
		}
		for _, f := range []string{"NATIONALITY", "CITIZENSHIP", "REGISTRATION_COUNTRY"} {
			if v := g[f]; v != "" {
				s.Nationalities = addString(s.Nationalities, ftmCountry(w, where, f, v))
			}
		}
		for _, m := range []struct{ num, country, typ string }{
			{"PASSPORT_NUMBER", "PASSPORT_COUNTRY", DocPassport}, {"NATIONAL_ID_NUMBER", "NATIONAL_ID_COUNTRY", DocNationalID},
			{"TAX_ID_NUMBER", "TAX_ID_COUNTRY", DocTaxID}, {"DRIVERS_LICENSE_NUMBER", "DRIVERS_LICENSE_STATE", DocOther},
		} {
			if v := g[m.num]; v != "" {
				s.Documents = addDocument(s.Documents, Document{Type: m.typ, Number: v, Country: ftmCountry(w, where, m.country, g[m.country])})
			}
		}
		for _, m := range []struct{ attr, typ string }{
			{"EMAIL_ADDRESS", IDEmail}, {"WEBSITE_ADDRESS", IDURL}, {"PHONE_NUMBER", IDPhone},
		} {
			if v := g[m.attr]; v != "" {
				s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: m.typ, Value: v})
			}
		}
		if v := joinNonEmpty(", ", g["ADDR_FULL"], g["ADDR_LINE1"], g["ADDR_LINE2"]); v != "" || g["ADDR_CITY"] != "" {
			s.Addresses = append(s.Addresses, Address{Street: v, City: g["ADDR_CITY"], Region: g["ADDR_STATE"], PostalCode: g["ADDR_POSTAL_CODE"],
				Country: ftmCountry(w, where, "ADDR_COUNTRY", g["ADDR_COUNTRY"])})
		}
		if v := g["TOPIC"]; v != "" {
			s.Programs = addString(s.Programs, v)
		}
	}
	switch strings.ToUpper(top["RECORD_TYPE"]) {
	case "PERSON":
		s.Kind = KindIndividual
	case "ORGANIZATION", "ORGANISATION", "COMPANY":
		s.Kind = KindEntity
	case "":
		switch {
		case hasOrg:
			s.Kind = KindEntity
		case personish || hasParts:
			s.Kind = KindIndividual
		default:
			return Subject{}, where, true // not a party: counted by the caller
		}
	default:
		return Subject{}, where, true
	}
	if len(names) == 0 {
		w.skip(where, "NAMES", "no name; record skipped")
		return Subject{}, where, false
	}
	// The primary name first, whatever the order in the file.
	for i, n := range names {
		if n.typ == "PRIMARY" {
			names[0], names[i] = names[i], names[0]
			break
		}
	}
	s.Name = names[0].full
	for _, n := range names[1:] {
		s.Aliases = append(s.Aliases, n.full)
	}
	s.Aliases = dedupe(s.Aliases, s.Name)
	return s, where, true
}

// senzingID is the source id of a record: "senzing:", the data source in
// lower case, ':' and the record id, as given. A '%' or ':' in the data
// source is written %25 or %3a, so that the first ':' after "senzing:"
// ends it and no two (data source, record id) pairs share an id; data
// sources differing only in case are one source.
func senzingID(dataSource, recordID string) string {
	ds := strings.ToLower(dataSource)
	if strings.ContainsAny(ds, "%:") {
		ds = strings.NewReplacer("%", "%25", ":", "%3a").Replace(ds)
	}
	return "senzing:" + ds + ":" + recordID
}

// parseSenzingDate reads the ISO forms and the compact YYYYMMDD.
func parseSenzingDate(v string) (Date, bool) {
	if d, ok := parseISODate(v); ok {
		return d, true
	}
	if len(v) == 8 && isDigits(v) {
		return parseISODate(v[:4] + "-" + v[4:6] + "-" + v[6:])
	}
	return Date{}, false
}

// senzingString reads an attribute's value: a string, or a number as
// written (exporters write integer keys such as RECORD_ID as numbers, and
// Senzing takes them as their text). Anything else is "".
func senzingString(raw json.RawMessage) string {
	var v string
	switch jsonKind(raw) {
	case "string":
		if json.Unmarshal(raw, &v) != nil {
			return ""
		}
	case "number":
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return ""
		}
		v = n.String()
	default:
		return ""
	}
	v, _, _ = clean(v)
	return v
}

// jsonField is one member of a JSON object.
type jsonField struct {
	key string
	raw json.RawMessage
}

// jsonFields lists the members of the JSON object b in the order written;
// a key written twice keeps its first place and its last value, as
// json.Unmarshal into a map would. b must be valid JSON; what is not an
// object gives nothing.
func jsonFields(b []byte) []jsonField {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []jsonField
	at := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		k, _ := tok.(string)
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return out
		}
		if i, dup := at[k]; dup {
			out[i].raw = raw
			continue
		}
		at[k] = len(out)
		out = append(out, jsonField{k, raw})
	}
	return out
}
