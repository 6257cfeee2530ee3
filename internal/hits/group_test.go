package hits_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// Screenings that hit at once share commits, and each still gets its own
// hits: every sighting is recorded once, repeats fold, none is lost.
func TestConcurrentSightingsShareCommits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			var recs []*core.Record
			for i := 0; i < 4; i++ {
				r := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
				recs = append(recs, r)
			}
			if err := st.Update(context.Background(), func(tx core.Tx) error {
				for _, r := range recs {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			svc := hits.New(st)
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			const workers, each = 8, 10
			ids := make([][]string, workers)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						r := recs[(w+i/2)%len(recs)]
						// Worker w's subject i is seen twice: the repeat folds.
						sg := hits.Sighting{Type: "person", Subject: fmt.Sprintf("w%d-%d", w, i/2), Query: "q",
							Context: map[string]string{"border_post": "Algeciras"},
							Matches: []hits.Match{{RecordID: r.ID, Score: 0.95, Label: "x"}}}
						out, err := svc.Record(context.Background(), es, []hits.Sighting{sg})
						if err != nil || len(out) != 1 || len(out[0]) != 1 {
							t.Errorf("worker %d sighting %d: %v, %v", w, i, out, err)
							return
						}
						ids[w] = append(ids[w], out[0][0].ID)
					}
				}()
			}
			wg.Wait()
			svc.Flush() // repeats are written in the background
			distinct := map[string]bool{}
			for w := range ids {
				for i := 0; i+1 < len(ids[w]); i += 2 {
					if ids[w][i] != ids[w][i+1] {
						t.Fatalf("worker %d: the repeat of a subject made a new hit", w)
					}
				}
				for _, id := range ids[w] {
					distinct[id] = true
				}
			}
			if len(distinct) != workers*each/2 {
				t.Fatalf("%d distinct hits, want %d", len(distinct), workers*each/2)
			}
			for id := range distinct {
				var h *core.Hit
				if err := st.View(context.Background(), func(tx core.Tx) error {
					var err error
					h, err = tx.GetHit(id)
					return err
				}); err != nil || h.Count != 2 {
					t.Fatalf("hit %s: %+v, %v", id, h, err)
				}
			}
		})
	}
}

// A repeat is answered from what this process knows and written in the
// background; once the window has passed the same sighting is a new hit;
// a process that does not know the hit (a restart, another replica) takes
// the durable path and still folds the sighting into it.
func TestRepeatsKnownWindowAndRestart(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			svc := hits.New(st)
			svc.Now = clock
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			sg := hits.Sighting{Type: "person", Subject: "x", Query: "x", Context: map[string]string{"border_post": "Ceuta"},
				Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}
			record := func(s *hits.Service) *core.Hit {
				t.Helper()
				out, err := s.Record(context.Background(), es, []hits.Sighting{sg})
				if err != nil || len(out) != 1 || len(out[0]) != 1 {
					t.Fatalf("record: %v %v", out, err)
				}
				return out[0][0]
			}
			count := func(id string) int {
				t.Helper()
				var h *core.Hit
				if err := st.View(context.Background(), func(tx core.Tx) (err error) { h, err = tx.GetHit(id); return }); err != nil {
					t.Fatal(err)
				}
				return h.Count
			}
			first := record(svc)
			now = now.Add(time.Hour)
			again := record(svc)
			if again.ID != first.ID || again.Count != 2 {
				t.Fatalf("repeat answered %s count %d, want %s count 2", again.ID, again.Count, first.ID)
			}
			svc.Flush()
			if n := count(first.ID); n != 2 {
				t.Fatalf("after Flush the hit counts %d sightings, want 2", n)
			}
			// Another process over the same store knows nothing of the hit.
			other := hits.New(st)
			other.Now = clock
			if h := record(other); h.ID != first.ID || count(first.ID) != 3 {
				t.Fatalf("a process that did not know the hit made %s (count %d)", h.ID, count(first.ID))
			}
			// Past the window the sighting is a new hit, in both processes.
			now = now.Add(hits.DefaultWindow)
			if h := record(svc); h.ID == first.ID {
				t.Fatal("a sighting past the window folded into the old hit")
			}
			svc.Flush()
			other.Flush()
		})
	}
}

// panicky is a real store whose next Update panics, once.
type panicky struct {
	core.Store
	armed atomic.Bool
}

func (p *panicky) Update(ctx context.Context, fn func(core.Tx) error) error {
	if p.armed.CompareAndSwap(true, false) {
		panic("disk on fire")
	}
	return p.Store.Update(ctx, fn)
}

// A commit that panics fails its sightings with an error and leaves the
// group free: the next screening is recorded and Flush returns.
func TestPanickingCommitDoesNotJamTheGroup(t *testing.T) {
	b := storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}
	st := &panicky{Store: b.Open(t)}
	rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
	if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
		t.Fatal(err)
	}
	svc := hits.New(st)
	es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	sg := func(subject string) []hits.Sighting {
		return []hits.Sighting{{Type: "person", Subject: subject, Query: subject, Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}}
	}
	st.armed.Store(true)
	if out, err := svc.Record(context.Background(), es, sg("a")); err == nil || out != nil {
		t.Fatalf("a panicking commit answered %v, %v", out, err)
	}
	out, err := svc.Record(context.Background(), es, sg("b"))
	if err != nil || len(out) != 1 || len(out[0]) != 1 {
		t.Fatalf("after a panic the next sighting: %v, %v", out, err)
	}
	svc.Flush()
}

