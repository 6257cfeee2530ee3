package meetings

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"
)

// The scheduler works on a Problem of dense indexes: the service turns a
// gathering and its accepted requests into one, and its Result back into
// placements. It is pure (no store, no clock but its own budget), so the
// property tests, the exact comparison and the bench drive it directly.
//
// Time is a line of Days×SlotsPerDay slots; a meeting of Length slots
// starts at a slot and never crosses into the next day.
//
// Hard constraints: a party (delegation), a person and an interpreter are
// in one meeting at a time, with the travel time between venues between
// two of their meetings; a room holds one meeting at a time, has the seats
// and the equipment; a meeting between two languages has an interpreter
// for that pair who has hours left; the host's agenda (plenaries) and each
// request's impossible times are never used.
//
// Objective: the most priority weight placed; then each party's day
// compact (fewest idle slots between its first and last meeting of a
// day); then the preferred times. The construction is greedy (heaviest and
// most constrained first, best-scored place), repaired by ejection chains
// of length one (move one meeting to make room for another) and then
// compacted by re-placing meetings one at a time. TestAgainstExact
// compares it with a brute-force optimum on small instances.

// Problem is a scheduling instance.
type Problem struct {
	Days, SlotsPerDay int
	// Travel[a][b] is how many slots a party needs between a meeting at
	// venue a and one at venue b (0 on the diagonal). Nil: one venue.
	Travel       [][]int
	Rooms        []Room
	Interpreters []Interpreter
	// Blocked slots (the host's agenda: plenaries) hold no meeting.
	Blocked []bool
	// From is the first slot a meeting may be placed to start at: the
	// slots before it have begun or passed (planning during the
	// gathering). A locked meeting keeps its Current place there.
	From    int
	Parties int // parties are 0..Parties-1
	People  int // people are 0..People-1
	Demands []Demand
}

// Room is a meeting room: its venue, seats and equipment (a bit set).
type Room struct {
	Venue     int
	Capacity  int
	Equipment uint64
}

// Interpreter works the language pairs listed (pair ids) for at most
// MaxSlots slots over the gathering.
type Interpreter struct {
	Pairs    []int
	MaxSlots int
}

// Demand is one accepted meeting request.
type Demand struct {
	Parties   []int // the two delegations
	People    []int // named participants
	Size      int   // seats needed
	Length    int   // slots
	Weight    int   // priority weight, ≥ 1
	Pair      int   // language pair needing an interpreter, or -1
	Equipment uint64
	// Impossible and Preferred are indexed by slot (nil: none). A meeting
	// never covers an impossible slot (the request's or a participant's).
	Impossible []bool
	Preferred  []bool
	// Locked meetings keep Current whatever happens.
	Locked  bool
	Current Placement
	// Fresh marks, for an incremental run, a request new or changed since
	// the last plan: only for these may other meetings move.
	Fresh bool
}

// Placement is where a meeting is: Start slot, Room and Interpreter
// indexes; Start -1 when not placed, Interpreter -1 when none is needed.
type Placement struct {
	Start, Room, Interpreter int
}

// Unplaced is the placement of a meeting that has none.
var Unplaced = Placement{Start: -1, Room: -1, Interpreter: -1}

// Placed reports whether p places a meeting.
func (p Placement) Placed() bool { return p.Start >= 0 }

// Options tune a run.
type Options struct {
	// Incremental keeps every current placement that is still valid and
	// only places what is not (new requests, invalidated ones), moving as
	// few meetings as possible; otherwise every unlocked meeting may move.
	Incremental bool
	// Budget bounds the repair and compaction phases (default 5 s full,
	// 100 ms incremental); the construction always completes.
	Budget time.Duration
}

// Result is a run's outcome.
type Result struct {
	Placements []Placement
	Placed     int
	Weight     int
	// Moved lists the demands that had a placement and now have another
	// or none (for an incremental run: the moves made to fit new ones).
	Moved []int
}

type solver struct {
	p        *Problem
	T        int
	maxTrav  int
	place    []Placement
	partyOcc []int32 // party*T+t → demand+1
	personOc []int32
	roomOcc  []int32
	// roomsUsed[t] counts the rooms taken at slot t: a start where every
	// room is taken is skipped without looking further.
	roomsUsed []int
	intOcc    []int32
	intUsed   []int
	pairInts  [][]int // pair → interpreters
	deadline  time.Time
}

