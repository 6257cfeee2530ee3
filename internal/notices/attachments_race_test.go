package notices

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func testJPEG(i int, size int) []byte {
	b := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, size)...)
	b[len(b)-1] = byte(i)
	b[len(b)-2] = byte(i >> 8)
	return b
}

// TestAttachmentTotalUnderConcurrency: the per-notice total
// ("25 MiB per notice") must hold when the owner uploads several files at
// once, on both stores. Attach reads the notice's used bytes without a lock
// and inserts after, so concurrent uploads on PostgreSQL (read committed)
// each see the old total and all succeed.
func TestAttachmentTotalUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st)
			const size = 1000
			s.MaxNoticeAttachments = 3 * (size + 11) // room for three
			ma := officer("MA")
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for i := range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Attach(ctx, ma, n.Notice.ID, "p.jpg", "", testJPEG(i, size)); err == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			var used int64
			st.View(ctx, func(tx core.Tx) error { used, err = tx.AttachmentBytes(n.Notice.ID); return err })
			if ok > 3 || used > s.MaxNoticeAttachments {
				t.Fatalf("%d concurrent uploads accepted, the notice holds %d bytes; the limit is %d (three files)", ok, used, s.MaxNoticeAttachments)
			}
		})
	}
}

// TestAttachmentFolderReuploadAfterDamage: with --attachments-dir,
// writeFile skips writing when a file of that hash already exists, without
// checking it. Once a file is damaged, every new upload of the same bytes is
// acknowledged (201) but can never be read back: an acknowledged write that
// is lost.
func TestAttachmentFolderReuploadAfterDamage(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	s := New(st)
	s.AttachmentDir = t.TempDir()
	ma := officer("MA")
	n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
	if err != nil {
		t.Fatal(err)
	}
	jpeg := testJPEG(1, 100)
	a, err := s.Attach(ctx, ma, n.Notice.ID, "tyre.jpg", "", jpeg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.AttachmentDir, a.SHA256[:2], a.SHA256)
	if err := os.WriteFile(path, []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The owner sees the photo does not load and uploads it again.
	a2, err := s.Attach(ctx, ma, n.Notice.ID, "tyre.jpg", "", jpeg)
	if err != nil {
		t.Fatalf("re-upload refused: %v", err)
	}
	got, err := s.Attachment(ctx, ma, n.Notice.ID, a2.ID)
	if err != nil || string(got.Content) != string(jpeg) {
		t.Fatalf("the re-uploaded attachment was acknowledged but cannot be read: %v", err)
	}
}
