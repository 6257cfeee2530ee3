package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// TestAuditWriter adds entries from many goroutines through the grouped
// writer and finds every one in an intact chain once it is closed.
func TestAuditWriter(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			w := audit.NewWriter(st, nil, 64, 2*time.Millisecond)
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 250; i++ {
						// Each names its goroutine's record twice: indexed once.
						rec := fmt.Sprintf("rec-%d", g)
						e := audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, "screen.person", audit.OK, rec, rec)
						if err := w.Add(context.Background(), e); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			w.Close()
			if err := w.Add(context.Background(), audit.Entry(core.Viewer{}, "late", audit.OK)); err != audit.ErrClosed {
				t.Fatalf("Add after Close: %v", err)
			}
			n, err := verifyChain(t, st)
			if err != nil || n != 2000 {
				t.Fatalf("chain of %d entries, err %v; want 2000", n, err)
			}
			var es []core.AuditEntry
			if err := st.View(context.Background(), func(tx core.Tx) (err error) { es, err = tx.RecordAudit("rec-3", 0, 1000); return }); err != nil || len(es) != 250 {
				t.Fatalf("rec-3 has %d audit entries (%v), want 250", len(es), err)
			}
		})
	}
}

// TestAuditLargeGroup appends one group larger than the biggest
// many-rows statement (64 entries, 128 tree hashes), its entries naming
// records in twos and repeats, and finds the chain, the Merkle tree and
// the per-record index whole (audit.Check rebuilds all three from the
// entries).
func TestAuditLargeGroup(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			const n = 150 // 64 + 64 + 16 + 4 + 2 rows
			es := make([]*core.AuditEntry, n)
			for i := range es {
				a, c := fmt.Sprintf("rec-%d", i%7), fmt.Sprintf("rec-%d", i%5)
				es[i] = audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, "screen.person", audit.OK, a, c, a)
			}
			if err := st.Update(context.Background(), func(tx core.Tx) error { return audit.Append(tx, es...) }); err != nil {
				t.Fatal(err)
			}
			if got, err := verifyChain(t, st); err != nil || got != n {
				t.Fatalf("chain of %d entries, err %v; want %d", got, err, n)
			}
			want := 0 // entries naming rec-3 (as i%7 or as i%5)
			for i := range n {
				if i%7 == 3 || i%5 == 3 {
					want++
				}
			}
			var got []core.AuditEntry
			if err := st.View(context.Background(), func(tx core.Tx) (err error) { got, err = tx.RecordAudit("rec-3", 0, 1000); return }); err != nil || len(got) != want {
				t.Fatalf("rec-3 has %d audit entries (%v), want %d", len(got), err, want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Seq <= got[i-1].Seq {
					t.Fatalf("rec-3's entries out of order: %d after %d", got[i].Seq, got[i-1].Seq)
				}
			}
		})
	}
}

// TestAuditWriterLargeGroup: a group of the writer larger than what it
// appends between two yields of the processor (audit.yieldEvery) is one
// transaction of several appends, and its chain, tree and record index
// come out whole.
func TestAuditWriterLargeGroup(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			// A window far longer than the test: Close writes the 100
			// entries as one group.
			w := audit.NewWriter(st, nil, 1000, time.Hour)
			for i := range 100 {
				e := audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, "screen.person", audit.OK, fmt.Sprintf("rec-%d", i%3))
				if err := w.Add(context.Background(), e); err != nil {
					t.Fatal(err)
				}
			}
			w.Close()
			if n, err := verifyChain(t, st); err != nil || n != 100 {
				t.Fatalf("chain of %d entries, err %v; want 100", n, err)
			}
			var es []core.AuditEntry
			if err := st.View(context.Background(), func(tx core.Tx) (err error) { es, err = tx.RecordAudit("rec-1", 0, 1000); return }); err != nil || len(es) != 33 {
				t.Fatalf("rec-1 has %d audit entries (%v), want 33", len(es), err)
			}
		})
	}
}