// Solve plans p.
func Solve(p *Problem, o Options) Result {
	budget := o.Budget
	if budget <= 0 {
		budget = 5 * time.Second
		if o.Incremental {
			budget = 100 * time.Millisecond
		}
	}
	begin := time.Now()
	deadline := begin.Add(budget)
	// A full plan tries several construction orders (the first the
	// plain one, the others with ties among equal weights shuffled) in
	// the first part of its budget and keeps the best, then compacts it.
	var s *solver
	rng := rand.New(rand.NewPCG(uint64(len(p.Demands)), 1))
	for attempt := 0; ; attempt++ {
		c := newSolver(p)
		c.deadline = begin.Add(budget * 6 / 10)
		if o.Incremental {
			c.deadline = deadline
		}
		var shuffle *rand.Rand
		if attempt > 0 {
			shuffle = rng
		}
		c.construct(o.Incremental, shuffle)
		if s == nil || c.weight() > s.weight() {
			s = c
		}
		if o.Incremental || attempt >= 7 || time.Since(begin) > budget*3/10 {
			break
		}
	}
	s.deadline = deadline
	if !o.Incremental {
		s.compact()
	}
	r := Result{Placements: s.place}
	for i, pl := range s.place {
		d := p.Demands[i]
		if pl.Placed() {
			r.Placed++
			r.Weight += d.Weight
		}
		if d.Current.Placed() && pl != d.Current {
			r.Moved = append(r.Moved, i)
		}
	}
	return r
}

func newSolver(p *Problem) *solver {
	T := p.Days * p.SlotsPerDay
	s := &solver{p: p, T: T, place: make([]Placement, len(p.Demands)),
		partyOcc: make([]int32, p.Parties*T), personOc: make([]int32, p.People*T),
		roomOcc: make([]int32, len(p.Rooms)*T), intOcc: make([]int32, len(p.Interpreters)*T),
		intUsed: make([]int, len(p.Interpreters)), roomsUsed: make([]int, T)}
	for _, row := range p.Travel {
		for _, x := range row {
			s.maxTrav = max(s.maxTrav, x)
		}
	}
	for i, in := range p.Interpreters {
		for _, pr := range in.Pairs {
			for len(s.pairInts) <= pr {
				s.pairInts = append(s.pairInts, nil)
			}
			s.pairInts[pr] = append(s.pairInts[pr], i)
		}
	}
	for i := range s.place {
		s.place[i] = Unplaced
	}
	return s
}

func (s *solver) weight() int {
	w := 0
	for i, pl := range s.place {
		if pl.Placed() {
			w += s.p.Demands[i].Weight
		}
	}
	return w
}

// construct places the locked meetings as they are, incrementally every
// current placement still valid, then the rest greedily (in the plain
// order, or with shuffled ties), then repairs by ejection.
func (s *solver) construct(incremental bool, shuffle *rand.Rand) {
	p := s.p
	for i, d := range p.Demands {
		if d.Locked && d.Current.Placed() && s.inRange(i, d.Current) {
			s.put(i, d.Current)
		}
	}
	var queue []int
	for i, d := range p.Demands {
		if s.place[i].Placed() {
			continue
		}
		if incremental && d.Current.Placed() && s.inRange(i, d.Current) && s.fits(i, d.Current) {
			s.put(i, d.Current)
			continue
		}
		queue = append(queue, i)
	}
	if shuffle != nil {
		shuffle.Shuffle(len(queue), func(a, b int) { queue[a], queue[b] = queue[b], queue[a] })
		slices.SortStableFunc(queue, func(a, b int) int { return cmp.Compare(p.Demands[b].Weight, p.Demands[a].Weight) })
	} else {
		slices.SortStableFunc(queue, func(a, b int) int { return s.harder(a, b) })
	}
	for _, i := range queue {
		if c, ok := s.best(i); ok {
			s.put(i, c)
		}
	}
	// Repair: make room for what is left by moving a meeting or two,
	// while that places more. Incrementally, only for fresh requests and
	// meetings whose place became invalid.
	for round := 0; round < 4; round++ {
		improved := false
		for _, i := range queue {
			if time.Now().After(s.deadline) {
				return
			}
			if incremental && !p.Demands[i].Fresh && !p.Demands[i].Current.Placed() {
				continue
			}
			if !s.place[i].Placed() && s.eject(i, !incremental) {
				improved = true
			}
		}
		if !improved || incremental {
			return
		}
	}
}

