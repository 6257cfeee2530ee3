package hits_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestReplicasFoldOneSighting: "Repeats of the same subject, the
// same record and the same place by the same bureau within --hit-window
// fold into one hit whose count grows", and "any number of manara serve
// processes can share one PostgreSQL database". The same sighting screened
// at once through several replicas (one hits.Service each) must make one
// hit counted once per sighting. A replica that does not know the hit
// looks for it with OpenHit (SELECT … FOR UPDATE), which locks nothing
// when there is no row yet, and nothing in the schema makes dedup_key
// unique: on PostgreSQL each replica inserts a hit of its own.
func TestReplicasFoldOneSighting(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
				t.Fatal(err)
			}
			const replicas = 12
			svcs := make([]*hits.Service, replicas)
			for i := range svcs {
				svcs[i] = hits.New(st)
			}
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			for round := range 3 {
				sg := hits.Sighting{Type: "person", Subject: fmt.Sprintf("subject-%d", round), Query: "q",
					Context: map[string]string{"border_post": "Algeciras"},
					Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}
				start := make(chan struct{})
				var wg sync.WaitGroup
				ids := make([]string, replicas)
				for i, svc := range svcs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						out, err := svc.Record(ctx, es, []hits.Sighting{sg})
						if err != nil || len(out) != 1 || len(out[0]) != 1 {
							t.Errorf("replica %d: %v %v", i, out, err)
							return
						}
						ids[i] = out[0][0].ID
					}()
				}
				close(start)
				wg.Wait()
				for _, svc := range svcs {
					svc.Flush()
				}
				var made []*core.Hit
				if err := st.View(ctx, func(tx core.Tx) error {
					all, err := tx.ListHits(core.HitFilter{Bureau: "ES", Side: "searcher", Limit: 1000})
					for _, h := range all {
						if h.Subject == sg.Subject {
							made = append(made, h)
						}
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				total := 0
				for _, h := range made {
					total += h.Count
				}
				distinct := map[string]bool{}
				for _, id := range ids {
					distinct[id] = true
				}
				if len(made) != 1 || total != replicas || len(distinct) != 1 {
					t.Fatalf("round %d: one sighting screened through %d replicas at once made %d hits (answered with %d different ids), counting %d sightings in all; want 1 hit counting %d",
						round, replicas, len(made), len(distinct), total, replicas)
				}
			}
		})
	}
}

// TestProbingCountsAcrossReplicas: "Each new hit of a bureau on a
// record not released to it counts the query's variant in the store
// (hit_probes, so all replicas count together) … Past the 5th, new hits
// of that bureau on that record are withheld". Variants screened at once
// through several replicas must still leave at most 5 hits shown to the
// searcher. NoteProbe inserts the variant and counts the rows with a
// plain SELECT COUNT(*): on PostgreSQL each transaction counts its own
// variant and those committed before it, not those of its neighbours, so
// the 6th, 7th… variant is counted as the 2nd or 3rd and not withheld.
func TestProbingCountsAcrossReplicas(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			const replicas = 12
			svcs := make([]*hits.Service, replicas)
			for i := range svcs {
				svcs[i] = hits.New(st)
			}
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			for round := range 3 {
				// Released to France only: Spain's hits on it are probes.
				rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}, core.StatusActive)
				if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
					t.Fatal(err)
				}
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i, svc := range svcs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						sg := hits.Sighting{Type: "person", Subject: fmt.Sprintf("variant-%d-%d", round, i), Query: "q",
							Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}
						if _, err := svc.Record(ctx, es, []hits.Sighting{sg}); err != nil {
							t.Errorf("replica %d: %v", i, err)
						}
					}()
				}
				close(start)
				wg.Wait()
				shown, made := 0, 0
				if err := st.View(ctx, func(tx core.Tx) error {
					all, err := tx.ListHits(core.HitFilter{Bureau: "MA", Side: "owner", Limit: 1000})
					for _, h := range all {
						if h.RecordID != rec.ID {
							continue
						}
						made++
						if !h.Withheld {
							shown++
						}
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if made != replicas || shown > hits.DefaultProbeLimit {
					t.Fatalf("round %d: %d different variants screened at once through %d replicas made %d hits, %d of them not withheld from the searcher; at most %d may be",
						round, replicas, replicas, made, shown, hits.DefaultProbeLimit)
				}
			}
		})
	}
}
