package screen

import "slices"

// postingTable maps a name key to the persons holding it, in increasing
// order. The lists live in one array of person ids, each list a window of
// it, so that the collector has one array to mark and not a bitmap with
// its containers per key: roaring bitmaps held about six objects each, 213,000
// of the half million a server over OFAC and UN kept, and every collection
// marked them all (see Benchmarks: the collector is a seventh of a miss's
// cost at the target `manara serve` runs at).
//
// The index's lock guards it: get's lists are read under the read lock, and
// add and remove, which may move every list, run under the write lock.
type postingTable struct {
	slot  map[string]uint32 // the key's list
	lists []postingList     // by slot
	free  []uint32          // slots of keys no person holds any more
	ids   []uint32          // the lists' windows, and unused space
	holes int               // ids in no list's window
	// compactions counts compact's runs (the tests check that it ran).
	compactions int
}

type postingList struct{ off, n, cap uint32 }

func newPostingTable() *postingTable { return &postingTable{slot: map[string]uint32{}} }

// len is the number of keys some person holds.
func (t *postingTable) len() int { return len(t.slot) }

// get returns the persons holding k in increasing order, nil if none. The
// list is the table's own: read it before the next add or remove.
func (t *postingTable) get(k string) []uint32 {
	s, ok := t.slot[k]
	if !ok {
		return nil
	}
	l := t.lists[s]
	return t.ids[l.off : l.off+l.n : l.off+l.n]
}

// add records that person id holds k (once, however often it is added).
func (t *postingTable) add(k string, id uint32) {
	s, ok := t.slot[k]
	if !ok {
		if n := len(t.free); n > 0 {
			s, t.free = t.free[n-1], t.free[:n-1]
		} else {
			s = uint32(len(t.lists))
			t.lists = append(t.lists, postingList{})
		}
		t.slot[k] = s
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
	if l.n == l.cap {
		t.grow(s)
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
	t.lists[s] = postingList{off: off, n: l.n, cap: c}
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
	s, ok := t.slot[k]
	if !ok {
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
		delete(t.slot, k)
		t.holes += int(l.cap)
		*l = postingList{}
		t.free = append(t.free, s)
	}
}

// holds reports whether the list, as get returns it, holds id.
func holds(list []uint32, id uint32) bool {
	_, found := slices.BinarySearch(list, id)
	return found
}
