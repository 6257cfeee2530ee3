package notices

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestSweepOrphans: files no attachment names are removed once older than
// the grace, and only they: a fresh orphan (an upload in progress on
// another replica), a referenced file however old, and anything the
// service does not write stay.
func TestSweepOrphans(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st)
			root := t.TempDir()
			s.AttachmentDir = filepath.Join(root, "attachments")
			// Before the first upload the folder may not exist yet.
			if removed, err := s.SweepOrphans(ctx); err != nil || removed != 0 {
				t.Fatalf("sweep of a folder not made yet: %d, %v", removed, err)
			}
			ma := officer("MA")
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Attach(ctx, ma, n.Notice.ID, "tyre.jpg", "", testJPEG(1, 100))
			if err != nil {
				t.Fatal(err)
			}
			long := time.Now().Add(-2 * time.Hour)
			age := func(path string, at time.Time) {
				t.Helper()
				if err := os.Chtimes(path, at, at); err != nil {
					t.Fatal(err)
				}
			}
			// write stores content as writeFile would, as a transaction
			// that failed after it left it.
			write := func(content []byte, at time.Time) string {
				t.Helper()
				sum := sha256.Sum256(content)
				h := hex.EncodeToString(sum[:])
				path := filepath.Join(s.AttachmentDir, h[:2], h)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, content, 0o600); err != nil {
					t.Fatal(err)
				}
				age(path, at)
				return path
			}
			referenced := filepath.Join(s.AttachmentDir, a.SHA256[:2], a.SHA256)
			age(referenced, long)
			orphan := write(testJPEG(2, 100), long)
			fresh := write(testJPEG(3, 100), time.Now())
			staleTemp := filepath.Join(filepath.Dir(orphan), ".upload-123456")
			os.WriteFile(staleTemp, []byte("partial"), 0o600)
			age(staleTemp, long)
			// Names the service never writes, however old: left alone.
			var others []string
			for _, p := range []string{
				filepath.Join(s.AttachmentDir, "README"),
				filepath.Join(s.AttachmentDir, a.SHA256[:2], "notes.txt"),
				filepath.Join(s.AttachmentDir, a.SHA256[:2], ".upload-x"),
				filepath.Join(s.AttachmentDir, "zz", a.SHA256),
				filepath.Join(s.AttachmentDir, a.SHA256[:2], strings.ToUpper(a.SHA256)),
				filepath.Join(s.AttachmentDir, a.SHA256[:2], a.SHA256[:63]),
			} {
				os.MkdirAll(filepath.Dir(p), 0o700)
				if err := os.WriteFile(p, []byte("kept"), 0o600); err != nil {
					t.Fatal(err)
				}
				age(p, long)
				others = append(others, p)
			}
			// A link to an old orphan outside the folder: neither it nor
			// its target is removed.
			outside := write(testJPEG(4, 100), long)
			target := filepath.Join(root, "outside.jpg")
			if err := os.Rename(outside, target); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, outside); err != nil {
				t.Fatal(err)
			}
			others = append(others, outside, target)

			removed, err := s.SweepOrphans(ctx)
			if err != nil || removed != 2 {
				t.Fatalf("swept %d, %v; want the old orphan and the stale temporary file", removed, err)
			}
			for _, p := range []string{orphan, staleTemp} {
				if _, err := os.Lstat(p); !os.IsNotExist(err) {
					t.Errorf("%s was not swept: %v", p, err)
				}
			}
			for _, p := range append([]string{referenced, fresh}, others...) {
				if _, err := os.Lstat(p); err != nil {
					t.Errorf("%s was swept: %v", p, err)
				}
			}
			if got, err := s.Attachment(ctx, ma, n.Notice.ID, a.ID); err != nil || len(got.Content) != 100+11 {
				t.Fatalf("the referenced attachment after the sweep: %v", err)
			}
			if removed, err := s.SweepOrphans(ctx); err != nil || removed != 0 {
				t.Fatalf("second sweep: %d, %v", removed, err)
			}
		})
	}
}

// TestSweepOrphansReupload: an old orphan whose bytes are uploaded again
// is referenced by the new attachment, and the upload makes it new, so a
// sweep between the file check and the row (another replica's) keeps it.
func TestSweepOrphansReupload(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := New(b.Open(t))
			s.AttachmentDir = t.TempDir()
			ma := officer("MA")
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			jpeg := testJPEG(5, 100)
			sum := sha256.Sum256(jpeg)
			h := hex.EncodeToString(sum[:])
			path := filepath.Join(s.AttachmentDir, h[:2], h)
			os.MkdirAll(filepath.Dir(path), 0o700)
			os.WriteFile(path, jpeg, 0o600)
			long := time.Now().Add(-2 * time.Hour)
			os.Chtimes(path, long, long)
			if err := s.writeFile(&core.Attachment{SHA256: h, Content: jpeg}); err != nil {
				t.Fatal(err)
			}
			// The row is not there yet: the upload's transaction is open.
			if removed, err := s.SweepOrphans(ctx); err != nil || removed != 0 {
				t.Fatalf("swept %d, %v: the file an upload is about to name", removed, err)
			}
			a, err := s.Attach(ctx, ma, n.Notice.ID, "again.jpg", "", jpeg)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.Attachment(ctx, ma, n.Notice.ID, a.ID); err != nil || string(got.Content) != string(jpeg) {
				t.Fatalf("read after the sweep: %v", err)
			}
		})
	}
}
