package access

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func viewer(bureau, role string) core.Viewer {
	return core.Viewer{Bureau: bureau, Role: role, UserID: "u", Permissions: core.RolePermissions(role)}
}

func TestCanSee(t *testing.T) {
	rec := func(owner, mode, status string, countries ...string) *core.Record {
		return &core.Record{Owner: owner, Status: status, Releasability: core.Releasability{Mode: mode, Countries: countries}}
	}
	officer := func(b string) core.Viewer { return viewer(b, core.RoleOfficer) }
	cases := []struct {
		name string
		v    core.Viewer
		r    *core.Record
		want bool
	}{
		{"owner sees own restricted record", officer("MA"), rec("MA", core.ReleaseOnly, core.StatusActive, "FR"), true},
		{"owner sees own cancelled record", officer("MA"), rec("MA", core.ReleaseAll, core.StatusCancelled), true},
		{"all members", officer("BR"), rec("MA", core.ReleaseAll, core.StatusActive), true},
		{"listed in only", officer("FR"), rec("MA", core.ReleaseOnly, core.StatusActive, "FR", "ES"), true},
		{"not listed in only", officer("BR"), rec("MA", core.ReleaseOnly, core.StatusActive, "FR", "ES"), false},
		{"listed in except", officer("FR"), rec("MA", core.ReleaseExcept, core.StatusActive, "FR"), false},
		{"not listed in except", officer("BR"), rec("MA", core.ReleaseExcept, core.StatusActive, "FR"), true},
		{"others do not see cancelled", officer("BR"), rec("MA", core.ReleaseAll, core.StatusCancelled), false},
		{"others do not see expired", officer("BR"), rec("MA", core.ReleaseAll, core.StatusExpired), false},
		{"unknown mode is denied", officer("BR"), rec("MA", "public", core.StatusActive), false},
		{"empty mode is denied", officer("BR"), rec("MA", "", core.StatusActive), false},
		{"nil record", officer("MA"), nil, false},
		{"no bureau", core.Viewer{Permissions: []string{core.PermRecordsRead}}, rec("MA", core.ReleaseAll, core.StatusActive), false},
		{"unknown bureau", officer("ZZ"), rec("MA", core.ReleaseAll, core.StatusActive), false},
		{"no read permission", core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermAuditRead}}, rec("MA", core.ReleaseAll, core.StatusActive), false},
		{"secretariat reviewer sees restricted", viewer("IPSG", core.RoleReviewer), rec("MA", core.ReleaseOnly, core.StatusActive, "FR"), true},
		{"secretariat analyst: released to all", viewer("IPSG", core.RoleAnalyst), rec("MA", core.ReleaseAll, core.StatusActive), true},
		{"secretariat analyst: not restricted", viewer("IPSG", core.RoleAnalyst), rec("MA", core.ReleaseExcept, core.StatusActive, "FR"), false},
		{"system", core.Viewer{System: true}, rec("MA", core.ReleaseOnly, core.StatusCancelled, "FR"), true},
	}
	for _, c := range cases {
		if got := CanSee(c.v, c.r); got != c.want {
			t.Errorf("%s: CanSee = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCanChange(t *testing.T) {
	r := &core.Record{Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	if !CanChange(viewer("MA", core.RoleOfficer), r) {
		t.Error("the owner's officer must be able to change")
	}
	for _, v := range []core.Viewer{viewer("FR", core.RoleOfficer), viewer("MA", core.RoleAnalyst), viewer("IPSG", core.RoleReviewer), viewer("MA", core.RoleAdmin)} {
		if CanChange(v, r) {
			t.Errorf("%s/%s must not change MA's record", v.Bureau, v.Role)
		}
	}
}

func TestCanReadAudit(t *testing.T) {
	r := &core.Record{Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	for _, c := range []struct {
		v    core.Viewer
		want bool
	}{
		{viewer("MA", core.RoleOfficer), true},
		{viewer("MA", core.RoleAdmin), true},
		{viewer("IPSG", core.RoleAdmin), true},
		{viewer("FR", core.RoleAdmin), false},
		{viewer("FR", core.RoleOfficer), false},
		{viewer("IPSG", core.RoleReviewer), false},
		{core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermAuditRead}}, false}, // cannot see the record
	} {
		if got := CanReadAudit(c.v, r); got != c.want {
			t.Errorf("%s/%s: CanReadAudit = %v, want %v", c.v.Bureau, c.v.Role, got, c.want)
		}
	}
}

func TestCanSeeHit(t *testing.T) {
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}
	border := func(b string) core.Viewer {
		return core.Viewer{Bureau: b, KeyID: "k", Permissions: []string{core.PermScreen}}
	}
	if !CanSeeHit(border("FR"), "MA", core.StatusActive, rel) {
		t.Error("a screening key of FR must see a hit released to FR")
	}
	if CanSeeHit(border("ES"), "MA", core.StatusActive, rel) {
		t.Error("a screening key of ES must not see a hit released only to FR")
	}
	if CanSeeHit(core.Viewer{Bureau: "FR", KeyID: "k", Permissions: []string{core.PermRecordsRead}}, "MA", core.StatusActive, rel) {
		t.Error("without the screen permission nothing is shown of a hit")
	}
	v := border("FR")
	CanSeeHit(v, "MA", core.StatusActive, rel)
	if len(v.Permissions) != 1 {
		t.Error("CanSeeHit changed the caller's permissions")
	}
}

func TestCanSeeEvent(t *testing.T) {
	restricted := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}}
	onRecord := &core.Event{Type: "notice.published", Audience: []string{core.AudienceAll}, RecordID: "r1"}
	toES := &core.Event{Type: "hit.created", Audience: []string{"ES"}}
	officer := func(b string) core.Viewer { return viewer(b, core.RoleOfficer) }
	cases := []struct {
		name string
		v    core.Viewer
		e    *core.Event
		rec  *core.Record
		want bool
	}{
		{"addressed, no record", officer("ES"), toES, nil, true},
		{"not addressed", officer("FR"), toES, nil, false},
		{"to all, record released to the viewer", officer("FR"), onRecord, restricted, true},
		{"to all, record not released to the viewer", officer("BR"), onRecord, restricted, false},
		{"to all, owner", officer("MA"), onRecord, restricted, true},
		{"record missing", officer("FR"), onRecord, nil, false},
		{"another record passed", officer("FR"), onRecord, &core.Record{ID: "r2", Owner: "FR", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}, false},
		{"no bureau", core.Viewer{Permissions: []string{core.PermRecordsRead}}, onRecord, restricted, false},
		{"nil event", officer("ES"), nil, nil, false},
		{"system", core.Viewer{System: true}, toES, nil, true},
	}
	for _, c := range cases {
		if got := CanSeeEvent(c.v, c.e, c.rec); got != c.want {
			t.Errorf("%s: CanSeeEvent = %v, want %v", c.name, got, c.want)
		}
	}
}
