package imports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Column counts of the OFAC legacy CSV files.
const (
	sdnColumns      = 12 // ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
	altColumns      = 5  // ent_num, alt_num, alt_type, alt_name, alt_remarks
	addColumns      = 6  // ent_num, add_num, address, city/state/zip, country, add_remarks
	commentsColumns = 2  // ent_num, remarks continued
)

// ReadOFAC reads the OFAC SDN list in its legacy CSV layout: sdn.csv, and
// optionally (nil to skip) alt.csv, whose names become aliases, and add.csv,
// whose rows become addresses; both are joined on ent_num. The files have no
// header; "-0-" means empty. Individuals' names "LAST, First" are turned
// into natural order, "First LAST". Dates and places of birth, nationality
// and citizenship, gender, identity documents, weak a.k.a.s and identifiers
// (e-mail, web site, phone, digital currency addresses, IMO, MMSI) are read
// from the remarks; the remarks are also kept whole in Remarks.
//
// A row with the wrong number of columns, a bad ent_num, a duplicate or no
// name is skipped with a warning naming the file and line.
func ReadOFAC(sdn, alt, add io.Reader) ([]Subject, []Warning, error) {
	return ReadOFACWithComments(sdn, alt, add, nil)
}

// ReadOFACWithComments is ReadOFAC with sdn_comments.csv (ent_num, text),
// whose text continues the remarks that sdn.csv cut at about 1,000
// characters. comments may be nil.
func ReadOFACWithComments(sdn, alt, add, comments io.Reader) ([]Subject, []Warning, error) {
	if sdn == nil {
		return nil, nil, errors.New("sdn.csv: no input")
	}
	p := &ofacParser{byID: make(map[int]int)}
	rows := 0
	err := readCSV("sdn.csv", sdn, sdnColumns, &p.w, func(line int, rec []string) error {
		rows++
		return p.sdnRow(line, rec)
	})
	if err != nil {
		return nil, nil, err
	}
	if rows == 0 && len(p.w.list) == 0 {
		return nil, nil, errors.New("sdn.csv: empty input")
	}
	if comments != nil {
		if err := readCSV("sdn_comments.csv", comments, commentsColumns, &p.w, p.commentRow); err != nil {
			return nil, nil, err
		}
	}
	if alt != nil {
		if err := readCSV("alt.csv", alt, altColumns, &p.w, p.altRow); err != nil {
			return nil, nil, err
		}
	}
	if add != nil {
		if err := readCSV("add.csv", add, addColumns, &p.w, p.addRow); err != nil {
			return nil, nil, err
		}
	}
	if err := p.w.check("ofac"); err != nil {
		return nil, nil, err
	}
	out := make([]Subject, len(p.entries))
	for i := range p.entries {
		e := &p.entries[i]
		p.finish(e)
		out[i] = e.s
	}
	return out, p.w.result(), nil
}

// csvReader is a csv.Reader over a limitReader that also refuses a record
// over maxRunBytes: a quoted field may hold newlines, so a record can be
// far longer than any of its lines.
type csvReader struct {
	*csv.Reader
	lr *limitReader
}

// csvReadAhead is how far csv.Reader reads ahead of the record it parses:
// the default size of the bufio.Reader it puts in front of its input.
const csvReadAhead = 4 << 10

func newCSVReader(r io.Reader, name string) *csvReader {
	// A file saved again by a spreadsheet or an editor starts with a
	// UTF-8 byte order mark: left in, it is part of the first field, and
	// the first row of a headerless OFAC file has no entry number.
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	lr := newLimitReader(br, name, '\n', "line")
	lr.markTokens("a CSV record (quoted fields may hold line breaks)", csvReadAhead)
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	return &csvReader{Reader: cr, lr: lr}
}

// Read reads one record, refusing it (ErrTooLarge) when it took more than
// maxRunBytes of input.
func (c *csvReader) Read() ([]string, error) {
	rec, err := c.Reader.Read()
	if err == io.EOF || errors.Is(err, ErrTooLarge) {
		return rec, err
	}
	if lerr := c.lr.tokenAt(c.InputOffset()); lerr != nil {
		return nil, lerr
	}
	return rec, err
}