// harder orders the construction: heaviest first, then those with fewer
// possible places (an interpreter, longer, bigger).
func (s *solver) harder(a, b int) int {
	da, db := &s.p.Demands[a], &s.p.Demands[b]
	if c := cmp.Compare(db.Weight, da.Weight); c != 0 {
		return c
	}
	ia, ib := 0, 0
	if da.Pair >= 0 {
		ia = 1
	}
	if db.Pair >= 0 {
		ib = 1
	}
	if c := cmp.Compare(ib, ia); c != 0 {
		return c
	}
	if c := cmp.Compare(db.Length, da.Length); c != 0 {
		return c
	}
	return cmp.Compare(db.Size, da.Size)
}

func (s *solver) inRange(i int, pl Placement) bool {
	d := &s.p.Demands[i]
	S := s.p.SlotsPerDay
	return pl.Start >= 0 && pl.Start+d.Length <= s.T && pl.Start%S+d.Length <= S && d.Length > 0 &&
		pl.Room >= 0 && pl.Room < len(s.p.Rooms) && pl.Interpreter < len(s.p.Interpreters)
}

func (s *solver) venue(i int) int { return s.p.Rooms[s.place[i].Room].Venue }

func (s *solver) travel(a, b int) int {
	if s.p.Travel == nil || a == b {
		return 0
	}
	return s.p.Travel[a][b]
}

// timeOK: the slots are open to meeting i (not begun, host agenda,
// impossible times).
func (s *solver) timeOK(i, start int) bool {
	d := &s.p.Demands[i]
	S := s.p.SlotsPerDay
	if start < s.p.From || start < 0 || start+d.Length > s.T || start%S+d.Length > S {
		return false
	}
	for t := start; t < start+d.Length; t++ {
		if (s.p.Blocked != nil && s.p.Blocked[t]) || (d.Impossible != nil && d.Impossible[t]) {
			return false
		}
	}
	return true
}

// mobileFree: the row (a party, person or interpreter) has nothing in
// [start, end) nor, at another venue, too close before or after.
func (s *solver) mobileFree(occ []int32, row, start, end, venue, self int) bool {
	base := row * s.T
	for t := start; t < end; t++ {
		if o := occ[base+t]; o != 0 && int(o-1) != self {
			return false
		}
	}
	if s.maxTrav == 0 {
		return true
	}
	S := s.p.SlotsPerDay
	day0 := start / S * S
	for t := max(day0, start-s.maxTrav); t < start; t++ {
		if o := occ[base+t]; o != 0 && int(o-1) != self && start-t-1 < s.travel(s.venue(int(o-1)), venue) {
			// the other meeting ends at or before t; the gap is at least
			// start-t-1 slots: check against its real end
			j := int(o - 1)
			if start-(s.place[j].Start+s.p.Demands[j].Length) < s.travel(s.venue(j), venue) {
				return false
			}
		}
	}
	for t := end; t < min(day0+S, end+s.maxTrav); t++ {
		if o := occ[base+t]; o != 0 && int(o-1) != self {
			j := int(o - 1)
			if s.place[j].Start-end < s.travel(venue, s.venue(j)) {
				return false
			}
		}
	}
	return true
}

// fits reports whether i can take pl given everything placed.
func (s *solver) fits(i int, pl Placement) bool {
	d := &s.p.Demands[i]
	if !s.timeOK(i, pl.Start) || pl.Room < 0 || pl.Room >= len(s.p.Rooms) {
		return false
	}
	rm := s.p.Rooms[pl.Room]
	if rm.Capacity < d.Size || rm.Equipment&d.Equipment != d.Equipment {
		return false
	}
	end := pl.Start + d.Length
	for t := pl.Start; t < end; t++ {
		if o := s.roomOcc[pl.Room*s.T+t]; o != 0 && int(o-1) != i {
			return false
		}
	}
	for _, q := range d.Parties {
		if !s.mobileFree(s.partyOcc, q, pl.Start, end, rm.Venue, i) {
			return false
		}
	}
	for _, q := range d.People {
		if !s.mobileFree(s.personOc, q, pl.Start, end, rm.Venue, i) {
			return false
		}
	}
	if d.Pair < 0 {
		return pl.Interpreter == -1
	}
	if pl.Interpreter < 0 || pl.Interpreter >= len(s.p.Interpreters) || !slices.Contains(s.p.Interpreters[pl.Interpreter].Pairs, d.Pair) {
		return false
	}
	used := s.intUsed[pl.Interpreter]
	if s.place[i].Placed() && s.place[i].Interpreter == pl.Interpreter {
		used -= d.Length
	}
	return used+d.Length <= s.p.Interpreters[pl.Interpreter].MaxSlots &&
		s.mobileFree(s.intOcc, pl.Interpreter, pl.Start, end, rm.Venue, i)
}

