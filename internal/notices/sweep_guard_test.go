package notices

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestSweepKeepsAnotherStoresFolder: a server started by mistake with
// another database (here a new one) against a folder in use finds every
// file in it unreferenced; the sweep must not empty the folder. The first
// sweep by the store that names its files marks the folder as that
// store's (.manara-store, the hash of its first audit entry); another
// store is refused from then on, with the reason.
func TestSweepKeepsAnotherStoresFolder(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "attachments")
			mine, other, empty := New(b.Open(t)), New(b.Open(t)), New(b.Open(t))
			for _, s := range []*Service{mine, other, empty} {
				s.AttachmentDir = dir
			}
			ma := officer("MA")
			for _, s := range []*Service{mine, other} {
				if _, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)}); err != nil {
					t.Fatal(err)
				}
			}
			n, err := mine.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"false bottoms"}`)})
			if err != nil {
				t.Fatal(err)
			}
			a, err := mine.Attach(ctx, ma, n.Notice.ID, "crate.jpg", "", testJPEG(7, 100))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, a.SHA256[:2], a.SHA256)
			long := time.Now().Add(-2 * time.Hour)
			if err := os.Chtimes(file, long, long); err != nil {
				t.Fatal(err)
			}
			mark := filepath.Join(dir, folderMark)
			kept := func(who string) {
				t.Helper()
				if _, err := os.Stat(file); err != nil {
					t.Fatalf("after %s's sweep the attachment's file is gone: %v", who, err)
				}
			}
			// The other store, before the folder is marked: refused, not
			// claimed.
			if removed, err := other.SweepOrphans(ctx); err == nil || removed != 0 || !strings.Contains(err.Error(), "names none of its files") {
				t.Fatalf("another store's first sweep: %d, %v", removed, err)
			}
			kept("another store")
			if _, err := os.Stat(mark); !os.IsNotExist(err) {
				t.Fatalf("another store marked the folder: %v", err)
			}
			// A store with no audit log at all cannot be told apart.
			if _, err := empty.SweepOrphans(ctx); err == nil || !strings.Contains(err.Error(), "no audit log") {
				t.Fatalf("a store with no audit log: %v", err)
			}
			kept("an empty store")
			// The owner's sweep keeps its file and marks the folder.
			if removed, err := mine.SweepOrphans(ctx); err != nil || removed != 0 {
				t.Fatalf("the owner's sweep: %d, %v", removed, err)
			}
			kept("the owner")
			if b, err := os.ReadFile(mark); err != nil || len(strings.TrimSpace(string(b))) != 64 {
				t.Fatalf("the folder's mark: %q, %v", b, err)
			}
			// From then on another store is refused by the mark.
			if removed, err := other.SweepOrphans(ctx); err == nil || removed != 0 || !strings.Contains(err.Error(), "belongs to another store") {
				t.Fatalf("another store's sweep of a marked folder: %d, %v", removed, err)
			}
			kept("another store")
			if removed, err := mine.SweepOrphans(ctx); err != nil || removed != 0 {
				t.Fatalf("the owner's second sweep: %d, %v", removed, err)
			}
		})
	}
}
