package screen

import "slices"

// postingTable maps a name key to the persons holding it, in increasing
// order. The lists live in one array of person ids, each list a window of
// it, and the keys in one array of letters found through a hashIndex, so
// that the collector has a few arrays to mark and not a bitmap with its
// containers per key and a string per key: roaring bitmaps held about six
// objects each, and the index over OFAC, UN and US Congress had 186,000
// objects fewer without them and the keys' strings (of 497,000), for
// every collection to mark (see docs/benchmarks-history.md, session 16).
//
// The index's lock guards it: get's lists are read under the read lock, and
// add and remove, which may move every list, run under the write lock.
type postingTable struct {
	index hashIndex     // key → its list
	lists []postingList // by the order the keys came in
	keys  []byte        // the keys' letters, one after the other
	live  int           // keys some person holds
	ids   []uint32      // the lists' windows, and unused space
	holes int           // ids in no list's window
	// compactions counts compact's runs (the tests check that it ran).
	compactions int
}

// postingList is one key's window of ids, and the key. A key stays once
// seen, its window empty when nobody holds it any more: the keys grow
// with the vocabulary, not with the records.
type postingList struct {
	off, n, cap     uint32
	keyOff, keySize uint32
}

func newPostingTable() *postingTable { return &postingTable{index: newHashIndex()} }

// len is the number of keys some person holds.
func (t *postingTable) len() int { return t.live }

// find returns the list of k (its index), or -1.
func (t *postingTable) find(k string) int {
	s, ok := t.index.first(k, func(s uint32) bool {
		l := &t.lists[s]
		return string(t.keys[l.keyOff:l.keyOff+l.keySize]) == k
	})
	if !ok {
		return -1
	}
	return int(s)
}

// get returns the persons holding k in increasing order, nil if none. The
// list is the table's own: read it before the next add or remove.
func (t *postingTable) get(k string) []uint32 {
	s := t.find(k)
	if s < 0 || t.lists[s].n == 0 {
		return nil
	}
	l := t.lists[s]
	return t.ids[l.off : l.off+l.n : l.off+l.n]
}

// add records that person id holds k (once, however often it is added).
func (t *postingTable) add(k string, id uint32) {
	s := t.find(k)
	if s < 0 {
		s = len(t.lists)
		t.lists = append(t.lists, postingList{keyOff: uint32(len(t.keys)), keySize: uint32(len(k))})
		t.keys = append(t.keys, k...)
		t.index.add(k, uint32(s))
	}
	l := &t.lists[s]
	ids := t.ids[l.off : l.off+l.n]
	at := len(ids) // persons are mostly added in the order of their ids
	if at > 0 && ids[at-1] >= id {
		var found bool
		if at, found = slices.BinarySearch(ids, id); found {
			return
		}
	}
	if l.n == 0 {
		t.live++
	}
	if l.n == l.cap {
		t.grow(uint32(s))
		l = &t.lists[s]
	}
	ids = t.ids[l.off : l.off+l.n+1]
	copy(ids[at+1:], ids[at:])
	ids[at] = id
	l.n++
}

// grow moves list s to the end of the ids with room for more: twice as
// much, and a quarter more once long, so that a million persons' common
// keys do not hold twice their length.
func (t *postingTable) grow(s uint32) {
	l := t.lists[s]
	c := max(2, 2*l.cap)
	if l.cap >= 1024 {
		c = l.cap + l.cap/4
	}
	if t.holes > len(t.ids)/2 && t.holes > 1<<16 {
		t.compact()
		l = t.lists[s]
	}
	off := uint32(len(t.ids))
	t.ids = append(t.ids, t.ids[l.off:l.off+l.n]...)
	t.ids = append(t.ids, make([]uint32, c-l.n)...)
	t.holes += int(l.cap)
	t.lists[s].off, t.lists[s].cap = off, c
}

// compact writes the lists one after the other again, each with its spare
// room, leaving no holes.
func (t *postingTable) compact() {
	ids := make([]uint32, 0, len(t.ids)-t.holes)
	for s := range t.lists {
		l := &t.lists[s]
		off := uint32(len(ids))
		ids = append(ids, t.ids[l.off:l.off+l.cap]...)
		l.off = off
	}
	t.ids, t.holes = ids, 0
	t.compactions++
}

// remove records that person id no longer holds k.
func (t *postingTable) remove(k string, id uint32) {
	s := t.find(k)
	if s < 0 {
		return
	}
	l := &t.lists[s]
	ids := t.ids[l.off : l.off+l.n]
	at, found := slices.BinarySearch(ids, id)
	if !found {
		return
	}
	copy(ids[at:], ids[at+1:])
	l.n--
	if l.n == 0 {
		t.live--
		t.holes += int(l.cap)
		l.off, l.cap = 0, 0
	}
}

// holds reports whether the list, as get returns it, holds id.
func holds(list []uint32, id uint32) bool {
	_, found := slices.BinarySearch(list, id)
	return found
}
