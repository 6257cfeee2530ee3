package storetest

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// TestAuditTreeHashLength: a stored tree hash that is not 32 bytes long (a
// row damaged in the database) is reported as a problem naming the row,
// its column, the length found and the one expected, and the entry it is
// the leaf of, rather than as a bare error of the store; the proofs built
// from it fail with the same words.
func TestAuditTreeHashLength(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("a leaf", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				idx := tlog.StoredHashIndex(0, 6)
				rawExec(t, st, `UPDATE audit_tree SET hash = ? WHERE idx = ?`, []byte{1, 2, 3, 4, 5}, idx)
				r, err := check(t, st, nil)
				var p *audit.Problem
				if !errors.As(err, &p) {
					t.Fatalf("Check = %v (%T), want a problem at entry 7", err, err)
				}
				for _, want := range []string{"audit_tree row " + strconv.FormatInt(idx, 10), "column hash", "5 bytes", "want 32"} {
					if p.Seq != 7 || !strings.Contains(p.Reason, want) {
						t.Fatalf("Check reports entry %d: %s; want entry 7: …%s…", p.Seq, p.Reason, want)
					}
				}
				if r.Entries != 6 {
					t.Fatalf("%d intact entries before it, want 6", r.Entries)
				}
				t.Logf("detected: %v", p)
			})
			t.Run("an inner hash", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				idx := tlog.StoredHashIndex(3, 0) // over entries 1 to 8
				rawExec(t, st, `UPDATE audit_tree SET hash = ? WHERE idx = ?`, make([]byte, 40), idx)
				r, err := check(t, st, nil)
				var p *audit.Problem
				if !errors.As(err, &p) {
					t.Fatalf("Check = %v (%T), want a problem of the tree", err, err)
				}
				for _, want := range []string{"entries 1 to 8", "audit_tree row " + strconv.FormatInt(idx, 10), "column hash", "40 bytes", "want 32"} {
					if p.Seq != 0 || !strings.Contains(p.Reason, want) {
						t.Fatalf("Check reports entry %d: %s; want the log: …%s…", p.Seq, p.Reason, want)
					}
				}
				if r.Entries != 10 {
					t.Fatalf("%d intact entries, want 10", r.Entries)
				}
				t.Logf("detected: %v", p)
				// A proof that needs the row names it too.
				var perr error
				view(t, st, func(tx core.Tx) error { _, perr = audit.ProveInclusion(tx, 9, 10); return nil })
				if perr == nil || !strings.Contains(perr.Error(), "audit_tree row "+strconv.FormatInt(idx, 10)) || !strings.Contains(perr.Error(), "40 bytes") {
					t.Fatalf("inclusion proof over the damaged row: %v", perr)
				}
			})
		})
	}
}