// readCSV reads a headerless CSV file, passing each record of want fields to
// fn. Records with a CSV syntax error or another field count are skipped
// with a warning. A trailing Ctrl-Z (the DOS end-of-file mark the OFAC files
// carry) is ignored.
func readCSV(name string, r io.Reader, want int, w *warnings, fn func(line int, rec []string) error) error {
	cr := newCSVReader(r, name)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		w.seen++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, ErrTooLarge) {
				w.skip(fmt.Sprintf("%s line %d", name, pe.StartLine), "", fmt.Sprintf("bad CSV (line %d, column %d): %v; row skipped", pe.Line, pe.Column, pe.Err))
				continue
			}
			if errors.Is(err, ErrTooLarge) {
				return err
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.Trim(rec[0], " \x1a") == "" {
			continue
		}
		if len(rec) != want {
			w.skip(fmt.Sprintf("%s line %d", name, line), "", fmt.Sprintf("%d fields, want %d; row skipped", len(rec), want))
			continue
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

type ofacEntry struct {
	s       Subject
	line    int
	remarks string // raw, with sdn_comments appended
	weak    []string
}

type ofacParser struct {
	w       warnings
	entries []ofacEntry
	byID    map[int]int // ent_num -> index in entries
}

// field cleans a CSV field, maps "-0-" to "" and reports truncation.
func (p *ofacParser) field(where, col, s string) string {
	s, cut, latin1 := clean(s)
	if cut {
		p.w.add(where, col, fmt.Sprintf("longer than %d bytes; truncated", maxFieldBytes))
	}
	if latin1 {
		p.w.add(where, col, "not valid UTF-8; read as Latin-1")
	}
	if s == "-0-" {
		return ""
	}
	return s
}

// rawField returns s unchanged, or "" for "-0-".
func rawField(s string) string {
	if strings.TrimSpace(s) == "-0-" {
		return ""
	}
	return s
}

// entNum reads ent_num; ok is false (with a warning) when it is not a
// non-negative integer.
func (p *ofacParser) entNum(where, s string) (int, bool) {
	t := strings.TrimSpace(s)
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || t[0] == '+' {
		p.w.skip(where, "ent_num", fmt.Sprintf("%q is not an entry number; row skipped", truncateForMessage(t)))
		return 0, false
	}
	return n, true
}

// entry returns the subject an alt/add/comments row refers to.
func (p *ofacParser) entry(where, s string) *ofacEntry {
	n, ok := p.entNum(where, s)
	if !ok {
		return nil
	}
	i, ok := p.byID[n]
	if !ok {
		p.w.skip(where, "ent_num", fmt.Sprintf("%d is not in sdn.csv; row skipped", n))
		return nil
	}
	return &p.entries[i]
}

func (p *ofacParser) sdnRow(line int, rec []string) error {
	where := fmt.Sprintf("sdn.csv line %d", line)
	n, ok := p.entNum(where, rec[0])
	if !ok {
		return nil
	}
	if i, dup := p.byID[n]; dup {
		p.w.skip(where, "ent_num", fmt.Sprintf("%d already read on line %d; row skipped", n, p.entries[i].line))
		return nil
	}
	name := p.field(where, "SDN_Name", rec[1])
	if name == "" {
		p.w.skip(where, "SDN_Name", "no name; row skipped")
		return nil
	}
	if len(p.entries) >= maxSubjects {
		return fmt.Errorf("%s: more than %d rows: %w", where, maxSubjects, ErrTooLarge)
	}
	s := Subject{Source: SourceOFAC, SourceID: "ofac:" + strconv.Itoa(n)}
	switch t := strings.ToLower(p.field(where, "SDN_Type", rec[2])); t {
	case "individual":
		s.Kind = KindIndividual
	case "", "entity":
		s.Kind = KindEntity
	case "vessel":
		s.Kind = KindVessel
	case "aircraft":
		s.Kind = KindAircraft
	default:
		p.w.add(where, "SDN_Type", fmt.Sprintf("unknown type %q; read as an entity", truncateForMessage(t)))
		s.Kind = KindEntity
	}
	s.Name = name
	if s.Kind == KindIndividual {
		s.Name = naturalName(name)
	}
	if s.Name == "" {
		// "," is no one's "LAST, First": a record without a name is
		// refused by the records service, entry after entry.
		p.w.skip(where, "SDN_Name", fmt.Sprintf("%q holds no name; row skipped", truncateForMessage(name)))
		return nil
	}
	for _, prog := range strings.Split(p.field(where, "Program", rec[3]), "] [") {
		s.Programs = addString(s.Programs, strings.TrimSpace(strings.Trim(prog, "[]")))
	}
	if cs := p.field(where, "Call_Sign", rec[5]); cs != "" {
		s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: IDCallSign, Value: cs})
	}
	if flag := p.field(where, "Vess_flag", rec[9]); flag != "" {
		// A vessel's flag is its nationality.
		s.Nationalities = addString(s.Nationalities, p.country(where, "Vess_flag", flag))
	}
	p.byID[n] = len(p.entries)
	p.entries = append(p.entries, ofacEntry{s: s, line: line, remarks: rawField(rec[11])})
	return nil
}

