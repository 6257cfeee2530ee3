package ident

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a validated phone number.
type Phone struct {
	// E164 is the canonical form: "+" and the digits, e.g. "+212612345678".
	E164 string `json:"e164"`
	// CountryCode is the calling code (212 for Morocco).
	CountryCode int `json:"country_code"`
	// Region is the ISO alpha-2 region the number belongs to ("001" for
	// non-geographic numbers).
	Region string `json:"region"`
	// Type is mobile, fixed_line, fixed_line_or_mobile, toll_free,
	// premium_rate, shared_cost, voip, personal_number, pager, uan,
	// voicemail or unknown.
	Type     string   `json:"type"`
	Warnings []string `json:"warnings,omitempty"`
}

const maxPhoneInput = 250 // libphonenumber's own limit

var phoneTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
	phonenumbers.UNKNOWN:              "unknown",
}

// ParsePhone parses a phone number into E.164 with libphonenumber's data.
// defaultRegion (ISO alpha-2, case-insensitive) is used for numbers written
// in national format; it may be empty when the number is international
// ("+…", or "00…" as most of the world dials it: with no region given, a
// leading 00 is read as the "+"). The number must be valid (right length and prefixes for its
// region), not merely possible; the error says why it is not. An extension
// is dropped from the canonical form, with a warning.
func ParsePhone(s, defaultRegion string) (p *Phone, err error) {
	if err := checkInput(KindPhone, s, maxPhoneInput); err != nil {
		return nil, err
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region != "" {
		if len(region) != 2 || !isUpperASCII(rune(region[0])) || !isUpperASCII(rune(region[1])) {
			return nil, errorf(KindPhone, "region", "default region %q must be an ISO 3166 alpha-2 code", defaultRegion)
		}
		if phonenumbers.GetCountryCodeForRegion(region) == 0 {
			return nil, errorf(KindPhone, "region", "default region %s has no telephone numbering plan", region)
		}
	}
	t := strings.TrimSpace(s)
	if low := strings.ToLower(t); strings.HasPrefix(low, "tel:") {
		t = t[len("tel:"):]
	}
	if t == "" {
		return nil, errorf(KindPhone, "value", "empty phone number")
	}
	// Without a region libphonenumber knows no international call prefix,
	// and "00 212 6…" would be refused as not international. 00 is the
	// prefix most of the world dials (ITU-T's recommended one), and with
	// no region there is no national number to take it for, so it is
	// read as "+". With a region, libphonenumber reads that region's own
	// prefix (00, 011, 810…) itself.
	if region == "" && strings.HasPrefix(t, "00") {
		t = "+" + t[2:]
	}
	// libphonenumber is third-party code fed with untrusted input: a panic
	// in it becomes a refusal, not a crash.
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, errorf(KindPhone, "value", "phone number could not be parsed")
		}
	}()
	num, perr := phonenumbers.Parse(t, region)
	if perr != nil {
		switch {
		case errors.Is(perr, phonenumbers.ErrInvalidCountryCode):
			if region == "" && !strings.HasPrefix(t, "+") {
				return nil, errorf(KindPhone, "region", "number is not in international form: expected its country calling code after + or 00 (+212 6…, 00212 6…), or a default region")
			}
			return nil, errorf(KindPhone, "country_code", "invalid country calling code")
		case errors.Is(perr, phonenumbers.ErrNotANumber):
			return nil, errorf(KindPhone, "value", "not a phone number")
		case errors.Is(perr, phonenumbers.ErrTooShortNSN), errors.Is(perr, phonenumbers.ErrTooShortAfterIDD):
			return nil, errorf(KindPhone, "length", "too short to be a phone number")
		case errors.Is(perr, phonenumbers.ErrNumTooLong):
			return nil, errorf(KindPhone, "length", "too long to be a phone number")
		}
		return nil, errorf(KindPhone, "value", "not a phone number: %v", perr)
	}
	if !phonenumbers.IsValidNumber(num) {
		cc := int(num.GetCountryCode())
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.INVALID_COUNTRY_CODE:
			return nil, errorf(KindPhone, "country_code", "invalid country calling code +%d", cc)
		case phonenumbers.TOO_SHORT:
			return nil, errorf(KindPhone, "length", "too short for a number with country code +%d", cc)
		case phonenumbers.TOO_LONG:
			return nil, errorf(KindPhone, "length", "too long for a number with country code +%d", cc)
		case phonenumbers.INVALID_LENGTH:
			return nil, errorf(KindPhone, "length", "wrong length for a number with country code +%d", cc)
		case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
			return nil, errorf(KindPhone, "value", "only a local number (without area code) for country code +%d", cc)
		}
		return nil, errorf(KindPhone, "value", "not a valid number for country code +%d (no such prefix or range)", cc)
	}
	p = &Phone{
		E164:        phonenumbers.Format(num, phonenumbers.E164),
		CountryCode: int(num.GetCountryCode()),
		Region:      phonenumbers.GetRegionCodeForNumber(num),
		Type:        phoneTypes[phonenumbers.GetNumberType(num)],
	}
	if p.Type == "" {
		p.Type = "unknown"
	}
	if num.GetExtension() != "" {
		p.Warnings = append(p.Warnings, fmt.Sprintf("extension %s dropped", num.GetExtension()))
	}
	return p, nil
}
