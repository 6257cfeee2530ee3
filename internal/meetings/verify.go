package meetings

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Verify checks every hard constraint of placements against p, naively
// and independently of the solver's bookkeeping; it names the first
// violation.
func Verify(p *Problem, pls []Placement) error {
	S, T := p.SlotsPerDay, p.Days*p.SlotsPerDay
	used := make([]int, len(p.Interpreters))
	for i, pl := range pls {
		if !pl.Placed() {
			continue
		}
		d := p.Demands[i]
		if pl.Start+d.Length > T || pl.Start%S+d.Length > S {
			return fmt.Errorf("meeting %d at %d+%d leaves its day", i, pl.Start, d.Length)
		}
		if pl.Start < p.From && (!d.Locked || pl != d.Current) {
			return fmt.Errorf("meeting %d placed at %d, before slot %d: that time has begun", i, pl.Start, p.From)
		}
		for t := pl.Start; t < pl.Start+d.Length; t++ {
			if p.Blocked != nil && p.Blocked[t] {
				return fmt.Errorf("meeting %d during the host's agenda at %d", i, t)
			}
			if d.Impossible != nil && d.Impossible[t] {
				return fmt.Errorf("meeting %d at its impossible time %d", i, t)
			}
		}
		rm := p.Rooms[pl.Room]
		if rm.Capacity < d.Size {
			return fmt.Errorf("meeting %d of %d in room %d of %d seats", i, d.Size, pl.Room, rm.Capacity)
		}
		if rm.Equipment&d.Equipment != d.Equipment {
			return fmt.Errorf("meeting %d lacks equipment in room %d", i, pl.Room)
		}
		if (d.Pair < 0) != (pl.Interpreter < 0) {
			return fmt.Errorf("meeting %d: interpreter %d for pair %d", i, pl.Interpreter, d.Pair)
		}
		if d.Pair >= 0 {
			if !slices.Contains(p.Interpreters[pl.Interpreter].Pairs, d.Pair) {
				return fmt.Errorf("meeting %d: interpreter %d lacks pair %d", i, pl.Interpreter, d.Pair)
			}
			used[pl.Interpreter] += d.Length
		}
		for j := i + 1; j < len(pls); j++ {
			q := pls[j]
			if !q.Placed() {
				continue
			}
			e := p.Demands[j]
			if q.Start/S != pl.Start/S {
				continue
			}
			// gap between the two, negative when they overlap
			gap := max(q.Start-(pl.Start+d.Length), pl.Start-(q.Start+e.Length))
			need := 0
			if a, b := rm.Venue, p.Rooms[q.Room].Venue; a != b && p.Travel != nil {
				if q.Start >= pl.Start {
					need = p.Travel[a][b]
				} else {
					need = p.Travel[b][a]
				}
			}
			if gap < 0 && q.Room == pl.Room {
				return fmt.Errorf("meetings %d and %d share room %d", i, j, q.Room)
			}
			shared := func(a, b []int) bool {
				for _, x := range a {
					if slices.Contains(b, x) {
						return true
					}
				}
				return false
			}
			mobile := shared(d.Parties, e.Parties) || shared(d.People, e.People) || (pl.Interpreter >= 0 && pl.Interpreter == q.Interpreter)
			if mobile && gap < need {
				return fmt.Errorf("meetings %d and %d share a party, person or interpreter %d slots apart, %d needed", i, j, gap, need)
			}
			if mobile && gap < 0 {
				return fmt.Errorf("meetings %d and %d overlap for a party, person or interpreter", i, j)
			}
		}
	}
	for k, u := range used {
		if u > p.Interpreters[k].MaxSlots {
			return fmt.Errorf("interpreter %d works %d slots, at most %d", k, u, p.Interpreters[k].MaxSlots)
		}
	}
	return nil
}

// IdleSlots is, per party, the idle slots between its first and last
// meeting of each day, summed over the days.
func IdleSlots(p *Problem, pls []Placement) []int {
	S := p.SlotsPerDay
	busy := make([][]bool, p.Parties)
	for i, pl := range pls {
		if !pl.Placed() {
			continue
		}
		for _, q := range p.Demands[i].Parties {
			if busy[q] == nil {
				busy[q] = make([]bool, p.Days*S)
			}
			for t := pl.Start; t < pl.Start+p.Demands[i].Length; t++ {
				busy[q][t] = true
			}
		}
	}
	out := make([]int, p.Parties)
	for q, b := range busy {
		for day := 0; b != nil && day < p.Days; day++ {
			first, last, n := -1, -1, 0
			for t := day * S; t < (day+1)*S; t++ {
				if b[t] {
					if first < 0 {
						first = t
					}
					last, n = t, n+1
				}
			}
			if first >= 0 {
				out[q] += last - first + 1 - n
			}
		}
	}
	return out
}

