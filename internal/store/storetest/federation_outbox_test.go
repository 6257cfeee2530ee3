package storetest

import (
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestFedOutboxConditionalUpdate: an outbox row is written only from the
// state and attempts it was read with, so that of two replicas sending
// the same queue the one that learnt last does not write over the other
// (a message failed never becomes delivered that way).
func TestFedOutboxConditionalUpdate(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			update(t, st, func(tx core.Tx) error {
				seq, err := tx.NextFedSeq("MA")
				if err != nil {
					return err
				}
				return tx.InsertFed(&core.FedMessage{Peer: "MA", Seq: seq, MessageID: "m1", ObjectID: "o1", ObjectVersion: 1, Type: "notice.put",
					Body: []byte(`{}`), State: core.FedPending, CreatedAt: now, NextAttempt: now})
			})
			var a, b *core.FedMessage // as each replica read it
			view(t, st, func(tx core.Tx) error {
				ms, err := tx.NextFed("MA", 10)
				if err != nil || len(ms) != 1 {
					t.Fatalf("NextFed = %d, %v", len(ms), err)
				}
				x, y := *ms[0], *ms[0]
				a, b = &x, &y
				return nil
			})
			a.State, a.LastError, a.Attempts = core.FedFailed, "too large", 1
			update(t, st, func(tx core.Tx) error {
				if ok, err := tx.UpdateFed(a, core.FedPending, 0); err != nil || !ok {
					t.Fatalf("the first write = %v, %v; want written", ok, err)
				}
				return nil
			})
			b.State, b.DeliveredAt = core.FedDelivered, &now
			update(t, st, func(tx core.Tx) error {
				if ok, err := tx.UpdateFed(b, core.FedPending, 0); err != nil || ok {
					t.Fatalf("a write from a stale read = %v, %v; want not written", ok, err)
				}
				return nil
			})
			view(t, st, func(tx core.Tx) error {
				ms, err := tx.FailedFed("MA", "", 10)
				if err != nil || len(ms) != 1 || ms[0].State != core.FedFailed || ms[0].LastError != "too large" || ms[0].DeliveredAt != nil {
					t.Fatalf("FailedFed = %+v, %v", ms, err)
				}
				if ms, err := tx.FailedFed("MA", "other", 10); err != nil || len(ms) != 0 {
					t.Fatalf("FailedFed(other) = %+v, %v", ms, err)
				}
				l, err := tx.FedLag("MA")
				if err != nil || l.Failed != 1 {
					t.Fatalf("FedLag = %+v, %v", l, err)
				}
				if n, err := tx.FedAfter("MA", "o1", 0); err != nil || n != 1 {
					t.Fatalf("FedAfter(0) = %d, %v", n, err)
				}
				if n, err := tx.FedAfter("MA", "o1", 1); err != nil || n != 0 {
					t.Fatalf("FedAfter(1) = %d, %v", n, err)
				}
				return nil
			})
		})
	}
}

// TestFedTrimQueryIDs: the ids of queries (kept at sequence number 0)
// older than the cut are deleted, a bounded batch at a time; the
// sequenced messages applied, and the recent query ids, are kept.
func TestFedTrimQueryIDs(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Now().UTC().Truncate(time.Microsecond)
			old := now.Add(-time.Hour)
			update(t, st, func(tx core.Tx) error {
				for _, id := range []string{"q1", "q2", "q3"} {
					if err := tx.MarkApplied("MA", id, 0, 0, old); err != nil {
						return err
					}
				}
				if err := tx.MarkApplied("MA", "q-recent", 0, 0, now); err != nil {
					return err
				}
				if err := tx.MarkApplied("ES", "q-es", 0, 0, old); err != nil {
					return err
				}
				return tx.MarkApplied("MA", "m-sequenced", 1, 1, old)
			})
			cut := now.Add(-time.Minute)
			var n1, n2 int
			update(t, st, func(tx core.Tx) error {
				var err error
				if n1, err = tx.TrimQueryIDs("MA", cut, 2); err != nil {
					return err
				}
				n2, err = tx.TrimQueryIDs("MA", cut, 2)
				return err
			})
			if n1 != 2 || n2 != 1 {
				t.Fatalf("trimmed %d then %d, want 2 then 1", n1, n2)
			}
			view(t, st, func(tx core.Tx) error {
				for id, want := range map[string]bool{"q1": false, "q2": false, "q3": false, "q-recent": true} {
					if got, err := tx.Applied("MA", id, 0); err != nil || got != want {
						t.Errorf("Applied(MA, %s) = %v, %v; want %v", id, got, err, want)
					}
				}
				if got, _ := tx.Applied("ES", "q-es", 0); !got {
					t.Error("another origin's query id was trimmed")
				}
				if got, _ := tx.Applied("MA", "m-sequenced", 1); !got {
					t.Error("a sequenced message applied was trimmed")
				}
				return nil
			})
		})
	}
}
