package meetings

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSchedulerHardConstraints: on random instances, whatever the solver
// places breaks no hard constraint, locked meetings stay where they are,
// and nothing that fits is left out when there is obviously room.
func TestSchedulerHardConstraints(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 7))
		sp := Spec{Days: 1 + rng.IntN(3), SlotsPerDay: 6 + rng.IntN(8), Rooms: 1 + rng.IntN(5), Venues: 1 + rng.IntN(3),
			Interpreters: rng.IntN(4), Parties: 3 + rng.IntN(10), Demands: 5 + rng.IntN(60), Pairs: 1 + rng.IntN(3),
			Travel: rng.IntN(3), Plenary: rng.IntN(2)}
		p := Random(rng, sp)
		r := Solve(p, Options{})
		if err := Verify(p, r.Placements); err != nil {
			t.Fatalf("seed %d %+v: %v", seed, sp, err)
		}
		if r.Placed == 0 && len(p.Demands) > 0 && hasRoomForOne(p) {
			t.Fatalf("seed %d: nothing placed", seed)
		}
		// Lock a third of what was placed, shuffle the rest: a new plan
		// keeps the locked ones exactly and stays valid.
		for i := range p.Demands {
			p.Demands[i].Current = r.Placements[i]
			p.Demands[i].Locked = r.Placements[i].Placed() && i%3 == 0
		}
		r2 := Solve(p, Options{})
		if err := Verify(p, r2.Placements); err != nil {
			t.Fatalf("seed %d, re-plan: %v", seed, err)
		}
		for i, d := range p.Demands {
			if d.Locked && r2.Placements[i] != d.Current {
				t.Fatalf("seed %d: locked meeting %d moved from %+v to %+v", seed, i, d.Current, r2.Placements[i])
			}
		}
	}
}

// hasRoomForOne: some demand fits an empty plan (else placing nothing is right).
func hasRoomForOne(p *Problem) bool {
	q := *p
	for i := range p.Demands {
		q.Demands = p.Demands[i : i+1]
		if Exact(&q) > 0 {
			return true
		}
	}
	return false
}

// TestAgainstExact compares the placed weight with a brute-force optimum
// on small instances, and bounds the gap.
func TestAgainstExact(t *testing.T) {
	var got, opt int
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 11))
		sp := Spec{Days: 1, SlotsPerDay: 4, Rooms: 2, Venues: 2, Interpreters: 1, Parties: 4, Demands: 7, Pairs: 2, Travel: 1}
		p := Random(rng, sp)
		r := Solve(p, Options{})
		e := Exact(p)
		if r.Weight > e {
			t.Fatalf("seed %d: solver %d beats the optimum %d: the exact search or Verify is wrong", seed, r.Weight, e)
		}
		got, opt = got+r.Weight, opt+e
	}
	gap := 1 - float64(got)/float64(opt)
	t.Logf("placed weight %d of the optimum %d over 40 instances: gap %.1f%%", got, opt, 100*gap)
	if gap > 0.05 {
		t.Fatalf("gap to the optimum %.1f%%, want at most 5%%", 100*gap)
	}
}

// TestIncrementalReplan: a new request is placed moving at most one
// meeting, locked ones never; a cancelled request frees its place
// without moving anything; meetings that did not need to move keep
// their place exactly.
func TestIncrementalReplan(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 3))
		sp := Spec{Days: 2, SlotsPerDay: 10, Rooms: 4, Venues: 2, Interpreters: 3, Parties: 10, Demands: 60, Pairs: 2, Travel: 1, Plenary: 1}
		p := Random(rng, sp)
		extra := p.Demands[len(p.Demands)-1]
		p.Demands = p.Demands[:len(p.Demands)-1]
		r := Solve(p, Options{})
		for i := range p.Demands {
			p.Demands[i].Current = r.Placements[i]
			p.Demands[i].Locked = r.Placements[i].Placed() && i%4 == 0
		}
		// A new accepted request.
		extra.Fresh = true
		p.Demands = append(p.Demands, extra)
		r2 := Solve(p, Options{Incremental: true})
		if err := Verify(p, r2.Placements); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(r2.Moved) > 2 {
			t.Fatalf("seed %d: adding one meeting moved %d", seed, len(r2.Moved))
		}
		for _, m := range r2.Moved {
			if p.Demands[m].Locked {
				t.Fatalf("seed %d: locked meeting %d moved", seed, m)
			}
			if !r2.Placements[m].Placed() {
				t.Fatalf("seed %d: meeting %d was unplaced to make room (incremental only moves)", seed, m)
			}
		}
		for i := range p.Demands[:len(p.Demands)-1] {
			if cur := p.Demands[i].Current; cur.Placed() && !slices.Contains(r2.Moved, i) && r2.Placements[i] != cur {
				t.Fatalf("seed %d: meeting %d changed without being reported moved", seed, i)
			}
		}
		// Cancel a placed one: nothing else moves.
		for i := range p.Demands {
			p.Demands[i].Current, p.Demands[i].Fresh = r2.Placements[i], false
		}
		var victim int
		for victim = range p.Demands {
			if r2.Placements[victim].Placed() && !p.Demands[victim].Locked {
				break
			}
		}
		p.Demands = slices.Delete(p.Demands, victim, victim+1)
		r3 := Solve(p, Options{Incremental: true})
		if err := Verify(p, r3.Placements); err != nil {
			t.Fatalf("seed %d, after a cancellation: %v", seed, err)
		}
		if len(r3.Moved) != 0 {
			t.Fatalf("seed %d: a cancellation moved %v", seed, r3.Moved)
		}
		if r3.Placed < r2.Placed-1 {
			t.Fatalf("seed %d: placed %d after a cancellation, %d before", seed, r3.Placed, r2.Placed)
		}
	}
}

