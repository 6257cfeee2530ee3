// Package imports owns reading outside lists — the UN Security Council
// consolidated XML, the OFAC SDN legacy CSV files and a travel-document CSV
// (stolen, lost, revoked or invalid documents) — into neutral values:
// [Subject] and [DocumentRow]. It does no storage and no screening.
//
// Bad input gets precise errors and warnings naming the line (and, for XML,
// the byte offset and record reference). A fatal problem (unreadable or
// malformed XML, a missing CSV header, an input over the size limit) is an
// error; a problem confined to one record or row is a [Warning] and the rest
// of the file is still read.
//
// Limits: an input over 256 MiB is refused ([ErrTooLarge]); a single XML
// tag-plus-text run, XML token (a CDATA section or comment too), CSV line,
// CSV record (quoted fields may hold newlines) or JSON line over 4 MiB is
// refused; a field over 64 KiB is truncated with a warning; at most 10,000
// child elements of a UN record, objects of a Senzing list or values of a
// FollowTheMoney property are read (the rest are ignored with a warning); at
// most 1,048,576 subjects or rows are returned and at most 10,000 warnings
// are kept (the rest are summarised in one last warning). The XML is
// streamed token by token, never held whole in memory, and nesting deeper
// than 64 elements is refused.
package imports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of subject.
const (
	KindIndividual = "individual"
	KindEntity     = "entity"
	KindVessel     = "vessel"
	KindAircraft   = "aircraft"
)

// Sources.
const (
	SourceUN   = "un"
	SourceOFAC = "ofac"
)

// Document types used in [Document].Type. Labels that map to none of the
// specific ones are "other"; the source's own label is then kept in Note.
const (
	DocPassport     = "passport"
	DocNationalID   = "national_id"
	DocTaxID        = "tax_id"
	DocRegistration = "registration"
	DocOther        = "other"
)

// Identifier types used in [Identifier].Type, besides the lower-case ticker
// of a digital currency ("xbt", "eth", "trx", "ltc", "usdt"…).
const (
	IDEmail    = "email"
	IDURL      = "url"
	IDPhone    = "phone"
	IDIMO      = "imo"
	IDMMSI     = "mmsi"
	IDCallSign = "call_sign"
	IDSWIFT    = "swift"
	IDOther    = "other"
)

// Date is a full or partial date of birth. Month and Day are 0 when unknown.
// ToYear > 0 makes it a range of years, Year..ToYear (Month and Day are then
// 0).
type Date struct {
	Year, Month, Day int
	ToYear           int
}

// String formats d as "YYYY", "YYYY-MM", "YYYY-MM-DD" or, for a range,
// "YYYY/YYYY". The zero Date is "".
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.ToYear > 0:
		return fmt.Sprintf("%04d/%04d", d.Year, d.ToYear)
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

// Document is an identity or travel document number found on a list.
type Document struct {
	Type    string // DocPassport, DocNationalID, DocTaxID, DocRegistration or DocOther
	Number  string // as given, spaces collapsed
	Country string // ISO 3166-1 alpha-2 when the name resolves, else as given; may be ""
	Note    string // source label when Type is not specific, issue/expiry notes…
}

// Identifier is a non-document identifier: e-mail, web site, phone number,
// digital currency address, IMO number…
type Identifier struct {
	Type  string // IDEmail, IDURL, IDPhone, IDIMO, a currency ticker…, IDOther
	Value string
}

// Address is a postal address; every part may be "".
type Address struct {
	Street, City, Region, PostalCode string
	Country                          string // ISO alpha-2 when resolvable, else as given
	Note                             string
}

// Subject is one listed person, organisation, vessel or aircraft, in a form
// neutral to its source list.
type Subject struct {
	Source        string // SourceUN or SourceOFAC
	SourceID      string // UN REFERENCE_NUMBER (e.g. "QDi.001") or "ofac:<ent_num>"
	Kind          string // KindIndividual, KindEntity, KindVessel or KindAircraft
	Name          string // primary name, Latin script, natural order (given names first)
	NameOriginal  string // name in original script (UN NAME_ORIGINAL_SCRIPT); may be ""
	Aliases       []string
	DatesOfBirth  []Date
	PlaceOfBirth  string
	Sex           string   // "M", "F" or ""
	Nationalities []string // ISO alpha-2 when resolvable, else as given
	Documents     []Document
	Identifiers   []Identifier
	Addresses     []Address
	Programs      []string // UN_LIST_TYPE or OFAC program(s)
	ListedOn      string   // "YYYY-MM-DD" when known (UN only)
	Remarks       string
}

// Warning is a problem confined to one record, row or field: the record is
// skipped or the field dropped, kept as given or truncated, and reading goes
// on.
type Warning struct {
	Where  string // "line 12", "sdn.csv line 40", "line 918 (QDi.001)"…
	Field  string // element or column name; may be ""
	Reason string
}

// String formats w as "where: field: reason".
func (w Warning) String() string {
	if w.Field == "" {
		return w.Where + ": " + w.Reason
	}
	return w.Where + ": " + w.Field + ": " + w.Reason
}