func (s *solver) mark(i int, pl Placement, v int32) {
	d := &s.p.Demands[i]
	for t := pl.Start; t < pl.Start+d.Length; t++ {
		if v == 0 {
			s.roomsUsed[t]--
		} else {
			s.roomsUsed[t]++
		}
		s.roomOcc[pl.Room*s.T+t] = v
		for _, q := range d.Parties {
			s.partyOcc[q*s.T+t] = v
		}
		for _, q := range d.People {
			s.personOc[q*s.T+t] = v
		}
		if pl.Interpreter >= 0 {
			s.intOcc[pl.Interpreter*s.T+t] = v
		}
	}
}

func (s *solver) put(i int, pl Placement) {
	s.place[i] = pl
	s.mark(i, pl, int32(i+1))
	if pl.Interpreter >= 0 {
		s.intUsed[pl.Interpreter] += s.p.Demands[i].Length
	}
}

func (s *solver) remove(i int) {
	pl := s.place[i]
	if !pl.Placed() {
		return
	}
	s.mark(i, pl, 0)
	if pl.Interpreter >= 0 {
		s.intUsed[pl.Interpreter] -= s.p.Demands[i].Length
	}
	s.place[i] = Unplaced
}

// idle is how many idle slots the parties of i would gain by a meeting at
// [start, start+Length): the growth of each party's day span beyond the
// meeting itself.
func (s *solver) idle(i, start int) int {
	d := &s.p.Demands[i]
	S := s.p.SlotsPerDay
	day0 := start / S * S
	cost := 0
	for _, q := range d.Parties {
		base := q*s.T + day0
		first, last := -1, -1
		for t := 0; t < S; t++ {
			if o := s.partyOcc[base+t]; o != 0 && int(o-1) != i {
				if first < 0 {
					first = t
				}
				last = t
			}
		}
		if first < 0 {
			continue
		}
		a, b := start-day0, start-day0+d.Length-1
		span0 := last - first + 1
		span1 := max(last, b) - min(first, a) + 1
		cost += span1 - span0 - d.Length
	}
	return cost
}

// score: lower is better.
func (s *solver) score(i int, pl Placement) int { return s.scoreIdle(i, pl, s.idle(i, pl.Start)) }

func (s *solver) scoreIdle(i int, pl Placement, idle int) int {
	d := &s.p.Demands[i]
	c := idle * 100
	if d.Preferred != nil {
		for t := pl.Start; t < pl.Start+d.Length; t++ {
			if !d.Preferred[t] {
				c += 20
				break
			}
		}
	}
	// Best fit: keep big rooms for big meetings.
	c += s.p.Rooms[pl.Room].Capacity - d.Size
	return c
}

// best finds the best-scored place for i, if any.
func (s *solver) best(i int) (Placement, bool) {
	d := &s.p.Demands[i]
	bestC, found := 0, false
	var best Placement
	for start := 0; start < s.T; start++ {
		if !s.timeOK(i, start) {
			continue
		}
		end := start + d.Length
		// A room at all, then the parties at all (venue checks follow per room).
		free := true
		for t := start; t < end && free; t++ {
			free = s.roomsUsed[t] < len(s.p.Rooms)
		}
		for _, q := range d.Parties {
			for t := start; t < end && free; t++ {
				if o := s.partyOcc[q*s.T+t]; o != 0 && int(o-1) != i {
					free = false
				}
			}
		}
		if !free {
			continue
		}
		idle := -1
		for r := range s.p.Rooms {
			ints := []int{-1}
			if d.Pair >= 0 {
				if d.Pair >= len(s.pairInts) {
					return Placement{}, false
				}
				ints = s.pairInts[d.Pair]
			}
			for _, in := range ints {
				pl := Placement{Start: start, Room: r, Interpreter: in}
				if !s.fits(i, pl) {
					continue
				}
				if idle < 0 {
					idle = s.idle(i, start)
				}
				c := s.scoreIdle(i, pl, idle)
				if !found || c < bestC {
					best, bestC, found = pl, c, true
				}
				break // one free interpreter per room is enough
			}
		}
	}
	return best, found
}

