package screen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/names"
	"golang.org/x/text/unicode/norm"
)

// DateRange is a date of birth as known: exact (From == To), a year
// (the whole year), or a range of years. Dates are yyyymmdd numbers; zero
// means unknown.
type DateRange struct{ From, To int32 }

// Known reports whether any date is known.
func (d DateRange) Known() bool { return d.From != 0 }

// Agrees reports whether both dates are known and may be the same day.
func (d DateRange) Agrees(o DateRange) bool {
	return d.Known() && o.Known() && d.From <= o.To && o.From <= d.To
}

func (d DateRange) String() string {
	switch {
	case !d.Known():
		return "unknown"
	case d.From == d.To:
		return fmt.Sprintf("%04d-%02d-%02d", d.From/10000, d.From/100%100, d.From%100)
	case d.From%10000 == 101 && d.To%10000 == 1231 && d.From/10000 == d.To/10000:
		return fmt.Sprintf("%04d", d.From/10000)
	}
	return fmt.Sprintf("%04d..%04d", d.From/10000, d.To/10000)
}

// ParseDate reads YYYY-MM-DD, YYYY-MM, YYYY, or a range YYYY..YYYY (also
// YYYY/YYYY). It returns an error naming what was expected.
func ParseDate(s string) (DateRange, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DateRange{}, nil
	}
	bad := fmt.Errorf("%q is not a date: expected YYYY-MM-DD, YYYY-MM, YYYY or YYYY..YYYY", core.Clip(s, 20))
	for _, sep := range []string{"..", "/"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			x, err1 := ParseDate(a)
			y, err2 := ParseDate(b)
			if err1 != nil || err2 != nil || !x.Known() || !y.Known() || y.To < x.From {
				return DateRange{}, bad
			}
			return DateRange{x.From, y.To}, nil
		}
	}
	switch len(s) {
	case 10:
		t, err := time.Parse("2006-01-02", s)
		if err != nil || t.Year() < 1850 || t.Year() > 2200 {
			return DateRange{}, bad
		}
		v := int32(t.Year()*10000 + int(t.Month())*100 + t.Day())
		return DateRange{v, v}, nil
	case 7:
		t, err := time.Parse("2006-01", s)
		if err != nil || t.Year() < 1850 || t.Year() > 2200 {
			return DateRange{}, bad
		}
		base := int32(t.Year()*10000 + int(t.Month())*100)
		return DateRange{base + 1, base + 31}, nil
	case 4:
		y, err := strconv.Atoi(s)
		if err != nil || y < 1850 || y > 2200 {
			return DateRange{}, bad
		}
		return DateRange{int32(y*10000 + 101), int32(y*10000 + 1231)}, nil
	}
	return DateRange{}, bad
}

// PersonData is a person as a record describes it.
type PersonData struct {
	Names         []string
	DOB           DateRange
	Sex           byte
	Nationalities []string
	Role          string
}

// Document is a travel or identity document.
type Document struct{ Number, Country, Type string }

// NormaliseDocNumber is the form document numbers are compared in:
// compatibility forms folded (NFKC: a full-width ２ is 2), then letters
// A–Z and digits only, upper case. Whatever else a record's number holds
// is dropped, so that records keep the keys they were found by; what is
// typed in is held to more (StrictDocNumber).
func NormaliseDocNumber(s string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// StrictDocNumber is a document number as it is typed in (a screening
// query, a record or an attendee written through the API), in the form
// NormaliseDocNumber writes it, and the first character in it that is
// neither a letter A–Z, a digit (after NFKC folding) nor a separator
// (ident.IsDocumentNumberSeparator): 0 when there is none. Such a
// character is refused rather than dropped, which would key or screen
// another number than the one written (ZX7654Ä321 as ZX7654321).
func StrictDocNumber(s string) (string, rune) {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case ident.IsDocumentNumberSeparator(r):
		default:
			return "", r
		}
	}
	return b.String(), 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Key is the exact-lookup key of a document: issuing country and number.
