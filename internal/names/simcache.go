package names

import "math/bits"

// simCache remembers, for one query, the similarity of each of its spans
// with a span of another name (the key is cacheKey's). It is an
// open-addressing table of linear probes; the Go map it replaced cost a
// screening at the alert threshold about a twentieth of its time in
// hashing and probing.
type simCache struct {
	keys  []uint64 // 0 is an empty slot: a key never is 0 (token ids start at 1)
	vals  []float64
	n     int
	shift uint // 64 - log2(len(keys))
}

// slot is where k's probe starts: Fibonacci hashing, whose high bits mix
// the ids packed in the key's low bits.
func (c *simCache) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> c.shift) }

func (c *simCache) get(k uint64) (float64, bool) {
	if c.n == 0 {
		return 0, false
	}
	mask := len(c.keys) - 1
	for i := c.slot(k); ; i = (i + 1) & mask {
		switch c.keys[i] {
		case k:
			return c.vals[i], true
		case 0:
			return 0, false
		}
	}
}

func (c *simCache) put(k uint64, v float64) {
	if 2*(c.n+1) > len(c.keys) {
		c.grow()
	}
	mask := len(c.keys) - 1
	i := c.slot(k)
	for c.keys[i] != 0 && c.keys[i] != k {
		i = (i + 1) & mask
	}
	if c.keys[i] == 0 {
		c.n++
	}
	c.keys[i], c.vals[i] = k, v
}

// grow doubles the table (256 slots at first) and places the keys again.
func (c *simCache) grow() {
	keys, vals := c.keys, c.vals
	size := max(256, 2*len(keys))
	c.keys, c.vals, c.n = make([]uint64, size), make([]float64, size), 0
	c.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for i, k := range keys {
		if k != 0 {
			c.put(k, vals[i])
		}
	}
}

// reset empties the table for the next query; one that an investigation
// grew past 4,096 slots is let go rather than cleared each time after.
func (c *simCache) reset() {
	if len(c.keys) > 4096 {
		*c = simCache{}
		return
	}
	if c.n > 0 {
		clear(c.keys)
		c.n = 0
	}
}
