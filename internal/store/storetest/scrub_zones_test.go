package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
)

// TestMigrationScrubsZonesFromHits: document hits made from a
// machine-readable zone kept the zone (the traveller's name, birth date,
// sex and nationality) in their subject; migration 20 takes it out and
// leaves every other hit as it was. It is run twice (the schema row
// removed in between), as a restore may: the second run changes nothing.
func TestMigrationScrubsZonesFromHits(t *testing.T) {
	const zone = "P<MARZARHOUNI<<HAMID<<<<<<<<<<<<<<<<<<<<<<<<<QX44719024MAR7901011M3001013<<<<<<<<<<<<<<06"
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	hit := func(id, typ, subject string) *core.Hit {
		return &core.Hit{ID: id, Reference: "HIT-" + id, Version: 1, DedupKey: "key-" + id, RecordID: "rec-1", Owner: "FR", Searcher: "MA",
			Type: typ, Subject: subject, Query: "document by MRZ", Count: 1, FirstSeen: at, LastSeen: at,
			OwnerState: "new", SearcherState: "new", History: []core.HitStep{}}
	}
	want := map[string]string{
		"by-zone":   hits.Normalise("", "", "", ""),
		"by-both":   hits.Normalise("QX4471902", "MA", "", ""),
		"by-number": hits.Normalise("QX4471902", "MA", "passport", ""),
		"person":    hits.Normalise("Hamid Zarhouni", "1979-01-01", "M", "MA"),
	}
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			if err := st.Update(ctx, func(tx core.Tx) error {
				for _, h := range []*core.Hit{
					hit("by-zone", "document", hits.Normalise("", "", "", zone)),
					hit("by-both", "document", hits.Normalise("QX4471902", "MA", "", zone)),
					hit("by-number", "document", want["by-number"]),
					hit("person", "person", want["person"]),
				} {
					if err := tx.InsertHit(h); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for run := range 2 {
				rawExec(t, st, `DELETE FROM schema_migrations WHERE version = ?`, 20)
				if n, err := st.Migrate(ctx); err != nil || n != 1 {
					t.Fatalf("run %d: Migrate = %d, %v; want 1, nil", run, n, err)
				}
				if err := st.View(ctx, func(tx core.Tx) error {
					for id, subject := range want {
						h, err := tx.GetHit(id)
						if err != nil {
							return err
						}
						if h.Subject != subject {
							t.Errorf("run %d: hit %s subject %q, want %q", run, id, h.Subject, subject)
						}
						if h.DedupKey != "key-"+id || h.Query != "document by MRZ" || h.Owner != "FR" || !h.FirstSeen.Equal(at) {
							t.Errorf("run %d: hit %s changed beyond its subject: %+v", run, id, h)
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