// ErrTooLarge is wrapped by the error returned for an input, a line or an
// XML token run over the limits.
var ErrTooLarge = errors.New("input too large")

// Limits. They are variables only so that tests can lower them.
var (
	maxInputBytes  int64 = 256 << 20 // whole input (each OFAC file separately)
	maxRunBytes          = 4 << 20   // bytes between two '<' (XML) or two '\n' (CSV, JSON lines); bytes of a CSV record or XML token
	maxFieldBytes        = 64 << 10  // longer fields are truncated with a warning
	maxSubjects          = 1 << 20   // subjects or rows returned
	maxWarnings          = 10000     // warnings kept; the rest are counted
	maxDepth             = 64        // XML element nesting
	maxRecordParts       = 10000     // XML child elements kept per record
	maxBadPercent        = 10        // skipped rows or records, in percent of those read, before the input is refused
)

// limitReader refuses an input longer than max bytes, or one holding a run of
// more than maxRun bytes without the byte sep. A reader whose parser marks
// where each token starts (see tokenAt) also refuses a token — a CSV record,
// whose quoted fields may hold newlines, or an XML token, whose CDATA
// section or comment may hold '<' — that would need more than maxRun bytes,
// before the parser has buffered much more of it.
type limitReader struct {
	r      io.Reader
	name   string
	sep    byte
	what   string // "line", "XML tag or text"
	n, max int64
	run    int
	maxRun int
	err    error

	tok     int64  // input offset where the parser's current token began
	slack   int64  // bytes the parser may have read ahead of its position; 0: tokens are not marked
	tokWhat string // "a CSV record", "an XML token"
}

func newLimitReader(r io.Reader, name string, sep byte, what string) *limitReader {
	return &limitReader{r: r, name: name, sep: sep, what: what, max: maxInputBytes, maxRun: maxRunBytes}
}

// markTokens makes l refuse a token over maxRun bytes: what names it in
// the error, and slack is how far the parser may read ahead of where it
// is (its buffer).
func (l *limitReader) markTokens(what string, slack int) {
	l.tokWhat, l.slack = what, int64(slack)
}

// tokenAt tells l that the parser's next token starts at input offset
// off. It returns an error when the token that ended there, which began at
// the previous mark, was over maxRun bytes (plus a line end).
func (l *limitReader) tokenAt(off int64) error {
	size := off - l.tok
	l.tok = off
	if size > int64(l.maxRun)+2 {
		return fmt.Errorf("%s: %s over %d bytes before byte %d: %w", l.name, l.tokWhat, l.maxRun, off, ErrTooLarge)
	}
	return nil
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if n > 0 {
		l.n += int64(n)
		if l.n > l.max {
			l.err = fmt.Errorf("%s: over %d bytes: %w", l.name, l.max, ErrTooLarge)
			return 0, l.err
		}
		b := p[:n]
		for {
			i := bytes.IndexByte(b, l.sep)
			if i < 0 {
				l.run += len(b)
				break
			}
			l.run += i
			if l.run > l.maxRun {
				break
			}
			l.run = 0
			b = b[i+1:]
		}
		if l.run > l.maxRun {
			l.err = fmt.Errorf("%s: a %s over %d bytes near byte %d: %w", l.name, l.what, l.maxRun, l.n, ErrTooLarge)
			return 0, l.err
		}
		if l.slack > 0 && l.n-l.tok > int64(l.maxRun)+2+l.slack {
			l.err = fmt.Errorf("%s: %s over %d bytes near byte %d: %w", l.name, l.tokWhat, l.maxRun, l.n, ErrTooLarge)
			return 0, l.err
		}
	}
	return n, err
}

// warnings collects warnings up to maxWarnings and counts the rest. It
// also counts the rows or records read and those skipped whole, so that a
// file that is mostly not what the reader expects fails instead of
// importing what little parsed.
type warnings struct {
	list    []Warning
	dropped int
	seen    int // rows or records read, good or bad
	skipped int // rows or records dropped whole
	first   []Warning
}

// skip records a warning for a row or record dropped whole.
func (w *warnings) skip(where, field, reason string) {
	w.skipped++
	if len(w.first) < 5 {
		w.first = append(w.first, Warning{Where: where, Field: field, Reason: reason})
	}
	w.add(where, field, reason)
}

// ErrTooManyBad is wrapped by the error returned for an input in which
// more than maxBadPercent of the rows or records had to be skipped.
var ErrTooManyBad = errors.New("too many bad rows")

// check fails when more than maxBadPercent of what was read was skipped
// (at least 3 rows, or all of them): the file is the wrong one, or of
// another layout, and importing the rest would cancel every entry that
// did not parse. The error quotes the first reasons.
func (w *warnings) check(name string) error {
	if w.skipped == 0 || w.seen == 0 {
		return nil
	}
	if w.skipped*100 <= maxBadPercent*w.seen || (w.skipped < 3 && w.skipped < w.seen) {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d rows or records (%d%%) could not be read, over the %d%% allowed; nothing was imported. First reasons:",
		name, w.skipped, w.seen, w.skipped*100/w.seen, maxBadPercent)
	for _, f := range w.first {
		b.WriteString("\n  " + f.String())
	}
	return fmt.Errorf("%s: %w", b.String(), ErrTooManyBad)
}

