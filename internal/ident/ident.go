// Package ident owns parsing, validating and canonicalising identifiers that
// come from outside input: passport machine-readable zones (ICAO 9303), travel
// document numbers, IBANs, phone numbers, e-mail addresses, URLs and domains,
// crypto-currency addresses (Bitcoin, Ethereum, Tron), vehicle identification
// numbers and IMEIs.
//
// Everything here is a pure function: no I/O, no storage, no clock except
// where a caller leaves a reference date unset. The canonical forms returned
// are what the screening index and the correlation of citizen reports into
// campaigns key on, so they are stable: parsing a canonical form again gives
// the same canonical form.
//
// Every refusal is an *Error naming the kind, the field and the reason in
// words a person can act on ("check digit for the date of birth is 3,
// expected 5"). Doubts that do not justify a refusal (an expired passport, a
// document number that does not look like the issuing country's usual
// format) are returned as warnings beside the value.
//
// Every input is size-checked before any other work is done (MaxInput, or the
// tighter per-kind limits below).
//
// Canonical forms, by kind:
//
//	mrz              the normalised lines joined by "\n"
//	passport_number  A–Z0–9, no separators, O read as 0 where the issuing
//	                 country's format has only digits ("12AB34567")
//	iban             electronic form ("DE89370400440532013000")
//	phone            E.164 ("+212612345678")
//	email            lower case; Gmail without dots and +tag ("foobar@gmail.com")
//	url              "https://www.example.com/a?b=1" (see ParseURL)
//	domain           lower-case punycode without trailing dot ("xn--bcher-kva.de")
//	btc              base58 as written, bech32 in lower case
//	eth              "0x" and 40 lower-case hex digits
//	trx              base58 as written ("T…")
//	vin              17 upper-case characters
//	imei             15 digits (IMEI) or 16 (IMEISV)
package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind names a kind of identifier. The string values are stable: they appear
// in the API and in stored index keys.
type Kind string

// The kinds of identifier this package understands.
const (
	KindMRZ            Kind = "mrz"
	KindPassportNumber Kind = "passport_number"
	KindIBAN           Kind = "iban"
	KindPhone          Kind = "phone"
	KindEmail          Kind = "email"
	KindURL            Kind = "url"
	KindDomain         Kind = "domain"
	KindBTC            Kind = "btc"
	KindETH            Kind = "eth"
	KindTRX            Kind = "trx"
	KindVIN            Kind = "vin"
	KindIMEI           Kind = "imei"
)

// allKinds is the list of known kinds, in the order Detect tries them.
var allKinds = []Kind{
	KindMRZ, KindIBAN, KindEmail, KindURL, KindETH, KindBTC, KindTRX,
	KindVIN, KindIMEI, KindPhone, KindDomain, KindPassportNumber,
}

// Kinds returns every known kind, in detection order.
func Kinds() []Kind { return append([]Kind(nil), allKinds...) }

// ParseKind checks a kind name given by a caller (case and surrounding
// blanks are ignored). An unknown name is an *Error listing the known ones.
func ParseKind(s string) (Kind, error) {
	if len(s) > 64 {
		return "", &Error{Field: "kind", Reason: fmt.Sprintf("kind name is %d bytes long; known kinds: %s", len(s), kindList())}
	}
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range allKinds {
		if k == known {
			return k, nil
		}
	}
	return "", &Error{Field: "kind", Reason: fmt.Sprintf("unknown kind %q; known kinds: %s", s, kindList())}
}

