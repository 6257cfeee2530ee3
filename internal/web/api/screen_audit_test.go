package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A screening that makes or repeats a hit is audited in the hit's own
// transaction: its entry comes right before the hit's, so that a new hit
// costs one commit. One that makes none is audited on its own. Either way
// every screening has exactly one entry.
func TestScreeningAuditedWithItsHit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			person := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"given_names": "Zoubir", "family_name": "Ouazzanith", "date_of_birth": "1971"}})

			entries := func(want func([]core.AuditEntry) bool) []core.AuditEntry {
				t.Helper()
				var es []core.AuditEntry
				for deadline := time.Now().Add(5 * time.Second); ; {
					if err := f.Store.View(context.Background(), func(tx core.Tx) (err error) {
						es, err = tx.AuditEntries(0, 10_000)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					if want(es) || time.Now().After(deadline) {
						return es
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			screenings := func(es []core.AuditEntry) (out []core.AuditEntry) {
				for _, e := range es {
					if e.Action == "screen.person" {
						out = append(out, e)
					}
				}
				return out
			}
			// The entry right after the screening of this record.
			after := func(es []core.AuditEntry, s core.AuditEntry) string {
				for i, e := range es {
					if e.Seq == s.Seq && i+1 < len(es) {
						return es[i+1].Action
					}
				}
				return ""
			}

			ctx := map[string]string{"border_post": "Algeciras"}
			if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Zoubir Ouazzanith", "context": ctx}, fr)); len(hs) != 1 || hs[0].Reference == "" {
				t.Fatalf("new hit: %+v", hs)
			}
			// The new hit was answered once durable: its screening is there already.
			es := entries(func([]core.AuditEntry) bool { return true })
			sc := screenings(es)
			if len(sc) != 1 || len(sc[0].RecordIDs) != 1 || sc[0].RecordIDs[0] != person.ID || after(es, sc[0]) != "hit.create" {
				t.Fatalf("after a new hit, the screenings audited are %+v (then %q)", sc, after(es, sc[0]))
			}
			if !strings.Contains(sc[0].Query, "Zoubir Ouazzanith") || sc[0].Outcome != "ok" || sc[0].Bureau != "FR" {
				t.Fatalf("screening entry: %+v", sc[0])
			}

			// A repeat is answered from memory; its screening is written
			// with the repeat, in the background.
			if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Zoubir Ouazzanith", "context": ctx}, fr)); len(hs) != 1 {
				t.Fatalf("repeat: %+v", hs)
			}
			es = entries(func(es []core.AuditEntry) bool { return len(screenings(es)) == 2 })
			sc = screenings(es)
			if len(sc) != 2 || after(es, sc[1]) != "hit.repeat" {
				t.Fatalf("after a repeat, the screenings audited are %+v (then %q)", sc, after(es, sc[len(sc)-1]))
			}

			// A miss has its own entry, naming no record.
			if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Ilse Vandermaaten"}, fr)); len(hs) != 0 {
				t.Fatalf("miss: %+v", hs)
			}
			es = entries(func(es []core.AuditEntry) bool { return len(screenings(es)) == 3 })
			if sc = screenings(es); len(sc) != 3 || len(sc[2].RecordIDs) != 0 || !strings.Contains(sc[2].Query, "Vandermaaten") {
				t.Fatalf("after a miss, the screenings audited are %+v", sc)
			}
			// And nothing twice, however long the writers run.
			time.Sleep(50 * time.Millisecond)
			if sc = screenings(entries(func([]core.AuditEntry) bool { return true })); len(sc) != 3 {
				t.Fatalf("%d screening entries for 3 screenings", len(sc))
			}
		})
	}
}
