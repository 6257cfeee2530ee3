package hits_test

import (
	"context"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A match may carry the record as the caller read it: the hit is made
// from it only while it is still the stored version. A record cancelled
// (or changed) since is read again, and a cancelled one makes no hit; one
// deleted makes none either.
func TestMatchCarriesTheRecordRead(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			other := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
			if err := st.Update(ctx, func(tx core.Tx) error {
				if err := tx.InsertRecord(rec); err != nil {
					return err
				}
				return tx.InsertRecord(other)
			}); err != nil {
				t.Fatal(err)
			}
			read := *rec // what the screening read
			svc := hits.New(st)
			es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
			sg := func(subject string, r *core.Record) []hits.Sighting {
				return []hits.Sighting{{Type: "person", Subject: subject, Query: subject,
					Matches: []hits.Match{{RecordID: r.ID, Score: 0.95, Label: "x", Record: r}}}}
			}
			out, err := svc.Record(ctx, es, sg("a", &read))
			if err != nil || len(out[0]) != 1 || out[0][0].Owner != "MA" || out[0][0].RecordKind != rec.Kind {
				t.Fatalf("a match on the stored version: %+v, %v", out, err)
			}

			// Cancelled after the screening read it: no hit.
			cancelled := *rec
			cancelled.Status, cancelled.Version = core.StatusCancelled, rec.Version+1
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.UpdateRecord(&cancelled) }); err != nil {
				t.Fatal(err)
			}
			if out, err = svc.Record(ctx, es, sg("b", &read)); err != nil || len(out[0]) != 0 {
				t.Fatalf("a match on a record cancelled since it was read made %+v, %v", out, err)
			}

			// The version check itself: the stored one, and none for a record that is not there.
			if err := st.View(ctx, func(tx core.Tx) error {
				if v, err := tx.RecordVersion(rec.ID); err != nil || v != rec.Version+1 {
					t.Errorf("RecordVersion = %d, %v; want %d", v, err, rec.Version+1)
				}
				if _, err := tx.RecordVersion("no-such-record"); core.ErrorCode(err) != core.ENOTFOUND {
					t.Errorf("RecordVersion of nothing: %v, want %s", err, core.ENOTFOUND)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			// A copy that claims the stored version but another id is not taken for it.
			wrong := *other
			wrong.ID = rec.ID + "-x"
			if out, err = svc.Record(ctx, es, []hits.Sighting{{Type: "person", Subject: "c", Query: "c",
				Matches: []hits.Match{{RecordID: other.ID, Score: 0.95, Label: "x", Record: &wrong}}}}); err != nil || len(out[0]) != 1 || out[0][0].RecordID != other.ID {
				t.Fatalf("a match whose record copy names another id: %+v, %v", out, err)
			}
		})
	}
}