func kindList() string {
	names := make([]string, len(allKinds))
	for i, k := range allKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Size limits, in bytes, checked before any other work.
const (
	// MaxInput bounds every input that has no tighter limit of its own.
	MaxInput = 1000
	// MaxMRZInput bounds a pasted MRZ: three lines of 30 (or two of 44)
	// characters with room for line breaks and surrounding blanks.
	MaxMRZInput = 200
	// MaxURLInput bounds a URL; tracking parameters make real ones long.
	MaxURLInput = 2048
	// MaxEmailInput bounds an e-mail address as written (with an optional
	// display name or "mailto:").
	MaxEmailInput = 512
	// MaxDocumentNumber is the longest travel document number after
	// normalisation: the longest an MRZ carries, a TD1 number of 9
	// characters continued in the optional data by 13 more (then its
	// check digit and a filler). One limit for the MRZ, the document
	// number parser, records and screening, so that a number one accepts
	// is never refused by another.
	MaxDocumentNumber = 22
)

// Error is the refusal of an identifier: which kind was being parsed, which
// field of it was wrong and why. Reason is a sentence for a person.
type Error struct {
	Kind   Kind   `json:"kind,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Kind != "" {
		b.WriteString(string(e.Kind))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

func errorf(kind Kind, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// checkInput refuses input that is too long or not UTF-8, before any work.
func checkInput(kind Kind, s string, max int) error {
	if len(s) > max {
		return errorf(kind, "value", "input is %d bytes long, the limit is %d", len(s), max)
	}
	if !utf8.ValidString(s) {
		return errorf(kind, "value", "input is not valid UTF-8")
	}
	return nil
}

// Identifier is one parsed identifier: its kind, its canonical form (what
// indexes and correlation key on), warnings that did not justify a refusal,
// and the kind-specific detail: *MRZ, *DocumentNumber, *IBAN, *Phone, *Email,
// *URL, *DomainName, *CryptoAddress, *VIN or *IMEI.
type Identifier struct {
	Kind      Kind     `json:"kind"`
	Canonical string   `json:"canonical"`
	Warnings  []string `json:"warnings,omitempty"`
	Detail    any      `json:"detail,omitempty"`
}

// Parse parses value as the given kind. With an empty kind it detects the
// kind (see Detect) and returns the first kind that parses. defaultRegion is
// an ISO 3166 alpha-2 code used for phone numbers written in national format
// and as the issuing country of a travel document number; it may be empty.
// MRZ dates are resolved relative to the current date.
func Parse(kind Kind, value, defaultRegion string) (Identifier, error) {
	if kind == "" {
		return detectParse(value, defaultRegion)
	}
	k, err := ParseKind(string(kind))
	if err != nil {
		return Identifier{}, err
	}
	return parseAs(k, value, defaultRegion)
}

func parseAs(k Kind, value, region string) (Identifier, error) {
	switch k {
	case KindMRZ:
		m, err := ParseMRZ(value, zeroTime)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: m.Canonical(), Warnings: m.Warnings, Detail: m}, nil
	case KindPassportNumber:
		d, err := ParseDocumentNumber(region, value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: d.Number, Warnings: d.Warnings, Detail: d}, nil
	case KindIBAN:
		x, err := ParseIBAN(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: x.Canonical, Warnings: x.Warnings, Detail: x}, nil
	case KindPhone:
		p, err := ParsePhone(value, region)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: p.E164, Warnings: p.Warnings, Detail: p}, nil
	case KindEmail:
		e, err := ParseEmail(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: e.Canonical, Warnings: e.Warnings, Detail: e}, nil
	case KindURL:
		u, err := ParseURL(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: u.Canonical, Warnings: u.Warnings, Detail: u}, nil
	case KindDomain:
		d, err := ParseDomain(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: d.Canonical, Warnings: d.Warnings, Detail: d}, nil
	case KindBTC, KindETH, KindTRX:
		var (
			a   *CryptoAddress
			err error
		)
		switch k {
		case KindBTC:
			a, err = ParseBTC(value)
		case KindETH:
			a, err = ParseETH(value)
		default:
			a, err = ParseTRX(value)
		}
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: a.Canonical, Warnings: a.Warnings, Detail: a}, nil
	case KindVIN:
		v, err := ParseVIN(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: v.Canonical, Warnings: v.Warnings, Detail: v}, nil
	case KindIMEI:
		m, err := ParseIMEI(value)
		if err != nil {
			return Identifier{}, err
		}
		return Identifier{Kind: k, Canonical: m.Canonical, Warnings: m.Warnings, Detail: m}, nil
	}
	return Identifier{}, &Error{Field: "kind", Reason: fmt.Sprintf("unknown kind %q; known kinds: %s", k, kindList())}
}
