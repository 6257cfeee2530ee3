package assembly

import (
	"path/filepath"
	"sync"
	"testing"
)

// TestKEKCreatedByReplicasStartingTogether: every replica loads the same
// KEK file, created on first start (--assembly-key defaults to
// assembly.kek in --data). Replicas starting at the same moment on a
// shared volume all find no file: each of them starts, with the one key
// that won, and none reads a file before its key is written in it.
func TestKEKCreatedByReplicasStartingTogether(t *testing.T) {
	for attempt := 0; attempt < 20; attempt++ {
		path := filepath.Join(t.TempDir(), "assembly.kek")
		const replicas = 8
		var wg sync.WaitGroup
		ids := make([]string, replicas)
		errs := make([]error, replicas)
		start := make(chan struct{})
		for i := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				k, _, err := LoadOrCreateKEK(path)
				if err == nil {
					ids[i] = k.ID()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("attempt %d: replica %d of %d starting together refuses to start: %v", attempt, i, replicas, err)
			}
			if ids[i] != ids[0] {
				t.Fatalf("attempt %d: replicas hold different KEKs %s and %s", attempt, ids[0], ids[i])
			}
		}
	}
}
