package ident

import (
	"strings"
)

// IBAN is a validated International Bank Account Number.
type IBAN struct {
	// Canonical is the electronic form: upper case, no blanks.
	Canonical string `json:"canonical"`
	// Printable is the paper form, in groups of four.
	Printable   string `json:"printable"`
	Country     string `json:"country"`
	CheckDigits string `json:"check_digits"`
	BBAN        string `json:"bban"`
	// Registered is false for countries whose IBAN is in use but not in
	// the SWIFT IBAN registry (a warning says so).
	Registered bool     `json:"registered"`
	Warnings   []string `json:"warnings,omitempty"`
}

// ibanLengths is the total IBAN length per country of the SWIFT IBAN
// registry.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
	"FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
	"GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
	"MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
	"SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
	"YE": 30,
}

// ibanUnregistered lists countries whose banks publish IBANs (mostly in
// Africa, including Morocco's 28-character IBAN built on the RIB) that are
// not in the SWIFT registry. They are accepted with a warning.
var ibanUnregistered = map[string]int{
	"MA": 28, "DZ": 26, "AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28,
	"CM": 27, "CV": 25, "GA": 27, "GQ": 27, "GW": 25, "IR": 26, "KM": 27, "MG": 27,
	"ML": 28, "MZ": 25, "NE": 28, "SN": 28, "TD": 27, "TG": 28,
}

// ParseIBAN validates an IBAN: blanks and hyphens are removed, a leading
// "IBAN" is ignored, letters are upper-cased; the country must be known, the
// length right for it and the ISO 7064 mod-97 check must give 1 (with check
// digits from 02 to 98).
func ParseIBAN(s string) (*IBAN, error) {
	if err := checkInput(KindIBAN, s, MaxInput); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '\t' || r == '-' || r == '\u00a0' || r == '\u202f' || r == '\n' || r == '\r':
		case r == ':' && strings.HasPrefix(b.String(), "IBAN") && b.Len() == 4:
		default:
			return nil, errorf(KindIBAN, "value", "IBAN contains %q; only letters and digits are allowed", r)
		}
	}
	v := b.String()
	// No country has the code IB, so a leading "IBAN" is a label.
	v = strings.TrimPrefix(v, "IBAN")
	if len(v) < 4 {
		return nil, errorf(KindIBAN, "value", "IBAN is too short (%d characters)", len(v))
	}
	cc := v[:2]
	if !isUpperASCII(rune(cc[0])) || !isUpperASCII(rune(cc[1])) {
		return nil, errorf(KindIBAN, "country", "IBAN must start with a two-letter country code, found %q", cc)
	}
	if !isDigitRune(rune(v[2])) || !isDigitRune(rune(v[3])) {
		return nil, errorf(KindIBAN, "check_digits", "IBAN check digits %q must be two digits", v[2:4])
	}
	x := &IBAN{Country: cc, CheckDigits: v[2:4], BBAN: v[4:], Registered: true}
	want, ok := ibanLengths[cc]
	if !ok {
		if want, ok = ibanUnregistered[cc]; !ok {
			return nil, errorf(KindIBAN, "country", "country %s does not use IBANs (not in the SWIFT IBAN registry)", cc)
		}
		x.Registered = false
		x.Warnings = append(x.Warnings, "country "+cc+"'s IBAN is not in the SWIFT IBAN registry")
	}
	if len(v) != want {
		return nil, errorf(KindIBAN, "length", "wrong length for country %s: expected %d characters, got %d", cc, want, len(v))
	}
	if cd := atoi2(x.CheckDigits); cd < 2 || cd > 98 {
		return nil, errorf(KindIBAN, "check_digits", "IBAN check digits %s are out of range (02 to 98)", x.CheckDigits)
	}
	if ibanMod97(v[4:]+v[:4]) != 1 {
		return nil, errorf(KindIBAN, "checksum", "IBAN checksum failed (check digits %s, expected %02d)",
			x.CheckDigits, 98-ibanMod97(v[4:]+cc+"00"))
	}
	x.Canonical = v
	var p strings.Builder
	for i := 0; i < len(v); i += 4 {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(v[i:min(i+4, len(v))])
	}
	x.Printable = p.String()
	return x, nil
}

// ibanMod97 computes the number formed by s (letters as 10…35) modulo 97.
func ibanMod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}
