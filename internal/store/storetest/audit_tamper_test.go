package storetest

// Tampering with the stored audit chain behind the application's back, with
// raw SQL, must be caught by audit.Verify on every backend, at the right
// entry.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// tamperCols is every column of audit_log but seq.
var tamperCols = []string{"at", "actor_type", "actor_id", "bureau", "action", "record_ids", "query", "remote", "outcome", "prev_hash", "hash"}

// seedChain appends ten entries, each in its own transaction. Entry 4 is a
// denial with a query, so that altering either is visible.
func seedChain(t *testing.T, st *sqlstore.Store) []core.AuditEntry {
	t.Helper()
	for i := 1; i <= 10; i++ {
		e := audit.Entry(viewer("FR", core.RoleOfficer), "record.read", audit.OK, NewRecord("FR", rel(core.ReleaseAll), core.StatusActive).ID)
		e.Query = "entry " + strings.Repeat("#", i)
		if i == 4 {
			e.Outcome, e.Query = audit.Denied, "kind=person q=secret"
		}
		update(t, st, func(tx core.Tx) error { return audit.Append(tx, e) })
	}
	if n, err := verifyChain(t, st); err != nil || n != 10 {
		t.Fatalf("Verify before tampering = %d, %v; want 10, nil", n, err)
	}
	return allAudit(t, st)
}

// wantProblem fails unless Verify reports a broken chain at seq.
func wantProblem(t *testing.T, st *sqlstore.Store, seq int64) {
	t.Helper()
	_, err := verifyChain(t, st)
	var p *audit.Problem
	if !errors.As(err, &p) {
		t.Fatalf("Verify = %v, want an *audit.Problem at entry %d", err, seq)
	}
	if p.Seq != seq {
		t.Fatalf("Verify reports entry %d (%s), want %d", p.Seq, p.Reason, seq)
	}
	t.Logf("detected: %v", p)
}

// rawRow reads the columns of one audit_log row as the driver returns them.
func rawRow(t *testing.T, st *sqlstore.Store, seq int64) []any {
	t.Helper()
	vals := make([]any, len(tamperCols))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	q := `SELECT ` + strings.Join(tamperCols, ", ") + ` FROM audit_log WHERE seq = ?`
	if err := st.DB().QueryRowContext(context.Background(), Rebind(st, q), seq).Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return vals
}

// writeRow overwrites every column but seq of one audit_log row.
func writeRow(t *testing.T, st *sqlstore.Store, seq int64, vals []any) {
	t.Helper()
	sets := make([]string, len(tamperCols))
	for i, c := range tamperCols {
		sets[i] = c + " = ?"
	}
	if n := rawExec(t, st, `UPDATE audit_log SET `+strings.Join(sets, ", ")+` WHERE seq = ?`, append(vals, seq)...); n != 1 {
		t.Fatalf("rewrote %d rows, want 1", n)
	}
}

func TestAuditTamper(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("altered outcome", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				if n := rawExec(t, st, `UPDATE audit_log SET outcome = 'ok' WHERE seq = 4`); n != 1 {
					t.Fatalf("updated %d rows", n)
				}
				wantProblem(t, st, 4)
			})
			t.Run("altered query", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_log SET query = ? WHERE seq = ?`, "kind=person", 4)
				wantProblem(t, st, 4)
			})
			t.Run("altered record ids", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_log SET record_ids = '[]' WHERE seq = 4`)
				wantProblem(t, st, 4)
			})
			t.Run("altered time", func(t *testing.T) {
				st := b.Open(t)
				es := seedChain(t, st)
				at := es[3].At.Add(-time.Hour)
				var arg any = at
				if st.Backend() == "sqlite" {
					arg = at.Format(audit.TimeFormat)
				}
				rawExec(t, st, `UPDATE audit_log SET at = ? WHERE seq = 4`, arg)
				wantProblem(t, st, 4)
			})
			t.Run("altered and rehashed", func(t *testing.T) {
				// Rewriting an entry together with its own hash leaves its
				// leaf in the Merkle tree, which names it.
				st := b.Open(t)
				es := seedChain(t, st)
				e := es[3]
				e.Outcome = audit.OK
				rawExec(t, st, `UPDATE audit_log SET outcome = ?, hash = ? WHERE seq = 4`, e.Outcome, audit.Hash(&e))
				wantProblem(t, st, 4)
			})
			t.Run("removed", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				if n := rawExec(t, st, `DELETE FROM audit_log WHERE seq = 6`); n != 1 {
					t.Fatalf("deleted %d rows", n)
				}
				wantProblem(t, st, 6)
			})
			t.Run("reordered", func(t *testing.T) {
				// Physically swap entries 3 and 7: each row keeps its seq and
				// takes the other's content.
				st := b.Open(t)
				seedChain(t, st)
				row3, row7 := rawRow(t, st, 3), rawRow(t, st, 7)
				writeRow(t, st, 3, row7)
				writeRow(t, st, 7, row3)
				es := allAudit(t, st)
				if es[2].Query != "entry #######" || es[6].Query != "entry ###" {
					t.Fatalf("swap failed: entry 3 query %q, entry 7 query %q", es[2].Query, es[6].Query)
				}
				wantProblem(t, st, 3)
			})
			t.Run("removed from the end", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `DELETE FROM audit_log WHERE seq = 10`)
				rawExec(t, st, `DELETE FROM audit_records WHERE seq = 10`)
				wantProblem(t, st, 10)
			})
			t.Run("head altered", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_head SET hash = ? WHERE id = 1`, strings.Repeat("0", 64))
				wantProblem(t, st, 10)
			})
			// Rows that no longer read as what the store wrote are named as
			// problems, not left as the driver's errors.
			t.Run("head removed", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `DELETE FROM audit_head`)
				wantProblem(t, st, 0)
			})
			t.Run("record ids not a list", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_log SET record_ids = 'r-1' WHERE seq = 4`)
				wantProblem(t, st, 4)
			})
			t.Run("unreadable after an altered entry", func(t *testing.T) {
				// The entries before the unreadable one are checked first.
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_log SET outcome = 'ok' WHERE seq = 4`)
				rawExec(t, st, `UPDATE audit_log SET record_ids = '{' WHERE seq = 6`)
				wantProblem(t, st, 4)
			})
			if b.Name == "sqlite" { // PostgreSQL's column holds only times
				t.Run("time not a time", func(t *testing.T) {
					st := b.Open(t)
					seedChain(t, st)
					rawExec(t, st, `UPDATE audit_log SET at = 'yesterday' WHERE seq = 4`)
					wantProblem(t, st, 4)
				})
			}
		})
	}
}
