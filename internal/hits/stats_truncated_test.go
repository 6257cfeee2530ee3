package hits_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestStatsSaysTruncatedPastTheLimit: Stats reads at most its limit of
// hits and says so with "truncated". It used to ask the store for one row
// more than the limit to tell, which the store's ListHits, capped at
// 100,000 (= MaxStatsHits), never returned: a bureau with more hits in the
// period got counts of the first 100,000 presented as complete. The limit
// is lowered here so that a few hundred hits stand for 100,001; exactly
// the limit is complete.
func TestStatsSaysTruncatedPastTheLimit(t *testing.T) {
	const limit = 300
	defer hits.SetStatsLimit(limit)()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			now := time.Now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)
			insert := func(n int) {
				if err := st.Update(ctx, func(tx core.Tx) error {
					for range n {
						id := uuid.Must(uuid.NewV7()).String()
						if err := tx.InsertHit(&core.Hit{ID: id, Version: 1, DedupKey: id, RecordID: rec.ID, Owner: "MA", Searcher: "ES", Type: "person",
							OwnerState: core.HitNew, SearcherState: core.HitNew, History: []core.HitStep{},
							FirstSeen: now, LastSeen: now, Count: 1}); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
				t.Fatal(err)
			}
			ma := core.Viewer{Bureau: "MA", UserID: "u-ma", Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
			stats := func() *hits.Stats {
				s, err := hits.New(st).Stats(ctx, ma, now.Add(-time.Hour), now.Add(time.Hour), "day")
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			insert(limit)
			if s := stats(); s.Hits != limit || s.Truncated {
				t.Errorf("%d hits in the period, the limit: statistics count %d and say truncated=%v", limit, s.Hits, s.Truncated)
			}
			insert(1)
			if s := stats(); s.Hits != limit || !s.Truncated {
				t.Errorf("%d hits in the period: statistics count %d and say truncated=%v", limit+1, s.Hits, s.Truncated)
			}
		})
	}
}
