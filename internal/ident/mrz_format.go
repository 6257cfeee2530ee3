package ident

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FormatTD3 builds the two 44-character lines of a passport MRZ from the
// fields of m (for tests and demo data). Used fields: DocumentCode (default
// "P"), IssuingState, Surname, GivenNames, DocumentNumber (at most 9
// characters), Nationality, BirthDate and ExpiryDate (YYYY-MM-DD or YYMMDD;
// BirthDateMRZ/ExpiryDateMRZ when those are empty), Sex (default "<") and
// OptionalData (the personal number, at most 14 characters). Names are
// transliterated (upper case, diacritics removed, Ä→AE, Ö→OE, Ü→UE, ß→SS…,
// blanks and hyphens become '<', apostrophes are dropped) and truncated to
// the field. Check digits are computed; m.Checks is ignored.
func FormatTD3(m MRZ) (line1, line2 string, err error) {
	f, err := mrzFieldsFor(m, "P")
	if err != nil {
		return "", "", err
	}
	if len(f.number) > 9 {
		return "", "", errorf(KindMRZ, "document_number", "a TD3 document number has at most 9 characters, got %d", len(f.number))
	}
	opt, err := mrzText("optional_data", "personal number", m.OptionalData, 14)
	if err != nil {
		return "", "", err
	}
	line1 = f.code + f.state + mrzName(f.surname, f.given, 39)
	num := pad(f.number, 9)
	pn := pad(opt, 14)
	pnCheck := "<"
	if opt != "" {
		pnCheck = digit(pn)
	}
	line2 = num + digit(num) + f.nationality + f.birth + digit(f.birth) + f.sex + f.expiry + digit(f.expiry) + pn + pnCheck
	line2 += digit(line2[0:10] + line2[13:20] + line2[21:43])
	return line1, line2, nil
}

// FormatTD2 builds the two 36-character lines of a TD2 document (fields as
// for FormatTD3, default code "I"; OptionalData at most 7 characters). A
// document number longer than 9 characters continues in the optional data
// as ICAO 9303 provides.
func FormatTD2(m MRZ) (line1, line2 string, err error) {
	f, err := mrzFieldsFor(m, "I")
	if err != nil {
		return "", "", err
	}
	num, check, opt, err := mrzNumberAndOptional(f.number, m.OptionalData, 7)
	if err != nil {
		return "", "", err
	}
	line1 = f.code + f.state + mrzName(f.surname, f.given, 31)
	line2 = num + check + f.nationality + f.birth + digit(f.birth) + f.sex + f.expiry + digit(f.expiry) + opt
	line2 += digit(line2[0:10] + line2[13:20] + line2[21:35])
	return line1, line2, nil
}

// FormatTD1 builds the three 30-character lines of an identity card (fields
// as for FormatTD3, default code "I"; OptionalData is line 1's optional
// data, at most 15 characters, OptionalData2 line 2's, at most 11). A
// document number longer than 9 characters continues in line 1's optional
// data.
func FormatTD1(m MRZ) (line1, line2, line3 string, err error) {
	f, err := mrzFieldsFor(m, "I")
	if err != nil {
		return "", "", "", err
	}
	num, check, opt, err := mrzNumberAndOptional(f.number, m.OptionalData, 15)
	if err != nil {
		return "", "", "", err
	}
	opt2, err := mrzText("optional_data_2", "optional data of line 2", m.OptionalData2, 11)
	if err != nil {
		return "", "", "", err
	}
	line1 = f.code + f.state + num + check + opt
	line2 = f.birth + digit(f.birth) + f.sex + f.expiry + digit(f.expiry) + f.nationality + pad(opt2, 11)
	line2 += digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
	line3 = mrzName(f.surname, f.given, 30)
	return line1, line2, line3, nil
}

type mrzFields struct {
	code, state, nationality, surname, given, number, birth, expiry, sex string
}

