package hits_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestListPagesPastHiddenHitsAndCountsWaiting: a page of the list is a
// page of the store, shown as the viewer may see it, and its cursor is the
// last hit it read: a hit withheld from the searcher (not shown to it)
// once made the page short, and a short page read as the last. Newest
// first pages by Before. Waiting counts what waits for each side.
func TestListPagesPastHiddenHitsAndCountsWaiting(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			now := time.Now().UTC().Truncate(time.Microsecond)
			var ids []string
			if err := st.Update(ctx, func(tx core.Tx) error {
				if err := tx.InsertRecord(rec); err != nil {
					return err
				}
				for i, withheld := range []bool{false, true, false} {
					id := uuid.Must(uuid.NewV7()).String()
					ids = append(ids, id)
					if err := tx.InsertHit(&core.Hit{ID: id, Version: 1, DedupKey: id, RecordID: rec.ID, Owner: "MA", Searcher: "ES",
						OwnerState: core.HitNew, SearcherState: core.HitNew, Withheld: withheld, History: []core.HitStep{},
						FirstSeen: now.Add(time.Duration(i) * time.Second), LastSeen: now, Count: 1}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			svc := hits.New(st)
			es := core.Viewer{Bureau: "ES", UserID: "u-es", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
			ma := core.Viewer{Bureau: "MA", UserID: "u-ma", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
			page := func(v core.Viewer, f hits.ListFilter, want []string, wantNext string) {
				t.Helper()
				vs, next, err := svc.List(ctx, v, f)
				var got []string
				for _, h := range vs {
					got = append(got, h.ID)
				}
				if err != nil || !slices.Equal(got, want) || next != wantNext {
					t.Fatalf("%s %+v: %v next %q, %v; want %v next %q", v.Bureau, f, got, next, err, want, wantNext)
				}
			}
			page(es, hits.ListFilter{Limit: 2}, ids[:1], ids[1])
			page(es, hits.ListFilter{After: ids[1], Limit: 2}, ids[2:], "")
			page(es, hits.ListFilter{Newest: true, Limit: 2}, ids[2:], ids[1])
			page(es, hits.ListFilter{Newest: true, Before: ids[1], Limit: 2}, ids[:1], "")
			page(ma, hits.ListFilter{Newest: true, Limit: 2}, []string{ids[2], ids[1]}, ids[1])
			for _, c := range []struct {
				v    core.Viewer
				want int
			}{{es, 2}, {ma, 3}, {core.Viewer{Bureau: "MA"}, 0}, {core.Viewer{Bureau: "FR", Permissions: ma.Permissions}, 0}} {
				if n, err := svc.Waiting(ctx, c.v); err != nil || n != c.want {
					t.Errorf("%+v waits for %d, %v; want %d", c.v, n, err, c.want)
				}
			}
		})
	}
}
