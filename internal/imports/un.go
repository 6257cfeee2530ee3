package imports

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// unPart is one child element of an INDIVIDUAL or ENTITY element, with its
// own children (one level further; deeper elements are ignored).
type unPart struct {
	name string
	line int
	unText
	kids []unLeaf
}

type unLeaf struct {
	name string
	unText
}

// unText is the raw character data of an element, kept up to
// 2*maxFieldBytes (clean collapses white space, so the raw text may be longer
// than the field it gives).
type unText struct {
	text []byte
	loss bool // raw text was cut
}

func (t *unText) add(b []byte) {
	room := 2*maxFieldBytes - len(t.text)
	if len(b) > room {
		b = b[:max(room, 0)]
		t.loss = true
	}
	t.text = append(t.text, b...)
}

// unRecord collects one INDIVIDUAL or ENTITY element.
type unRecord struct {
	element string // "INDIVIDUAL" or "ENTITY"
	line    int
	offset  int64
	parts   []unPart
	open    int  // index of the open child element, or -1
	leaf    bool // a grandchild element is open (the last kid of parts[open])
	n       int  // elements kept
	dropped int  // elements over maxRecordParts
}

func (r *unRecord) start(name string, rel, line int) {
	switch {
	case rel == 1:
		r.leaf = false
		if r.n >= maxRecordParts {
			r.dropped++
			r.open = -1
			return
		}
		r.n++
		r.parts = append(r.parts, unPart{name: name, line: line})
		r.open = len(r.parts) - 1
	case rel == 2 && r.open >= 0:
		if r.n >= maxRecordParts {
			r.dropped++
			r.leaf = false
			return
		}
		r.n++
		p := &r.parts[r.open]
		p.kids = append(p.kids, unLeaf{name: name})
		r.leaf = true
	}
}

func (r *unRecord) end(rel int) {
	switch rel {
	case 1:
		r.open, r.leaf = -1, false
	case 2:
		r.leaf = false
	}
}

func (r *unRecord) chars(rel int, b []byte) {
	if r.open < 0 {
		return
	}
	p := &r.parts[r.open]
	switch {
	case rel == 1:
		p.add(b)
	case rel == 2 && r.leaf:
		p.kids[len(p.kids)-1].add(b)
	}
}

// unParser turns records into subjects.
type unParser struct {
	w    *warnings
	seen map[string]int // source id -> line of the record that had it
}

// ReadUN reads the UN Security Council consolidated list (XML) from r: one
// Subject per INDIVIDUAL or ENTITY element. A record with no name, or no
// REFERENCE_NUMBER and no DATAID, or with the REFERENCE_NUMBER (or DATAID)
// of a record read before it, is skipped with a warning. Malformed XML
// is an error naming the line, column and byte offset (and the record being
// read).
func ReadUN(r io.Reader) ([]Subject, []Warning, error) {
	if r == nil {
		return nil, nil, errors.New("un: no input")
	}
	// encoding/xml holds a whole token (a CDATA section or a comment, which
	// may hold '<', as well as a tag or a text) while it reads it: the limit
	// reader refuses one over maxRunBytes, reading ahead no further than
	// the buffer in front of the decoder.
	const readAhead = 64 << 10
	lr := newLimitReader(r, "un", '<', "XML tag or text")
	lr.markTokens("an XML token (tag, text, CDATA section, comment or directive)", 2*readAhead)
	br := bufio.NewReaderSize(lr, readAhead)
	var base int64 // bytes before the decoder's first
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
		base = 3
	}
	d := xml.NewDecoder(br)
	d.Strict = true

	var (
		w        warnings
		p        = unParser{w: &w, seen: map[string]int{}}
		subjects []Subject
		depth    int
		root     bool
		rec      *unRecord
		recDepth int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = lr.tokenAt(base + d.InputOffset())
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, nil, unTooLarge(d, rec, err)
		}
		if err != nil {
			return nil, nil, unError(d, rec, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, nil, unError(d, rec, fmt.Errorf("elements nested more than %d deep: %w", maxDepth, ErrTooLarge))
			}
			line, _ := d.InputPos()
			if depth == 1 {
				if t.Name.Local != "CONSOLIDATED_LIST" {
					return nil, nil, fmt.Errorf("un: line %d: root element is <%s>, want <CONSOLIDATED_LIST>: not a UN consolidated list", line, t.Name.Local)
				}
				root = true
				continue
			}
			if rec == nil {
				if t.Name.Local == "INDIVIDUAL" || t.Name.Local == "ENTITY" {
					if len(subjects) >= maxSubjects {
						return nil, nil, fmt.Errorf("un: line %d: more than %d records: %w", line, maxSubjects, ErrTooLarge)
					}
					rec = &unRecord{element: t.Name.Local, line: line, offset: d.InputOffset(), open: -1}
					recDepth = depth
				}
				continue
			}
			rec.start(t.Name.Local, depth-recDepth, line)
		case xml.EndElement:
			if rec != nil {
				if depth == recDepth {
					w.seen++
					if s, ok := p.subject(rec); ok {
						subjects = append(subjects, s)
					}
					rec = nil
				} else {
					rec.end(depth - recDepth)
				}
			}
			depth--
		case xml.CharData:
			if rec != nil {
				rec.chars(depth-recDepth, t)
			}
		}
	}
	if !root {
		return nil, nil, errors.New("un: empty input: no XML root element")
	}
	if err := w.check("un"); err != nil {
		return nil, nil, err
	}
	return subjects, w.result(), nil
}

