package access

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestNoticeDecisions(t *testing.T) {
	pending := &core.Record{Kind: core.KindNotice, Owner: "MA", Status: core.StatusPending, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	if !CanSee(viewer("MA", core.RoleOfficer), pending) {
		t.Error("the owner must see its pending notice")
	}
	if CanSee(viewer("FR", core.RoleOfficer), pending) {
		t.Error("another bureau must not see a pending notice released to all")
	}
	if CanSee(viewer("IPSG", core.RoleAnalyst), pending) {
		t.Error("a secretariat analyst must not see a pending notice")
	}
	if !CanSee(viewer("IPSG", core.RoleReviewer), pending) {
		t.Error("a secretariat reviewer must see a pending notice")
	}

	if !CanReviewNotice(viewer("IPSG", core.RoleReviewer), "MA") {
		t.Error("an IPSG reviewer reviews MA's request")
	}
	if CanReviewNotice(viewer("IPSG", core.RoleReviewer), "IPSG") {
		t.Error("a reviewer must not review their own bureau's request")
	}
	if CanReviewNotice(viewer("IPSG", core.RoleAnalyst), "MA") || CanReviewNotice(viewer("MA", core.RoleSupervisor), "FR") {
		t.Error("only secretariat reviewers review")
	}
	if CanReviewNotice(core.Viewer{System: true}, "MA") {
		t.Error("the system does not review")
	}

	rec := func(owner, status, mode string) *core.Record {
		return &core.Record{Kind: core.KindNotice, Owner: owner, Status: status, Releasability: core.Releasability{Mode: mode, Countries: []string{"FR"}}}
	}
	cases := []struct {
		name               string
		r                  *core.Record
		typ                string
		diffusion, consent bool
		want               bool
	}{
		{"red with consent", rec("MA", core.StatusActive, core.ReleaseAll), "red", false, true, true},
		{"red without consent", rec("MA", core.StatusActive, core.ReleaseAll), "red", false, false, false},
		{"yellow with consent", rec("MA", core.StatusActive, core.ReleaseAll), "yellow", false, true, true},
		{"blue never", rec("MA", core.StatusActive, core.ReleaseAll), "blue", false, true, false},
		{"un always", rec("IPSG", core.StatusActive, core.ReleaseAll), "un", false, false, true},
		{"un from a country is not the secretariat's", rec("MA", core.StatusActive, core.ReleaseAll), "un", false, false, false},
		{"restricted red", rec("MA", core.StatusActive, core.ReleaseOnly), "red", false, true, false},
		{"pending red", rec("MA", core.StatusPending, core.ReleaseAll), "red", false, true, false},
		{"cancelled red", rec("MA", core.StatusCancelled, core.ReleaseAll), "red", false, true, false},
		{"diffusion", rec("MA", core.StatusActive, core.ReleaseAll), "red", true, true, false},
		{"not a notice", &core.Record{Kind: core.KindPerson, Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}, "red", false, true, false},
		{"nil", nil, "red", false, true, false},
		{"red marked no further dissemination", nfd(rec("MA", core.StatusActive, core.ReleaseAll)), "red", false, true, false},
		{"un marked no further dissemination", nfd(rec("IPSG", core.StatusActive, core.ReleaseAll)), "un", false, false, false},
	}
	for _, c := range cases {
		if got := IsPublicExtract(c.r, c.typ, c.diffusion, c.consent); got != c.want {
			t.Errorf("%s: IsPublicExtract = %v, want %v", c.name, got, c.want)
		}
	}
}

// nfd is r marked no_further_dissemination.
func nfd(r *core.Record) *core.Record {
	r.Caveats = []string{core.CaveatNoFurtherDissemination}
	return r
}

func TestSeesWhoActed(t *testing.T) {
	notice := &core.Record{Kind: core.KindNotice, Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	person := &core.Record{Kind: core.KindPerson, Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	cases := []struct {
		name string
		v    core.Viewer
		r    *core.Record
		want bool
	}{
		{"the notice's owner", viewer("MA", core.RoleOfficer), notice, true},
		{"a secretariat reviewer", viewer("IPSG", core.RoleReviewer), notice, true},
		{"another bureau, of a notice", viewer("FR", core.RoleOfficer), notice, false},
		{"a secretariat analyst, of a notice", viewer("IPSG", core.RoleAnalyst), notice, false},
		{"another bureau, of any other record", viewer("FR", core.RoleOfficer), person, true},
	}
	for _, c := range cases {
		if got := SeesWhoActed(c.v, c.r); got != c.want {
			t.Errorf("%s: SeesWhoActed = %v, want %v", c.name, got, c.want)
		}
	}
}
