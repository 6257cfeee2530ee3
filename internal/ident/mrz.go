package ident

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MRZFormat is the layout of a machine-readable zone (ICAO 9303).
type MRZFormat string

// The layouts ParseMRZ understands.
const (
	TD1  MRZFormat = "TD1"   // identity cards: 3 lines of 30
	TD2  MRZFormat = "TD2"   // 2 lines of 36
	TD3  MRZFormat = "TD3"   // passports: 2 lines of 44
	MRVA MRZFormat = "MRV-A" // visas on a passport-size page: 2 lines of 44, no composite check digit
	MRVB MRZFormat = "MRV-B" // smaller visas: 2 lines of 36, no composite check digit
)

// MRZ is a parsed machine-readable zone. Text fields have their trailing
// fillers removed; name fields have fillers turned into spaces.
//
// Dates are given as printed (YYMMDD, BirthDateMRZ and ExpiryDateMRZ) and
// resolved to YYYY-MM-DD against a reference date: a date of birth is never
// in the future (74 is 1974 in 2026, 25 is 2025), a date of expiry is taken
// within 50 years either side of the reference date (in 2026, 75 is 2075 and
// 76 is 1976). A date of birth with unknown parts (fillers) resolves to
// "YYYY" or "YYYY-MM", or to "" when wholly unknown, with a warning.
type MRZ struct {
	Format MRZFormat `json:"format"`
	// Lines are the normalised lines (upper-case, no blanks).
	Lines []string `json:"lines"`
	// DocumentCode is the two-character document code without fillers:
	// "P", "PM", "I", "ID", "AC", "V"…
	DocumentCode string `json:"document_code"`
	// DocumentType is derived from the first character of the code:
	// passport (P), identity_card (I, A, C), visa (V) or other.
	DocumentType string `json:"document_type"`
	// IssuingState and Nationality are ICAO 9303 codes without fillers
	// ("UTO", "D" for Germany).
	IssuingState string `json:"issuing_state"`
	Surname      string `json:"surname"`
	GivenNames   string `json:"given_names"`
	// DocumentNumber is the full document number, including any part that
	// overflowed into the optional data (TD1 and TD2 long numbers).
	DocumentNumber string `json:"document_number"`
	Nationality    string `json:"nationality"`
	BirthDateMRZ   string `json:"birth_date_mrz"`
	BirthDate      string `json:"birth_date"`
	// Sex is M, F, X or "<" (unspecified), as printed.
	Sex           string `json:"sex"`
	ExpiryDateMRZ string `json:"expiry_date_mrz"`
	ExpiryDate    string `json:"expiry_date"`
	// OptionalData is the personal number (TD3), the optional data (TD2,
	// visas) or the optional data of line 1 after any document number
	// overflow (TD1).
	OptionalData string `json:"optional_data,omitempty"`
	// OptionalData2 is the optional data of line 2 (TD1 only).
	OptionalData2 string    `json:"optional_data_2,omitempty"`
	Checks        MRZChecks `json:"checks"`
	Warnings      []string  `json:"warnings,omitempty"`
}

// MRZChecks holds the check digits as printed (all verified, since a wrong
// one is an error). OptionalData is set for TD3 only and may be "<" when
// the personal number is empty; Composite is empty for visas, which have
// none.
type MRZChecks struct {
	DocumentNumber string `json:"document_number"`
	BirthDate      string `json:"birth_date"`
	ExpiryDate     string `json:"expiry_date"`
	OptionalData   string `json:"optional_data,omitempty"`
	Composite      string `json:"composite,omitempty"`
}

// Canonical is the canonical form of the MRZ: its normalised lines joined
// by "\n".
func (m *MRZ) Canonical() string { return strings.Join(m.Lines, "\n") }

var zeroTime time.Time

// MRZCheckDigit computes the ICAO 9303 check digit of s: weights 7, 3, 1
// repeating over values 0–9, A=10 … Z=35 and '<'=0, sum modulo 10. It
// returns -1 if s holds any other character.
func MRZCheckDigit(s string) int {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		v := mrzValue(s[i])
		if v < 0 {
			return -1
		}
		sum += v * weights[i%3]
	}
	return sum % 10
}

func mrzValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c == '<':
		return 0
	}
	return -1
}

