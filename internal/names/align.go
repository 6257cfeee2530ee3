package names

// Costs of aligning two unit sequences. cross is true when one token is
// Arabic and the other Latin: Arabic does not write short vowels, so a
// Latin vowel with no counterpart costs little, while an Arabic letter
// with none costs much. Between two tokens of the same script every
// written letter counts.

// delCost is the cost of leaving u unmatched.
func delCost(u unit, cross, edge bool) float64 {
	if u.weak {
		if u.kind == kVowel {
			// the a of ai: cheap, but dropping ai whole (Sulaiman,
			// Salman) costs about what two vowels do
			if cross {
				return 0.05
			}
			return 0.25
		}
		return 0.15
	}
	switch u.kind {
	case kApos:
		return 0.1
	case kVowel:
		if cross {
			if u.long {
				return 0.5
			}
			return 0.05
		}
		if edge {
			return 0.7
		}
		return 0.4
	case kAyn:
		if cross {
			return 0.15
		}
		return 0.7
	case kLongA:
		if cross {
			if edge {
				return 0.15 // initial alef: a hamza seat (Driss, Brahim)
			}
			return 0.4
		}
		return 0.6
	case kW, kY:
		if cross {
			return 0.4
		}
		return 0.6
	case kH:
		return 0.4
	}
	switch u.c {
	case 'h':
		return 0.5
	case 'w', 'y':
		return 0.6
	}
	return 1
}

// subCost is the cost of matching a with b.
func subCost(a, b unit) float64 {
	if a.kind > b.kind {
		a, b = b, a
	}
	switch {
	case a.kind == kCons && b.kind == kCons:
		return consCost(a, b)
	case a.kind == kVowel && b.kind == kVowel:
		return vowelCost(a.c, b.c)
	case a.kind == kCons && b.kind == kVowel:
		if (a.c == 'y' && b.c == 'i') || (a.c == 'w' && b.c == 'u') {
			return 0.2
		}
		return 1
	}
	// b is an Arabic vowel-like letter or an apostrophe; a is any unit.
	switch b.kind {
	case kApos:
		switch a.kind {
		case kAyn, kApos:
			return 0
		case kLongA:
			return 0.1
		case kVowel:
			// the ʿayn written as a vowel in another spelling: Sa'd, Saed, Saad
			if a.c == 'a' || a.c == 'e' {
				return 0.1
			}
			return 0.3
		}
		return 1
	case kAyn:
		switch a.kind {
		case kVowel:
			return 0.05
		case kAyn:
			return 0
		}
		return 1
	case kLongA:
		switch a.kind {
		case kVowel:
			switch a.c {
			case 'a':
				return 0
			case 'e':
				return 0.1
			case 'o':
				return 0.3
			}
			return 0.4
		case kLongA:
			return 0
		case kAyn:
			return 0.5
		}
		return 1
	case kW:
		switch a.kind {
		case kVowel:
			if a.c == 'u' || a.c == 'o' {
				return 0
			}
			return 0.5
		case kCons:
			if a.c == 'w' || a.c == 'v' {
				return 0
			}
			return 1
		case kW:
			return 0
		}
		return 1
	case kY:
		switch a.kind {
		case kVowel:
			switch a.c {
			case 'i', 'e':
				return 0
			case 'a':
				if b.alt == 'a' {
					return 0.05 // a final ى reads a: Moussa, Huda
				}
				// ي inside a name is a y or an i, never an a: الحسين
				// is not Hassan
				return 0.6
			}
			return 0.5
		case kCons:
			if a.c == 'y' || a.c == 'j' {
				return 0
			}
			return 1
		case kY:
			return 0
		case kW:
			return 0.8
		}
		return 1
	case kH:
		switch a.kind {
		case kVowel:
			if a.c == 'a' || a.c == 'e' {
				return 0
			}
			return 0.4
		case kCons:
			if a.c == 'h' {
				return 0
			}
			return 1
		case kH:
			return 0
		}
		return 1
	}
	return 1
}

func vowelCost(a, b byte) float64 {
	if a == b {
		return 0
	}
	if a > b {
		a, b = b, a
	}
	switch string([]byte{a, b}) {
	case "ou", "ei", "ae":
		return 0.1
	case "eu":
		// French spellings write a short u e as they write a and i
		// (Guerchi, Qurashi; Lahcen, Hasan; Seddik, Siddiq)
		return 0.1
	}
	return 0.2
}

// near lists consonant classes that transliterations confuse, with the
// cost of matching one for the other.
var near = sortedKeys(map[[2]byte]float64{
	{'g', 'j'}: 0.1, {'g', 'k'}: 0.1, {'g', cGh}: 0.1, {cGh, cKh}: 0.5, {cGh, 'k'}: 0.3, {cGh, 'r'}: 0.6,
	{cTh, 't'}: 0.1, {cTh, 's'}: 0.1, {cTh, cZa}: 0.2, {cTh, cDh}: 0.2, {cTh, 'd'}: 0.4, {cTh, 'z'}: 0.4,
	{cDh, 'd'}: 0.1, {cDh, 'z'}: 0.1, {cDh, cZa}: 0.1, {cDh, 't'}: 0.4,
	{cZa, 'z'}: 0.1, {cZa, 'd'}: 0.2, {cZa, 't'}: 0.5,
	{'j', 'z'}: 0.6, {'j', 'y'}: 0.6, {'s', cSh}: 0.3, {'s', 'z'}: 0.4, {'s', 't'}: 0.6, {'t', 'd'}: 0.6,
	{'d', 'z'}: 0.5, {'f', 'v'}: 0.2, {'b', 'v'}: 0.5, {'v', 'w'}: 0.3, {'b', 'p'}: 0.1, {'h', cKh}: 0.5,
	{'k', cKh}: 0.5, {'k', cSh}: 0.8, {cSh, cKh}: 0.4, {cSh, 'j'}: 0.6, {'n', 'm'}: 0.7, {'l', 'r'}: 0.7, {'k', 's'}: 0.7,
	{'j', cKh}: 0.7, {'t', 'c'}: 0.6,
})

