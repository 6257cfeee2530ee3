package screen

import (
	"hash/maphash"
	"slices"
)

// hashIndex maps strings to ids without holding the strings: an
// open-addressing table of their 64-bit hashes and the ids. The index
// keeps several: a Latin part's spelling variants (its letters, or its
// letters less one: see spellVariants) to the tokens that have them; a
// person's whole spellings, and those of two parts or more with the
// parts written together, to the person (Index.exact); and the posting
// lists' keys to their lists (postingTable). What a lookup finds is
// checked by the caller against the token's letters, the person's
// spellings or the key's letters, so a collision never answers.
//
// A map from each variant to its tokens held about a third of the index's
// memory (13 MB of 39 on OFAC and UN, every entry a string and a slice for
// the collector to scan); this holds 21 to 43 bytes a variant, with no
// pointers, and a lookup reads one or two cache lines of it.
type hashIndex struct {
	seed  maphash.Seed
	slots []hashSlot // linear probing; a power of two long, at most 3/4 full
	n     int
}

// hashSlot is one string's hash and one id + 1 (0: an empty slot).
type hashSlot struct {
	hash uint64
	id   uint32
}

func newHashIndex() hashIndex {
	return hashIndex{seed: maphash.MakeSeed()}
}

// add records that id has the string v. The table keeps no deletions: a
// token's variants are added once, when the token is first seen, and a
// person's spellings stay until the table is rebuilt (Index.forgetSpellings).
func (s *hashIndex) add(v string, id uint32) {
	if 4*(s.n+1) > 3*len(s.slots) {
		old := s.slots
		s.slots = make([]hashSlot, max(1024, 2*len(old)))
		for _, e := range old {
			if e.id != 0 {
				s.put(e)
			}
		}
	}
	s.put(hashSlot{maphash.String(s.seed, v), id + 1})
	s.n++
}

func (s *hashIndex) put(e hashSlot) {
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
func (s *hashIndex) lookup(v string, buf []uint32, has func(id uint32) bool) []uint32 {
	return s.lookupHash(maphash.String(s.seed, v), buf, has)
}

// lookupBytes is lookup of the string v holds: it writes no string but
// where the hash finds an id to check.
func (s *hashIndex) lookupBytes(v []byte, buf []uint32, has func(id uint32, v string) bool) []uint32 {
	return s.lookupHash(maphash.Bytes(s.seed, v), buf, func(id uint32) bool { return has(id, string(v)) })
}

// first is the first id under v that has accepts: for a table that
// holds one id a string (the posting lists' keys), without the sort.
func (s *hashIndex) first(v string, has func(id uint32) bool) (uint32, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	h := maphash.String(s.seed, v)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; s.slots[i].id != 0; i = (i + 1) & mask {
		if e := s.slots[i]; e.hash == h && has(e.id-1) {
			return e.id - 1, true
		}
	}
	return 0, false
}

func (s *hashIndex) lookupHash(h uint64, buf []uint32, has func(id uint32) bool) []uint32 {
	if len(s.slots) == 0 {
		return buf
	}
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
