package storetest

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

func TestHitStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			h := &core.Hit{ID: "h1", Version: 1, DedupKey: "k1", RecordID: "r1", Owner: "MA", Searcher: "ES", OwnerState: core.HitNew, SearcherState: core.HitNew,
				FirstSeen: now, LastSeen: now, Count: 1, Context: map[string]string{"border_post": "Algeciras"}, Explanation: []string{"x"}}
			update(t, st, func(tx core.Tx) error { return tx.InsertHit(h) })
			if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.InsertHit(h) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("duplicate id: %v", err)
			}
			update(t, st, func(tx core.Tx) error {
				got, err := tx.OpenHit("k1", now.Add(-time.Hour))
				if err != nil || got.ID != "h1" || got.DedupKey != "k1" || got.Context["border_post"] != "Algeciras" || !got.FirstSeen.Equal(now) {
					t.Fatalf("OpenHit = %+v, %v", got, err)
				}
				if _, err := tx.OpenHit("k1", now.Add(time.Second)); core.ErrorCode(err) != core.ENOTFOUND {
					t.Fatalf("OpenHit outside the window = %v", err)
				}
				got.Version, got.OwnerState, got.Count = 2, core.HitBeingChecked, 2
				return tx.UpdateHit(got)
			})
			stale := *h
			stale.Version = 2
			if err := st.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateHit(&stale) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("stale update: %v", err)
			}
			view(t, st, func(tx core.Tx) error {
				for _, c := range []struct {
					f    core.HitFilter
					want int
				}{
					{core.HitFilter{Bureau: "MA"}, 1}, {core.HitFilter{Bureau: "ES", Side: "searcher"}, 1}, {core.HitFilter{Bureau: "ES", Side: "owner"}, 0},
					{core.HitFilter{Bureau: "FR"}, 0}, {core.HitFilter{}, 0}, {core.HitFilter{All: true}, 1},
					{core.HitFilter{Bureau: "MA", State: core.HitBeingChecked}, 1}, {core.HitFilter{Bureau: "MA", State: core.HitConfirmed}, 0},
					{core.HitFilter{Bureau: "MA", Since: now.Add(time.Second)}, 0}, {core.HitFilter{Bureau: "MA", Until: now.Add(time.Second)}, 1},
				} {
					hs, err := tx.ListHits(c.f)
					if err != nil || len(hs) != c.want {
						t.Errorf("ListHits(%+v) = %d, %v; want %d", c.f, len(hs), err, c.want)
					}
				}
				return nil
			})
		})
	}
}

func TestOutboxStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			w := &core.Webhook{ID: "w1", Bureau: "MA", URL: "http://127.0.0.1/x", Events: []string{"*"}, Secret: "whsec_1", CreatedAt: now, FromSeq: 3}
			update(t, st, func(tx core.Tx) error { return tx.InsertWebhook(w) })
			view(t, st, func(tx core.Tx) error {
				got, err := tx.GetWebhook("w1")
				if err != nil || got.Secret != "whsec_1" || got.FromSeq != 3 {
					t.Fatalf("GetWebhook = %+v, %v", got, err)
				}
				if ws, _ := tx.ListWebhooks("ES"); len(ws) != 0 {
					t.Fatal("ES lists MA's webhook")
				}
				return nil
			})
			d := &core.Delivery{ID: "d1", WebhookID: "w1", Bureau: "MA", EventSeq: 4, EventType: "hit.created", Body: json.RawMessage(`{"id":"d1"}`),
				Status: core.DeliveryPending, CreatedAt: now, Deadline: now.Add(time.Hour), NextAttempt: now}
			update(t, st, func(tx core.Tx) error { return tx.InsertDelivery(d) })
			// Many replicas race for the lease: exactly one wins.
			var wins atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st.Update(context.Background(), func(tx core.Tx) error {
						ok, err := tx.LeaseDelivery("d1", now.Add(time.Millisecond), now.Add(time.Minute))
						if ok {
							wins.Add(1)
						}
						return err
					})
				}()
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("%d replicas leased the delivery", wins.Load())
			}
			view(t, st, func(tx core.Tx) error {
				due, err := tx.DueDeliveries(now.Add(time.Second), 10)
				if err != nil || len(due) != 0 {
					t.Fatalf("a leased delivery is due: %d %v", len(due), err)
				}
				due, _ = tx.DueDeliveries(now.Add(2*time.Minute), 10)
				if len(due) != 1 || string(due[0].Body) != `{"id":"d1"}` {
					t.Fatalf("after the lease: %+v", due)
				}
				return nil
			})
			// Deleting the webhook gives up its pending deliveries.
			update(t, st, func(tx core.Tx) error { return tx.DeleteWebhook("w1") })
			view(t, st, func(tx core.Tx) error {
				got, err := tx.GetDelivery("d1")
				if err != nil || got.Status != core.DeliveryDead {
					t.Fatalf("after delete: %+v %v", got, err)
				}
				return nil
			})
			// The cursor.
			update(t, st, func(tx core.Tx) error {
				if v, err := tx.Cursor("webhooks"); err != nil || v != 0 {
					t.Fatalf("webhooks cursor %d %v", v, err)
				}
				if v, err := tx.Cursor("new"); err != nil || v != 0 {
					t.Fatalf("new cursor %d %v", v, err)
				}
				return tx.SetCursor("webhooks", 42)
			})
			update(t, st, func(tx core.Tx) error {
				if v, err := tx.Cursor("webhooks"); err != nil || v != 42 {
					t.Fatalf("cursor %d %v", v, err)
				}
				return nil
			})
		})
	}
}

func TestThreadStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			th := &core.Thread{ID: "t1", Subject: "s", Participants: []string{"ES", "MA"}, CreatedAt: now, UpdatedAt: now, Reads: map[string]core.ReadMark{}}
			update(t, st, func(tx core.Tx) error {
				if err := tx.InsertThread(th); err != nil {
					return err
				}
				return tx.InsertMessage(&core.Message{ID: "m1", ThreadID: "t1", Number: 1, Bureau: "ES", Type: core.MsgGeneral, Body: "hola",
					Attachments: []core.MessageAttachment{{Name: "a.txt", ContentType: "text/plain", Size: 2, Data: []byte("hi")}}, At: now})
			})
			if err := st.Update(context.Background(), func(tx core.Tx) error {
				return tx.InsertMessage(&core.Message{ID: "m2", ThreadID: "t1", Number: 1})
			}); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("two messages numbered 1: %v", err)
			}
			view(t, st, func(tx core.Tx) error {
				if ts, _ := tx.ListThreads("FR", 10); len(ts) != 0 {
					t.Fatal("FR lists the thread")
				}
				if ts, _ := tx.ListThreads("MA", 10); len(ts) != 1 {
					t.Fatal("MA does not list the thread")
				}
				ms, err := tx.ListMessages("t1", 0, 10)
				if err != nil || len(ms) != 1 || string(ms[0].Attachments[0].Data) != "hi" {
					t.Fatalf("messages %+v %v", ms, err)
				}
				return nil
			})
		})
	}
}

// TestHitReferencesProbesAndServerKeys: a hit is found by its reference;
// probe variants are counted once each per searcher and record, and
// forgotten once out of the window; a server key is created once and
// then read by everyone.
func TestHitReferencesProbesAndServerKeys(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			h := &core.Hit{ID: "h1", Reference: "HIT-0123456789AB", Version: 1, DedupKey: "k1", RecordID: "r1", Owner: "MA", Searcher: "ES",
				OwnerState: core.HitNew, SearcherState: core.HitNew, FirstSeen: now, LastSeen: now, Count: 1}
			update(t, st, func(tx core.Tx) error { return tx.InsertHit(h) })
			view(t, st, func(tx core.Tx) error {
				if got, err := tx.GetHitByReference("HIT-0123456789AB"); err != nil || got.ID != "h1" || got.DedupKey != "k1" {
					t.Fatalf("GetHitByReference = %+v, %v", got, err)
				}
				if _, err := tx.GetHitByReference("HIT-FFFFFFFFFFFF"); core.ErrorCode(err) != core.ENOTFOUND {
					t.Fatalf("unknown reference: %v", err)
				}
				return nil
			})
			probe := func(searcher, record, variant string, at time.Time) int {
				var n int
				update(t, st, func(tx core.Tx) error {
					var err error
					n, _, err = tx.NoteProbe(searcher, record, variant, at, at.Add(-time.Hour))
					return err
				})
				return n
			}
			for i, c := range []struct {
				searcher, record, variant string
				at                        time.Time
				want                      int
			}{
				{"ES", "r1", "a", now, 1}, {"ES", "r1", "a", now, 1}, {"ES", "r1", "b", now, 2}, {"IT", "r1", "c", now, 1},
				{"ES", "r2", "c", now, 1}, {"ES", "r1", "c", now.Add(30 * time.Minute), 3},
				{"ES", "r1", "d", now.Add(90 * time.Minute), 2}, // a and b fell out of the window
			} {
				if n := probe(c.searcher, c.record, c.variant, c.at); n != c.want {
					t.Errorf("probe %d %+v: %d variants, want %d", i, c, n, c.want)
				}
			}
			// A variant's rank is its place in the order the variants were
			// noted, even for two noted at one time or by a replica whose
			// clock is behind; a repeat keeps its own.
			for i, c := range []struct {
				variant         string
				at              time.Time
				wantN, wantRank int
			}{
				{"x", now, 1, 1}, {"y", now, 2, 2}, {"z", now.Add(-time.Minute), 3, 3}, {"x", now.Add(time.Minute), 3, 1}, {"y", now, 3, 2}, {"z", now, 3, 3},
			} {
				var n, rank int
				update(t, st, func(tx core.Tx) error {
					var err error
					n, rank, err = tx.NoteProbe("ES", "r3", c.variant, c.at, now.Add(-time.Hour))
					return err
				})
				if n != c.wantN || rank != c.wantRank {
					t.Errorf("rank %d %+v: %d variants, rank %d; want %d, %d", i, c, n, rank, c.wantN, c.wantRank)
				}
			}
			var k1, k2 string
			update(t, st, func(tx core.Tx) error {
				var err error
				k1, err = tx.ServerKey("answer-reference", "first")
				return err
			})
			update(t, st, func(tx core.Tx) error {
				var err error
				k2, err = tx.ServerKey("answer-reference", "second")
				return err
			})
			if k1 != "first" || k2 != "first" {
				t.Fatalf("server key %q then %q, want the first both times", k1, k2)
			}
		})
	}
}
