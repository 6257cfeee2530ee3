package screen

import (
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/names"
)

// Describe completes a hit the caller may see from the record it was
// found in: the spelling matched as the record writes it (the index keeps
// only the normalised form, in Matched), and the matched person's date of
// birth and nationalities, so that several records of one name can be told
// apart; and the label as data (LabelParts), for the caller and for the
// owner's view. The index does not keep these, to stay small; the caller
// reads the record anyway to settle the answer. A restricted hit is left
// as it is (only its owner's view gains the label's parts).
func (h *Hit) Describe(rec *core.Record) {
	if rec == nil || rec.ID != h.recordID {
		return
	}
	sub := Extract(rec)
	if sub.Parts.Kind != "" {
		parts := sub.Parts
		h.owner.LabelParts = &parts
		if !h.Restricted {
			h.LabelParts = &parts
		}
	}
	person, written := matchedPerson(sub.Persons, h.owner.Matched)
	if written == "" {
		written = matchedExact(sub, h.owner.Matched)
	}
	h.owner.MatchedWritten = written
	if h.Restricted {
		return
	}
	if person == nil && len(sub.Persons) > 0 {
		person = &sub.Persons[0] // a document or identifier hit: its holder
	}
	h.MatchedWritten = written
	if person != nil {
		if person.DOB.Known() {
			h.DateOfBirth = person.DOB.String()
		}
		h.Nationalities = person.Nationalities
	}
}

// matchedPerson finds the person and spelling whose normalised form is
// matched.
func matchedPerson(ps []PersonData, matched string) (*PersonData, string) {
	if matched == "" {
		return nil, ""
	}
	for i := range ps {
		for _, n := range ps[i].Names {
			if names.Parse(n).Text() == matched {
				return &ps[i], n
			}
		}
	}
	return nil, ""
}

// matchedExact finds the document number or identifier value, as written,
// that an exact hit matched.
func matchedExact(sub Subjects, matched string) string {
	if matched == "" {
		return ""
	}
	for _, d := range sub.Documents {
		if d.Number == matched || NormaliseDocNumber(d.Number) == NormaliseDocNumber(matched) {
			return d.Number
		}
	}
	for _, id := range sub.Identifiers {
		if id.Value == matched || strings.EqualFold(CanonicalIdentifier(id.Type, id.Value), CanonicalIdentifier(id.Type, matched)) {
			return id.Value
		}
	}
	return ""
}
