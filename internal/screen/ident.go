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
// field (the request's name for the value).
func invalid(field string, err error) error {
	var e *ident.Error
	if errors.As(err, &e) {
		f := field
		if e.Field != "" && e.Field != field && field != "type" {
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
// is given, and returns its type and canonical form.
func ResolveIdentifier(typ, value string) (string, string, error) {
	var kind ident.Kind
	if typ != "" {
		t := strings.ToLower(strings.TrimSpace(typ))
		if k, ok := identKinds[t]; ok {
			kind = k
		} else if t == "plate" || t == "imo" {
			return t, CanonicalIdentifier(t, value), nil
		} else {
			k, err := ident.ParseKind(t)
			if err != nil {
				return "", "", core.Invalid(core.FieldError{Field: "type", Reason: fmt.Sprintf("%q is not a known identifier type; known: %s, plate, imo", clip(typ, 20), kindList())})
			}
			kind = k
		}
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