// dhCost is the cost of two Latin letters (d, z, th, dh) that may both
// write ذ: d in the Maghreb (Mouad), z in Egypt, the Levant, Iran and
// Pakistan (Moaz, Nazir), th or dh in the Gulf and Iraq (Muath, Mu'adh).
const dhCost = 0.15

// sortedKeys stores each pair with its smaller byte first, as looked up.
func sortedKeys(m map[[2]byte]float64) map[[2]byte]float64 {
	out := make(map[[2]byte]float64, len(m))
	for k, v := range m {
		if k[0] > k[1] {
			k[0], k[1] = k[1], k[0]
		}
		out[k] = v
	}
	return out
}

func consCost(a, b unit) float64 {
	if a.c == b.c {
		return 0
	}
	if a.dh && b.dh {
		return dhCost
	}
	if (a.alt != 0 && a.alt == b.c) || (b.alt != 0 && b.alt == a.c) || (a.alt != 0 && a.alt == b.alt) {
		return 0.1
	}
	best := nearTable[a.c&127][b.c&127]
	if a.alt != 0 {
		best = min(best, nearTable[a.alt&127][b.c&127])
		if b.alt != 0 {
			best = min(best, nearTable[a.alt&127][b.alt&127])
		}
	}
	if b.alt != 0 {
		best = min(best, nearTable[a.c&127][b.alt&127])
	}
	return best
}

// nearTable is near as a lookup table: the cost of matching one consonant
// class for another, 1 where they are not confused.
var nearTable = func() (t [128][128]float64) {
	for i := range t {
		for j := range t[i] {
			if i != j {
				t[i][j] = 1
			}
		}
	}
	for k, c := range near {
		t[k[0]&127][k[1]&127] = c
		t[k[1]&127][k[0]&127] = c
	}
	return t
}()

// align returns the similarity in [0,1] of two unit sequences: one minus
// the cheapest alignment cost over the cost of leaving the heavier side
// wholly unmatched.
func align(a, b []unit, cross bool) float64 {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		if n == m {
			return 1
		}
		return 0
	}
	var bufA, bufB [32]float64
	da, db := bufA[:0], bufB[:0]
	if n > 32 || m > 32 {
		da, db = make([]float64, 0, n), make([]float64, 0, m)
	}
	wa, wb := 0.0, 0.0
	for i, u := range a {
		c := delCost(u, cross, i == 0 || i == n-1)
		da = append(da, c)
		wa += c
	}
	for j, u := range b {
		c := delCost(u, cross, j == 0 || j == m-1)
		db = append(db, c)
		wb += c
	}
	// A part of more than 32 letters (a word run together, a typing
	// error held down) gets rows of its own: slicing the buffer first
	// panicked on it.
	var rowBuf [3][33]float64
	var pp, prev, cur []float64
	if m > 32 {
		pp, prev, cur = make([]float64, m+1), make([]float64, m+1), make([]float64, m+1)
	} else {
		pp, prev, cur = rowBuf[0][:m+1], rowBuf[1][:m+1], rowBuf[2][:m+1]
	}
	prev[0] = 0
	for j := 1; j <= m; j++ {
		prev[j] = prev[j-1] + db[j-1]
	}
	denom := max(wa, wb)
	if denom == 0 {
		return 1
	}
	// Similarities under 0.4 all count as different names: stop as soon
	// as a whole row costs more than that.
	abandon := 0.6 * denom
	bDigraphs := false
	for _, u := range b {
		bDigraphs = bDigraphs || u.d1 != 0
	}
	lastMin := 0.0 // the least cost of the row before
	for i := 1; i <= n; i++ {
		cur[0] = prev[0] + da[i-1]
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
			best := prev[j-1] + subCost(a[i-1], b[j-1])
			if c := prev[j] + da[i-1]; c < best {
				best = c
			}
			if c := cur[j-1] + db[j-1]; c < best {
				best = c
			}
			// a digraph on one side read as two letters on the other
			if u := a[i-1]; u.d1 != 0 && j >= 2 {
				if c := prev[j-2] + subCost(unit{c: u.d1}, b[j-2]) + subCost(unit{c: u.d2}, b[j-1]) + 0.05; c < best {
					best = c
				}
			}
			if u := b[j-1]; u.d1 != 0 && i >= 2 {
				if c := pp[j-1] + subCost(a[i-2], unit{c: u.d1}) + subCost(a[i-1], unit{c: u.d2}) + 0.05; c < best {
					best = c
				}
			}
			cur[j] = best
			rowMin = min(rowMin, best)
		}
		// A digraph of b spans two rows: a path may leap over one, so
		// with digraphs two rows past the cutoff are needed.
		if rowMin > abandon && (!bDigraphs || lastMin > abandon) {
			return 0.3
		}
		lastMin = rowMin
		pp, prev, cur = prev, cur, pp
	}
	cost := prev[m]
	s := 1 - cost/denom
	if s < 0 {
		return 0
	}
	return s
}
