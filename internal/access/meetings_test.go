package access

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestMeetingDecision: a delegation sees only requests it is a side of
// and answers only when it is its turn; the host sees all and acts for
// its organisations; a reader without records:write only reads; nobody
// else sees anything.
func TestMeetingDecision(t *testing.T) {
	g := &core.Gathering{Host: "MA", Organisations: []core.GatheringParty{{Code: "AFRIPOL"}}}
	off := func(b string) core.Viewer {
		return core.Viewer{Bureau: b, UserID: "u", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	}
	analyst := core.Viewer{Bureau: "FR", UserID: "a", Role: core.RoleAnalyst, Permissions: core.RolePermissions(core.RoleAnalyst)}
	m := &core.MeetingRequest{From: "FR", To: "ES", State: core.MeetingRequested}
	org := &core.MeetingRequest{From: "FR", To: "AFRIPOL", State: core.MeetingRequested}
	cases := []struct {
		name              string
		v                 core.Viewer
		m                 *core.MeetingRequest
		see, answer, mgmt bool
	}{
		{"requester", off("FR"), m, true, false, false},
		{"invited", off("ES"), m, true, true, false},
		{"third bureau", off("DE"), m, false, false, false},
		{"host", off("MA"), m, true, false, true},
		{"host for an organisation", off("MA"), org, true, true, true},
		{"reader of a side", analyst, m, true, false, false},
		{"no bureau", core.Viewer{Permissions: core.RolePermissions(core.RoleOfficer)}, m, false, false, false},
	}
	for _, c := range cases {
		r := Meeting(c.v, g, c.m)
		if r.See != c.see || r.Answer != c.answer || r.Manage != c.mgmt {
			t.Errorf("%s: see %v answer %v manage %v, want %v %v %v", c.name, r.See, r.Answer, r.Manage, c.see, c.answer, c.mgmt)
		}
	}
	proposed := &core.MeetingRequest{From: "FR", To: "ES", State: core.MeetingProposed}
	if !Meeting(off("FR"), g, proposed).Answer || Meeting(off("ES"), g, proposed).Answer {
		t.Error("after a proposal the requester answers, not the proposer")
	}
	if got := MeetingAudience(g, org); len(got) != 2 || got[0] != "FR" || got[1] != "MA" {
		t.Errorf("audience of a meeting with an organisation = %v, want [FR MA]", got)
	}
}
