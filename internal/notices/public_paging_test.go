package notices

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestPublicPagesNewestFirst: the public list reads newest first and keeps
// only the page asked for while counting the rest (it held every match,
// up to 100,000 extracts, to cut a page of 20 from them). Across reading
// batches, with extracts not public between them, each public one is on
// exactly one page, newest first, and the total is theirs.
func TestPublicPagesNewestFirst(t *testing.T) {
	defer func(n int) { publicBatch = n }(publicBatch)
	publicBatch = 7
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st)
			base := time.Now().UTC().Add(-time.Hour)
			var public []string
			for i := range 31 {
				consent := i%5 != 2 // every fifth kept off the public site
				id := uuid.Must(uuid.NewV7()).String()
				r := &core.Record{ID: id, Kind: core.KindNotice, Owner: "MA", Status: core.StatusActive, Version: 1,
					Releasability: core.Releasability{Mode: core.ReleaseAll}, Caveats: []string{},
					ReviewDate: base.AddDate(5, 0, 0), RetainUntil: base.AddDate(5, 0, 0),
					Data:      []byte(`{"notice_type":"yellow","name":"FICTIF","forenames":"Personne"}`),
					CreatedAt: base, CreatedBy: "user:x", UpdatedAt: base, UpdatedBy: "user:x"}
				exp := base.AddDate(1, 0, 0)
				n := &core.Notice{ID: id, Type: TypeYellow, State: core.NoticePublished, Revision: 1, PublicExtract: consent,
					EntityID: "2026/" + string(rune('A'+i)), ExpiresAt: &exp, CreatedAt: base, UpdatedAt: base}
				err := st.Update(ctx, func(tx core.Tx) error {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
					return tx.InsertNotice(n)
				})
				if err != nil {
					t.Fatal(err)
				}
				if consent {
					public = append(public, id)
				}
			}
			slices.Reverse(public)
			var got []string
			for page := 1; page <= 8; page++ {
				views, total, err := s.Public(ctx, PublicQuery{Type: TypeYellow, Page: page, PerPage: 4}, "192.0.2.1")
				if err != nil {
					t.Fatal(err)
				}
				if total != len(public) {
					t.Fatalf("page %d: total %d, want %d", page, total, len(public))
				}
				want := min(4, max(0, len(public)-(page-1)*4))
				if len(views) != want {
					t.Fatalf("page %d: %d extracts, want %d", page, len(views), want)
				}
				for _, v := range views {
					got = append(got, v.Notice.ID)
				}
			}
			if !slices.Equal(got, public) {
				t.Fatalf("pages, newest first:\n got %v\nwant %v", got, public)
			}
		})
	}
}
