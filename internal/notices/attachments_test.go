package notices

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func officer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, Role: core.RoleOfficer, UserID: "u-" + bureau, Permissions: core.RolePermissions(core.RoleOfficer)}
}

// TestAttachmentFolder keeps attachments' bytes in a configured folder:
// the store holds the description only, reads come from the file, and a
// file altered behind Manara's back is refused.
func TestAttachmentFolder(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st)
			s.AttachmentDir = t.TempDir()
			ma := officer("MA")
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 100)...)
			a, err := s.Attach(ctx, ma, n.Notice.ID, "tyre.jpg", "", jpeg)
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentType != "image/jpeg" || a.Role != RolePhoto {
				t.Fatalf("attachment: %+v", a)
			}
			path := filepath.Join(s.AttachmentDir, a.SHA256[:2], a.SHA256)
			if b, err := os.ReadFile(path); err != nil || string(b) != string(jpeg) {
				t.Fatalf("file %s: %v", path, err)
			}
			st.View(ctx, func(tx core.Tx) error {
				row, err := tx.GetAttachment(n.Notice.ID, a.ID)
				if err != nil || len(row.Content) != 0 || row.Size != int64(len(jpeg)) {
					t.Fatalf("row: %+v %v", row, err)
				}
				return nil
			})
			got, err := s.Attachment(ctx, ma, n.Notice.ID, a.ID)
			if err != nil || string(got.Content) != string(jpeg) {
				t.Fatalf("read: %v", err)
			}
			if _, err := s.Attachment(ctx, officer("FR"), n.Notice.ID, a.ID); core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("another bureau reads a draft's attachment: %v", err)
			}
			os.WriteFile(path, []byte("altered"), 0o600)
			if _, err := s.Attachment(ctx, ma, n.Notice.ID, a.ID); err == nil {
				t.Fatal("an altered file was served")
			}
		})
	}
}