func mrzFieldsFor(m MRZ, defCode string) (f mrzFields, err error) {
	code := strings.ToUpper(strings.TrimSpace(m.DocumentCode))
	if code == "" {
		code = defCode
	}
	if len(code) > 2 || !isUpperASCII(rune(code[0])) || len(code) == 2 && !isUpperASCII(rune(code[1])) && code[1] != '<' {
		return f, errorf(KindMRZ, "document_code", "document code %q must be one or two letters", m.DocumentCode)
	}
	if code[0] == 'V' {
		return f, errorf(KindMRZ, "document_code", "visa layouts (document code V) are not built by this function")
	}
	f.code = pad(code, 2)
	if f.state, err = mrzStateField("issuing_state", "issuing state", m.IssuingState); err != nil {
		return f, err
	}
	if f.nationality, err = mrzStateField("nationality", "nationality", m.Nationality); err != nil {
		return f, err
	}
	if f.surname, err = transliterate(m.Surname); err != nil {
		return f, errorf(KindMRZ, "surname", "%s", err.(*Error).Reason)
	}
	if f.surname == "" {
		return f, errorf(KindMRZ, "surname", "surname is required")
	}
	if f.given, err = transliterate(m.GivenNames); err != nil {
		return f, errorf(KindMRZ, "given_names", "%s", err.(*Error).Reason)
	}
	f.number = strings.ToUpper(strings.TrimRight(strings.TrimSpace(m.DocumentNumber), "<"))
	if f.number == "" || !isAlnumUpper(f.number) {
		return f, errorf(KindMRZ, "document_number", "document number %q must be letters and digits", m.DocumentNumber)
	}
	if len(f.number) > MaxDocumentNumber {
		return f, errorf(KindMRZ, "document_number", "document number has %d characters, at most %d", len(f.number), MaxDocumentNumber)
	}
	birth := m.BirthDate
	if birth == "" {
		birth = m.BirthDateMRZ
	}
	if f.birth, err = mrzDateField("birth_date", "date of birth", birth, true); err != nil {
		return f, err
	}
	expiry := m.ExpiryDate
	if expiry == "" {
		expiry = m.ExpiryDateMRZ
	}
	if f.expiry, err = mrzDateField("expiry_date", "date of expiry", expiry, false); err != nil {
		return f, err
	}
	switch sx := strings.ToUpper(strings.TrimSpace(m.Sex)); sx {
	case "":
		f.sex = "<"
	case "M", "F", "X", "<":
		f.sex = sx
	default:
		return f, errorf(KindMRZ, "sex", "sex is %q; expected M, F, X or '<'", m.Sex)
	}
	return f, nil
}

// mrzNumberAndOptional lays out a document number and optional data for
// TD1/TD2, with the long-number overflow rule.
func mrzNumberAndOptional(number, optional string, width int) (num, check, opt string, err error) {
	o, err := mrzText("optional_data", "optional data", optional, width)
	if err != nil {
		return "", "", "", err
	}
	if len(number) <= 9 {
		num = pad(number, 9)
		return num, digit(num), pad(o, width), nil
	}
	over := number[9:] + digit(number)
	if o != "" {
		over += "<" + o
	}
	if len(over) > width {
		return "", "", "", errorf(KindMRZ, "document_number",
			"document number of %d characters and the optional data do not fit the %d optional positions", len(number), width)
	}
	return number[:9], "<", pad(over, width), nil
}

func mrzStateField(field, what, s string) (string, error) {
	t := strings.ToUpper(strings.TrimRight(strings.TrimSpace(s), "<"))
	if t == "" || len(t) > 3 || strings.IndexFunc(t, func(r rune) bool { return !isUpperASCII(r) }) >= 0 {
		return "", errorf(KindMRZ, field, "%s %q must be a one- to three-letter ICAO 9303 code", what, s)
	}
	return pad(t, 3), nil
}