// ParseMRZ parses a machine-readable zone pasted as text: surrounding
// blanks, CRLF line ends and lower case are tolerated, and so are lines run
// together when the total length is exactly that of one format (90, 72 or 88
// characters). Dates are resolved relative to ref (the current date when
// ref is zero). Every check digit is verified; a wrong one is an *Error
// naming the check, with the digit found and the one expected.
func ParseMRZ(raw string, ref time.Time) (*MRZ, error) {
	if err := checkInput(KindMRZ, raw, MaxMRZInput); err != nil {
		return nil, err
	}
	lines, err := mrzLines(raw)
	if err != nil {
		return nil, err
	}
	if ref.IsZero() {
		ref = time.Now().UTC()
	}
	m := &MRZ{Lines: lines}
	switch {
	case len(lines) == 3:
		m.Format = TD1
	case len(lines[0]) == 44:
		m.Format = TD3
		if lines[0][0] == 'V' {
			m.Format = MRVA
		}
	default:
		m.Format = TD2
		if lines[0][0] == 'V' {
			m.Format = MRVB
		}
	}
	p := &mrzParser{m: m, ref: ref}
	switch m.Format {
	case TD1:
		err = p.td1()
	default:
		err = p.twoLine()
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// mrzLines normalises a pasted MRZ into lines of one known layout.
func mrzLines(raw string) ([]string, error) {
	up := []byte(raw)
	for i, c := range up {
		if c >= 'a' && c <= 'z' {
			up[i] = c - 'a' + 'A'
		}
	}
	s := strings.ReplaceAll(string(up), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.Trim(l, " \t\v\f\u00a0")
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil, errorf(KindMRZ, "lines", "empty MRZ")
	}
	if ok, _ := mrzLayout(lines); ok {
		return lines, checkMRZChars(lines)
	}
	// Lines run together, or broken in the wrong place: if the characters
	// other than blanks add up to exactly one layout, split them again.
	joined := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\u00a0':
			return -1
		}
		return r
	}, s)
	// counted and cut in characters: a letter a reader or a typist put
	// in (É, a Cyrillic С) is then named by checkMRZChars, not counted
	// as two or three bytes
	chars := []rune(joined)
	width, n := 0, 0
	switch len(chars) {
	case 90:
		width, n = 30, 3
	case 88:
		width, n = 44, 2
	case 72:
		width, n = 36, 2
	}
	if width > 0 {
		lines = lines[:0]
		for i := 0; i < n; i++ {
			lines = append(lines, string(chars[i*width:(i+1)*width]))
		}
		return lines, checkMRZChars(lines)
	}
	_, why := mrzLayout(lines)
	return nil, errorf(KindMRZ, "lines", "%s", why)
}

// mrzLayout reports whether lines have one of the known layouts, and if not
// says what is wrong. Lines are measured in characters, not bytes, so that
// a line of the right length with a character not allowed in it is
// refused by checkMRZChars naming that character.
func mrzLayout(lines []string) (bool, string) {
	length := utf8.RuneCountInString
	const expect = "expected 3 lines of 30 characters (TD1), 2 of 36 (TD2) or 2 of 44 (TD3)"
	switch len(lines) {
	case 3:
		for i, l := range lines {
			if n := length(l); n != 30 {
				return false, fmt.Sprintf("line %d has %d characters, expected 30 (TD1)", i+1, n)
			}
		}
		return true, ""
	case 2:
		w := 0
		for _, l := range lines {
			if n := length(l); n == 36 || n == 44 {
				w = n
				break
			}
		}
		if w == 0 && length(lines[0]) == 30 && length(lines[1]) == 30 {
			return false, "2 lines of 30 characters; a TD1 MRZ has 3"
		}
		if w == 0 {
			return false, fmt.Sprintf("lines have %d and %d characters; %s", length(lines[0]), length(lines[1]), expect)
		}
		for i, l := range lines {
			if n := length(l); n != w {
				return false, fmt.Sprintf("line %d has %d characters, expected %d (%s)", i+1, n, w, map[int]string{36: "TD2", 44: "TD3"}[w])
			}
		}
		return true, ""
	case 1:
		return false, fmt.Sprintf("one line of %d characters; %s", length(lines[0]), expect)
	}
	return false, fmt.Sprintf("%d lines; %s", len(lines), expect)
}