func (p *ofacParser) commentRow(line int, rec []string) error {
	where := fmt.Sprintf("sdn_comments.csv line %d", line)
	if e := p.entry(where, rec[0]); e != nil {
		more := rawField(rec[1])
		if len(e.remarks)+len(more) > 2*maxFieldBytes {
			p.w.add(where, "remarks", fmt.Sprintf("remarks longer than %d bytes; continuation dropped", maxFieldBytes))
			return nil
		}
		e.remarks += more
	}
	return nil
}

func (p *ofacParser) altRow(line int, rec []string) error {
	where := fmt.Sprintf("alt.csv line %d", line)
	e := p.entry(where, rec[0])
	if e == nil {
		return nil
	}
	name := p.field(where, "alt_name", rec[3])
	if name == "" {
		p.w.skip(where, "alt_name", "no name; row skipped")
		return nil
	}
	if e.s.Kind == KindIndividual {
		name = naturalName(name)
	}
	e.s.Aliases = append(e.s.Aliases, name)
	return nil
}

func (p *ofacParser) addRow(line int, rec []string) error {
	where := fmt.Sprintf("add.csv line %d", line)
	e := p.entry(where, rec[0])
	if e == nil {
		return nil
	}
	a := Address{
		Street: p.field(where, "address", rec[2]),
		City:   p.field(where, "city/state/zip", rec[3]),
		Note:   p.field(where, "add_remarks", rec[5]),
	}
	a.Country = p.country(where, "country", p.field(where, "country", rec[4]))
	if a != (Address{}) {
		e.s.Addresses = append(e.s.Addresses, a)
	}
	return nil
}

func (p *ofacParser) country(where, field, name string) string {
	v, known := resolveCountry(name)
	if !known {
		p.w.add(where, field, fmt.Sprintf("unknown country %q; kept as given", truncateForMessage(name)))
	}
	return v
}

// finish reads the remarks of e into its subject.
func (p *ofacParser) finish(e *ofacEntry) {
	s := &e.s
	where := fmt.Sprintf("sdn.csv line %d (%s)", e.line, s.SourceID)
	s.Remarks = p.field(where, "Remarks", e.remarks)
	e.remarks = ""
	p.remarks(s, s.Remarks, where)
	s.Aliases = dedupe(s.Aliases, s.Name)
}

