package notices

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/store/storetest"
)

// folderWithOrphan makes a store's notice with an attachment in a fresh
// folder, aged past the grace, and an old orphan beside it; it returns
// the service and the orphan's path.
func folderWithOrphan(t *testing.T, b storetest.Backend) (*Service, string, string) {
	t.Helper()
	ctx := context.Background()
	s := New(b.Open(t))
	s.AttachmentDir = filepath.Join(t.TempDir(), "attachments")
	ma := officer("MA")
	n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in crates"}`)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Attach(ctx, ma, n.Notice.ID, "crate.jpg", "", testJPEG(41, 100))
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-2 * time.Hour)
	kept := filepath.Join(s.AttachmentDir, a.SHA256[:2], a.SHA256)
	if err := os.Chtimes(kept, long, long); err != nil {
		t.Fatal(err)
	}
	content := testJPEG(42, 100)
	sum := sha256.Sum256(content)
	h := hex.EncodeToString(sum[:])
	orphan := filepath.Join(s.AttachmentDir, h[:2], h)
	if err := os.MkdirAll(filepath.Dir(orphan), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(orphan, long, long); err != nil {
		t.Fatal(err)
	}
	return s, kept, orphan
}

// TestSweepEmptyMarkIsNoMark: a mark left empty (a crash between creating
// .manara-store and writing it, as an earlier version did, or a full disk)
// does not stop the folder's own store from sweeping for ever: it is taken
// as no mark, and written whole.
func TestSweepEmptyMarkIsNoMark(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s, kept, orphan := folderWithOrphan(t, b)
			// What a crash or a failed write after O_EXCL leaves.
			if err := os.WriteFile(filepath.Join(s.AttachmentDir, folderMark), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			removed, err := s.SweepOrphans(ctx)
			if err != nil || removed != 1 {
				t.Errorf("the folder's own store's sweep with a half-written mark: %d removed, %v; want its orphan removed", removed, err)
			}
			if _, err := os.Stat(kept); err != nil {
				t.Errorf("the attachment's file: %v", err)
			}
			if _, err := os.Stat(orphan); err == nil {
				t.Errorf("the orphan is still there")
			}
		})
	}
}

// TestSweepReplicasMarkAtOnce: replicas of one store sweep the shared
// folder at the same moment (each sweeps at start). A replica must never
// read another's mark half-written and refuse its own store's folder: the
// mark is linked into place whole.
func TestSweepReplicasMarkAtOnce(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s, _, _ := folderWithOrphan(t, b)
			const replicas, rounds = 6, 60
			var bad []string
			for range rounds {
				os.Remove(filepath.Join(s.AttachmentDir, folderMark))
				var wg sync.WaitGroup
				var mu sync.Mutex
				start := make(chan struct{})
				for range replicas {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						if _, err := s.SweepOrphans(ctx); err != nil {
							mu.Lock()
							bad = append(bad, err.Error())
							mu.Unlock()
						}
					}()
				}
				close(start)
				wg.Wait()
				if len(bad) > 0 {
					break
				}
			}
			if len(bad) > 0 {
				t.Errorf("a replica of the same store was refused while another marked the folder: %s", bad[0])
			}
		})
	}
}
