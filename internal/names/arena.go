package names

// Arena keeps the sounds of many tokens in a few large arrays: a
// dictionary of tokens (the screening index's, every distinct name part
// once) is then a few objects for the collector to mark, where each token
// held four or more of its own. A token kept is read, never changed.
type Arena struct {
	units    []unit
	codes    []uint8
	altUnits [][]unit
	altCodes [][]uint8
}

// arenaChunk is how many elements an arena array holds before the next
// is begun (a longer slice gets an array of its own size).
const arenaChunk = 16 << 10

// Keep moves t's sounds and alternative readings into the arena.
func (a *Arena) Keep(t *Token) {
	t.units = keep(&a.units, t.units)
	t.codes = keep(&a.codes, t.codes)
	if len(t.alts) > 0 {
		alts := keep(&a.altUnits, t.alts)
		for i := range alts {
			alts[i] = keep(&a.units, alts[i])
		}
		t.alts = alts
	}
	if len(t.altCodes) > 0 {
		codes := keep(&a.altCodes, t.altCodes)
		for i := range codes {
			codes[i] = keep(&a.codes, codes[i])
		}
		t.altCodes = codes
	}
}

// keep copies s to the end of *into, beginning another array when it is
// full, and returns the copy, its capacity its length so that nothing
// appended to it writes over its neighbour. A nil s stays nil.
func keep[T any](into *[]T, s []T) []T {
	if s == nil {
		return nil
	}
	if len(*into)+len(s) > cap(*into) {
		*into = make([]T, 0, max(arenaChunk, len(s)))
	}
	start := len(*into)
	*into = append(*into, s...)
	return (*into)[start:len(*into):len(*into)]
}
