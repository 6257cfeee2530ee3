package screen

import (
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
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
// The caller resolves an MRZ into number and country first.
func (x *Index) ScreenDocument(v core.Viewer, q DocumentQuery) ([]Hit, error) {
	var fs []core.FieldError
	num := NormaliseDocNumber(q.Number)
	switch {
	case num == "":
		fs = append(fs, core.FieldError{Field: "number", Reason: "is required: the document number (or send mrz)"})
	case len(num) > 20:
		fs = append(fs, core.FieldError{Field: "number", Reason: "must be at most 20 letters and digits"})
	}
	if c, ok := members.Lookup(q.Country); ok {
		q.Country = c.Alpha2
	} else if !validCountryCode(q.Country) {
		fs = append(fs, core.FieldError{Field: "country", Reason: "is required: the issuing country's ISO 3166 alpha-2 or alpha-3 code"})
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
	return hits, nil
}