// TestVerifyCatchesViolations: the checker the property test relies on
// does refuse a double booking, an over-full room and a missing interpreter.
func TestVerifyCatchesViolations(t *testing.T) {
	p := &Problem{Days: 1, SlotsPerDay: 4, Parties: 3, People: 0,
		Rooms:        []Room{{Capacity: 4}, {Capacity: 10}},
		Interpreters: []Interpreter{{Pairs: []int{0}, MaxSlots: 1}},
		Demands: []Demand{
			{Parties: []int{0, 1}, Size: 3, Length: 1, Weight: 1, Pair: -1},
			{Parties: []int{0, 2}, Size: 6, Length: 1, Weight: 1, Pair: 0},
		}}
	cases := map[string][]Placement{
		"party twice at once":  {{0, 0, -1}, {0, 1, 0}},
		"room too small":       {{0, 0, -1}, {1, 0, 0}},
		"no interpreter":       {{0, 0, -1}, {1, 1, -1}},
		"leaves the day":       {{4, 0, -1}, Unplaced},
		"wrong interpreter id": {Unplaced, {1, 1, -1}},
	}
	for name, pls := range cases {
		if Verify(p, pls) == nil {
			t.Errorf("%s: Verify accepted %v", name, pls)
		}
	}
	p.Demands[0].Length = 2
	if Verify(p, []Placement{{0, 0, -1}, {2, 1, 0}}) != nil {
		t.Error("Verify refused a valid plan")
	}
}

// TestSchedulerFrom: planning during a gathering (Problem.From), no
// meeting is placed to start in a slot that has begun, by a full plan
// or an incremental one; a meeting whose place began before (locked, as
// since locks it) keeps it; Verify refuses a place before From that is
// not one kept; FitsAlone says whether a meeting has a place left.
func TestSchedulerFrom(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 5))
		sp := Spec{Days: 2, SlotsPerDay: 8, Rooms: 3, Venues: 2, Interpreters: 2, Parties: 8, Demands: 40, Pairs: 2, Travel: 1, Plenary: 1}
		p := Random(rng, sp)
		r := Solve(p, Options{})
		for i := range p.Demands {
			p.Demands[i].Current = r.Placements[i]
		}
		p.From = 5 + rng.IntN(6)
		for i, d := range p.Demands {
			if d.Current.Placed() && d.Current.Start < p.From {
				p.Demands[i].Locked = true
			}
		}
		for _, o := range []Options{{}, {Incremental: true}} {
			r2 := Solve(p, o)
			if err := Verify(p, r2.Placements); err != nil {
				t.Fatalf("seed %d %+v: %v", seed, o, err)
			}
			for i, pl := range r2.Placements {
				d := p.Demands[i]
				if d.Locked && pl != d.Current {
					t.Fatalf("seed %d %+v: meeting %d placed at %d before slot %d moved to %+v", seed, o, i, d.Current.Start, p.From, pl)
				}
				if pl.Placed() && pl.Start < p.From && !d.Locked {
					t.Fatalf("seed %d %+v: meeting %d placed at %d, before slot %d", seed, o, i, pl.Start, p.From)
				}
			}
		}
	}
	p := &Problem{Days: 1, SlotsPerDay: 4, Parties: 2, Rooms: []Room{{Capacity: 4}},
		Demands: []Demand{{Parties: []int{0, 1}, Size: 2, Length: 2, Weight: 1, Pair: -1, Current: Unplaced}}}
	if Verify(p, []Placement{{1, 0, -1}}) != nil || !FitsAlone(p, 0) {
		t.Fatal("a meeting at slot 1 refused with no From")
	}
	p.From = 2
	if Verify(p, []Placement{{1, 0, -1}}) == nil {
		t.Error("Verify took a meeting placed at slot 1, before From 2")
	}
	p.Demands[0].Locked, p.Demands[0].Current = true, Placement{1, 0, -1}
	if Verify(p, []Placement{{1, 0, -1}}) != nil {
		t.Error("Verify refused a meeting kept where it began before From")
	}
	if !FitsAlone(p, 0) {
		t.Error("a two-slot meeting has slots 2 and 3 left")
	}
	p.From = 3
	if FitsAlone(p, 0) {
		t.Error("a two-slot meeting fits in the last slot alone")
	}
}