func (d Document) Key() string {
	c := strings.ToUpper(strings.TrimSpace(d.Country))
	if m, ok := members.Lookup(c); ok {
		c = m.Alpha2
	}
	return c + ":" + NormaliseDocNumber(d.Number)
}

// Identifier is any other exact identifier: IBAN, phone, e-mail, wallet,
// VIN, plate, IMEI, domain…
type Identifier struct{ Type, Value string }

// Key is the exact-lookup key of an identifier: the parser's canonical
// form where it accepts the value, else a plain normalised form.
func (i Identifier) Key() string {
	if k := canonicalByParser(i.Type, i.Value); k != "" {
		return k
	}
	return strings.ToLower(i.Type) + ":" + CanonicalIdentifier(i.Type, i.Value)
}

// CanonicalIdentifier puts a value in the form it is compared in. The
// same form keys records and queries: an IMO number is its seven digits
// (imoNumber; a value that is not seven digits keeps its letters and
// digits, so that it is still found as written), a plate its letters and
// digits without the registration country.
func CanonicalIdentifier(typ, v string) string {
	v = strings.TrimSpace(v)
	switch strings.ToLower(typ) {
	case "email", "domain", "url", "eth", "handle":
		return strings.ToLower(v)
	case "imo":
		if n, ok := imoNumber(v); ok {
			return n
		}
		return NormaliseDocNumber(v)
	case "iban", "vin", "imei", "plate", "btc", "trx", "phone":
		if strings.ToLower(typ) == "btc" && strings.HasPrefix(strings.ToLower(v), "bc1") {
			return strings.ToLower(v)
		}
		if strings.ToLower(typ) == "trx" || strings.ToLower(typ) == "btc" {
			return strings.ReplaceAll(v, " ", "")
		}
		var b strings.Builder
		for _, r := range strings.ToUpper(names.FoldWidth(v)) { // as a full-width keyboard types it
			if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '+' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return v
}

// Subjects is what a record contributes to the index.
type Subjects struct {
	Label       string     // Parts in English
	Parts       core.Label // the label as data ("" kind: none)
	Persons     []PersonData
	Documents   []Document
	Identifiers []Identifier
}

// Extract reads what a record holds that can be screened. Unknown fields
// are ignored; a malformed field contributes nothing rather than failing
// the record, which was validated when it was written.
func Extract(r *core.Record) Subjects {
	var d map[string]any
	var out Subjects
	if json.Unmarshal(r.Data, &d) != nil {
		return out
	}
	switch r.Kind {
	case core.KindPerson:
		if p, ok := personFrom(d, "subject"); ok {
			out.Persons = append(out.Persons, p)
			out.Parts = core.Label{Kind: r.Kind, Name: p.Names[0]}
		}
	case core.KindEntity:
		if p, ok := personFrom(d, "entity"); ok {
			out.Persons = append(out.Persons, p)
			out.Parts = core.Label{Kind: r.Kind, Name: p.Names[0]}
		}
	case core.KindTravelDocument:
		doc := Document{Number: str(d, "number"), Country: str(d, "issuing_country"), Type: str(d, "document_type")}
		if NormaliseDocNumber(doc.Number) != "" {
			out.Documents = append(out.Documents, doc)
			out.Parts = core.Label{Kind: r.Kind, DocumentType: doc.Type, Number: doc.Number, Country: doc.Country}
		}
		if h := str(d, "holder"); h != "" {
			out.Persons = append(out.Persons, PersonData{Names: []string{h}, Role: "holder"})
		}
	case core.KindVehicle:
		if v := str(d, "vin"); v != "" {
			out.Identifiers = append(out.Identifiers, Identifier{"vin", v})
		}
		// A plate is keyed as it is written on the car, without its
		// registration country: a searcher screens what it reads on the
		// plate, and the hit shows that plate; the country is in the
		// label's parts. The same plate in two countries is two hits.
		if p := str(d, "plate"); p != "" {
			out.Identifiers = append(out.Identifiers, Identifier{"plate", p})
		}
		out.Parts = core.Label{Kind: r.Kind, Make: str(d, "make"), Number: orDefault(str(d, "vin"), str(d, "plate")), Country: str(d, "registration_country")}
	case core.KindAsset, core.KindCyberIndicator:
		if t, v := str(d, "type"), str(d, "value"); t != "" && v != "" {
			out.Identifiers = append(out.Identifiers, Identifier{t, v})
		}
		out.Parts = core.Label{Kind: r.Kind, Number: str(d, "value"), AssetType: str(d, "asset_type")}
	case core.KindNotice:
		out.Parts = core.Label{Kind: r.Kind, NoticeType: str(d, "notice_type"), Reference: str(d, "reference")}
		if p, ok := personFrom(d, "subject"); ok {
			out.Persons = append(out.Persons, p)
			out.Parts.Name = p.Names[0]
		}
		// A Silver Notice's assets: their identifiers (IBAN, wallet,
		// registration…) are screenable like any other.
		if assets, ok := d["assets"].([]any); ok {
			for _, a := range assets {
				m, _ := a.(map[string]any)
				ids, _ := m["identifiers"].([]any)
				for _, x := range ids {
					if id, ok := x.(map[string]any); ok {
						if t, v := str(id, "type"), str(id, "value"); t != "" && v != "" {
							out.Identifiers = append(out.Identifiers, Identifier{t, v})
						}
					}
				}
			}
		}
		if subs, ok := d["subjects"].([]any); ok {
			for _, s := range subs {
				if m, ok := s.(map[string]any); ok {
					if p, ok := personFrom(m, "subject"); ok {
						out.Persons = append(out.Persons, p)
					}
				}
			}
		}
	}
	// Every kind may list documents and identifiers it mentions.
	if docs, ok := d["documents"].([]any); ok {
		for _, x := range docs {
			if m, ok := x.(map[string]any); ok {
				doc := Document{Number: str(m, "number"), Country: orDefault(str(m, "country"), str(m, "issuing_country")), Type: str(m, "type")}
				if NormaliseDocNumber(doc.Number) != "" {
					out.Documents = append(out.Documents, doc)
				}
			}
		}
	}
	if ids, ok := d["identifiers"].([]any); ok {
		for _, x := range ids {
			if m, ok := x.(map[string]any); ok {
				if t, v := str(m, "type"), str(m, "value"); t != "" && v != "" {
					out.Identifiers = append(out.Identifiers, Identifier{t, v})
				}
			}
		}
	}
	out.Label = out.Parts.String()
	return out
}

func personFrom(d map[string]any, role string) (PersonData, bool) {
	p := PersonData{Role: role}
	full := strings.TrimSpace(str(d, "given_names") + " " + str(d, "family_name"))
	for _, n := range []string{full, str(d, "name"), str(d, "name_original")} {
		if n != "" {
			p.Names = append(p.Names, n)
		}
	}
	for _, k := range []string{"aliases", "names"} {
		if list, ok := d[k].([]any); ok {
			for _, a := range list {
				switch v := a.(type) {
				case string:
					if v != "" {
						p.Names = append(p.Names, v)
					}
				case map[string]any:
					if n := strings.TrimSpace(str(v, "given_names") + " " + str(v, "family_name") + " " + str(v, "name")); n != "" {
						p.Names = append(p.Names, n)
					}
				}
			}
		}
	}
	if len(p.Names) == 0 {
		return p, false
	}
	if dob, err := ParseDate(str(d, "date_of_birth")); err == nil {
		p.DOB = dob
	}
	if s := str(d, "sex"); s == "M" || s == "F" {
		p.Sex = s[0]
	}
	if list, ok := d["nationalities"].([]any); ok {
		for _, n := range list {
			if s, ok := n.(string); ok {
				if c, ok := members.Lookup(s); ok {
					p.Nationalities = append(p.Nationalities, c.Alpha2)
				}
			}
		}
	}
	return p, true
}

func str(d map[string]any, k string) string {
	s, _ := d[k].(string)
	return strings.TrimSpace(s)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
