package names

import (
	"math/rand/v2"
	"testing"
)

// TestSimCacheIsAMap: whatever is put, reset and looked up, the table
// answers as a map does, through growth and resets of either size.
func TestSimCacheIsAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c simCache
	for round := range 200 {
		want := map[uint64]float64{}
		n := r.IntN(300)
		if round%10 == 0 {
			n = 5000 // past the size a reset lets go
		}
		for range n {
			k := uint64(r.IntN(64))<<48 | uint64(1+r.IntN(2000))<<24 | uint64(1+r.IntN(2000))
			v := r.Float64()
			c.put(k, v)
			want[k] = v
		}
		for k, v := range want {
			if got, ok := c.get(k); !ok || got != v {
				t.Fatalf("round %d: get(%x) = %v, %v; want %v", round, k, got, ok, v)
			}
		}
		for range 100 {
			k := uint64(r.IntN(64))<<48 | uint64(1+r.IntN(2000))<<24 | uint64(1+r.IntN(2000))
			got, ok := c.get(k)
			if v, in := want[k]; ok != in || got != v {
				t.Fatalf("round %d: get(%x) = %v, %v; want %v, %v", round, k, got, ok, v, in)
			}
		}
		if c.n != len(want) {
			t.Fatalf("round %d: %d entries, want %d", round, c.n, len(want))
		}
		c.reset()
		for k := range want {
			if _, ok := c.get(k); ok {
				t.Fatalf("round %d: %x still there after reset", round, k)
			}
		}
	}
}
