package screen

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/names"
)

// DocumentQuery asks whether a travel document is known: a number with its
// issuing country (and optionally its type), or a raw MRZ.
type DocumentQuery struct {
	Number  string `json:"number,omitempty"`
	Country string `json:"country,omitempty"`
	Type    string `json:"type,omitempty"`
	MRZ     string `json:"mrz,omitempty"`
}

// ScreenDocument looks a document up by its exact key: one hash lookup.
// A query with an MRZ is resolved first (ResolveDocument), and what is
// wrong with the number or country read from the zone is reported on
// mrz, the field the caller sent.
func (x *Index) ScreenDocument(v core.Viewer, q DocumentQuery) ([]Hit, error) {
	q, err := ResolveDocument(q)
	if err != nil {
		return nil, err
	}
	var fs []core.FieldError
	// "is required" only of a field left blank: of one sent, what is
	// wrong with it.
	num, bad := StrictDocNumber(q.Number)
	switch {
	case strings.TrimSpace(q.Number) == "":
		fs = append(fs, core.FieldError{Field: "number", Reason: "is required: the document number (or send mrz)", Code: "required"})
	case bad != 0:
		fs = append(fs, core.FieldError{Field: "number", Reason: fmt.Sprintf("contains %q (%U): only letters A–Z, digits and separators (blanks, hyphens, dots, slashes) are allowed", bad, bad),
			Code: "document_number_character", Params: []string{string(bad)}})
	case num == "":
		fs = append(fs, core.FieldError{Field: "number", Reason: fmt.Sprintf("must hold letters or digits: %q has none", core.Clip(q.Number, 30)),
			Code: "no_letters_or_digits", Params: []string{core.Clip(q.Number, 30)}})
	case len(num) > ident.MaxDocumentNumber:
		fs = append(fs, core.FieldError{Field: "number", Reason: fmt.Sprintf("must be at most %d letters and digits, got %d", ident.MaxDocumentNumber, len(num))})
	}
	if c, ok := members.Lookup(q.Country); ok {
		q.Country = c.Alpha2
	} else if strings.TrimSpace(q.Country) == "" {
		fs = append(fs, core.FieldError{Field: "country", Reason: "is required: the issuing country's ISO 3166 alpha-2 or alpha-3 code", Code: "required"})
	} else if !validCountryCode(q.Country) {
		fs = append(fs, core.FieldError{Field: "country", Reason: countryRefused(q.Country), Code: "country"})
	}
	if len(fs) > 0 && q.MRZ != "" {
		// Not expected of a zone whose check digits hold (ParseMRZ keeps
		// to the same limit), but never a field the caller did not send.
		for i := range fs {
			fs[i] = core.FieldError{Field: "mrz", Reason: "its " + fs[i].Field + " " + fs[i].Reason}
		}
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	key := Document{Number: num, Country: q.Country}.Key()
	x.mu.RLock()
	defer x.mu.RUnlock()
	var hits []Hit
	// One hit per record: a record may list one document twice (a notice's
	// subject and its documents list, two types of one number).
	seen := map[string]bool{}
	for _, d := range x.packed.lookup(key) {
		if seen[d.id] {
			continue
		}
		seen[d.id] = true
		h := hitFor(v, &recInfo{id: d.id, kind: core.KindTravelDocument, owner: d.owner, status: core.StatusActive, rel: d.rel, version: d.version,
			label: strings.TrimSpace(q.Type+" "+num) + " (" + q.Country + ")"}, 1)
		h.reveal(num, &core.Explanation{Reasons: []core.Reason{{Code: core.ReasonDocumentExact, Params: map[string]string{"number": num, "country": q.Country}}}})
		hits = append(hits, h)
	}
	for _, r := range x.docs[key] {
		if seen[r.rec.id] {
			continue
		}
		seen[r.rec.id] = true
		h := hitFor(v, r.rec, 1)
		h.reveal(r.value, &core.Explanation{Reasons: []core.Reason{{Code: core.ReasonDocumentExact, Params: map[string]string{"type": r.kind, "number": r.value, "country": q.Country}}}})
		hits = append(hits, h)
	}
	return hits, nil
}

// countryRefused says why c, sent as a document's issuing country, is
// not one: the code an MRZ writes for a country that has another in ISO
// 3166 (D for Germany) is named as such.
func countryRefused(c string) string {
	reason := fmt.Sprintf("%q is not an ISO 3166 alpha-2 or alpha-3 code", core.Clip(c, 10))
	if u := strings.ToUpper(strings.TrimSpace(c)); icaoCountry(u) != u {
		reason += fmt.Sprintf(" (%s is how an MRZ writes %s: send %s)", u, icaoCountry(u), icaoCountry(u))
	}
	return reason
}

// validCountryCode accepts the shape of a country code that is not a
// member (documents of non-members are still screened).
func validCountryCode(c string) bool {
	if len(c) != 2 && len(c) != 3 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// IdentifierQuery asks whether an identifier is known.
type IdentifierQuery struct {
	Type  string `json:"type,omitempty"`
	Value string `json:"value"`
}

// ScreenIdentifier looks an identifier up by its exact canonical key.
func (x *Index) ScreenIdentifier(v core.Viewer, q IdentifierQuery) ([]Hit, error) {
	if strings.TrimSpace(q.Value) == "" {
		return nil, core.Invalid(core.FieldError{Field: "value", Reason: "is required"})
	}
	if len(q.Value) > 512 {
		return nil, core.Invalid(core.FieldError{Field: "value", Reason: "must be at most 512 bytes"})
	}
	key := Identifier{Type: q.Type, Value: q.Value}.Key()
	x.mu.RLock()
	defer x.mu.RUnlock()
	var hits []Hit
	seen := map[*recInfo]bool{} // one hit per record, however often it lists the value
	for _, r := range x.idents[key] {
		if seen[r.rec] {
			continue
		}
		seen[r.rec] = true
		h := hitFor(v, r.rec, 1)
		h.reveal(r.value, &core.Explanation{Reasons: []core.Reason{{Code: core.ReasonIdentifierExact, Params: map[string]string{"type": r.kind, "value": r.value}}}})
		hits = append(hits, h)
	}
	// A ship's IMO number carries a check digit, and a wrong one is most
	// likely a typing error: it is refused, with the digit expected, so
	// that the searcher does not take "no hit" for an answer. Not when a
	// record lists that very number: lists carry numbers that fail the
	// check (9 of the 408 vessel numbers of OFAC's sdn.csv; its company
	// numbers, also written "IMO …" and imported as imo, follow another
	// scheme: 30 of 34 fail it), and a refusal would hide them. The
	// refusal tells no more than the empty answer it replaces.
	if len(hits) == 0 && strings.EqualFold(q.Type, "imo") {
		if n, ok := imoNumber(q.Value); ok && imoCheckDigit(n) != n[6] {
			return nil, core.Invalid(core.FieldError{Field: "value", Reason: fmt.Sprintf("IMO number %s has check digit %c, expected %c: check the number", n, n[6], imoCheckDigit(n))})
		}
	}
	return hits, nil
}

// codeOf is the lower-case letters and digits of a name written only in
// Latin letters, digits and punctuation, "" for any other name and for
// one shorter than two or longer than 32 characters: how a name with no
// part to search by (a gang's MS-13, an aircraft's P-532, a company's
// initials G.L.G. S.A.) is found as written.
func codeOf(name string) string {
	var b strings.Builder
	for _, r := range names.FoldWidth(name) { // ＭＳ－１３ is MS-13
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return ""
		}
	}
	if b.Len() < 2 || b.Len() > 32 {
		return ""
	}
	return b.String()
}

// screenCode answers a person screening refused as having no name part
// to search (err) by the records listing a name with the same letters
// and digits (codeOf): a listed MS-13 is found by MS-13 and by ms 13. It
// reports false, and the caller keeps the refusal, when anything else
// was wrong with the query or no record lists the name, so that the
// answer tells no more than the refusal did. The caller holds the read
// lock.
func (x *Index) screenCode(v core.Viewer, q PersonQuery, err error) ([]Hit, bool) {
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "name" || names.Unsearchable(names.Parse(q.Name)) == "" {
		return nil, false
	}
	code := codeOf(q.Name)
	refs := x.codes[code]
	if code == "" || len(refs) == 0 {
		return nil, false
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	var hits []Hit
	seen := map[*recInfo]bool{}
	shown, hidden := 0, 0
	for _, r := range refs {
		if seen[r.rec] {
			continue
		}
		seen[r.rec] = true
		h := hitFor(v, r.rec, 1)
		switch {
		case h.Restricted && hidden == DefaultLimit, !h.Restricted && (shown == limit || !wanted(q.Kinds, r.rec.kind)):
			continue
		case h.Restricted:
			hidden++
		default:
			shown++
		}
		h.reveal(code, &core.Explanation{Parts: []core.ScorePart{{Query: q.Name, Matched: r.value, Score: 1, Weight: 1, Note: core.PartMatch}}})
		hits = append(hits, h)
	}
	if len(hits) == 0 {
		return nil, false
	}
	slices.SortStableFunc(hits, restrictedLast)
	return hits, true
}
