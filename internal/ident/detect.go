package ident

import (
	"strings"
)

// detectOrder is the order in which Detect tries the parsers: the most
// specific shapes first (an MRZ, an IBAN with its checksum, an e-mail with
// its "@", crypto addresses with their checksums, a VIN, an IMEI with its
// Luhn digit), then phone numbers, domains and URLs, and last the travel
// document number, which accepts almost any short alphanumeric string.
var detectOrder = []Kind{
	KindMRZ, KindIBAN, KindEmail, KindETH, KindBTC, KindTRX, KindVIN,
	KindIMEI, KindPhone, KindDomain, KindURL, KindPassportNumber,
}

// maxDetectInput is the largest input any parser accepts.
const maxDetectInput = MaxURLInput

// Detect returns the kinds s parses as, most plausible first. Phone numbers
// are only recognised in international form ("+…" or "00…") since there is
// no default region; use DetectRegion to give one. An empty result means s
// is no known identifier.
func Detect(s string) []Kind { return DetectRegion(s, "") }

// DetectRegion is Detect with a default region (ISO alpha-2) for phone
// numbers in national format and document numbers.
func DetectRegion(s, defaultRegion string) []Kind {
	ids := detectAll(s, defaultRegion, false)
	kinds := make([]Kind, len(ids))
	for i, id := range ids {
		kinds[i] = id.Kind
	}
	return kinds
}

// detectAll parses s as every kind in detection order and keeps those that
// are accepted and plausible; with first set it stops at the first.
func detectAll(s, region string, first bool) []Identifier {
	if len(s) > maxDetectInput || strings.TrimSpace(s) == "" {
		return nil
	}
	var out []Identifier
	for _, k := range detectOrder {
		id, err := parseAs(k, s, region)
		if err != nil || !plausible(id, s) {
			continue
		}
		out = append(out, id)
		if first {
			break
		}
	}
	return out
}

// plausible drops matches that a parser accepts but that would be a poor
// guess when the caller did not name the kind.
func plausible(id Identifier, raw string) bool {
	switch id.Kind {
	case KindPhone:
		// libphonenumber reads letters as keypad digits ("1-800-FLOWERS");
		// a guess must not turn "ABC1234567" into a phone number. Letters
		// are allowed only in "tel:" and an extension.
		t := strings.ToLower(strings.TrimSpace(raw))
		t = strings.TrimPrefix(t, "tel:")
		if i := strings.IndexAny(t, "ex#;"); i >= 0 {
			t = t[:i]
		}
		return strings.IndexFunc(t, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0
	case KindIMEI:
		// "00" and 12 to 14 more digits is a phone number in the
		// international form most of the world dials (00 212 6…): one
		// that is a valid number is left to the phone parser, tried
		// next, rather than guessed to be an IMEI (which ParseIMEI
		// accepts from 14 digits, computing the check digit).
		if t := strings.TrimSpace(raw); strings.HasPrefix(t, "00") {
			if _, err := ParsePhone(t, ""); err == nil {
				return false
			}
		}
		// Sixteen digits are also a payment card number. An IMEISV has no
		// Luhn digit and its last two digits (the software version) are
		// never 99; a 16-digit number that passes Luhn is more likely a
		// card, so it is not guessed to be an IMEISV.
		m := id.Detail.(*IMEI)
		if m.Type == "IMEISV" {
			c := m.Canonical
			return LuhnDigit(c[:15]) != c[15] && c[14:] != "99"
		}
		return true
	case KindVIN:
		// Outside North America the check digit is optional, so any 17
		// characters without I, O, Q would pass; insist on a valid check
		// digit, or on the shape of a real VIN (a letter somewhere and the
		// last four characters numeric, as ISO 3779 requires).
		v := id.Detail.(*VIN)
		if v.CheckDigit == CheckValid {
			return true
		}
		c := v.Canonical
		return strings.IndexFunc(c, isUpperASCII) >= 0 && allDigits(c[13:])
	case KindPassportNumber:
		// Only a short alphanumeric string (5 to 12 characters, the length
		// of passport numbers) with at least one digit.
		d := id.Detail.(*DocumentNumber)
		return len(d.Number) >= 5 && len(d.Number) <= 12 && strings.IndexFunc(d.Number, isDigitRune) >= 0
	}
	return true
}

func detectParse(value, region string) (Identifier, error) {
	if len(value) > maxDetectInput {
		return Identifier{}, errorf("", "value", "input is %d bytes long, the limit is %d", len(value), maxDetectInput)
	}
	if ids := detectAll(value, region, true); len(ids) > 0 {
		return ids[0], nil
	}
	// Nothing parsed: if the shape says which kind was meant, give that
	// kind's precise reason.
	if k := guessKind(value); k != "" {
		if _, err := parseAs(k, value, region); err != nil {
			return Identifier{}, err
		}
	}
	if strings.TrimSpace(value) == "" {
		return Identifier{}, errorf("", "value", "empty value")
	}
	return Identifier{}, errorf("", "value", "not a recognised identifier; known kinds: %s", kindList())
}

// guessKind names the kind an unparseable value most looks like, or "".
func guessKind(s string) Kind {
	t := strings.TrimSpace(s)
	u := strings.ToUpper(t)
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, u)
	switch {
	case strings.Count(t, "<") >= 2 && len(compact) >= 60:
		return KindMRZ
	case strings.Contains(t, "@") && !strings.Contains(t, "://"):
		return KindEmail
	case strings.Contains(t, "://") || strings.HasPrefix(strings.ToLower(t), "www."):
		return KindURL
	case strings.HasPrefix(u, "0X"):
		return KindETH
	case strings.HasPrefix(u, "BC1") || strings.HasPrefix(u, "TB1"):
		return KindBTC
	case strings.HasPrefix(t, "+"), strings.HasPrefix(compact, "00") && allDigits(compact):
		return KindPhone // international form: + or 00, as Detect reads it
	case len(t) == 34 && t[0] == 'T' && isBase58(t):
		return KindTRX
	case len(t) >= 25 && len(t) <= 35 && (t[0] == '1' || t[0] == '3') && isBase58(t):
		return KindBTC
	case len(compact) >= 12 && isUpperASCII(rune(compact[0])) && isUpperASCII(rune(compact[1])) &&
		isDigitRune(rune(compact[2])) && isDigitRune(rune(compact[3])):
		return KindIBAN
	case len(compact) >= 14 && len(compact) <= 16 && allDigits(compact):
		return KindIMEI
	case len(compact) == 17 && isAlnumUpper(compact):
		return KindVIN
	}
	return ""
}

func isUpperASCII(r rune) bool { return r >= 'A' && r <= 'Z' }
func isDigitRune(r rune) bool  { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnumUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

func isBase58(s string) bool {
	for i := 0; i < len(s); i++ {
		if b58Index[s[i]] < 0 {
			return false
		}
	}
	return true
}