func checkMRZChars(lines []string) error {
	for i, l := range lines {
		place := 0
		for _, r := range l {
			place++
			if r >= utf8.RuneSelf || mrzValue(byte(r)) < 0 {
				return errorf(KindMRZ, fmt.Sprintf("line%d", i+1),
					"invalid character %q at position %d of line %d (only A-Z, 0-9 and '<' are allowed)", r, place, i+1)
			}
		}
	}
	return nil
}

type mrzParser struct {
	m   *MRZ
	ref time.Time
}

func (p *mrzParser) warn(format string, args ...any) {
	p.m.Warnings = append(p.m.Warnings, fmt.Sprintf(format, args...))
}

// td1 parses 3×30: line 1 code, state, document number, check, optional
// data; line 2 birth, check, sex, expiry, check, nationality, optional data,
// composite; line 3 name.
func (p *mrzParser) td1() error {
	m := p.m
	l1, l2, l3 := m.Lines[0], m.Lines[1], m.Lines[2]
	if err := p.header(l1[0:2], l1[2:5]); err != nil {
		return err
	}
	num, opt, err := p.documentNumber(l1[5:14], l1[14], l1[15:30])
	if err != nil {
		return err
	}
	m.DocumentNumber, m.OptionalData = num, opt
	if err := p.dates(l2[0:6], l2[6], l2[7], l2[8:14], l2[14]); err != nil {
		return err
	}
	if err := p.nationality(l2[15:18]); err != nil {
		return err
	}
	m.OptionalData2 = strings.TrimRight(l2[18:29], "<")
	if err := p.composite(l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29], l2[29]); err != nil {
		return err
	}
	return p.name(l3)
}

// twoLine parses TD2, TD3 and the visas: line 1 code, state, name; line 2
// document number, check, nationality, birth, check, sex, expiry, check,
// optional data and (not on visas) check digits.
func (p *mrzParser) twoLine() error {
	m := p.m
	l1, l2 := m.Lines[0], m.Lines[1]
	w := len(l1)
	if err := p.header(l1[0:2], l1[2:5]); err != nil {
		return err
	}
	if err := p.name(l1[5:]); err != nil {
		return err
	}
	switch m.Format {
	case TD3:
		num, _, err := p.documentNumber(l2[0:9], l2[9], "")
		if err != nil {
			return err
		}
		m.DocumentNumber = num
	case TD2:
		num, opt, err := p.documentNumber(l2[0:9], l2[9], l2[28:35])
		if err != nil {
			return err
		}
		m.DocumentNumber, m.OptionalData = num, opt
	default: // visas
		num, _, err := p.documentNumber(l2[0:9], l2[9], "")
		if err != nil {
			return err
		}
		m.DocumentNumber = num
		m.OptionalData = strings.TrimRight(l2[28:w], "<")
	}
	if err := p.nationality(l2[10:13]); err != nil {
		return err
	}
	if err := p.dates(l2[13:19], l2[19], l2[20], l2[21:27], l2[27]); err != nil {
		return err
	}
	switch m.Format {
	case TD3:
		pn, c := l2[28:42], l2[42]
		m.OptionalData = strings.TrimRight(pn, "<")
		if c == '<' && m.OptionalData == "" {
			m.Checks.OptionalData = "<"
		} else if err := p.check("optional_data_check", "the personal number", pn, c); err != nil {
			return err
		} else {
			m.Checks.OptionalData = string(c)
		}
		return p.composite(l2[0:10]+l2[13:20]+l2[21:43], l2[43])
	case TD2:
		return p.composite(l2[0:10]+l2[13:20]+l2[21:35], l2[35])
	}
	return nil
}

func (p *mrzParser) header(code, state string) error {
	m := p.m
	if !isUpperASCII(rune(code[0])) || !(isUpperASCII(rune(code[1])) || code[1] == '<') {
		return errorf(KindMRZ, "document_code", "document code %q must be a letter followed by a letter or '<'", code)
	}
	m.DocumentCode = strings.TrimRight(code, "<")
	switch code[0] {
	case 'P':
		m.DocumentType = "passport"
	case 'I', 'A', 'C':
		m.DocumentType = "identity_card"
	case 'V':
		m.DocumentType = "visa"
	default:
		m.DocumentType = "other"
	}
	st, err := mrzState("issuing_state", "issuing state", state)
	if err != nil {
		return err
	}
	m.IssuingState = st
	return nil
}

