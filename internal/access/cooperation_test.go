package access

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestHitDisclosure(t *testing.T) {
	open := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	closed := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}}
	cancelled := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusCancelled, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	h := &core.Hit{ID: "h1", RecordID: "r1", Owner: "MA", Searcher: "ES"}
	border := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	cases := []struct {
		name string
		v    core.Viewer
		h    *core.Hit
		rec  *core.Record
		want Disclosure
	}{
		{"owner sees all", viewer("MA", core.RoleOfficer), h, closed, DiscloseFull},
		{"owner sees all even without the record", viewer("MA", core.RoleAnalyst), h, nil, DiscloseFull},
		{"searcher, releasable", viewer("ES", core.RoleOfficer), h, open, DiscloseFull},
		{"searcher's screening key, releasable", border, h, open, DiscloseFull},
		{"searcher, not releasable", viewer("ES", core.RoleOfficer), h, closed, DisclosePossible},
		{"searcher, record cancelled since", viewer("ES", core.RoleOfficer), h, cancelled, DisclosePossible},
		{"searcher, record unreadable", viewer("ES", core.RoleOfficer), h, nil, DisclosePossible},
		{"searcher, another record passed", viewer("ES", core.RoleOfficer), h, &core.Record{ID: "r2", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}, DisclosePossible},
		{"third bureau even if released to it", viewer("FR", core.RoleOfficer), h, closed, DiscloseNothing},
		{"no permissions", core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermAuditRead}}, h, open, DiscloseNothing},
		{"no bureau", core.Viewer{Permissions: core.Permissions}, h, open, DiscloseNothing},
		{"nil hit", viewer("MA", core.RoleOfficer), nil, open, DiscloseNothing},
		{"system", core.Viewer{System: true}, h, nil, DiscloseFull},
	}
	for _, c := range cases {
		if got := HitDisclosure(c.v, c.h, c.rec); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestHitSideAndThreads(t *testing.T) {
	h := &core.Hit{Owner: "MA", Searcher: "ES"}
	if HitSide(viewer("MA", core.RoleOfficer), h) != "owner" || HitSide(viewer("ES", core.RoleOfficer), h) != "searcher" {
		t.Error("sides")
	}
	if HitSide(viewer("FR", core.RoleOfficer), h) != "" || HitSide(viewer("MA", core.RoleAdmin), h) != "" || HitSide(core.Viewer{System: true}, h) != "" {
		t.Error("a third bureau, an admin or the system may not move a side")
	}
	th := &core.Thread{Participants: []string{"ES", "MA"}}
	if !CanSeeThread(viewer("MA", core.RoleAnalyst), th, nil, nil) || CanSeeThread(viewer("FR", core.RoleOfficer), th, nil, nil) || CanSeeThread(viewer("IPSG", core.RoleReviewer), th, nil, nil) || CanSeeThread(viewer("MA", core.RoleOfficer), nil, nil, nil) {
		t.Error("threads are for participants only")
	}
	if !CanPostMessages(viewer("MA", core.RoleOfficer)) || CanPostMessages(viewer("MA", core.RoleAnalyst)) {
		t.Error("posting needs records:write")
	}
	if !CanManageWebhooks(viewer("MA", core.RoleAdmin), "MA") || CanManageWebhooks(viewer("MA", core.RoleAdmin), "ES") || CanManageWebhooks(viewer("MA", core.RoleOfficer), "MA") {
		t.Error("webhooks: the bureau's administrators only")
	}
}

func TestCanSeeHitEvent(t *testing.T) {
	open := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	closed := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}}
	border := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	hit := &core.Event{Type: "hit.created", Audience: []string{"ES"}, RecordID: "r1"}
	notice := &core.Event{Type: "notice.published", Audience: []string{"ES"}, RecordID: "r1"}
	if !CanSeeEvent(border, hit, open) {
		t.Error("a screening key hears of its own releasable hit")
	}
	if CanSeeEvent(border, hit, closed) {
		t.Error("not when the record is not releasable to it")
	}
	if CanSeeEvent(border, notice, open) {
		t.Error("a screening key reads no records through other events")
	}
	if CanSeeEvent(viewer("FR", core.RoleOfficer), hit, open) {
		t.Error("an event reaches its audience only")
	}
}

// TestThreadSubjectDecidedNow: a thread on a record is seen only while its
// record is releasable to the viewer's bureau; a thread on a hit by the
// hit's two sides, the searcher keeping it once the record is restricted
// ("possible hit — contact bureau X").
func TestThreadSubjectDecidedNow(t *testing.T) {
	released := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}}
	narrowed := &core.Record{ID: "r1", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}}
	onRecord := &core.Thread{RecordID: "r1", Participants: []string{"FR", "MA"}}
	fr, ma := viewer("FR", core.RoleOfficer), viewer("MA", core.RoleOfficer)
	if !CanSeeThread(fr, onRecord, nil, released) || !CanSeeThread(ma, onRecord, nil, narrowed) {
		t.Error("participants who may see the record see its thread")
	}
	if CanSeeThread(fr, onRecord, nil, narrowed) || CanSeeThread(fr, onRecord, nil, nil) {
		t.Error("a participant the record was narrowed away from (or a record gone) must not see the thread")
	}
	other := &core.Record{ID: "r2", Owner: "MA", Status: core.StatusActive, Releasability: core.Releasability{Mode: core.ReleaseAll}}
	if CanSeeThread(fr, onRecord, nil, other) {
		t.Error("the decision must be about the thread's own record")
	}
	h := &core.Hit{ID: "h1", RecordID: "r1", Owner: "MA", Searcher: "FR"}
	onHit := &core.Thread{HitID: "h1", Participants: []string{"FR", "MA"}}
	if !CanSeeThread(fr, onHit, h, narrowed) || !CanSeeThread(ma, onHit, h, narrowed) {
		t.Error("the hit's sides keep the hit's thread")
	}
	if CanSeeThread(fr, onHit, nil, narrowed) || CanSeeThread(fr, onHit, &core.Hit{ID: "h2", Owner: "MA", Searcher: "FR"}, narrowed) {
		t.Error("a hit thread needs its own hit")
	}
}
