package ident

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// DocumentNumber is a normalised travel document number.
type DocumentNumber struct {
	// Country is the issuing country as ISO alpha-2 when known (alpha-3
	// codes and the MRZ code "D" are mapped for the countries in the format
	// table), otherwise as given in upper case; "" when none was given.
	Country string `json:"country,omitempty"`
	// Number is the canonical number: upper case, no blanks, hyphens, dots
	// or '<', and O read as 0 where the country's format allows a digit but
	// never the letter O.
	Number string `json:"number"`
	// Format describes the issuing country's known format, "" if unknown.
	Format string `json:"format,omitempty"`
	// Matches reports whether Number has the known format (always false
	// when the format is unknown).
	Matches  bool     `json:"matches"`
	Warnings []string `json:"warnings,omitempty"`
}

// docFormat is one country's passport number format: one or more
// alternatives, each a sequence of per-position character sets.
type docFormat struct {
	desc string
	alts [][]string // alts[i][j]: allowed characters at position j
}

const (
	setDigit  = "0123456789"
	setLetter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// pattern builds one alternative from a compact spec: '9' a digit, 'A' a
// letter, 'X' a letter or digit, '[…]' an explicit set, '{n}' repeats the
// previous position.
func pattern(spec string) []string {
	var out []string
	for i := 0; i < len(spec); i++ {
		switch c := spec[i]; c {
		case '9':
			out = append(out, setDigit)
		case 'A':
			out = append(out, setLetter)
		case 'X':
			out = append(out, setLetter+setDigit)
		case '[':
			j := strings.IndexByte(spec[i:], ']')
			out = append(out, spec[i+1:i+j])
			i += j
		case '{':
			j := strings.IndexByte(spec[i:], '}')
			n := 0
			fmt.Sscanf(spec[i+1:i+j], "%d", &n)
			for k := 1; k < n; k++ {
				out = append(out, out[len(out)-1])
			}
			i += j
		default:
			out = append(out, string(c))
		}
	}
	return out
}

func alts(specs ...string) [][]string {
	out := make([][]string, len(specs))
	for i, s := range specs {
		out[i] = pattern(s)
	}
	return out
}

// docFormats is a small table of ordinary passport number formats by ISO
// alpha-2 code. A number that does not match is kept, with a warning:
// formats change and older documents remain valid.
var docFormats = map[string]docFormat{
	"US": {"9 digits, or a letter and 8 digits (Next Generation Passport)", alts("9{9}", "A9{8}")},
	"GB": {"9 digits", alts("9{9}")},
	"FR": {"2 digits, 2 letters, 5 digits", alts("99AA9{5}")},
	"MA": {"2 letters, 7 digits", alts("AA9{7}")},
	"DE": {"9 characters from C F G H J K L M N P R T V W X Y Z and digits", alts("[CFGHJKLMNPRTVWXYZ0123456789]{9}")},
	"ES": {"3 letters, 6 digits", alts("AAA9{6}")},
	"IT": {"2 letters, 7 digits", alts("AA9{7}")},
	"CA": {"2 letters, 6 digits", alts("AA9{6}")},
	"BR": {"2 letters, 6 digits", alts("AA9{6}")},
	"IN": {"a letter, 7 digits", alts("A9{7}")},
	"CN": {"E or G and 8 digits, or E, a letter and 7 digits", alts("[EG]9{8}", "EA9{7}")},
	"RU": {"9 digits", alts("9{9}")},
	"NG": {"a letter, 8 digits", alts("A9{8}")},
}

// alpha3 maps the ICAO/ISO alpha-3 codes (and the MRZ code "D") of the
// countries in docFormats to alpha-2.
var alpha3 = map[string]string{
	"USA": "US", "GBR": "GB", "FRA": "FR", "MAR": "MA", "DEU": "DE", "D": "DE",
	"ESP": "ES", "ITA": "IT", "CAN": "CA", "BRA": "BR", "IND": "IN", "CHN": "CN",
	"RUS": "RU", "NGA": "NG",
}

// IsDocumentNumberSeparator tells a character written between the
// letters and digits of a document number, not part of it: blanks,
// hyphens, dots, slashes and the MRZ's filler '<'.
func IsDocumentNumberSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '-', '.', '/', '<', '\u00a0', '\u2010', '\u2011', '\u2013':
		return true
	}
	return false
}

// ParseDocumentNumber normalises a travel document number issued by
// country (ISO alpha-2 or alpha-3, or "" when unknown): upper case; blanks,
// hyphens, dots, slashes and '<' removed; full-width and other compatibility
// forms folded (NFKC). Where the country's format is known, the letter O is
// read as the digit 0 at positions that allow a digit but not the letter O
// (so everywhere for numeric formats), and the result says whether the
// number matches; a mismatch is a warning, not a refusal. The canonical
// number is at most MaxDocumentNumber characters of A–Z and 0–9.
func ParseDocumentNumber(country, number string) (*DocumentNumber, error) {
	if err := checkInput(KindPassportNumber, number, MaxInput); err != nil {
		return nil, err
	}
	if len(country) > 16 {
		return nil, errorf(KindPassportNumber, "country", "country code is %d bytes long", len(country))
	}
	d := &DocumentNumber{}
	cc := strings.ToUpper(strings.Trim(strings.TrimSpace(country), "<"))
	if cc != "" {
		if len(cc) > 3 || strings.IndexFunc(cc, func(r rune) bool { return !isUpperASCII(r) }) >= 0 {
			return nil, errorf(KindPassportNumber, "country", "country %q must be an ISO 3166 alpha-2 or alpha-3 code", country)
		}
		if a2, ok := alpha3[cc]; ok {
			cc = a2
		}
	}
	d.Country = cc
	var b strings.Builder
	for _, r := range norm.NFKC.String(number) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case IsDocumentNumberSeparator(r): // dropped
		default:
			return nil, errorf(KindPassportNumber, "number", "document number contains %q; only letters and digits are allowed", r)
		}
		if b.Len() > MaxDocumentNumber {
			return nil, errorf(KindPassportNumber, "number", "document number is longer than %d characters", MaxDocumentNumber)
		}
	}
	n := b.String()
	if n == "" {
		return nil, errorf(KindPassportNumber, "number", "document number is empty")
	}
	f, known := docFormats[cc]
	if !known {
		d.Number = n
		return d, nil
	}
	d.Format = f.desc
	for _, alt := range f.alts {
		if len(alt) != len(n) {
			continue
		}
		if m, ok := matchDoc(alt, n); ok {
			d.Number, d.Matches = m, true
			if m != n {
				d.Warnings = append(d.Warnings, "the letter O was read as the digit 0")
			}
			return d, nil
		}
	}
	d.Number = n
	d.Warnings = append(d.Warnings, fmt.Sprintf("%q does not match the usual %s format (%s)", n, cc, f.desc))
	return d, nil
}

// matchDoc matches n against one alternative, reading O as 0 where the
// position allows 0 but not O.
func matchDoc(alt []string, n string) (string, bool) {
	out := []byte(n)
	for i := range out {
		set := alt[i]
		if strings.IndexByte(set, out[i]) >= 0 {
			continue
		}
		if out[i] == 'O' && strings.IndexByte(set, '0') >= 0 {
			out[i] = '0'
			continue
		}
		return "", false
	}
	return string(out), true
}