func unError(d *xml.Decoder, rec *unRecord, err error) error {
	line, col := d.InputPos()
	ctx := ""
	if rec != nil {
		ctx = fmt.Sprintf(" in <%s> starting on line %d (byte %d)", rec.element, rec.line, rec.offset)
	}
	return fmt.Errorf("un: malformed XML at line %d, column %d (byte %d)%s: %w", line, col, d.InputOffset(), ctx, err)
}

// unTooLarge adds where the decoder is to an error of the limit reader.
func unTooLarge(d *xml.Decoder, rec *unRecord, err error) error {
	line, _ := d.InputPos()
	if rec != nil {
		return fmt.Errorf("%w (line %d, in <%s> starting on line %d)", err, line, rec.element, rec.line)
	}
	return fmt.Errorf("%w (line %d)", err, line)
}

// text cleans t and reports truncation and Latin-1 reading.
func (p *unParser) text(t *unText, where, field string) string {
	s, cut, _ := clean(string(t.text))
	if cut || t.loss {
		p.w.add(where, field, fmt.Sprintf("longer than %d bytes; truncated", maxFieldBytes))
	}
	return s
}

func (p *unParser) first(rec *unRecord, name, where string) string {
	for i := range rec.parts {
		if rec.parts[i].name == name {
			if s := p.text(&rec.parts[i].unText, where, name); s != "" {
				return s
			}
		}
	}
	return ""
}

// kidsOf returns the cleaned text of the children of part, by name (first
// non-empty value of each name).
func (p *unParser) kidsOf(part *unPart, where string) map[string]string {
	m := make(map[string]string, len(part.kids))
	for i := range part.kids {
		k := &part.kids[i]
		if m[k.name] != "" {
			continue
		}
		m[k.name] = p.text(&k.unText, where, part.name+"/"+k.name)
	}
	return m
}

