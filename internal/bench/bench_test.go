package bench

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/screen"
)

var listsOnce struct {
	sync.Once
	idx *screen.Index
	qs  []query
	err error
}

// listsIndex indexes the real lists once per test binary, with the
// queries the lists suite builds from sdn.csv.
func listsIndex(b *testing.B) (*screen.Index, []query) {
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(filepath.Join(corpora, "ofac", "sdn.csv")); err != nil {
		b.Skipf("the real lists are not at %s: %v", corpora, err)
	}
	listsOnce.Do(func() {
		un, err := loadUN(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		ofac, err := loadOFAC(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		congress, err := loadCongress(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		idx := screen.New()
		for _, e := range append(append(ofac, un...), congress...) {
			idx.Put(e.rec)
		}
		rng := rand.New(rand.NewPCG(42, 1))
		qs := make([]query, 1000)
		for i := range qs {
			e := ofac[rng.IntN(len(ofac))]
			qs[i] = query{name: e.name, want: e, exact: i%2 == 0}
			if !qs[i].exact {
				qs[i].name = oneEdit(rng, e.name)
			}
		}
		listsOnce.idx, listsOnce.qs = idx, qs
	})
	if listsOnce.err != nil {
		b.Fatal(listsOnce.err)
	}
	return listsOnce.idx, listsOnce.qs
}

// BenchmarkScreenLists screens names built from sdn.csv (half exact, half
// with one edit) at the alert threshold, in process: the cost of the query
// path without HTTP.
func BenchmarkScreenLists(b *testing.B) {
	idx, qs := listsIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if _, err := idx.ScreenPerson(viewer, screen.PersonQuery{Name: q.name, Limit: 10}); err != nil {
			b.Fatal(err)
		}
	}
}
