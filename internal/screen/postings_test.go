package screen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPostingTableAgainstSets adds and removes persons under keys at
// random, some keys rare and some held by thousands (their lists grow past
// the point where they grow by a quarter, and the table compacts its
// holes), and compares every list with a plain set after each round.
func TestPostingTableAgainstSets(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tab := newPostingTable()
	want := map[string]map[uint32]bool{}
	key := func() string {
		if r.IntN(10) == 0 {
			return fmt.Sprintf("common%d", r.IntN(3)) // long lists
		}
		return fmt.Sprintf("k%d", r.IntN(5000))
	}
	for round := range 40 {
		for range 20_000 {
			k, id := key(), uint32(r.IntN(30_000))
			if r.IntN(3) == 0 {
				tab.remove(k, id)
				delete(want[k], id)
				if len(want[k]) == 0 {
					delete(want, k)
				}
				continue
			}
			tab.add(k, id)
			if want[k] == nil {
				want[k] = map[uint32]bool{}
			}
			want[k][id] = true
		}
		if tab.len() != len(want) {
			t.Fatalf("round %d: %d keys, want %d", round, tab.len(), len(want))
		}
		for k, ids := range want {
			w := make([]uint32, 0, len(ids))
			for id := range ids {
				w = append(w, id)
			}
			slices.Sort(w)
			if got := tab.get(k); !slices.Equal(got, w) {
				t.Fatalf("round %d, key %s: %d persons, want %d", round, k, len(got), len(w))
			}
			if !holds(tab.get(k), w[0]) || holds(tab.get(k), 1<<31) {
				t.Fatalf("round %d, key %s: holds is wrong", round, k)
			}
		}
		if tab.get("nobody") != nil {
			t.Fatal("a key nobody holds has a list")
		}
	}
	if tab.compactions == 0 {
		t.Error("the table never compacted its holes: that path is untested")
	}
	if tab.holes > len(tab.ids) {
		t.Fatalf("%d holes in %d ids", tab.holes, len(tab.ids))
	}
}
