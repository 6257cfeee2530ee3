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