func (p *unParser) subject(rec *unRecord) (Subject, bool) {
	here := fmt.Sprintf("line %d", rec.line)
	ref := p.first(rec, "REFERENCE_NUMBER", here)
	dataID := p.first(rec, "DATAID", here)
	where := here
	switch {
	case ref != "":
		where = fmt.Sprintf("line %d (%s)", rec.line, ref)
	case dataID != "":
		where = fmt.Sprintf("line %d (DATAID %s)", rec.line, dataID)
	}
	if rec.dropped > 0 {
		p.w.add(where, rec.element, fmt.Sprintf("more than %d child elements; %d ignored", maxRecordParts, rec.dropped))
	}

	s := Subject{Source: SourceUN, SourceID: ref, Kind: KindIndividual}
	if rec.element == "ENTITY" {
		s.Kind = KindEntity
	}
	var names []string
	for _, f := range []string{"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"} {
		if v := p.first(rec, f, where); v != "" {
			names = append(names, v)
		}
	}
	s.Name = joinNonEmpty(" ", names...)
	s.NameOriginal = p.first(rec, "NAME_ORIGINAL_SCRIPT", where)
	if s.Name == "" {
		if s.NameOriginal == "" {
			p.w.skip(where, rec.element, "no name (FIRST_NAME…FOURTH_NAME and NAME_ORIGINAL_SCRIPT empty); record skipped")
			return Subject{}, false
		}
		p.w.add(where, "FIRST_NAME", "no Latin-script name; NAME_ORIGINAL_SCRIPT used as the name")
		s.Name = s.NameOriginal
	}
	if s.SourceID == "" {
		if dataID == "" {
			p.w.skip(where, "REFERENCE_NUMBER", "no REFERENCE_NUMBER and no DATAID; record skipped")
			return Subject{}, false
		}
		p.w.add(where, "REFERENCE_NUMBER", "missing; un:<DATAID> used as the source ID")
		s.SourceID = "un:" + dataID
	}
	// One entry a source id: the import updates and cancels by it.
	if first, dup := p.seen[s.SourceID]; dup {
		p.w.skip(where, "REFERENCE_NUMBER", fmt.Sprintf("%s already read on line %d; record skipped", truncateForMessage(s.SourceID), first))
		return Subject{}, false
	}
	p.seen[s.SourceID] = rec.line

	var aliases []string
	for i := range rec.parts {
		part := &rec.parts[i]
		at := fmt.Sprintf("line %d (%s)", part.line, s.SourceID)
		switch part.name {
		case "UN_LIST_TYPE":
			s.Programs = addString(s.Programs, p.text(&part.unText, at, part.name))
		case "LISTED_ON":
			if s.ListedOn == "" {
				s.ListedOn = p.text(&part.unText, at, part.name)
			}
		case "GENDER":
			switch g := strings.ToLower(p.text(&part.unText, at, part.name)); g {
			case "male", "m":
				s.Sex = "M"
			case "female", "f":
				s.Sex = "F"
			case "":
			default:
				p.w.add(at, part.name, fmt.Sprintf("unknown gender %q; ignored", g))
			}
		case "COMMENTS1":
			if s.Remarks == "" {
				s.Remarks = p.text(&part.unText, at, part.name)
			}
		case "NATIONALITY":
			for j := range part.kids {
				k := &part.kids[j]
				if k.name != "VALUE" {
					continue
				}
				v := p.text(&k.unText, at, "NATIONALITY/VALUE")
				s.Nationalities = addString(s.Nationalities, p.country(v, at, "NATIONALITY/VALUE"))
			}
		case "INDIVIDUAL_ALIAS", "ENTITY_ALIAS":
			m := p.kidsOf(part, at)
			aliases = append(aliases, m["ALIAS_NAME"])
			if v := m["DATE_OF_BIRTH"]; v != "" {
				if d, ok := parseISODate(v); ok {
					s.DatesOfBirth = addDate(s.DatesOfBirth, d)
				} else {
					p.w.add(at, part.name+"/DATE_OF_BIRTH", fmt.Sprintf("unreadable date %q; ignored", v))
				}
			}
		case "INDIVIDUAL_DATE_OF_BIRTH":
			m := p.kidsOf(part, at)
			d, ok, empty := unDate(m)
			switch {
			case ok:
				s.DatesOfBirth = addDate(s.DatesOfBirth, d)
			case !empty:
				p.w.add(at, part.name, fmt.Sprintf("unreadable date (%s); ignored", describe(m)))
			}
		case "INDIVIDUAL_PLACE_OF_BIRTH":
			if s.PlaceOfBirth == "" {
				m := p.kidsOf(part, at)
				s.PlaceOfBirth = joinNonEmpty(", ", m["STREET"], m["CITY"], m["STATE_PROVINCE"], m["COUNTRY"])
			}
		case "INDIVIDUAL_DOCUMENT":
			m := p.kidsOf(part, at)
			if d, ok := p.document(m, at, part.name); ok {
				s.Documents = addDocument(s.Documents, d)
			}
		case "INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS":
			m := p.kidsOf(part, at)
			a := Address{Street: m["STREET"], City: m["CITY"], Region: m["STATE_PROVINCE"], PostalCode: m["ZIP_CODE"], Note: m["NOTE"]}
			a.Country = p.country(m["COUNTRY"], at, part.name+"/COUNTRY")
			if a != (Address{}) {
				s.Addresses = append(s.Addresses, a)
			}
		}
	}
	s.Aliases = dedupe(aliases, s.Name)
	return s, true
}