// Remark labels that introduce an identifier, longest first where one is a
// prefix of another.
var ofacIdentifiers = []struct{ label, typ string }{
	{"Vessel Registration Identification IMO ", IDIMO},
	{"Identification Number IMO ", IDIMO},
	{"Company Number IMO ", IDIMO},
	{"IMO ", IDIMO},
	{"MMSI ", IDMMSI},
	{"Email Address ", IDEmail},
	{"Email ", IDEmail},
	{"Website ", IDURL},
	{"Phone Number ", IDPhone},
	{"Telephone No. ", IDPhone},
	{"Telephone Number ", IDPhone},
	{"Telephone ", IDPhone},
	{"Phone ", IDPhone},
	{"Fax No. ", IDPhone},
	{"Fax ", IDPhone},
	{"SWIFT/BIC ", IDSWIFT},
	{"Aircraft Tail Number ", "aircraft_tail"},
	{"Aircraft Manufacturer's Serial Number (MSN) ", "aircraft_serial"},
	{"Aircraft Construction Number (also called L/N or S/N or F/N) ", "aircraft_serial"},
}

// Remark labels that introduce an identity document: "<label> <number>
// (<country>) <note>".
var ofacDocuments = []string{
	"Passport",
	"Diplomatic Passport",
	"Service Passport",
	"National ID No.",
	"National ID Number",
	"Identification Number",
	"Personal ID Card",
	"National Foreign ID Number",
	"Cedula No.",
	"C.U.R.P.",
	"D.N.I.",
	"R.F.C.",
	"NIT #",
	"Tax ID No.",
	"Registration ID",
	"Registration Number",
	"Business Registration Number",
	"Commercial Registry Number",
	"Turkish Identification Number",
	"Kenyan ID No.",
	"SSN",
	"Residency Number",
	"Birth Certificate Number",
	"Driver's License No.",
	"Refugee ID Card",
	"Travel Document Number",
	"Stateless Person ID Card",
	"Electoral Registry No.",
	"Citizen's Card Number",
	"Identity Card",
	"Moroccan Personal ID No.",
	"Italian Fiscal Code",
	"Romanian Permanent Resident",
	"Romanian Tax Registration",
	"Bosnian Personal ID No.",
	"Pakistani National ID No.",
	"Public Security and Immigration No.",
	"Afghan Tazkira Number",
	"Social Security Number",
	"Residency Permit No.",
	"RUC #",
	"RIF #",
	"US FEIN",
	"V.A.T. Number",
	"Folio Mercantil No.",
	"Matricula Mercantil No",
	"Company Number",
	"UK Company Number",
	"Government Gazette Number",
	"D-U-N-S Number",
	"Trade License No.",
	"C.R. No.",
	"Business Registration Document #",
	"Chamber of Commerce Number",
	"Public Registration Number",
}

// remarks reads the "; "-separated parts of an OFAC remark.
func (p *ofacParser) remarks(s *Subject, text, where string) {
	if text == "" {
		return
	}
	for _, part := range strings.Split(text, ";") {
		part = strings.TrimSpace(part)
		part = strings.TrimSpace(strings.TrimSuffix(part, "."))
		part = strings.TrimPrefix(part, "alt. ")
		if part == "" {
			continue
		}
		p.remark(s, part, where)
	}
}