// mrzDateField accepts YYYY-MM-DD or YYMMDD (and, for births, YYYY,
// YYYY-MM or YYMMDD with unknown parts as fillers) and returns YYMMDD.
func mrzDateField(field, what, s string, birth bool) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[0:4]+s[5:7]+s[8:10]) {
		y, mo, d := atoi2(s[0:2])*100+atoi2(s[2:4]), atoi2(s[5:7]), atoi2(s[8:10])
		if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
			return "", errorf(KindMRZ, field, "%s %q is not a valid date", what, s)
		}
		return s[2:4] + s[5:7] + s[8:10], nil
	}
	if birth && (len(s) == 4 && allDigits(s) || len(s) == 7 && s[4] == '-' && allDigits(s[:4]+s[5:])) {
		// Partly unknown date of birth: YYYY or YYYY-MM.
		if len(s) == 7 {
			if mo := atoi2(s[5:7]); mo < 1 || mo > 12 {
				return "", errorf(KindMRZ, field, "%s %q has month %02d", what, s, mo)
			}
			return s[2:4] + s[5:7] + "<<", nil
		}
		return s[2:4] + "<<<<", nil
	}
	if len(s) != 6 {
		return "", errorf(KindMRZ, field, "%s %q must be YYYY-MM-DD or YYMMDD", what, s)
	}
	known := s
	if birth {
		known = strings.TrimRight(s, "<")
	}
	if len(known)%2 == 1 || !allDigitsOrEmpty(known) || !birth && known == "" {
		return "", errorf(KindMRZ, field, "%s %q must be YYYY-MM-DD or YYMMDD", what, s)
	}
	if len(known) >= 4 {
		mo := atoi2(known[2:4])
		if mo < 1 || mo > 12 {
			return "", errorf(KindMRZ, field, "%s %q has month %02d", what, s, mo)
		}
		if len(known) == 6 {
			// Leap years: a two-digit year divisible by 4 is taken as leap
			// (true of every such year from 1904 to 2096).
			y := 2000 + atoi2(known[0:2])
			if d := atoi2(known[4:6]); d < 1 || d > daysIn(y, mo) {
				return "", errorf(KindMRZ, field, "%s %q is not a valid date", what, s)
			}
		}
	}
	return s, nil
}

// mrzText checks free optional data: letters, digits, '<', blanks (turned
// into '<'); at most width characters.
func mrzText(field, what, s string, width int) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimRight(strings.ReplaceAll(t, " ", "<"), "<")
	for i := 0; i < len(t); i++ {
		if mrzValue(t[i]) < 0 {
			return "", errorf(KindMRZ, field, "%s contains %q; only letters, digits and '<' are allowed", what, t[i])
		}
	}
	if len(t) > width {
		return "", errorf(KindMRZ, field, "%s has %d characters, at most %d", what, len(t), width)
	}
	return t, nil
}

// mrzName builds a name field: surname, "<<", given names, truncated and
// padded to width.
func mrzName(surname, given string, width int) string {
	s := surname
	if given != "" {
		s += "<<" + given
	}
	if len(s) > width {
		s = strings.TrimRight(s[:width], "<")
	}
	return pad(s, width)
}

var translitSpecial = map[rune]string{
	'Ä': "AE", 'Ö': "OE", 'Ü': "UE", 'ß': "SS", 'Æ': "AE", 'Ø': "OE", 'Å': "AA",
	'Œ': "OE", 'Þ': "TH", 'Ð': "D", 'Đ': "D", 'Ł': "L", 'Ĳ': "IJ", 'ẞ': "SS",
}

// transliterate turns a name into MRZ characters (ICAO 9303 part 3, in
// simplified form). Parts are separated by single '<'.
func transliterate(s string) (string, error) {
	if len(s) > MaxInput {
		return "", &Error{Reason: "name is too long"}
	}
	var b strings.Builder
	sep := false
	for _, r := range norm.NFC.String(strings.ToUpper(s)) {
		if t, ok := translitSpecial[r]; ok {
			if sep && b.Len() > 0 {
				b.WriteByte('<')
			}
			sep = false
			b.WriteString(t)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			switch {
			case d >= 'A' && d <= 'Z':
				if sep && b.Len() > 0 {
					b.WriteByte('<')
				}
				sep = false
				b.WriteRune(d)
			case unicode.Is(unicode.Mn, d):
				// a diacritic: dropped
			case d == ' ' || d == '-' || d == '<' || d == '\t':
				sep = true
			case d == '\'' || d == '’' || d == '.' || d == ',':
				// dropped
			default:
				return "", &Error{Reason: "name contains " + quoteRune(d) + ", which has no MRZ transliteration"}
			}
		}
	}
	return b.String(), nil
}

func quoteRune(r rune) string { return fmt.Sprintf("%q", r) }

func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return s + strings.Repeat("<", width-len(s))
}

func digit(s string) string { return string(rune('0' + MRZCheckDigit(s))) }
