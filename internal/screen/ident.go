package screen

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/members"
)

// invalid turns an identifier parser's error into a field error under
// field (the request's name for the value). A part of the value the
// parser names (mrz.birth_date_check, value.length) is kept under it; a
// parameter of the parser that no screening request carries (a phone
// number's default region) is not a field the caller could mend, so the
// error is the value's.
func invalid(field string, err error) error {
	var e *ident.Error
	if errors.As(err, &e) {
		f := field
		if e.Field != "" && e.Field != field && field != "type" && e.Field != "region" {
			f = field + "." + e.Field
		}
		return core.Invalid(core.FieldError{Field: f, Reason: e.Reason})
	}
	return core.Invalid(core.FieldError{Field: field, Reason: err.Error()})
}

// ResolveMRZ reads a raw machine-readable zone, with every check digit
// verified, into the document query it stands for.
func ResolveMRZ(raw string) (DocumentQuery, error) {
	m, err := ident.ParseMRZ(raw, time.Time{})
	if err != nil {
		return DocumentQuery{}, invalid("mrz", err)
	}
	typ := m.DocumentType
	if typ == "identity_card" {
		typ = "id_card"
	}
	return DocumentQuery{Number: m.DocumentNumber, Country: icaoCountry(m.IssuingState), Type: typ}, nil
}

// ResolveDocument is the document a query asks for: its number, country
// and type as sent, or, when it has an MRZ, those the zone carries (check
// digits verified). A number or country sent beside an MRZ must be the
// zone's (the number compared as NormaliseDocNumber writes it, the
// country as ISO alpha-2): otherwise one of the two documents would go
// unscreened with nothing said, so the query is refused naming both
// fields. A type beside an MRZ is the zone's to say, and is replaced.
func ResolveDocument(q DocumentQuery) (DocumentQuery, error) {
	if q.MRZ == "" {
		return q, nil
	}
	r, err := ResolveMRZ(q.MRZ)
	if err != nil {
		return DocumentQuery{}, err
	}
	var fs []core.FieldError
	if q.Number != "" && NormaliseDocNumber(q.Number) != NormaliseDocNumber(r.Number) {
		fs = append(fs, core.FieldError{Field: "number", Reason: fmt.Sprintf("%q is not the document number in mrz (%s): send mrz alone, or number and country alone", core.Clip(q.Number, 30), r.Number)})
	}
	if q.Country != "" && alpha2(q.Country) != alpha2(r.Country) {
		fs = append(fs, core.FieldError{Field: "country", Reason: fmt.Sprintf("%q is not the issuing state in mrz (%s): send mrz alone, or number and country alone", core.Clip(q.Country, 10), r.Country)})
	}
	if len(fs) > 0 {
		return DocumentQuery{}, core.Invalid(append(fs, core.FieldError{Field: "mrz", Reason: "holds another document than number and country: send one or the other"})...)
	}
	r.MRZ = q.MRZ
	return r, nil
}

// alpha2 is a country code as documents are keyed on it: a member's ISO
// alpha-2, any other code in upper case.
func alpha2(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if m, ok := members.Lookup(c); ok {
		return m.Alpha2
	}
	return c
}

// icaoCountry maps an ICAO 9303 state code to ISO alpha-2 where it can.
func icaoCountry(code string) string {
	switch code {
	case "D":
		return "DE"
	case "GBD", "GBN", "GBO", "GBP", "GBS":
		return "GB"
	}
	if c, ok := members.Lookup(code); ok {
		return c.Alpha2
	}
	return code
}

// identKinds maps the identifier types lists use to the parser's kinds.
var identKinds = map[string]ident.Kind{"xbt": ident.Kind("btc"), "bitcoin": ident.Kind("btc"), "ethereum": ident.Kind("eth"),
	"tron": ident.Kind("trx"), "website": ident.Kind("url"), "e-mail": ident.Kind("email")}

