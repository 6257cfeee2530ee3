package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// GetRecords (the screening's read before disclosure) returns what
// GetRecord returns for each id that exists, whatever the count up to
// core.MaxRecordsRead, ids repeated or missing, and refuses more.
func TestGetRecords(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			var recs []*core.Record
			for i := range 40 {
				status := core.StatusActive
				if i%7 == 3 {
					status = core.StatusCancelled
				}
				recs = append(recs, NewRecord("MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}, status))
			}
			update(t, st, func(tx core.Tx) error {
				for _, r := range recs {
					if err := tx.InsertRecord(r); err != nil {
						return err
					}
				}
				return nil
			})
			want := map[string]*core.Record{}
			view(t, st, func(tx core.Tx) error {
				for _, r := range recs {
					got, err := tx.GetRecord(r.ID)
					if err != nil {
						return err
					}
					want[r.ID] = got
				}
				return nil
			})
			var rr core.RecordsReader = st
			for _, n := range []int{1, 2, 3, 5, 16, 17, 31, 32} {
				ids := []string{"no-such-record"}
				for _, r := range recs[:n-1] {
					ids = append(ids, r.ID)
				}
				if n > 2 {
					ids[n-1] = ids[1] // repeated
				}
				got, err := rr.GetRecords(context.Background(), ids)
				if err != nil {
					t.Fatalf("%d ids: %v", n, err)
				}
				var gotIDs, wantIDs []string
				for _, rec := range got {
					gotIDs = append(gotIDs, rec.ID)
					if !reflect.DeepEqual(rec, want[rec.ID]) {
						t.Fatalf("%d ids: record %s reads\n%+v\nnot as GetRecord reads it\n%+v", n, rec.ID, rec, want[rec.ID])
					}
				}
				for _, id := range ids {
					if want[id] != nil && !slices.Contains(wantIDs, id) {
						wantIDs = append(wantIDs, id)
					}
				}
				slices.Sort(gotIDs)
				slices.Sort(wantIDs)
				if !slices.Equal(gotIDs, wantIDs) {
					t.Fatalf("%d ids: read %v, want %v", n, gotIDs, wantIDs)
				}
			}
			if got, err := rr.GetRecords(context.Background(), nil); err != nil || len(got) != 0 {
				t.Fatalf("no ids: %v, %v", got, err)
			}
			many := make([]string, core.MaxRecordsRead+1)
			for i := range many {
				many[i] = recs[i].ID
			}
			if _, err := rr.GetRecords(context.Background(), many); core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("%d ids: %v, want invalid", len(many), err)
			}
		})
	}
}
