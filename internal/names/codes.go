package names

import "fmt"

// Units are few (some 150 kinds of consonant, vowel and Arabic letter), so
// each gets a one-byte code and every cost is looked up in a table built
// once: the alignment's inner loop then does no branching on kinds.

const noCode = 0

var (
	codeIndex = map[unit]uint8{}
	codeUnits = []unit{{}} // code 0: none
	subTab    [256][256]float32
	delTab    [2][2][256]float32 // [cross][edge][code]
	d1Code    [256]uint8         // a digraph's letters as codes
	d2Code    [256]uint8
)

func register(u unit) {
	if _, ok := codeIndex[u]; ok {
		return
	}
	if len(codeUnits) == 256 {
		panic(fmt.Sprintf("names: more than 255 distinct units (at %+v)", u))
	}
	codeIndex[u] = uint8(len(codeUnits))
	codeUnits = append(codeUnits, u)
}

func init() {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789'"
	var buf []byte
	var walk func(depth int)
	walk = func(depth int) {
		if len(buf) > 0 {
			for _, u := range latinUnits(string(buf)) {
				register(u)
			}
		}
		if depth == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			buf = append(buf, alphabet[i])
			walk(depth - 1)
			buf = buf[:len(buf)-1]
		}
	}
	walk(3)
	for _, w := range []string{"bain", "bein"} { // a weak vowel needs a letter before it
		for _, u := range latinUnits(w) {
			register(u)
		}
	}
	for _, l := range "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" {
		for _, w := range []string{string(l), string(l) + "ب", "ب" + string(l)} {
			for _, u := range arabicUnits(w) {
				register(u)
			}
		}
	}
	for a, ua := range codeUnits {
		if a == noCode {
			continue
		}
		for b, ub := range codeUnits {
			if b != noCode {
				subTab[a][b] = float32(subCost(ua, ub))
			}
		}
		for cross := 0; cross < 2; cross++ {
			for edge := 0; edge < 2; edge++ {
				delTab[cross][edge][a] = float32(delCost(ua, cross == 1, edge == 1))
			}
		}
		if ua.d1 != 0 {
			d1Code[a] = codeIndex[unit{c: ua.d1}]
			d2Code[a] = codeIndex[unit{c: ua.d2}]
		}
	}
}

// encode gives the codes of units, or nil if one has none (then the slow
// path compares units directly).
func encode(us []unit) []uint8 {
	out := make([]uint8, len(us))
	for i, u := range us {
		c, ok := codeIndex[u]
		if !ok {
			return nil
		}
		out[i] = c
	}
	return out
}

// joinCodes appends a's and b's codes to buf as collapse would join their
// units: a unit repeating the one before it is dropped.
func joinCodes(buf, a, b []uint8) []uint8 {
	for _, part := range [2][]uint8{a, b} {
		for _, c := range part {
			if n := len(buf); n > 0 {
				p, u := codeUnits[buf[n-1]], codeUnits[c]
				if p.c == u.c && p.kind == u.kind {
					continue
				}
			}
			buf = append(buf, c)
		}
	}
	return buf
}

// alignCodes is align over codes: the same costs, from the tables.
func alignCodes(a, b []uint8, cross bool) float64 {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		if n == m {
			return 1
		}
		return 0
	}
	if string(a) == string(b) {
		return 1 // the same sounds: nothing to align (a unit costs nothing against itself)
	}
	if n > 32 || m > 32 {
		return align(decode(a), decode(b), cross)
	}
	x := 0
	if cross {
		x = 1
	}
	var da, db [32]float32
	var wa, wb float32
	for i, c := range a {
		e := 0
		if i == 0 || i == n-1 {
			e = 1
		}
		da[i] = delTab[x][e][c]
		wa += da[i]
	}
	for j, c := range b {
		e := 0
		if j == 0 || j == m-1 {
			e = 1
		}
		db[j] = delTab[x][e][c]
		wb += db[j]
	}
	denom := max(wa, wb)
	if denom == 0 {
		return 1
	}
	// A pair that costs more than this is no match whatever follows (its
	// similarity, under 0.55, would count nothing: see compare), so the
	// alignment stops there.
	abandon := 0.45 * denom
	var rows [3][33]float32
	pp, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 1; j <= m; j++ {
		prev[j] = prev[j-1] + db[j-1]
	}
	// The letters of b that are digraphs (rare): a row of a letter that is
	// none, against a b that has none, needs only the three moves.
	var bd1, bd2 [32]uint8
	bDigraphs := false
	for j, c := range b {
		if d := d1Code[c]; d != 0 {
			bd1[j], bd2[j], bDigraphs = d, d2Code[c], true
		}
	}
	var lastMin float32 // the least cost of the row before
	for i := 1; i <= n; i++ {
		ca := a[i-1]
		sub := &subTab[ca]
		dai := da[i-1]
		left := prev[0] + dai
		cur[0] = left
		rowMin := left
		d1a, d2a := d1Code[ca], d2Code[ca]
		if d1a == 0 && (!bDigraphs || i < 2) {
			diag := prev[0]
			// min, not comparisons: which move is cheapest is data the
			// branch predictor cannot guess, and the loop ran twice as
			// long with branches.
			for j := 1; j <= m; j++ {
				up := prev[j]
				best := min(diag+sub[b[j-1]], up+dai, left+db[j-1])
				cur[j] = best
				rowMin = min(rowMin, best)
				diag, left = up, best
			}
		} else {
			for j := 1; j <= m; j++ {
				cb := b[j-1]
				best := min(prev[j-1]+sub[cb], prev[j]+dai, cur[j-1]+db[j-1])
				if d1a != 0 && j >= 2 {
					best = min(best, prev[j-2]+subTab[d1a][b[j-2]]+subTab[d2a][cb]+0.05)
				}
				if d1b := bd1[j-1]; d1b != 0 && i >= 2 {
					best = min(best, pp[j-1]+subTab[a[i-2]][d1b]+sub[bd2[j-1]]+0.05)
				}
				cur[j] = best
				rowMin = min(rowMin, best)
			}
		}
		// A digraph of b spans two rows: a path may leap over one, so
		// with digraphs two rows past the cutoff are needed.
		if rowMin > abandon && (!bDigraphs || lastMin > abandon) {
			return 0.3
		}
		lastMin = rowMin
		pp, prev, cur = prev, cur, pp
	}
	s := 1 - float64(prev[m])/float64(denom)
	if s < 0 {
		return 0
	}
	return s
}

func decode(cs []uint8) []unit {
	out := make([]unit, len(cs))
	for i, c := range cs {
		out[i] = codeUnits[c]
	}
	return out
}
