package agreements_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
)

// TestDocumentLimitUnderConcurrency: "documents … 20 per agreement" holds
// when the owner uploads several at once. Attach counts the agreement's
// documents and inserts after; on PostgreSQL (read committed) uploads
// running together would each count the others out and all fit, unless
// they take turns (LockName on the agreement) before counting.
func TestDocumentLimitUnderConcurrency(t *testing.T) {
	forEach(t, func(t *testing.T, st core.Store, svc *agreements.Service) {
		ctx := context.Background()
		ma := officer("MA")
		for round := range 3 {
			a, err := svc.Create(ctx, ma, mou(core.AgreementPublic))
			if err != nil {
				t.Fatal(err)
			}
			// Two places left: the uploads below race for them.
			for i := range agreements.MaxDocuments - 2 {
				if _, err := svc.Attach(ctx, ma, a.ID, "fr", fmt.Sprintf("pre-%d.pdf", i), pdf); err != nil {
					t.Fatal(err)
				}
			}
			const workers = 16
			start := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for i := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, err := svc.Attach(ctx, ma, a.ID, "en", fmt.Sprintf("race-%d.pdf", i), pdf)
					switch {
					case err == nil:
						mu.Lock()
						ok++
						mu.Unlock()
					case core.ErrorCode(err) != core.ETOOLARGE:
						t.Errorf("attach %d: %v", i, err)
					}
				}()
			}
			close(start)
			wg.Wait()
			var n int
			if err := st.View(ctx, func(tx core.Tx) error {
				ds, err := tx.AgreementDocuments(a.ID)
				n = len(ds)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if ok > 2 || n > agreements.MaxDocuments {
				t.Fatalf("round %d: %d of %d concurrent uploads accepted for 2 places; the agreement holds %d documents, the limit is %d", round, ok, workers, n, agreements.MaxDocuments)
			}
		}
	})
}
