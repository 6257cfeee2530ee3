package screen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSpellIndexAnswersAsAMap checks the hashed variant index against the
// map it replaced, through many times the table grew: the same tokens, in the same
// order, for every variant and for variants no token has.
func TestSpellIndexAnswersAsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var texts []string
	want := map[string][]uint32{}
	s := newHashIndex()
	for id := uint32(0); id < 20_000; id++ {
		n := 2 + rng.IntN(10)
		b := make([]byte, n)
		for i := range b {
			b[i] = "abdehiklmnorsu"[rng.IntN(14)]
		}
		texts = append(texts, string(b))
		for _, v := range spellVariants(string(b)) {
			want[v] = append(want[v], id)
			s.add(v, id)
		}
	}
	if len(s.slots) < 4*s.n/3 || s.n < 100_000 {
		t.Fatalf("%d variants in %d slots: want over 100,000, the table at most 3/4 full", s.n, len(s.slots))
	}
	for v, ids := range want {
		has := func(id uint32) bool { return isSpellVariant(texts[id], v) }
		if got := s.lookup(v, nil, has); !slices.Equal(got, ids) {
			t.Fatalf("variant %q: got %v, want %v", v, got, ids)
		}
	}
	for i := range 2000 {
		v := fmt.Sprintf("zz%dq", i) // no token has a z
		if got := s.lookup(v, nil, func(id uint32) bool { return isSpellVariant(texts[id], v) }); len(got) != 0 {
			t.Fatalf("variant %q no token has: got %v", v, got)
		}
	}
}

func TestIsSpellVariant(t *testing.T) {
	for _, c := range []struct {
		text, v string
		want    bool
	}{
		{"karim", "karim", true}, {"karim", "arim", true}, {"karim", "kari", true}, {"karim", "krim", true},
		{"karim", "karin", false}, {"karim", "kar", false}, {"ali", "ali", true}, {"ali", "al", true}, {"ali", "li", true}, {"ali", "ai", true}, {"ali", "ia", false},
		{"al", "al", false}, {"abcdefghijklmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxy", false},
	} {
		if got := isSpellVariant(c.text, c.v); got != c.want {
			t.Errorf("isSpellVariant(%q, %q) = %v, want %v", c.text, c.v, got, c.want)
		}
		if got := slices.Contains(spellVariants(c.text), c.v); got != c.want {
			t.Errorf("spellVariants(%q) holds %q: %v, the test wants %v", c.text, c.v, got, c.want)
		}
	}
}