func (p *mrzParser) nationality(s string) error {
	st, err := mrzState("nationality", "nationality", s)
	if err != nil {
		return err
	}
	p.m.Nationality = st
	return nil
}

// mrzState checks a three-character state code: letters, then fillers.
func mrzState(field, what, s string) (string, error) {
	t := strings.TrimRight(s, "<")
	if t == "" || strings.IndexFunc(t, func(r rune) bool { return !isUpperASCII(r) }) >= 0 {
		return "", errorf(KindMRZ, field, "%s %q must be a three-letter ICAO 9303 code (letters, then '<' fillers)", what, s)
	}
	return t, nil
}

// name parses a name field: primary identifier, "<<", secondary
// identifier; single fillers separate name parts.
func (p *mrzParser) name(f string) error {
	for i := 0; i < len(f); i++ {
		if c := f[i]; c != '<' && !isUpperASCII(rune(c)) {
			return errorf(KindMRZ, "name", "name field contains %q at position %d; only letters and '<' are allowed", c, i+1)
		}
	}
	if f[0] == '<' {
		return errorf(KindMRZ, "name", "name field must start with a letter (the surname)")
	}
	sur, given := f, ""
	if i := strings.Index(f, "<<"); i >= 0 {
		sur, given = f[:i], f[i+2:]
	}
	p.m.Surname = strings.Join(strings.Fields(strings.ReplaceAll(sur, "<", " ")), " ")
	p.m.GivenNames = strings.Join(strings.Fields(strings.ReplaceAll(given, "<", " ")), " ")
	if f[len(f)-1] != '<' {
		p.warn("the name fills its whole field and may be truncated")
	}
	return nil
}

// documentNumber checks a document number field and its check digit. With
// a filler in the check digit position and optional data given (TD1, TD2),
// the number continues in the optional data up to the next filler, the last
// character before which is the check digit over the whole number; the rest
// of the optional data is returned.
func (p *mrzParser) documentNumber(field string, check byte, optional string) (num, rest string, err error) {
	for i := 0; i < len(field); i++ {
		if c := field[i]; c != '<' && mrzValue(c) < 0 {
			return "", "", errorf(KindMRZ, "document_number", "document number contains %q", c)
		}
	}
	rest = strings.TrimRight(optional, "<")
	if check == '<' && optional != "" && optional[0] != '<' {
		if strings.Contains(field, "<") {
			return "", "", errorf(KindMRZ, "document_number",
				"document number %q continues in the optional data but does not fill its 9 positions", field)
		}
		end := strings.IndexByte(optional, '<')
		if end < 0 {
			end = len(optional)
		}
		if end < 2 {
			return "", "", errorf(KindMRZ, "document_number",
				"the document number overflows into the optional data but has no check digit there")
		}
		full := field + optional[:end-1]
		if len(full) > MaxDocumentNumber {
			// A TD1 number continued through all 15 positions has no
			// filler after its check digit; the format ends it with one.
			return "", "", errorf(KindMRZ, "document_number",
				"the document number continued in the optional data has %d characters, at most %d", len(full), MaxDocumentNumber)
		}
		c := optional[end-1]
		if err := p.check("document_number_check", "the document number", full, c); err != nil {
			return "", "", err
		}
		p.m.Checks.DocumentNumber = string(c)
		rest = ""
		if end < len(optional) {
			rest = strings.TrimRight(optional[end+1:], "<")
		}
		return full, rest, nil
	}
	num = strings.TrimRight(field, "<")
	if num == "" {
		return "", "", errorf(KindMRZ, "document_number", "document number is empty")
	}
	if err := p.check("document_number_check", "the document number", field, check); err != nil {
		return "", "", err
	}
	p.m.Checks.DocumentNumber = string(check)
	return num, rest, nil
}

// check verifies the check digit c over data.
func (p *mrzParser) check(field, what, data string, c byte) error {
	want := byte('0' + MRZCheckDigit(data))
	if c == want {
		return nil
	}
	if c < '0' || c > '9' {
		return errorf(KindMRZ, field, "check digit for %s is %q, which is not a digit; expected %c", what, c, want)
	}
	return errorf(KindMRZ, field, "check digit for %s is %c, expected %c", what, c, want)
}

