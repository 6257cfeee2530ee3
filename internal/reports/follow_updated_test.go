package reports

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestFollowUpTimeMovesOnlyOnWhatTheReporterSees: the follow-up's
// updated_at moves with a change of status, a public note or an addition,
// not with the unit's internal notes (it would tell the reporter that
// something was done).
func TestFollowUpTimeMovesOnlyOnWhatTheReporterSees(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			rc := submit(t, s, Input{Country: "FR"})
			f0, err := s.Follow(ctx, public, rc.Receipt, rc.Secret)
			if err != nil {
				t.Fatal(err)
			}
			unit := core.Viewer{Bureau: "MA", Role: core.RoleOfficer, UserID: "o", Permissions: core.RolePermissions(core.RoleOfficer)}
			later := time.Now().Add(time.Hour)
			s.Now = func() time.Time { return later }
			var id string
			if err := s.Store.View(ctx, func(tx core.Tx) error {
				r, err := tx.GetReportByReceipt(rc.Receipt)
				if err == nil {
					id = r.ID
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			r, err := s.Get(ctx, unit, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Update(ctx, unit, id, Change{Version: r.Version, Note: "internal: looks like the campaign of last week"}); err != nil {
				t.Fatal(err)
			}
			f1, err := s.Follow(ctx, public, rc.Receipt, rc.Secret)
			if err != nil {
				t.Fatal(err)
			}
			if !f1.UpdatedAt.Equal(f0.UpdatedAt) {
				t.Errorf("an internal note moved the follow-up's updated_at from %s to %s", f0.UpdatedAt, f1.UpdatedAt)
			}
			r, _ = s.Get(ctx, unit, id)
			if _, err := s.Update(ctx, unit, id, Change{Version: r.Version, Note: "We are looking into it.", NotePublic: true}); err != nil {
				t.Fatal(err)
			}
			f2, _ := s.Follow(ctx, public, rc.Receipt, rc.Secret)
			if !f2.UpdatedAt.After(f0.UpdatedAt) {
				t.Errorf("a public note left updated_at at %s", f2.UpdatedAt)
			}
		})
	}
}
