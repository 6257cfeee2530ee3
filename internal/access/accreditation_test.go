package access

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestAttendeeDisclosureProperty: over random viewers and attendees, an
// attendee is shown in full only to the host bureau reading records (or
// the system), in part only to a bureau owning a record one of its
// findings names (reading records), and to nobody else: not another
// bureau, not the secretariat, not a screening-only key, not a viewer of
// no bureau. The list is the host's only; deciding takes records:write.
func TestAttendeeDisclosureProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 15))
	bureaus := []string{"MA", "FR", "ES", "DE", "IPSG", "", "XX"}
	perms := [][]string{nil, {core.PermScreen}, {core.PermRecordsRead}, {core.PermRecordsRead, core.PermRecordsWrite, core.PermScreen}, {core.PermAdmin, core.PermRecordsRead}, {core.PermAuditRead}}
	roles := []string{core.RoleOfficer, core.RoleAnalyst, core.RoleReviewer, core.RoleAdmin, ""}
	for i := 0; i < 20000; i++ {
		host := bureaus[rng.IntN(3)]
		g := &core.Gathering{ID: "g1", Host: host}
		a := &core.Attendee{ID: "a1", Gathering: "g1"}
		if rng.IntN(4) == 0 {
			a.Gathering = "g2"
		}
		for n := rng.IntN(3); n > 0; n-- {
			a.Findings = append(a.Findings, core.AttendeeFinding{Owner: bureaus[rng.IntN(len(bureaus))]})
		}
		v := core.Viewer{Bureau: bureaus[rng.IntN(len(bureaus))], Role: roles[rng.IntN(len(roles))], Permissions: perms[rng.IntN(len(perms))]}
		if rng.IntN(3) == 0 {
			v.KeyID = "k"
		}
		got := AttendeeDisclosure(v, g, a)
		reads := v.Can(core.PermRecordsRead) && v.Bureau != ""
		owner := slices.ContainsFunc(a.Findings, func(f core.AttendeeFinding) bool { return f.Owner == v.Bureau })
		want := AttendeeHidden
		switch {
		case a.Gathering != g.ID:
		case reads && v.Bureau == host:
			want = AttendeeFull
		case reads && owner:
			want = AttendeeConcerned
		}
		if got != want {
			t.Fatalf("viewer %+v, host %s, attendee %+v: got %v, want %v", v, host, a, got, want)
		}
		r := Accreditation(v, g)
		if r.Unit != (reads && v.Bureau == host) || r.Decide != (r.Unit && v.Can(core.PermRecordsWrite)) {
			t.Fatalf("viewer %+v, host %s: rights %+v", v, host, r)
		}
	}
	if AttendeeDisclosure(core.Viewer{System: true}, &core.Gathering{ID: "g"}, &core.Attendee{Gathering: "g"}) != AttendeeFull {
		t.Fatal("the system (continuous screening) must see attendees")
	}
	if AttendeeDisclosure(core.Viewer{System: true}, nil, &core.Attendee{}) != AttendeeHidden {
		t.Fatal("no gathering, no attendee")
	}
}
