package meetings

import (
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// problemOf turns a gathering and its accepted requests into the
// scheduler's instance; fresh names the request just accepted.
func problemOf(g *core.Gathering, reqs []*core.MeetingRequest, fresh string) (*Problem, calendar) {
	cal := newCalendar(g)
	T := cal.total()
	p := &Problem{Days: len(g.Days), SlotsPerDay: g.SlotsPerDay, Blocked: blockedSlots(g, cal)}
	venue := func(name string) int { return max(slices.Index(g.Venues, name), 0) }
	if len(g.Venues) > 1 {
		travel := (g.TravelMinutes + g.SlotMinutes - 1) / g.SlotMinutes
		p.Travel = make([][]int, len(g.Venues))
		for a := range g.Venues {
			p.Travel[a] = make([]int, len(g.Venues))
			for b := range g.Venues {
				if a != b {
					p.Travel[a][b] = travel
				}
			}
		}
	}
	var equipment []string
	for _, r := range g.Rooms {
		for _, e := range r.Equipment {
			if !slices.Contains(equipment, e) {
				equipment = append(equipment, e)
			}
		}
	}
	bits := func(es []string) uint64 {
		var b uint64
		for _, e := range es {
			if k := slices.Index(equipment, e); k >= 0 && k < 64 {
				b |= 1 << k
			}
		}
		return b
	}
	for _, r := range g.Rooms {
		p.Rooms = append(p.Rooms, Room{Venue: venue(r.Venue), Capacity: r.Capacity, Equipment: bits(r.Equipment)})
	}
	var pairs []string
	pairID := func(pr string) int {
		k := slices.Index(pairs, pr)
		if k < 0 {
			pairs = append(pairs, pr)
			k = len(pairs) - 1
		}
		return k
	}
	for _, it := range g.Interpreters {
		in := Interpreter{MaxSlots: int(it.Hours * 60 / float64(g.SlotMinutes))}
		for _, pr := range it.Pairs {
			in.Pairs = append(in.Pairs, pairID(pr))
		}
		p.Interpreters = append(p.Interpreters, in)
	}
	parties, people := map[string]int{}, map[string]int{}
	index := func(m map[string]int, k string) int {
		if i, ok := m[k]; ok {
			return i
		}
		m[k] = len(m)
		return m[k]
	}
	mark := func(dst *[]bool, rs []core.TimeRange) {
		for _, r := range rs {
			ts, err := cal.slots(r)
			if err != nil {
				continue
			}
			if *dst == nil {
				*dst = make([]bool, T)
			}
			for _, t := range ts {
				(*dst)[t] = true
			}
		}
	}
	for _, m := range reqs {
		d := Demand{Parties: []int{index(parties, m.From), index(parties, m.To)}, Size: len(m.Participants),
			Length: max(m.Minutes/g.SlotMinutes, 1), Weight: max(m.Priority, 1), Pair: -1, Equipment: bits(m.Equipment),
			Locked: m.Locked, Current: Unplaced, Fresh: m.ID == fresh}
		if len(m.Languages) == 2 {
			pr, _ := normPair(m.Languages[0] + "-" + m.Languages[1])
			d.Pair = pairID(pr)
		}
		for _, pt := range m.Participants {
			d.People = append(d.People, index(people, pt.Party+"/"+strings.ToLower(pt.Name)))
			mark(&d.Impossible, pt.Unavailable)
		}
		mark(&d.Impossible, m.Impossible)
		mark(&d.Preferred, m.Preferred)
		if m.Slot != nil {
			d.Current = placementOf(g, cal, m.Slot)
		}
		p.Demands = append(p.Demands, d)
	}
	p.Parties, p.People = len(parties), len(people)
	return p, cal
}

// since restricts p to the slots starting after now: during the
// gathering, nothing is placed in a slot that has begun. A meeting
// whose place began before now keeps it, locked or not: it has taken
// place, or is taking place.
func since(p *Problem, cal calendar, now time.Time) {
	p.From = cal.total()
	for t := range cal.total() {
		if cal.start(t).After(now) {
			p.From = t
			break
		}
	}
	for i, d := range p.Demands {
		if d.Current.Placed() && d.Current.Start < p.From {
			p.Demands[i].Locked = true
		}
	}
}

func placementOf(g *core.Gathering, cal calendar, s *core.MeetingSlot) Placement {
	t, ok := cal.slotOf(s.Start.In(cal.loc))
	room := slices.IndexFunc(g.Rooms, func(r core.GatheringRoom) bool { return r.ID == s.Room })
	in := -1
	if s.Interpreter != "" {
		in = slices.IndexFunc(g.Interpreters, func(x core.Interpreter) bool { return x.ID == s.Interpreter })
		if in < 0 {
			return Unplaced
		}
	}
	if !ok || room < 0 {
		return Unplaced
	}
	return Placement{Start: t, Room: room, Interpreter: in}
}

func slotOf(g *core.Gathering, cal calendar, m *core.MeetingRequest, d Demand, pl Placement) *core.MeetingSlot {
	if !pl.Placed() {
		return nil
	}
	s := &core.MeetingSlot{Start: cal.start(pl.Start).UTC(), End: cal.end(pl.Start + d.Length - 1).UTC(), Room: g.Rooms[pl.Room].ID}
	if pl.Interpreter >= 0 {
		s.Interpreter = g.Interpreters[pl.Interpreter].ID
	}
	return s
}

// blockedSlots marks the slots of the host's agenda.
func blockedSlots(g *core.Gathering, cal calendar) []bool {
	b := make([]bool, cal.total())
	for _, a := range g.Agenda {
		ts, _ := cal.slots(a.Times)
		for _, t := range ts {
			b[t] = true
		}
	}
	return b
}
