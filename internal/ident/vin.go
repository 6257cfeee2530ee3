package ident

import (
	"fmt"
	"strings"
)

// Check digit states of a VIN.
const (
	// CheckValid: the check digit (position 9) is right.
	CheckValid = "valid"
	// CheckNotVerified: the check digit does not compute, but the VIN is
	// not North American, where it is optional (a warning says so).
	CheckNotVerified = "not_verified"
)

// VIN is a validated vehicle identification number (ISO 3779).
type VIN struct {
	Canonical string `json:"canonical"`
	// WMI, VDS and VIS are the world manufacturer identifier (1–3), the
	// vehicle descriptor section (4–9) and the vehicle identifier section
	// (10–17).
	WMI string `json:"wmi"`
	VDS string `json:"vds"`
	VIS string `json:"vis"`
	// Region is the continent from the first character: north_america,
	// oceania, south_america, africa, asia or europe.
	Region string `json:"region"`
	// CheckDigit is CheckValid or CheckNotVerified.
	CheckDigit string   `json:"check_digit"`
	Warnings   []string `json:"warnings,omitempty"`
}

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue is the transliteration of a VIN character (-1 if not allowed).
func vinValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// VINCheckDigit returns the check digit ('0'–'9' or 'X') of a 17-character
// VIN, or 0 if it holds a character a VIN cannot.
func VINCheckDigit(v string) byte {
	if len(v) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		x := vinValue(v[i])
		if x < 0 {
			return 0
		}
		sum += x * vinWeights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}

func vinRegion(c byte) string {
	switch {
	case c >= '1' && c <= '5':
		return "north_america"
	case c == '6' || c == '7':
		return "oceania"
	case c == '8' || c == '9' || c == '0':
		return "south_america"
	case c >= 'A' && c <= 'H':
		return "africa"
	case c >= 'J' && c <= 'R':
		return "asia"
	}
	return "europe"
}

// ParseVIN validates a vehicle identification number: 17 letters and
// digits (blanks and hyphens removed, upper-cased), never I, O or Q. The
// check digit at position 9 is mandatory for North American VINs (first
// character 1–5): a wrong one is an error. Elsewhere it is optional: a
// wrong one is a warning and the check digit is reported as not verified.
func ParseVIN(s string) (*VIN, error) {
	if err := checkInput(KindVIN, s, MaxInput); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\t':
		default:
			return nil, errorf(KindVIN, "value", "VIN contains %q; only letters and digits are allowed", r)
		}
	}
	v := b.String()
	if len(v) != 17 {
		return nil, errorf(KindVIN, "length", "a VIN has 17 characters, got %d", len(v))
	}
	for i := 0; i < 17; i++ {
		switch c := v[i]; c {
		case 'I', 'O', 'Q':
			hint := map[byte]string{'I': "1", 'O': "0", 'Q': "0"}[c]
			return nil, errorf(KindVIN, "value", "letter %c at position %d is never used in VINs (did you mean %s?)", c, i+1, hint)
		}
	}
	x := &VIN{Canonical: v, WMI: v[0:3], VDS: v[3:9], VIS: v[9:17], Region: vinRegion(v[0])}
	want, got := VINCheckDigit(v), v[8]
	switch {
	case want == got:
		x.CheckDigit = CheckValid
	case x.Region == "north_america":
		return nil, errorf(KindVIN, "check_digit", "check digit (position 9) is %c, expected %c", got, want)
	default:
		x.CheckDigit = CheckNotVerified
		x.Warnings = append(x.Warnings, fmt.Sprintf("check digit (position 9) is %c, computed %c; it is optional outside North America", got, want))
	}
	return x, nil
}
