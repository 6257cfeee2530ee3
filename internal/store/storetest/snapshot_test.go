package storetest

import (
	"testing"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// A view reads one snapshot: what commits while it runs is not seen by
// its later statements. Checking the audit log beside the writer relies
// on it (the head read first must cover the entries read after it): at
// PostgreSQL's read committed, the check called a live log altered.
func TestViewIsOneSnapshot(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			appendOne := func() {
				t.Helper()
				update(t, st, func(tx core.Tx) error {
					return audit.Append(tx, audit.Entry(core.Viewer{Bureau: "MA", KeyID: "k"}, "screen.person", audit.OK))
				})
			}
			appendOne()
			view(t, st, func(tx core.Tx) error {
				before, err := tx.AuditHead()
				if err != nil {
					return err
				}
				appendOne() // another connection commits meanwhile
				after, err := tx.AuditHead()
				if err != nil {
					return err
				}
				if after != before {
					t.Errorf("the head moved inside one view: %+v then %+v", before, after)
				}
				es, err := tx.AuditEntries(0, 10)
				if err != nil {
					return err
				}
				if len(es) != 1 {
					t.Errorf("the view sees %d entries, want the 1 of its snapshot", len(es))
				}
				r, err := audit.Check(tx, nil)
				if err != nil || r.Entries != 1 {
					t.Errorf("check inside the view: %d entries, %v; want 1, nil", r.Entries, err)
				}
				return nil
			})
			if n, err := verifyChain(t, st); err != nil || n != 2 {
				t.Fatalf("after the view: %d entries, %v; want 2", n, err)
			}
		})
	}
}
