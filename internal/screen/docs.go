package screen

import (
	"hash/maphash"
	"math/bits"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

// docTable holds the records that are only a travel document (the stolen
// and lost documents database: tens of millions of them) in packed form:
// 32 bytes a record plus two open-addressing tables of 12 bytes a slot,
// instead of the general per-record entry. A lookup is one probe sequence.
type docTable struct {
	seed maphash.Seed
	recs []docRec
	free []uint32
	live int

	keyHash []uint64 // 0 empty, 1 removed; document key hash otherwise
	keyRec  []uint32
	keyUsed int
	idHash  []uint64 // record id hash, same conventions
	idRec   []uint32
	idUsed  int

	owners   []string
	ownerIdx map[string]uint16
	rels     []*core.Releasability
	relIdx   map[*core.Releasability]uint16
}

type docRec struct {
	id      [16]byte
	key     uint64
	version uint32
	owner   uint16
	rel     uint16
}

const maxLoad = 0.8

func newDocTable() *docTable {
	return &docTable{seed: maphash.MakeSeed(), ownerIdx: map[string]uint16{}, relIdx: map[*core.Releasability]uint16{}}
}

func (t *docTable) hash(s string) uint64 {
	h := maphash.String(t.seed, s)
	if h < 2 {
		h += 2
	}
	return h
}

func (t *docTable) idHashOf(id [16]byte) uint64 {
	h := maphash.Bytes(t.seed, id[:])
	if h < 2 {
		h += 2
	}
	return h
}

func slot(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}

// reserve sizes the tables for n records, so that bulk loads do not grow
// them step by step.
func (t *docTable) reserve(n int) {
	want := int(float64(n)/maxLoad) + 16
	if want > len(t.keyHash) {
		t.rehash(want)
	}
	if cap(t.recs) < n {
		recs := make([]docRec, len(t.recs), n)
		copy(recs, t.recs)
		t.recs = recs
	}
}

func (t *docTable) rehash(size int) {
	oldK, oldKR, oldI, oldIR := t.keyHash, t.keyRec, t.idHash, t.idRec
	t.keyHash, t.keyRec = make([]uint64, size), make([]uint32, size)
	t.idHash, t.idRec = make([]uint64, size), make([]uint32, size)
	t.keyUsed, t.idUsed = 0, 0
	for i, h := range oldK {
		if h >= 2 {
			t.insert(t.keyHash, t.keyRec, h, oldKR[i])
			t.keyUsed++
		}
	}
	for i, h := range oldI {
		if h >= 2 {
			t.insert(t.idHash, t.idRec, h, oldIR[i])
			t.idUsed++
		}
	}
}

func (t *docTable) insert(hs []uint64, rs []uint32, h uint64, rec uint32) {
	i := slot(h, len(hs))
	for hs[i] >= 2 {
		i++
		if i == len(hs) {
			i = 0
		}
	}
	hs[i], rs[i] = h, rec
}

func (t *docTable) grow() {
	if float64(max(t.keyUsed, t.idUsed)+1) > maxLoad*float64(len(t.keyHash)) {
		t.rehash(int(float64(t.live+1)*1.5/maxLoad) + 16)
	}
}

// find returns the record index of id, or -1.
func (t *docTable) find(id [16]byte) int {
	if len(t.idHash) == 0 {
		return -1
	}
	h := t.idHashOf(id)
	for i := slot(h, len(t.idHash)); t.idHash[i] != 0; {
		if t.idHash[i] == h && t.recs[t.idRec[i]].id == id {
			return int(t.idRec[i])
		}
		if i++; i == len(t.idHash) {
			i = 0
		}
	}
	return -1
}

func (t *docTable) version(id string) int64 {
	u, err := uuid.Parse(id)
	if err != nil {
		return 0
	}
	if i := t.find(u); i >= 0 {
		return int64(t.recs[i].version)
	}
	return 0
}

// put adds a record holding one document; the caller has removed any
// earlier version.
func (t *docTable) put(id [16]byte, version int64, owner string, rel *core.Releasability, key string) {
	t.grow()
	oi, ok := t.ownerIdx[owner]
	if !ok {
		oi = uint16(len(t.owners))
		t.owners = append(t.owners, owner)
		t.ownerIdx[owner] = oi
	}
	ri, ok := t.relIdx[rel]
	if !ok {
		ri = uint16(len(t.rels))
		t.rels = append(t.rels, rel)
		t.relIdx[rel] = ri
	}
	r := docRec{id: id, key: t.hash(key), version: uint32(version), owner: oi, rel: ri}
	var idx uint32
	if n := len(t.free); n > 0 {
		idx = t.free[n-1]
		t.free = t.free[:n-1]
		t.recs[idx] = r
	} else {
		idx = uint32(len(t.recs))
		t.recs = append(t.recs, r)
	}
	t.insert(t.keyHash, t.keyRec, r.key, idx)
	t.insert(t.idHash, t.idRec, t.idHashOf(id), idx)
	t.keyUsed++
	t.idUsed++
	t.live++
}

// remove takes record id out; it reports whether it was there.
func (t *docTable) remove(id string) bool {
	u, err := uuid.Parse(id)
	if err != nil {
		return false
	}
	idx := t.find(u)
	if idx < 0 {
		return false
	}
	r := t.recs[idx]
	mark := func(hs []uint64, rs []uint32, h uint64) {
		for i := slot(h, len(hs)); hs[i] != 0; {
			if hs[i] == h && rs[i] == uint32(idx) {
				hs[i] = 1 // removed: probes go on past it
				return
			}
			if i++; i == len(hs) {
				i = 0
			}
		}
	}
	mark(t.keyHash, t.keyRec, r.key)
	mark(t.idHash, t.idRec, t.idHashOf(u))
	t.recs[idx] = docRec{}
	t.free = append(t.free, uint32(idx))
	t.live--
	return true
}

// docHit is a record found by a document key.
type docHit struct {
	id      string
	owner   string
	rel     *core.Releasability
	version int64
}

func (t *docTable) lookup(key string) []docHit {
	if len(t.keyHash) == 0 {
		return nil
	}
	h := t.hash(key)
	var out []docHit
	for i := slot(h, len(t.keyHash)); t.keyHash[i] != 0; {
		if t.keyHash[i] == h {
			r := t.recs[t.keyRec[i]]
			out = append(out, docHit{id: uuid.UUID(r.id).String(), owner: t.owners[r.owner], rel: t.rels[r.rel], version: int64(r.version)})
		}
		if i++; i == len(t.keyHash) {
			i = 0
		}
	}
	return out
}