// Exact finds the most weight that can be placed, by exhaustive search
// with a bound: for small instances only (the comparison in the tests
// and the bench).
func Exact(p *Problem) int {
	s := newSolver(p)
	n := len(p.Demands)
	ints := make([][]int, n)
	for i, d := range p.Demands {
		ints[i] = []int{-1}
		if d.Pair >= 0 {
			ints[i] = nil
			for k, in := range p.Interpreters {
				if slices.Contains(in.Pairs, d.Pair) {
					ints[i] = append(ints[i], k)
				}
			}
		}
	}
	rest := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + p.Demands[i].Weight
	}
	best := 0
	var rec func(i, w int)
	rec = func(i, w int) {
		if w+rest[i] <= best {
			return
		}
		if i == n {
			best = w
			return
		}
		d := &p.Demands[i]
		for start := 0; start < s.T; start++ {
			for r := range p.Rooms {
				for _, in := range ints[i] {
					pl := Placement{Start: start, Room: r, Interpreter: in}
					if s.fits(i, pl) {
						s.put(i, pl)
						rec(i+1, w+d.Weight)
						s.remove(i)
					}
				}
			}
		}
		rec(i+1, w)
	}
	rec(0, 0)
	return best
}

// Spec sizes a random instance.
type Spec struct {
	Days, SlotsPerDay, Rooms, Venues, Interpreters, Parties, Demands, Pairs int
	// Travel between two venues, in slots.
	Travel int
	// Plenary blocks this many slots at the start of each day.
	Plenary int
}

// Random builds a random instance of spec: parties meet in pairs, a third
// of meetings need an interpreter, some people sit in several meetings of
// their delegation, some times are impossible or preferred.
func Random(rng *rand.Rand, sp Spec) *Problem {
	T := sp.Days * sp.SlotsPerDay
	p := &Problem{Days: sp.Days, SlotsPerDay: sp.SlotsPerDay, Parties: sp.Parties, Blocked: make([]bool, T)}
	for d := range sp.Days {
		for k := range sp.Plenary {
			p.Blocked[d*sp.SlotsPerDay+k] = true
		}
	}
	venues := max(sp.Venues, 1)
	if venues > 1 {
		p.Travel = make([][]int, venues)
		for a := range venues {
			p.Travel[a] = make([]int, venues)
			for b := range venues {
				if a != b {
					p.Travel[a][b] = sp.Travel
				}
			}
		}
	}
	for r := range sp.Rooms {
		p.Rooms = append(p.Rooms, Room{Venue: r % venues, Capacity: 4 + rng.IntN(12), Equipment: uint64(rng.IntN(4))})
	}
	pairs := max(sp.Pairs, 1)
	for range sp.Interpreters {
		in := Interpreter{Pairs: []int{rng.IntN(pairs)}, MaxSlots: T / 2}
		if x := rng.IntN(pairs); x != in.Pairs[0] {
			in.Pairs = append(in.Pairs, x)
		}
		p.Interpreters = append(p.Interpreters, in)
	}
	// Each party has three people; a meeting takes one or two of each side.
	p.People = sp.Parties * 3
	for range sp.Demands {
		a := rng.IntN(sp.Parties)
		b := rng.IntN(sp.Parties - 1)
		if b >= a {
			b++
		}
		d := Demand{Parties: []int{a, b}, Length: 1 + rng.IntN(2), Weight: 1 + rng.IntN(3), Pair: -1, Current: Unplaced}
		for _, q := range d.Parties {
			d.People = append(d.People, q*3+rng.IntN(3))
		}
		d.Size = 2 + rng.IntN(6)
		if rng.IntN(3) == 0 && sp.Interpreters > 0 {
			d.Pair = rng.IntN(pairs)
		}
		if rng.IntN(5) == 0 {
			d.Equipment = uint64(1 + rng.IntN(2))
		}
		if rng.IntN(4) == 0 {
			d.Impossible = make([]bool, T)
			day := rng.IntN(sp.Days)
			for t := day * sp.SlotsPerDay; t < (day+1)*sp.SlotsPerDay; t++ {
				d.Impossible[t] = true
			}
		}
		if rng.IntN(3) == 0 {
			d.Preferred = make([]bool, T)
			for t := range T {
				d.Preferred[t] = t%sp.SlotsPerDay < sp.SlotsPerDay/2
			}
		}
		p.Demands = append(p.Demands, d)
	}
	return p
}