// ResolveIdentifier validates an identifier, detecting its type when none
// is given, and returns its type and canonical form. An unknown type is
// refused on "type", the field's name in POST /screen/identifier (a batch
// line names it identifier_type and renames the error). A value left
// blank is told it is required, whatever its type; one sent that holds
// nothing of the type is told what is wrong with it.
func ResolveIdentifier(typ, value string) (string, string, error) {
	var kind ident.Kind
	t := strings.ToLower(strings.TrimSpace(typ))
	if typ != "" && t != "imo" && t != "plate" { // ident parses neither of those two
		if k, ok := identKinds[t]; ok {
			kind = k
		} else if k, err := ident.ParseKind(t); err == nil {
			kind = k
		} else {
			return "", "", core.Invalid(core.FieldError{Field: "type", Reason: fmt.Sprintf("%q is not a known identifier type; known: %s, plate, imo", core.Clip(typ, 20), kindList())})
		}
	}
	if strings.TrimSpace(value) == "" {
		return "", "", core.Invalid(core.FieldError{Field: "value", Reason: "is required", Code: "required"})
	}
	switch t {
	case "plate":
		canon := CanonicalIdentifier(t, value)
		if canon == "" {
			return "", "", core.Invalid(core.FieldError{Field: "value", Reason: fmt.Sprintf("must hold letters A–Z or digits: %q has none", core.Clip(value, 20)),
				Code: "no_letters_or_digits", Params: []string{core.Clip(value, 20)}})
		}
		return t, canon, nil
	case "imo":
		n, ok := imoNumber(value)
		if !ok {
			return "", "", core.Invalid(core.FieldError{Field: "value", Reason: fmt.Sprintf("%q is not an IMO number: expected its 7 digits, with or without \"IMO\" before them (IMO 9074729)", core.Clip(value, 20))})
		}
		// The check digit is checked against the index's answer
		// (Index.ScreenIdentifier): lists carry numbers that fail it.
		return t, n, nil
	}
	id, err := ident.Parse(kind, value, "")
	if err != nil {
		return "", "", invalid("value", err)
	}
	return string(id.Kind), id.Canonical, nil
}

func kindList() string {
	var ks []string
	for _, k := range ident.Kinds() {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

// canonicalByParser is the parser's canonical form of a typed value, or
// "" when the parser refuses it (the index then keeps a plain form).
func canonicalByParser(typ, v string) string {
	t := strings.ToLower(typ)
	kind, ok := identKinds[t]
	if !ok {
		k, err := ident.ParseKind(t)
		if err != nil {
			return ""
		}
		kind = k
	}
	id, err := ident.Parse(kind, v, "")
	if err != nil {
		return ""
	}
	return string(id.Kind) + ":" + id.Canonical
}

// imoNumber is an IMO number in the form it is compared in: its seven
// digits, without the "IMO" written before them, blanks, hyphens or dots,
// in any case, so that a vessel listed as "IMO 9074729" (as FtM writes
// it) is found by 9074729 (as the OFAC import keeps it), IMO9074729 or
// imo 9074729, and the other way round; "IMO No. 9074729" is one too.
// ok is false when v is not seven such digits.
func imoNumber(v string) (string, bool) {
	var b strings.Builder
	t := strings.ToUpper(strings.TrimSpace(v))
	t = strings.TrimPrefix(t, "IMO")
	t = strings.TrimLeft(t, " :.-")
	t = strings.TrimPrefix(t, "NO")
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == ':':
		default:
			return "", false
		}
	}
	if b.Len() != 7 {
		return "", false
	}
	return b.String(), true
}

// imoCheckDigit is the check digit of a ship's IMO number from its first
// six digits: the last digit of their sum weighted 7, 6, 5, 4, 3 and 2
// (9074729: 9×7 + 0×6 + 7×5 + 4×4 + 7×3 + 2×2 = 139). d holds seven
// digits.
func imoCheckDigit(d string) byte {
	sum := 0
	for i := 0; i < 6; i++ {
		sum += int(d[i]-'0') * (7 - i)
	}
	return byte('0' + sum%10)
}
