package ident

import (
	"fmt"
	"strings"
)

// IMEI is a validated mobile equipment identity.
type IMEI struct {
	// Canonical is the 15-digit IMEI (check digit included) or the 16-digit
	// IMEISV.
	Canonical string `json:"canonical"`
	// Type is "IMEI" or "IMEISV".
	Type string `json:"type"`
	// TAC is the type allocation code (first 8 digits: the device model).
	TAC string `json:"tac"`
	// Serial is the 6-digit serial number.
	Serial string `json:"serial"`
	// Device is the 15-digit IMEI of the handset: Canonical for an IMEI,
	// TAC, serial and a computed Luhn digit for an IMEISV. Reports naming
	// the same handset by IMEI and by IMEISV share it.
	Device   string   `json:"device"`
	Warnings []string `json:"warnings,omitempty"`
}

// LuhnDigit returns the Luhn check digit for a string of digits.
func LuhnDigit(digits string) byte {
	sum := 0
	double := true // the digit left of the check digit is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// ParseIMEI validates an IMEI. Blanks, hyphens, dots and slashes are
// removed. 15 digits must pass the Luhn check; 14 digits (an IMEI written
// without its check digit) get the check digit computed, with a warning;
// 16 digits are an IMEISV (software version instead of a check digit),
// which has no check digit to verify.
func ParseIMEI(s string) (*IMEI, error) {
	if err := checkInput(KindIMEI, s, MaxInput); err != nil {
		return nil, err
	}
	var b strings.Builder
	t := strings.TrimSpace(s)
	if len(t) >= 5 && strings.EqualFold(t[:5], "IMEI:") {
		t = t[5:]
	}
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '\t':
		default:
			return nil, errorf(KindIMEI, "value", "IMEI contains %q; only digits are allowed", r)
		}
	}
	d := b.String()
	m := &IMEI{}
	switch len(d) {
	case 14:
		c := LuhnDigit(d)
		m.Canonical, m.Type = d+string(c), "IMEI"
		m.Warnings = append(m.Warnings, fmt.Sprintf("14 digits: check digit %c computed", c))
	case 15:
		if want := LuhnDigit(d[:14]); d[14] != want {
			return nil, errorf(KindIMEI, "check_digit", "Luhn check digit is %c, expected %c", d[14], want)
		}
		m.Canonical, m.Type = d, "IMEI"
	case 16:
		m.Canonical, m.Type = d, "IMEISV"
	default:
		return nil, errorf(KindIMEI, "length", "an IMEI has 15 digits (14 without check digit, 16 for an IMEISV), got %d", len(d))
	}
	m.TAC, m.Serial = d[:8], d[8:14]
	m.Device = d[:14] + string(LuhnDigit(d[:14]))
	if strings.Trim(d[:14], "0") == "" {
		m.Warnings = append(m.Warnings, "an all-zero IMEI is a placeholder, not a device")
	}
	return m, nil
}
