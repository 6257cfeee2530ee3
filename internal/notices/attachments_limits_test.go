package notices

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAttachmentCountBounded: a notice takes at most MaxAttachments
// attachments, however small, since every read of it lists them all; the
// next is refused as too large (413, as past the byte total), its file
// field naming the count and the limit.
func TestAttachmentCountBounded(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := New(b.Open(t))
			ma := officer("MA")
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in crates"}`)})
			if err != nil {
				t.Fatal(err)
			}
			for i := range MaxAttachments {
				if _, err := s.Attach(ctx, ma, n.Notice.ID, "crate.jpg", "", testJPEG(i, 60)); err != nil {
					t.Fatalf("attachment %d of %d: %v", i+1, MaxAttachments, err)
				}
			}
			_, err = s.Attach(ctx, ma, n.Notice.ID, "crate.jpg", "", testJPEG(MaxAttachments, 60))
			var e *core.Error
			if !errors.As(err, &e) || e.Code != core.ETOOLARGE || len(e.Fields) != 1 {
				t.Fatalf("attachment %d: %v; want %s with one field", MaxAttachments+1, err, core.ETOOLARGE)
			}
			want := []string{strconv.Itoa(MaxAttachments + 1), strconv.Itoa(MaxAttachments)}
			if fe := e.Fields[0]; fe.Field != "file" || fe.Code != "too_many_files" || !slices.Equal(fe.Params, want) {
				t.Errorf("field error %+v; want file, too_many_files %v", fe, want)
			}
			v, err := s.Get(ctx, ma, n.Notice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Attachments) != MaxAttachments {
				t.Errorf("the notice lists %d attachments; want %d", len(v.Attachments), MaxAttachments)
			}
		})
	}
}

// TestSweepMarkMustBeRegularFile: a .manara-store that is not a regular
// file (a dangling symbolic link, which reads as absent yet cannot be
// linked over, or a folder) stops the sweep at once with an error naming
// it, and nothing is removed.
func TestSweepMarkMustBeRegularFile(t *testing.T) {
	for _, kind := range []string{"dangling link", "folder"} {
		t.Run(kind, func(t *testing.T) {
			b := storetest.Backends(t)[0]
			s, kept, orphan := folderWithOrphan(t, b)
			mark := filepath.Join(s.AttachmentDir, folderMark)
			var err error
			if kind == "folder" {
				err = os.Mkdir(mark, 0o700)
			} else {
				err = os.Symlink(filepath.Join(t.TempDir(), "gone", "mark"), mark)
			}
			if err != nil {
				t.Skip(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			removed, err := s.SweepOrphans(ctx)
			if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), mark) || !strings.Contains(err.Error(), "must be a regular file") {
				t.Fatalf("sweep: %v; want an error naming %s as not a regular file", err, mark)
			}
			if removed != 0 {
				t.Errorf("removed %d files", removed)
			}
			for _, p := range []string{kept, orphan} {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s: %v", p, err)
				}
			}
		})
	}
}
