package screen

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// spellIndex finds the tokens that have a given spelling variant (a Latin
// part's letters, or its letters less one: see spellVariants). It holds
// no strings: a variant is known by its 64-bit hash, and what a hash
// finds is checked against the token's own letters, so a collision never
// answers a token that does not have the variant.
//
// A map from each variant to its tokens held about a third of the index's
// memory (13 MB of 39 on OFAC and UN, every entry a string and a slice for
// the collector to scan); this holds 16 bytes a variant, with no pointers.
//
// Tokens are only ever added, with increasing ids. The variants of the
// newest tokens wait in a small map until there are enough of them to be
// merged into the sorted array, so that a bulk load costs n log n, not n².
type spellIndex struct {
	seed   maphash.Seed
	sorted []spellEntry        // by hash, then id
	recent map[uint64][]uint32 // hash → ids, each above every id in sorted
	nrec   int                 // entries in recent
}

type spellEntry struct {
	hash uint64
	id   uint32
}

func newSpellIndex() spellIndex {
	return spellIndex{seed: maphash.MakeSeed(), recent: map[uint64][]uint32{}}
}

// add records that token id has the spelling variant v. A token's
// variants are added once, when the token is first seen.
func (s *spellIndex) add(v string, id uint32) {
	h := maphash.String(s.seed, v)
	s.recent[h] = append(s.recent[h], id)
	s.nrec++
	if s.nrec >= max(4096, len(s.sorted)/4) {
		s.merge()
	}
}

// merge moves the recent variants into the sorted array.
func (s *spellIndex) merge() {
	grown := slices.Grow(s.sorted, s.nrec)
	for h, ids := range s.recent {
		for _, id := range ids {
			grown = append(grown, spellEntry{h, id})
		}
	}
	slices.SortFunc(grown, func(a, b spellEntry) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	s.sorted = grown
	clear(s.recent)
	s.nrec = 0
}

// lookup appends to buf, in increasing order, the ids of the tokens that
// have the variant v; text gives a token's letters, to check a hash's
// answers.
func (s *spellIndex) lookup(v string, buf []uint32, text func(id uint32) string) []uint32 {
	h := maphash.String(s.seed, v)
	i, _ := slices.BinarySearchFunc(s.sorted, h, func(e spellEntry, h uint64) int { return cmp.Compare(e.hash, h) })
	for ; i < len(s.sorted) && s.sorted[i].hash == h; i++ {
		if id := s.sorted[i].id; isSpellVariant(text(id), v) {
			buf = append(buf, id)
		}
	}
	for _, id := range s.recent[h] { // newer than all of sorted: the order holds
		if isSpellVariant(text(id), v) {
			buf = append(buf, id)
		}
	}
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
	if len(text) < 4 || len(v) != len(text)-1 {
		return false
	}
	i := 0
	for i < len(v) && v[i] == text[i] {
		i++
	}
	return v[i:] == text[i+1:]
}
