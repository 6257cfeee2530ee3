package screen

import (
	"hash/fnv"
	"slices"
	"strings"
	"sync"

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
	h.describe(describe(rec))
}

// Descriptions keeps what Describe reads from the records hits were last
// found in, by record and content, so that a record hit again is not
// decoded and its spellings parsed again. The zero value is ready; it is
// safe for concurrent use.
type Descriptions struct {
	mu sync.Mutex
	m  map[string]*description
}

// maxDescriptions bounds the records kept (a few KiB each).
const maxDescriptions = 4096

// Describe is Hit.Describe through d.
func (d *Descriptions) Describe(h *Hit, rec *core.Record) {
	if rec == nil || rec.ID != h.recordID {
		return
	}
	sum := contentSum(rec)
	d.mu.Lock()
	desc := d.m[rec.ID]
	d.mu.Unlock()
	if desc == nil || desc.version != rec.Version || desc.sum != sum {
		desc = describe(rec)
		d.mu.Lock()
		if d.m == nil || len(d.m) >= maxDescriptions {
			d.m = map[string]*description{}
		}
		d.m[rec.ID] = desc
		d.mu.Unlock()
	}
	h.describe(desc)
}

// description is what a record says of its subjects, read once: never
// changed after describe returns, so hits share it.
type description struct {
	version int64
	sum     uint64 // of the record's kind and data: a record is its version's
	sub     Subjects
	// spelled: each normalised spelling, the first person and spelling as
	// written that has it.
	spelled map[string]spelledAs
}

type spelledAs struct {
	person  int
	written string
}

func contentSum(rec *core.Record) uint64 {
	f := fnv.New64a()
	f.Write([]byte(rec.Kind))
	f.Write([]byte{0})
	f.Write(rec.Data)
	return f.Sum64()
}

func describe(rec *core.Record) *description {
	d := &description{version: rec.Version, sum: contentSum(rec), sub: Extract(rec), spelled: map[string]spelledAs{}}
	for i, p := range d.sub.Persons {
		for _, n := range p.Names {
			norm := names.Parse(n).Text()
			if _, ok := d.spelled[norm]; !ok && norm != "" {
				d.spelled[norm] = spelledAs{i, n}
			}
		}
	}
	return d
}

func (h *Hit) describe(d *description) {
	sub := d.sub
	if sub.Parts.Kind != "" {
		parts := sub.Parts
		h.owner.LabelParts = &parts
		if !h.Restricted {
			h.LabelParts = &parts
		}
	}
	var person *PersonData
	var written string
	if s, ok := d.spelled[h.owner.Matched]; ok && h.owner.Matched != "" {
		person, written = &sub.Persons[s.person], s.written
	}
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
		h.Nationalities = slices.Clone(person.Nationalities) // the description is shared
	}
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
