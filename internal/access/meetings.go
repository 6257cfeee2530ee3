package access

import (
	"slices"

	"github.com/manara-hub/manara/internal/core"
)

// MeetingRights is what a viewer may do at a gathering, and with one
// meeting request when one is named.
type MeetingRights struct {
	// Organiser: v is of the gathering's organising bureau: it sees the
	// grid and every request. Manage: and it writes (records:write): it
	// plans, locks and acts for the organisations taking part.
	Organiser, Manage bool
	// Parties are the delegations v speaks for: its own bureau, and for
	// the host the organisations too.
	Parties []string
	// See: v is a side of the request (or the host); Request: v may make
	// requests (records:write); Answer: v is the side that answers now.
	See, Request, Answer bool
}

// Meeting is the one decision on bilateral meetings: a delegation sees
// and acts on its own requests and schedule only; the host sees the grid
// and all requests of its gathering. Reading takes records:read, writing
// records:write; the system (background jobs) may do everything. m may be
// nil (rights at the gathering only).
func Meeting(v core.Viewer, g *core.Gathering, m *core.MeetingRequest) MeetingRights {
	var r MeetingRights
	if g == nil {
		return r
	}
	if v.System {
		r.Organiser, r.Manage, r.See, r.Request, r.Answer = true, true, true, true, true
		return r
	}
	if v.Bureau == "" || !v.Can(core.PermRecordsRead) {
		return r
	}
	write := v.Can(core.PermRecordsWrite)
	r.Parties = []string{v.Bureau}
	isHost := v.Bureau == g.Host
	if isHost && write {
		for _, o := range g.Organisations {
			r.Parties = append(r.Parties, o.Code)
		}
	}
	r.Organiser, r.Manage = isHost, isHost && write
	r.Request = write
	if m == nil {
		return r
	}
	r.See = isHost || slices.Contains(r.Parties, m.From) || slices.Contains(r.Parties, m.To)
	answering := m.To
	if m.State == core.MeetingProposed {
		answering = m.From
	}
	r.Answer = write && slices.Contains(r.Parties, answering) && (m.State == core.MeetingRequested || m.State == core.MeetingProposed)
	return r
}

// MeetingAudience is who hears of a change to a meeting: its two
// parties, the host for an organisation (it acts for them), never anyone else.
func MeetingAudience(g *core.Gathering, m *core.MeetingRequest) []string {
	var out []string
	for _, p := range []string{m.From, m.To} {
		if slices.ContainsFunc(g.Organisations, func(o core.GatheringParty) bool { return o.Code == p }) {
			p = g.Host
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
