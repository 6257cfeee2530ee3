package names

import (
	"math"
	"math/rand/v2"
	"testing"
)

// alignCodes must give what align gives on the units the codes stand for
// (to float32's precision): it is the same alignment, from tables, with
// the moves taken by min and the digraph moves only where there are
// digraphs. Where either gives up on a pair (0.3: too far apart to
// count), the other must find it as far apart.
func TestAlignCodesAgreesWithAlign(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var digraphs []uint8
	for c := 1; c < len(codeUnits); c++ {
		if d1Code[c] != 0 {
			digraphs = append(digraphs, uint8(c))
		}
	}
	if len(digraphs) == 0 {
		t.Fatal("no digraph codes: the digraph moves go untested")
	}
	code := func() uint8 {
		if r.IntN(4) == 0 {
			return digraphs[r.IntN(len(digraphs))]
		}
		return uint8(1 + r.IntN(len(codeUnits)-1))
	}
	word := func() []uint8 {
		w := make([]uint8, 1+r.IntN(12))
		for i := range w {
			w[i] = code()
		}
		return w
	}
	abandoned := 0
	for range 20000 {
		a, b := word(), word()
		if r.IntN(3) == 0 { // near pairs: one code changed, added or dropped
			b = append([]uint8(nil), a...)
			switch i := r.IntN(len(b)); r.IntN(3) {
			case 0:
				b[i] = code()
			case 1:
				b = append(b[:i], append([]uint8{code()}, b[i:]...)...)
			default:
				if len(b) > 1 {
					b = append(b[:i], b[i+1:]...)
				}
			}
		}
		cross := r.IntN(2) == 0
		got, want := alignCodes(a, b, cross), align(decode(a), decode(b), cross)
		if got == 0.3 || want == 0.3 { // abandoned: the other must find them as far apart
			if max(got, want) > 0.56 {
				t.Fatalf("alignCodes(%v, %v, %t) = %v, align gives %v: one gave up on a pair the other finds close", a, b, cross, got, want)
			}
			abandoned++
			continue
		}
		if math.Abs(got-want) > 1e-5 {
			t.Fatalf("alignCodes(%v, %v, %t) = %v, align gives %v", a, b, cross, got, want)
		}
	}
	if abandoned == 0 {
		t.Error("no pair was abandoned: the cutoff goes untested")
	}
}