// country resolves name, warning when it is not in the table.
func (p *unParser) country(name, where, field string) string {
	v, known := resolveCountry(name)
	if !known {
		p.w.add(where, field, fmt.Sprintf("unknown country %q; kept as given", name))
	}
	return v
}

func (p *unParser) document(m map[string]string, where, field string) (Document, bool) {
	num := m["NUMBER"]
	label := m["TYPE_OF_DOCUMENT"]
	if num == "" {
		if label != "" || m["NOTE"] != "" {
			p.w.add(where, field+"/NUMBER", "document without a number; ignored")
		}
		return Document{}, false
	}
	typ, specific := docType(label)
	var notes []string
	if !specific && label != "" {
		notes = append(notes, label)
	}
	notes = append(notes, m["TYPE_OF_DOCUMENT2"])
	if v := m["DATE_OF_ISSUE"]; v != "" {
		notes = append(notes, "issued "+v)
	}
	if v := m["CITY_OF_ISSUE"]; v != "" {
		notes = append(notes, "issued in "+v)
	}
	notes = append(notes, m["NOTE"])
	country := m["ISSUING_COUNTRY"]
	if country == "" {
		country = m["COUNTRY_OF_ISSUE"]
	}
	return Document{
		Type:    typ,
		Number:  num,
		Country: p.country(country, where, field+"/ISSUING_COUNTRY"),
		Note:    joinNonEmpty("; ", notes...),
	}, true
}

// unDate reads an INDIVIDUAL_DATE_OF_BIRTH element. empty reports that it
// holds no date information at all (TYPE_OF_DATE only, as the list often
// has).
func unDate(m map[string]string) (d Date, ok, empty bool) {
	from, to := m["FROM_YEAR"], m["TO_YEAR"]
	date, year, note := m["DATE"], m["YEAR"], m["NOTE"]
	switch {
	case from != "" || to != "":
		fy, fok := parseYear(from)
		ty, tok := parseYear(to)
		switch {
		case fok && tok:
			return yearRange(fy, ty), true, false
		case fok:
			return Date{Year: fy}, true, false
		case tok:
			return Date{Year: ty}, true, false
		}
		return Date{}, false, false
	case date != "":
		d, ok := parseISODate(date)
		return d, ok, false
	case year != "":
		y, ok := parseYear(year)
		if !ok {
			return Date{}, false, false
		}
		d := Date{Year: y}
		if mo := monthNumber(strings.TrimSuffix(strings.TrimSpace(note), ".")); mo > 0 {
			d.Month = mo
		}
		return d, true, false
	case note != "":
		d, ok := noteDate(note)
		return d, ok, false
	}
	return Date{}, false, true
}

// yearRange returns Year..ToYear, ordered, or a single year when equal.
func yearRange(a, b int) Date {
	if a > b {
		a, b = b, a
	}
	if a == b {
		return Date{Year: a}
	}
	return Date{Year: a, ToYear: b}
}

// noteDate reads a free-text date note such as "Nov. 1973", "August 1961" or
// "Between Aug. and Sep. 1977": a single plausible year, with the month when
// exactly one month name is given. Notes in another calendar ("Hijri") and
// ages ("30-35 years old") are not read.
func noteDate(note string) (Date, bool) {
	l := strings.ToLower(note)
	if strings.Contains(l, "hijri") || strings.Contains(l, "year") {
		return Date{}, false
	}
	var year, month, years, months int
	for _, f := range strings.FieldsFunc(note, func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '/' || r == '-' || r == '(' || r == ')'
	}) {
		if y, ok := parseYear(f); ok {
			year = y
			years++
		} else if mo := monthNumber(f); mo > 0 {
			month = mo
			months++
		}
	}
	if years != 1 {
		return Date{}, false
	}
	d := Date{Year: year}
	if months == 1 {
		d.Month = month
	}
	return d, true
}

func describe(m map[string]string) string {
	var parts []string
	for _, k := range []string{"TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"} {
		if v := m[k]; v != "" {
			parts = append(parts, fmt.Sprintf("%s=%q", k, v))
		}
	}
	return strings.Join(parts, " ")
}

// joinNonEmpty joins the non-empty parts, cutting the result to
// maxFieldBytes on a rune boundary.
func joinNonEmpty(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return cutString(b.String(), maxFieldBytes)
}

// cutString cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