// blockers lists the placed meetings in the way of i at pl (ignoring
// the interpreter's hours), or ok=false if pl is closed to i whatever moves.
func (s *solver) blockers(i int, pl Placement) (out []int, ok bool) {
	d := &s.p.Demands[i]
	if !s.timeOK(i, pl.Start) {
		return nil, false
	}
	rm := s.p.Rooms[pl.Room]
	if rm.Capacity < d.Size || rm.Equipment&d.Equipment != d.Equipment {
		return nil, false
	}
	add := func(o int32) {
		if o != 0 && int(o-1) != i && !slices.Contains(out, int(o-1)) {
			out = append(out, int(o-1))
		}
	}
	S := s.p.SlotsPerDay
	day0 := pl.Start / S * S
	from, to := max(day0, pl.Start-s.maxTrav), min(day0+S, pl.Start+d.Length+s.maxTrav)
	for t := pl.Start; t < pl.Start+d.Length; t++ {
		add(s.roomOcc[pl.Room*s.T+t])
		if pl.Interpreter >= 0 {
			add(s.intOcc[pl.Interpreter*s.T+t])
		}
	}
	for t := from; t < to; t++ {
		for _, q := range d.Parties {
			add(s.partyOcc[q*s.T+t])
		}
		for _, q := range d.People {
			add(s.personOc[q*s.T+t])
		}
	}
	// Travel-window neighbours that are not really in the way are
	// harmless extra candidates: the move is checked with fits anyway.
	return out, true
}

// eject tries to place i by moving one unlocked meeting elsewhere; with
// swap, a lighter meeting may instead be unplaced for it.
func (s *solver) eject(i int, swap bool) bool {
	d := &s.p.Demands[i]
	ints := []int{-1}
	if d.Pair >= 0 {
		if d.Pair >= len(s.pairInts) {
			return false
		}
		ints = s.pairInts[d.Pair]
	}
	tried := 0
	for start := 0; start < s.T; start++ {
		if !s.timeOK(i, start) {
			continue
		}
		for r := range s.p.Rooms {
			for _, in := range ints {
				pl := Placement{Start: start, Room: r, Interpreter: in}
				bs, ok := s.blockers(i, pl)
				if !ok || len(bs) == 0 || len(bs) > 2 {
					continue
				}
				if tried++; tried%64 == 0 && time.Now().After(s.deadline) {
					return false
				}
				if s.tryMove(i, pl, bs, swap) {
					return true
				}
			}
		}
	}
	return false
}

// tryMove removes the blockers, places i at pl and re-places the
// blockers elsewhere; it undoes everything unless that works (or, with
// swap, unless what is left unplaced weighs less than i).
func (s *solver) tryMove(i int, pl Placement, bs []int, swap bool) bool {
	for _, b := range bs {
		if s.p.Demands[b].Locked {
			return false
		}
	}
	old := make([]Placement, len(bs))
	for k, b := range bs {
		old[k] = s.place[b]
		s.remove(b)
	}
	if !s.fits(i, pl) {
		for k, b := range bs {
			s.put(b, old[k])
		}
		return false
	}
	s.put(i, pl)
	lost := 0
	for _, b := range bs {
		if c, ok := s.best(b); ok {
			s.put(b, c)
		} else {
			lost += s.p.Demands[b].Weight
		}
	}
	if lost == 0 || (swap && lost < s.p.Demands[i].Weight) {
		return true
	}
	for _, b := range bs {
		s.remove(b)
	}
	s.remove(i)
	for k, b := range bs {
		s.put(b, old[k])
	}
	return false
}

// compact re-places each unlocked meeting where it scores best, twice.
func (s *solver) compact() {
	for range 2 {
		for i := range s.p.Demands {
			if time.Now().After(s.deadline) {
				return
			}
			if s.p.Demands[i].Locked || !s.place[i].Placed() {
				continue
			}
			old := s.place[i]
			oldC := s.score(i, old)
			s.remove(i)
			if c, ok := s.best(i); ok && s.score(i, c) < oldC {
				s.put(i, c)
			} else {
				s.put(i, old)
			}
		}
	}
}

// FitsAlone reports whether demand i has a place in p with no other
// meeting placed: when it has none, nothing the planner moves can help.
func FitsAlone(p *Problem, i int) bool {
	d := p.Demands[i]
	d.Locked, d.Current = false, Unplaced
	one := *p
	one.Demands = []Demand{d}
	s := newSolver(&one)
	ints := []int{-1}
	if d.Pair >= 0 {
		ints = nil
		for k, in := range p.Interpreters {
			if slices.Contains(in.Pairs, d.Pair) {
				ints = append(ints, k)
			}
		}
	}
	for start := p.From; start < s.T; start++ {
		for r := range p.Rooms {
			for _, in := range ints {
				if s.fits(0, Placement{Start: start, Room: r, Interpreter: in}) {
					return true
				}
			}
		}
	}
	return false
}