// TestAuditWriterFullQueueIsWrittenAtOnce: a queue that fills faster than
// the window is written without waiting the window out. The writer is not
// woken for each entry (only for a group's first), so a full queue must
// tell it: with an hour's window and room for ten, fifty entries are added
// and written while the window still runs.
func TestAuditWriterFullQueueIsWrittenAtOnce(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			w := audit.NewWriter(st, nil, 10, time.Hour)
			defer w.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for i := range 50 {
				if err := w.Add(ctx, audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, "screen.person", audit.OK)); err != nil {
					t.Fatalf("entry %d: %v (the writer waited out its window with a full queue)", i, err)
				}
			}
			// The last few may wait for their group's window; at least
			// the groups before them are written while it runs.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				n, err := verifyChain(t, st)
				if err != nil {
					t.Fatal(err)
				}
				if n >= 40 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of 50 entries written after 5 s with a full queue; want at least 40", n)
				}
			}
		})
	}
}

// groupFailing is a real store whose next n updates are rolled back after
// their work is done, as a commit that fails would be.
type groupFailing struct {
	core.Store
	fail   atomic.Int32
	failed atomic.Int32
}

var errGroupFailed = errors.New("the group's transaction failed")

func (s *groupFailing) Update(ctx context.Context, fn func(core.Tx) error) error {
	if s.fail.Load() > 0 {
		s.fail.Add(-1)
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errGroupFailed
		})
		s.failed.Add(1)
		return err
	}
	return s.Store.Update(ctx, fn)
}

// TestAuditWriterKeepsOnlyCommittedHashes: the grouped writer remembers
// the tree hashes of its committed groups between groups. Entries appended
// by another transaction in between, and a group whose transaction fails
// after its hashes were computed, must leave the chain and the Merkle tree
// whole: the failed group's places are then taken by another
// transaction's entries, whose hashes differ, so a writer that remembered
// the failed group's hashes would build the next group's tree on them.
func TestAuditWriterKeepsOnlyCommittedHashes(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			real := b.Open(t)
			st := &groupFailing{Store: real}
			w := audit.NewWriter(st, nil, 100, time.Millisecond)
			defer w.Close()
			add := func(n int, what string) {
				for i := range n {
					if err := w.Add(context.Background(), audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, what, audit.OK, fmt.Sprintf("rec-%d", i))); err != nil {
						t.Fatal(err)
					}
				}
			}
			waitFor := func(what string, done func() bool) {
				for deadline := time.Now().Add(5 * time.Second); !done(); time.Sleep(5 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("waited 5 s for %s", what)
					}
				}
			}
			entries := func() int64 { n, _ := verifyChain(t, real); return n }

			add(5, "screen.person")
			waitFor("the first group", func() bool { return entries() == 5 })
			others := []*core.AuditEntry{audit.Entry(core.Viewer{System: true}, "record.update", audit.OK, "rec-x"), audit.Entry(core.Viewer{System: true}, "record.update", audit.OK, "rec-y")}
			if err := real.Update(context.Background(), func(tx core.Tx) error { return audit.Append(tx, others...) }); err != nil {
				t.Fatal(err)
			}
			st.fail.Store(1)
			add(4, "screen.document")
			waitFor("the failed group", func() bool { return st.failed.Load() == 1 })
			// Another transaction takes the failed group's places.
			var changes []*core.AuditEntry
			for i := range 5 {
				changes = append(changes, audit.Entry(core.Viewer{System: true}, "notice.update", audit.OK, fmt.Sprintf("notice-%d", i)))
			}
			if err := real.Update(context.Background(), func(tx core.Tx) error { return audit.Append(tx, changes...) }); err != nil {
				t.Fatal(err)
			}
			add(6, "screen.account")
			waitFor("the group after them", func() bool { return entries() == 18 })
			add(9, "screen.person")
			w.Close()
			if n, err := verifyChain(t, real); err != nil || n != 27 {
				t.Fatalf("chain of %d entries, err %v; want 27 (5 + 2 + 5 + 6 + 9; the failed group's 4 lost)", n, err)
			}
		})
	}
}
