package storetest

import (
	"context"
	"fmt"
	"sync"
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
