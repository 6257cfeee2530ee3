package reports

import (
	"context"
	"errors"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAdditionFilesFullNamesFiles: a report holds at most MaxReportFiles
// files over its life. A file past that is refused on attachments, with
// the count and the limit (too_many_files), nothing of the addition kept;
// the report still takes text, and "additions_full" stays for a report
// that holds MaxAdditions additions.
func TestAdditionFilesFullNamesFiles(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			png := func(i int) Attachment {
				return Attachment{Name: "shot.png", Content: append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), byte(i), 1, 2, 3)}
			}
			batch := func(from int) []Attachment {
				var out []Attachment
				for i := range MaxAttachments {
					out = append(out, png(from+i))
				}
				return out
			}
			rc := submit(t, s, Input{Attachments: batch(0)})
			if _, err := s.Add(ctx, public, rc.Receipt, rc.Secret, AddInput{Attachments: batch(10)}); err != nil {
				t.Fatalf("second batch of files: %v", err)
			}
			_, err := s.Add(ctx, public, rc.Receipt, rc.Secret, AddInput{Text: "the same number called again", Attachments: []Attachment{png(99)}})
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.EINVALID || len(ce.Fields) != 1 {
				t.Fatalf("an eleventh file: %v", err)
			}
			if f := ce.Fields[0]; f.Field != "attachments" || f.Code != "too_many_files" || len(f.Params) != 2 || f.Params[0] != "11" || f.Params[1] != "10" {
				t.Errorf("an eleventh file is refused as %+v; want attachments, too_many_files, [11 10]", f)
			}
			st, err := s.Follow(ctx, public, rc.Receipt, rc.Secret)
			if err != nil {
				t.Fatal(err)
			}
			if st.Additions != 0 || st.Files != MaxReportFiles {
				t.Errorf("after the refusal the report holds %d texts added and %d files; want none of the refused text, and %d", st.Additions, st.Files, MaxReportFiles)
			}
			if _, err := s.Add(ctx, public, rc.Receipt, rc.Secret, AddInput{Text: "the same number called again"}); err != nil {
				t.Fatalf("text alone after the refusal: %v", err)
			}
		})
	}
}