func (p *ofacParser) remark(s *Subject, part, where string) {
	if rest, ok := cutPrefix(part, "DOB "); ok {
		if d, ok := parseOFACDate(rest); ok {
			s.DatesOfBirth = addDate(s.DatesOfBirth, d)
		} else {
			p.w.add(where, "Remarks", fmt.Sprintf("unreadable date of birth %q; ignored", truncateForMessage(rest)))
		}
		return
	}
	if rest, ok := cutPrefix(part, "POB "); ok {
		if s.PlaceOfBirth == "" {
			s.PlaceOfBirth = rest
		}
		return
	}
	for _, l := range []string{"nationality ", "citizen ", "Nationality of Registration ", "Nationality ", "Citizen "} {
		if rest, ok := cutPrefix(part, l); ok {
			s.Nationalities = addString(s.Nationalities, p.country(where, "Remarks "+strings.TrimSpace(l), rest))
			return
		}
	}
	if rest, ok := cutPrefix(part, "Gender "); ok {
		switch strings.ToLower(rest) {
		case "male":
			s.Sex = "M"
		case "female":
			s.Sex = "F"
		default:
			p.w.add(where, "Remarks Gender", fmt.Sprintf("unknown gender %q; ignored", truncateForMessage(rest)))
		}
		return
	}
	for _, l := range []string{"a.k.a. ", "f.k.a. ", "n.k.a. "} {
		if rest, ok := cutPrefix(part, l); ok {
			name := strings.TrimSpace(strings.Trim(rest, "'\"‘’“” "))
			if s.Kind == KindIndividual {
				name = naturalName(name)
			}
			s.Aliases = append(s.Aliases, name)
			return
		}
	}
	if rest, ok := cutPrefix(part, "Digital Currency Address - "); ok {
		ticker, addr, found := strings.Cut(rest, " ")
		addr = strings.TrimSpace(addr)
		if !found || ticker == "" || addr == "" {
			p.w.add(where, "Remarks", fmt.Sprintf("unreadable digital currency address %q; ignored", truncateForMessage(rest)))
			return
		}
		s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: strings.ToLower(ticker), Value: addr})
		return
	}
	for _, id := range ofacIdentifiers {
		if rest, ok := cutPrefix(part, id.label); ok {
			s.Identifiers = addIdentifier(s.Identifiers, Identifier{Type: id.typ, Value: rest})
			return
		}
	}
	label, rest := "", ""
	for _, l := range ofacDocuments {
		if r, ok := cutPrefix(part, l); ok && len(l) > len(label) && strings.HasPrefix(part[len(l):], " ") {
			label, rest = l, r
		}
	}
	if label == "" {
		return
	}
	num, country, note := splitDocument(rest)
	if num == "" {
		return
	}
	typ, specific := docType(label)
	if country != "" {
		if c, known := resolveCountry(country); known {
			country = c
		} else if typ == DocRegistration || typ == DocTaxID {
			// Company registers give a city or state: "(Medellin)".
			note, country = joinNonEmpty("; ", country, note), ""
		} else {
			country = p.country(where, "Remarks "+label, country)
		}
	}
	if !specific {
		note = joinNonEmpty("; ", label, note)
	}
	s.Documents = addDocument(s.Documents, Document{Type: typ, Number: num, Country: country, Note: note})
}

// splitDocument splits "A123 (Iran) expires 01 Jan 2020" into number,
// country and note. Without parentheses, text from " issued" or " expires"
// on is the note.
func splitDocument(rest string) (num, country, note string) {
	if i := strings.Index(rest, " ("); i > 0 {
		if j := strings.IndexByte(rest[i:], ')'); j > 0 {
			return strings.TrimSpace(rest[:i]), strings.TrimSpace(rest[i+2 : i+j]), strings.TrimSpace(rest[i+j+1:])
		}
	}
	l := strings.ToLower(rest)
	for _, w := range []string{" issued", " expires", " expiring", " expiration", " valid"} {
		if i := strings.Index(l, w); i > 0 {
			return strings.TrimSpace(rest[:i]), "", strings.TrimSpace(rest[i+1:])
		}
	}
	return rest, "", ""
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return strings.TrimSpace(s[len(prefix):]), true
	}
	return "", false
}

// naturalName turns "LAST, First Middle" into "First Middle LAST" and
// "LAST, First, Jr." into "First LAST Jr.". A name with no comma is kept.
func naturalName(s string) string {
	last, given, ok := strings.Cut(s, ",")
	if !ok {
		return s
	}
	last, given = strings.TrimSpace(last), strings.TrimSpace(given)
	switch {
	case last == "":
		return given
	case given == "":
		return last
	}
	if g, suffix, ok := strings.Cut(given, ","); ok {
		g, suffix = strings.TrimSpace(g), strings.TrimSpace(suffix)
		return joinNonEmpty(" ", g, last, suffix)
	}
	return cutString(given+" "+last, maxFieldBytes)
}

// truncateForMessage shortens s for quoting in a warning.
func truncateForMessage(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
