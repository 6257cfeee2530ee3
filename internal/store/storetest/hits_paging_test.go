package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
)

// TestHitsNewestFirstAndWaiting checks, on both stores, the listing of a
// bureau's hits newest first, paged by Before, and the count of those
// that wait for it (its own side new) as ListHits selects them: the
// owner's side where it holds both, the searcher's elsewhere, never a hit
// withheld from the searcher.
func TestHitsNewestFirstAndWaiting(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			var ids []string // oldest first
			mk := func(owner, searcher, ownerState, searcherState string, withheld bool) string {
				id := uuid.Must(uuid.NewV7()).String()
				h := &core.Hit{ID: id, Version: 1, DedupKey: "k" + id, RecordID: "r" + id, Owner: owner, Searcher: searcher,
					OwnerState: ownerState, SearcherState: searcherState, Withheld: withheld,
					FirstSeen: now.Add(time.Duration(len(ids)) * time.Second), LastSeen: now, Count: 1}
				update(t, st, func(tx core.Tx) error { return tx.InsertHit(h) })
				ids = append(ids, id)
				return id
			}
			maNew := mk("MA", "ES", core.HitNew, core.HitNew, false)               // waits for both
			checked := mk("MA", "ES", core.HitBeingChecked, core.HitNew, false)    // waits for Spain only
			withheld := mk("MA", "ES", core.HitNew, core.HitNew, true)             // waits for Morocco only
			own := mk("ES", "ES", core.HitBeingChecked, core.HitNew, false)        // Spain's own record: its owner's side counts
			esAnswered := mk("MA", "ES", core.HitNew, core.HitBeingChecked, false) // waits for Morocco only
			mk("FR", "IT", core.HitNew, core.HitNew, false)                        // neither's
			view(t, st, func(tx core.Tx) error {
				hs, err := tx.ListHits(core.HitFilter{Bureau: "ES", Newest: true, Limit: 2})
				if got := hitIDs(hs); err != nil || !slices.Equal(got, []string{esAnswered, own}) {
					t.Fatalf("newest first: %v %v", got, err)
				}
				hs, err = tx.ListHits(core.HitFilter{Bureau: "ES", Newest: true, Before: own, Limit: 10})
				if got := hitIDs(hs); err != nil || !slices.Equal(got, []string{withheld, checked, maNew}) {
					t.Fatalf("before %s: %v %v", own, got, err)
				}
				hs, err = tx.ListHits(core.HitFilter{Bureau: "ES", Limit: 2})
				if got := hitIDs(hs); err != nil || !slices.Equal(got, []string{maNew, checked}) {
					t.Fatalf("oldest first: %v %v", got, err)
				}
				for _, c := range []struct {
					f    core.HitFilter
					want []string
				}{
					{core.HitFilter{Bureau: "MA", SideState: core.HitNew}, []string{maNew, withheld, esAnswered}},
					{core.HitFilter{Bureau: "ES", SideState: core.HitNew}, []string{maNew, checked}},
					{core.HitFilter{Bureau: "ES", SideState: core.HitBeingChecked}, []string{own, esAnswered}},
					{core.HitFilter{Bureau: "ES", Side: "owner", SideState: core.HitNew}, nil},
					{core.HitFilter{Bureau: "MA", SideState: core.HitNew, Since: now.Add(time.Second)}, []string{withheld, esAnswered}},
					{core.HitFilter{Bureau: "IT", SideState: core.HitNew}, []string{ids[5]}},
					{core.HitFilter{SideState: core.HitNew}, nil},
				} {
					hs, err := tx.ListHits(c.f)
					n, cerr := tx.CountHits(c.f)
					if got := hitIDs(hs); err != nil || cerr != nil || !slices.Equal(got, c.want) || n != len(c.want) {
						t.Errorf("%+v: ListHits %v %v, CountHits %d %v; want %v", c.f, got, err, n, cerr, c.want)
					}
				}
				return nil
			})
		})
	}
}

func hitIDs(hs []*core.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}
