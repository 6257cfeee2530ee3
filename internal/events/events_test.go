package events

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestFollowWakesOnAnotherWriter: an event written straight to the store
// (as another replica would) wakes this hub's waiters through the poll.
func TestFollowWakesOnAnotherWriter(t *testing.T) {
	st := storetest.OpenSQLite(t)
	h := NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.Follow(ctx, st, 10*time.Millisecond, nil)
	time.Sleep(30 * time.Millisecond)
	ch := h.Changed()
	if err := st.Update(ctx, func(tx core.Tx) error {
		return tx.InsertEvent(&core.Event{At: time.Now(), Type: "message.posted", Subject: "t", Audience: []string{"MA"}})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(2 * time.Second):
		t.Fatal("the hub did not notice the new event")
	}
}

// TestReadFilters: Read returns only what CanSeeEvent allows, and moves
// past what it withheld.
func TestReadFilters(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}, core.StatusActive)
	if err := st.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertRecord(rec); err != nil {
			return err
		}
		for _, e := range []*core.Event{
			{Type: "notice.published", Audience: []string{core.AudienceAll}, RecordID: rec.ID},
			{Type: "message.posted", Audience: []string{"ES", "MA"}},
			{Type: "hit.created", Audience: []string{"MA"}, RecordID: rec.ID},
		} {
			e.At = time.Now()
			if err := tx.InsertEvent(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	es := core.Viewer{Bureau: "ES", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	got, next, err := Read(ctx, st, es, 0, 10)
	if err != nil || len(got) != 1 || got[0].Type != "message.posted" || next != 2 {
		t.Fatalf("ES reads %+v next %d err %v", got, next, err)
	}
	ma := core.Viewer{Bureau: "MA", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	if got, _, _ := Read(ctx, st, ma, 0, 10); len(got) != 3 {
		t.Fatalf("MA reads %d events, want 3", len(got))
	}
	if got, _, _ := Read(ctx, st, core.Viewer{Permissions: core.Permissions}, 0, 10); len(got) != 0 {
		t.Fatal("a viewer without a bureau reads events")
	}
}