func (p *mrzParser) composite(data string, c byte) error {
	want := byte('0' + MRZCheckDigit(data))
	if c != want {
		if c < '0' || c > '9' {
			return errorf(KindMRZ, "composite_check", "composite check digit is %q, which is not a digit; expected %c", c, want)
		}
		return errorf(KindMRZ, "composite_check", "composite check digit is %c, expected %c", c, want)
	}
	p.m.Checks.Composite = string(c)
	return nil
}

// dates checks and resolves the birth date, sex and expiry date.
func (p *mrzParser) dates(birth string, bc, sex byte, expiry string, ec byte) error {
	m := p.m
	if err := p.check("birth_date_check", "the date of birth", birth, bc); err != nil {
		return err
	}
	m.Checks.BirthDate = string(bc)
	m.BirthDateMRZ = birth
	b, err := resolveBirth(birth, p.ref)
	if err != nil {
		return err
	}
	m.BirthDate = b
	if len(b) < 10 {
		p.warn("the date of birth is partly or wholly unknown (%s)", birth)
	}
	switch sex {
	case 'M', 'F', 'X', '<':
		m.Sex = string(sex)
	default:
		return errorf(KindMRZ, "sex", "sex is %q; expected M, F, X or '<'", sex)
	}
	if err := p.check("expiry_date_check", "the date of expiry", expiry, ec); err != nil {
		return err
	}
	m.Checks.ExpiryDate = string(ec)
	m.ExpiryDateMRZ = expiry
	e, err := resolveExpiry(expiry, p.ref)
	if err != nil {
		return err
	}
	m.ExpiryDate = e
	if e < p.ref.Format("2006-01-02") {
		p.warn("the document expired on %s", e)
	}
	if len(b) == 10 && b > e {
		p.warn("the date of birth (%s) is after the date of expiry (%s)", b, e)
	}
	return nil
}

// resolveBirth resolves a printed date of birth to the latest date not
// after ref. Unknown parts are fillers: "<<<<<<", "YY<<<<" or "YYMM<<".
func resolveBirth(s string, ref time.Time) (string, error) {
	known := strings.TrimRight(s, "<")
	if len(known)%2 == 1 || !allDigitsOrEmpty(known) {
		return "", errorf(KindMRZ, "birth_date",
			"date of birth %q must be YYMMDD digits, with '<' only for unknown whole parts at the end", s)
	}
	if known == "" {
		return "", nil
	}
	yy := atoi2(known[0:2])
	y := ref.Year()/100*100 + yy
	mo, d := 0, 0
	if len(known) >= 4 {
		mo = atoi2(known[2:4])
		if mo < 1 || mo > 12 {
			return "", errorf(KindMRZ, "birth_date", "date of birth %q has month %02d", s, mo)
		}
	}
	if len(known) == 6 {
		d = atoi2(known[4:6])
	}
	// Latest century not in the future.
	if y > ref.Year() || y == ref.Year() && (mo > int(ref.Month()) || mo == int(ref.Month()) && d > ref.Day()) {
		y -= 100
	}
	switch len(known) {
	case 2:
		return fmt.Sprintf("%04d", y), nil
	case 4:
		return fmt.Sprintf("%04d-%02d", y, mo), nil
	}
	if d < 1 || d > daysIn(y, mo) {
		return "", errorf(KindMRZ, "birth_date", "date of birth %q is not a valid date: %04d-%02d has no day %02d", s, y, mo, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), nil
}

// resolveExpiry resolves a printed date of expiry to the year within 50
// years either side of ref (from ref's year − 50 to ref's year + 49).
func resolveExpiry(s string, ref time.Time) (string, error) {
	if !allDigits(s) {
		return "", errorf(KindMRZ, "expiry_date", "date of expiry %q must be six digits (YYMMDD)", s)
	}
	yy, mo, d := atoi2(s[0:2]), atoi2(s[2:4]), atoi2(s[4:6])
	ry := ref.Year()
	y := ry/100*100 + yy
	for y < ry-50 {
		y += 100
	}
	for y > ry+49 {
		y -= 100
	}
	if mo < 1 || mo > 12 {
		return "", errorf(KindMRZ, "expiry_date", "date of expiry %q has month %02d", s, mo)
	}
	if d < 1 || d > daysIn(y, mo) {
		return "", errorf(KindMRZ, "expiry_date", "date of expiry %q is not a valid date: %04d-%02d has no day %02d", s, y, mo, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func allDigitsOrEmpty(s string) bool { return s == "" || allDigits(s) }
