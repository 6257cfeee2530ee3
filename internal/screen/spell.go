package screen

import (
	"hash/maphash"
	"slices"
)

// spellIndex finds the tokens that have a given spelling variant (a Latin
// part's letters, or its letters less one: see spellVariants). It holds
// no strings: an open-addressing table of the variants' 64-bit hashes and
// the tokens' ids. What a lookup finds is checked against the token's own
// letters, so a collision never answers a token that does not have the
// variant.
//
// A map from each variant to its tokens held about a third of the index's
// memory (13 MB of 39 on OFAC and UN, every entry a string and a slice for
// the collector to scan); this holds 21 to 43 bytes a variant, with no
// pointers, and a lookup reads one or two cache lines of it.
type spellIndex struct {
	seed  maphash.Seed
	slots []spellSlot // linear probing; a power of two long, at most 3/4 full
	n     int
}

// spellSlot is one variant of one token: id is the token's id + 1 (0: an
// empty slot).
type spellSlot struct {
	hash uint64
	id   uint32
}

func newSpellIndex() spellIndex {
	return spellIndex{seed: maphash.MakeSeed()}
}

// add records that token id has the spelling variant v. A token's
// variants are added once, when the token is first seen.
func (s *spellIndex) add(v string, id uint32) {
	if 4*(s.n+1) > 3*len(s.slots) {
		old := s.slots
		s.slots = make([]spellSlot, max(1024, 2*len(old)))
		for _, e := range old {
			if e.id != 0 {
				s.put(e)
			}
		}
	}
	s.put(spellSlot{maphash.String(s.seed, v), id + 1})
	s.n++
}

func (s *spellIndex) put(e spellSlot) {
	mask := uint64(len(s.slots) - 1)
	for i := e.hash & mask; ; i = (i + 1) & mask {
		if s.slots[i].id == 0 {
			s.slots[i] = e
			return
		}
	}
}

// lookup appends to buf, in increasing order, the ids that have the
// variant v; has checks each id the hash finds (a token's letters, a
// person's spellings), so that a collision never answers.
func (s *spellIndex) lookup(v string, buf []uint32, has func(id uint32) bool) []uint32 {
	if len(s.slots) == 0 {
		return buf
	}
	h := maphash.String(s.seed, v)
	start := len(buf)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; s.slots[i].id != 0; i = (i + 1) & mask {
		if e := s.slots[i]; e.hash == h && has(e.id-1) {
			buf = append(buf, e.id-1)
		}
	}
	// The table keeps no order (growing moves entries): the ids are put
	// in the order the map's lists had, that of the tokens' creation.
	slices.Sort(buf[start:])
	return buf
}

// isSpellVariant reports whether v is one of spellVariants(text).
func isSpellVariant(text, v string) bool {
	if len(text) < 3 || len(text) > 24 {
		return false
	}
	if v == text {
		return true
	}
	if len(v) != len(text)-1 {
		return false
	}
	i := 0
	for i < len(v) && v[i] == text[i] {
		i++
	}
	return v[i:] == text[i+1:]
}
