package access

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestCanTriageReports(t *testing.T) {
	user := func(bureau, role string) core.Viewer {
		return core.Viewer{Bureau: bureau, Role: role, UserID: "u", Permissions: core.RolePermissions(role)}
	}
	cases := []struct {
		name           string
		v              core.Viewer
		triage, escal8 bool
	}{
		{"analyst of the bureau", user("MA", core.RoleAnalyst), true, false},
		{"officer of the bureau", user("MA", core.RoleOfficer), true, true},
		{"supervisor of the bureau", user("MA", core.RoleSupervisor), true, true},
		{"admin of the bureau", user("MA", core.RoleAdmin), false, false},
		{"analyst of another bureau", user("FR", core.RoleAnalyst), false, false},
		{"secretariat reviewer", user("IPSG", core.RoleReviewer), false, false},
		{"key that reads", core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermRecordsRead}}, true, false},
		{"key that only screens", core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermScreen}}, false, false},
		{"anonymous", core.Viewer{}, false, false},
	}
	for _, c := range cases {
		if got := CanTriageReports(c.v, "MA"); got != c.triage {
			t.Errorf("%s: CanTriageReports = %v, want %v", c.name, got, c.triage)
		}
		if got := CanEscalateReports(c.v, "MA"); got != c.escal8 {
			t.Errorf("%s: CanEscalateReports = %v, want %v", c.name, got, c.escal8)
		}
	}
	if CanTriageReports(user("MA", core.RoleAnalyst), "") {
		t.Error("a report with no bureau must be seen by nobody")
	}
}
