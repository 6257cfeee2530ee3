package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/manara-hub/manara/internal/meetings"
)

// meetingsSuite plans a General Assembly-sized gathering: 200
// delegations, 2,000 accepted requests, 4 days × 16 slots × 20 rooms at
// two venues, 30 interpreters; then re-plans after single changes, and
// compares the planner with the exact optimum on small instances.
func meetingsSuite(ctx context.Context, o Options) ([]Row, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 16))
	sp := meetings.Spec{Days: 4, SlotsPerDay: 16, Rooms: 20, Venues: 2, Interpreters: 30, Parties: 200, Demands: 2000, Pairs: 6, Travel: 1, Plenary: 2}
	p := meetings.Random(rng, sp)
	o.logf("meetings: planning %d requests of %d delegations in %d rooms × %d slots", len(p.Demands), sp.Parties, sp.Rooms, sp.Days*sp.SlotsPerDay)
	t0 := time.Now()
	r := meetings.Solve(p, meetings.Options{})
	took := time.Since(t0)
	var rows []Row
	add := func(metric, value, target, ok string) {
		rows = append(rows, Row{Dataset: "meetings", Metric: metric, Value: value, Target: target, Met: ok})
	}
	add("time to plan", took.Round(time.Millisecond).String(), "≤ 10s", met(took <= 10*time.Second))
	violation := meetings.Verify(p, r.Placements)
	v := "none"
	if violation != nil {
		v = violation.Error()
	}
	add("hard constraints broken", v, "none", met(violation == nil))
	// What could be placed at most: the free room-slots over the slots
	// the meetings need (rooms are the binding resource at this size).
	free, need, weight := 0, 0, 0
	for _, b := range p.Blocked {
		if !b {
			free += sp.Rooms
		}
	}
	for _, d := range p.Demands {
		need += d.Length
		weight += d.Weight
	}
	add("share placed", pct(r.Placed, len(p.Demands)), fmt.Sprintf("room-slots bound: %d of %d slots needed", free, need), "")
	add("priority weight placed", pct(r.Weight, weight), "", "")
	idle := meetings.IdleSlots(p, r.Placements)
	slices.Sort(idle)
	total := 0
	for _, x := range idle {
		total += x
	}
	add("idle slots per delegation (mean / p90 / max, over 4 days)",
		fmt.Sprintf("%.2f / %d / %d", float64(total)/float64(len(idle)), idle[len(idle)*9/10], idle[len(idle)-1]), "", "")

	// Re-plan after one change: a new accepted request, or a cancelled one.
	for i := range p.Demands {
		p.Demands[i].Current = r.Placements[i]
		p.Demands[i].Locked = r.Placements[i].Placed() && i%10 == 0
	}
	var times []time.Duration
	maxMoves, lockedMoved, changes := 0, 0, 20
	for k := range changes {
		if ctx.Err() != nil {
			return rows, ctx.Err()
		}
		q := *p
		if k%2 == 0 {
			extra := meetings.Random(rand.New(rand.NewPCG(o.Seed, uint64(k))), sp).Demands[0]
			extra.Fresh = true
			q.Demands = append(slices.Clip(p.Demands), extra)
		} else {
			at := slices.IndexFunc(p.Demands[k*7:], func(d meetings.Demand) bool { return d.Current.Placed() && !d.Locked }) + k*7
			q.Demands = slices.Delete(slices.Clone(p.Demands), at, at+1)
		}
		t0 := time.Now()
		rr := meetings.Solve(&q, meetings.Options{Incremental: true})
		times = append(times, time.Since(t0))
		maxMoves = max(maxMoves, len(rr.Moved))
		for _, m := range rr.Moved {
			if q.Demands[m].Locked {
				lockedMoved++
			}
		}
		if err := meetings.Verify(&q, rr.Placements); err != nil {
			add("re-plan hard constraints", err.Error(), "none", "no")
		}
	}
	slices.Sort(times)
	worst := times[len(times)-1]
	add(fmt.Sprintf("re-plan after one change (median / max of %d)", changes),
		fmt.Sprintf("%v / %v", times[len(times)/2].Round(time.Millisecond), worst.Round(time.Millisecond)), "≤ 200ms", met(worst <= 200*time.Millisecond))
	add("meetings moved by one change (max)", fmt.Sprint(maxMoves), "few", met(maxMoves <= 2))
	add("locked meetings moved", fmt.Sprint(lockedMoved), "0", met(lockedMoved == 0))

	// Gap to the optimum on small instances (exhaustive search).
	got, opt := 0, 0
	for k := range 100 {
		small := meetings.Random(rand.New(rand.NewPCG(o.Seed, uint64(1000+k))),
			meetings.Spec{Days: 1, SlotsPerDay: 4, Rooms: 2, Venues: 2, Interpreters: 1, Parties: 4, Demands: 7, Pairs: 2, Travel: 1})
		got += meetings.Solve(small, meetings.Options{}).Weight
		opt += meetings.Exact(small)
	}
	add("gap to the optimum, 100 small instances (weight)", fmt.Sprintf("%.2f%% (%d of %d)", 100*(1-float64(got)/float64(opt)), got, opt), "", "")
	return rows, nil
}