func (w *warnings) add(where, field, reason string) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, Warning{Where: where, Field: field, Reason: reason})
}

func (w *warnings) result() []Warning {
	if w.dropped > 0 {
		w.list = append(w.list, Warning{Where: "input", Reason: fmt.Sprintf("%d more warnings not shown", w.dropped)})
		w.dropped = 0
	}
	return w.list
}

// clean makes s fit for storage: invalid UTF-8 is read as Latin-1, control
// characters and runs of white space become one space, the ends are trimmed,
// and the result is cut to maxFieldBytes (truncated reports that).
func clean(s string) (out string, truncated, latin1 bool) {
	if s == "" {
		return "", false, false
	}
	simple := utf8.ValidString(s)
	if simple {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < 0x20 || c == 0x7f || c >= 0x80 || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
				simple = false
				break
			}
		}
	}
	if simple && len(s) <= maxFieldBytes {
		return s, false, false
	}
	if !utf8.ValidString(s) {
		latin1 = true
		rs := make([]rune, len(s))
		for i := 0; i < len(s); i++ {
			rs[i] = rune(s[i])
		}
		s = string(rs)
	}
	var b strings.Builder
	b.Grow(min(len(s), maxFieldBytes))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == 0xfeff || r == utf8.RuneError {
			space = b.Len() > 0
			continue
		}
		if space {
			if b.Len()+1 > maxFieldBytes {
				truncated = true
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > maxFieldBytes {
			truncated = true
			break
		}
		b.WriteRune(r)
	}
	return b.String(), truncated, latin1
}

// dedupe removes empty strings and case-insensitive duplicates, keeping the
// first spelling and order. Values equal to one of skip are dropped too.
func dedupe(list []string, skip ...string) []string {
	if len(list) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(list)+len(skip))
	for _, s := range skip {
		seen[strings.ToLower(s)] = true
	}
	out := list[:0]
	for _, s := range list {
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func addDate(list []Date, d Date) []Date {
	for _, e := range list {
		if e == d {
			return list
		}
	}
	return append(list, d)
}

func addDocument(list []Document, d Document) []Document {
	for _, e := range list {
		if e.Type == d.Type && strings.EqualFold(e.Number, d.Number) && e.Country == d.Country {
			return list
		}
	}
	return append(list, d)
}

func addIdentifier(list []Identifier, id Identifier) []Identifier {
	for _, e := range list {
		if e.Type == id.Type && strings.EqualFold(e.Value, id.Value) {
			return list
		}
	}
	return append(list, id)
}

func addString(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// docType maps a document label from either list to a document type.
// specific reports whether the label says no more than the type.
func docType(label string) (typ string, specific bool) {
	l := strings.ToLower(strings.TrimSpace(label))
	l = strings.TrimSuffix(l, ".")
	switch l {
	case "passport", "passport number", "passport no", "numéro de passeport", "número de pasaporte", "numero de pasaporte":
		return DocPassport, true
	case "national identification number", "national identification", "national id no", "national id number", "national id":
		return DocNationalID, true
	case "tax id no", "tax identification number":
		return DocTaxID, true
	case "registration id", "registration number":
		return DocRegistration, true
	}
	switch {
	case strings.Contains(l, "passport") || strings.Contains(l, "passeport") || strings.Contains(l, "pasaporte"):
		return DocPassport, false
	case strings.Contains(l, "tax"), strings.HasPrefix(l, "r.f.c"), strings.HasPrefix(l, "nit "), strings.HasPrefix(l, "v.a.t"),
		strings.HasPrefix(l, "ruc "), strings.HasPrefix(l, "rif "), strings.Contains(l, "fein"), strings.Contains(l, "fiscal"):
		return DocTaxID, false
	case strings.Contains(l, "registration") || strings.Contains(l, "registry") || strings.Contains(l, "license") ||
		strings.Contains(l, "licence") || strings.Contains(l, "mercantil") || strings.Contains(l, "company number") ||
		strings.Contains(l, "gazette") || strings.Contains(l, "d-u-n-s") || strings.HasPrefix(l, "c.r. no") ||
		strings.Contains(l, "chamber of commerce"):
		return DocRegistration, false
	case strings.Contains(l, "national") || strings.Contains(l, "identity") || strings.Contains(l, "identification") ||
		strings.Contains(l, " id") || strings.HasPrefix(l, "id ") || strings.HasPrefix(l, "cedula") ||
		strings.HasPrefix(l, "c.u.r.p") || strings.HasPrefix(l, "d.n.i") || strings.Contains(l, "personal"):
		return DocNationalID, false
	}
	return DocOther, false
}