// Repeat sightings, which nobody waits for, share one transaction: the
// writer gathers them (here for an hour, so that nothing is left to
// timing) until a sighting that makes a new hit arrives, which is then
// written with them, and answered, at once.
func TestRepeatsShareOneCommit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
				t.Fatal(err)
			}
			svc := hits.New(st)
			svc.RepeatDelay = time.Hour
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			sighting := func(subject string) *core.Hit {
				t.Helper()
				out, err := svc.Record(context.Background(), es, []hits.Sighting{{Type: "person", Subject: subject, Query: subject,
					Context: map[string]string{"border_post": "Ceuta"}, Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}})
				if err != nil || len(out) != 1 || len(out[0]) != 1 {
					t.Fatalf("record %s: %v %v", subject, out, err)
				}
				return out[0][0]
			}
			count := func(id string) int {
				t.Helper()
				var h *core.Hit
				if err := st.View(context.Background(), func(tx core.Tx) (err error) { h, err = tx.GetHit(id); return }); err != nil {
					t.Fatal(err)
				}
				return h.Count
			}
			var ids []string
			for i := range 20 {
				ids = append(ids, sighting(fmt.Sprintf("traveller %d", i)).ID)
			}
			svc.Flush()
			before := svc.Commits()
			for i := range 20 {
				if h := sighting(fmt.Sprintf("traveller %d", i)); h.ID != ids[i] || h.Count != 2 {
					t.Fatalf("repeat %d answered %s count %d", i, h.ID, h.Count)
				}
			}
			if n := count(ids[0]); n != 1 {
				t.Fatalf("a repeat was written before the writer finished gathering: count %d", n)
			}
			// A new hit is durable when answered: it cuts the gathering
			// short and goes in the same transaction as the repeats.
			fresh := sighting("traveller new")
			if count(fresh.ID) != 1 {
				t.Fatal("the new hit was answered before it was stored")
			}
			svc.Flush()
			for i, id := range ids {
				if n := count(id); n != 2 {
					t.Fatalf("traveller %d: %d sightings stored, want 2", i, n)
				}
			}
			if n := svc.Commits() - before; n != 1 {
				t.Errorf("20 repeats and a new hit took %d transactions, want 1", n)
			}
		})
	}
}

// A repeat is counted into the hit as this process last wrote it, without
// reading it back; when another writer has changed the hit since (the
// owner's workflow, another process), the store's version check turns it
// away and the repeat reads the hit again: no sighting and no change of
// the owner's is lost.
func TestRepeatAfterAnotherWriter(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := &openHitCounter{Store: b.Open(t)}
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertRecord(rec) }); err != nil {
				t.Fatal(err)
			}
			svc := hits.New(st)
			other := hits.New(st)
			reads := func(want int64, when string) {
				t.Helper()
				if n := st.reads.Swap(0); n != want {
					t.Fatalf("%s: the open hit was read %d times, want %d", when, n, want)
				}
			}
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			owner := core.Viewer{Bureau: "MA", KeyID: "m", Permissions: []string{core.PermScreen}}
			sg := hits.Sighting{Type: "person", Subject: "x", Query: "x", Context: map[string]string{"border_post": "Ceuta"},
				Matches: []hits.Match{{RecordID: rec.ID, Score: 0.95, Label: "x"}}}
			record := func(s *hits.Service) string {
				t.Helper()
				out, err := s.Record(context.Background(), es, []hits.Sighting{sg})
				if err != nil || len(out) != 1 || len(out[0]) != 1 {
					t.Fatalf("record: %v %v", out, err)
				}
				s.Flush()
				return out[0][0].ID
			}
			stored := func(id string) *core.Hit {
				t.Helper()
				var h *core.Hit
				if err := st.View(context.Background(), func(tx core.Tx) (err error) { h, err = tx.GetHit(id); return }); err != nil {
					t.Fatal(err)
				}
				return h
			}
			id := record(svc)
			reads(1, "a new hit") // looked for, not found
			record(svc)           // from what svc wrote
			reads(0, "a repeat of what this process wrote")
			if h := stored(id); h.Count != 2 || h.Version != 2 {
				t.Fatalf("after a repeat: count %d version %d, want 2 and 2", h.Count, h.Version)
			}
			if _, err := svc.Transition(context.Background(), owner, id, hits.Change{State: core.HitBeingChecked, Notes: "on it"}); err != nil {
				t.Fatal(err)
			}
			record(svc) // svc's copy is now an old version
			reads(1, "a repeat after the owner's change")
			h := stored(id)
			if h.Count != 3 || h.OwnerState != core.HitBeingChecked || len(h.History) == 0 {
				t.Fatalf("after the owner's change and a repeat: count %d, owner state %q, history %v", h.Count, h.OwnerState, h.History)
			}
			record(other) // another process over the same store
			record(svc)
			record(svc)
			reads(2, "repeats in two processes") // other's, then svc's once
			if h := stored(id); h.Count != 6 || h.OwnerState != core.HitBeingChecked {
				t.Fatalf("after repeats from two processes: count %d (want 6), owner state %q", h.Count, h.OwnerState)
			}
		})
	}
}

// openHitCounter is a real store that counts the reads of an open hit.
type openHitCounter struct {
	core.Store
	reads atomic.Int64
}

func (c *openHitCounter) Update(ctx context.Context, fn func(core.Tx) error) error {
	return c.Store.Update(ctx, func(tx core.Tx) error { return fn(countingTx{tx, &c.reads}) })
}

type countingTx struct {
	core.Tx
	reads *atomic.Int64
}

func (t countingTx) OpenHit(key string, since time.Time) (*core.Hit, error) {
	t.reads.Add(1)
	return t.Tx.OpenHit(key, since)
}
