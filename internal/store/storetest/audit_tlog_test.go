package storetest

// The audit log as a transparency log, against real stores: tampering that
// keeps the chain consistent (a rewrite with every hash recomputed, a
// truncation with the head moved back, a fork) passes a walk of the store
// alone, but not a check against a checkpoint kept earlier, signed with a
// key the store does not hold. Tampering with the tree or the per-record
// index is caught by the walk itself.

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

func testSigner(t *testing.T) (*audit.Signer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.key")
	s, created, err := audit.LoadOrCreateKey(path, "test.example/manara-audit")
	if err != nil || !created {
		t.Fatalf("LoadOrCreateKey = %v, created %v", err, created)
	}
	return s, path
}

// keep signs a checkpoint of the store's log as it is now, and returns it
// as an auditor who kept it would read it back.
func keep(t *testing.T, st core.Store, s *audit.Signer) (*audit.Checkpoint, []byte) {
	t.Helper()
	var msg []byte
	view(t, st, func(tx core.Tx) (err error) { msg, _, err = s.Latest(tx); return err })
	cp, err := audit.OpenCheckpoint(msg, s.Verifiers)
	if err != nil {
		t.Fatalf("OpenCheckpoint of a fresh checkpoint: %v\n%s", err, msg)
	}
	return &cp, msg
}

func check(t *testing.T, st core.Store, kept *audit.Checkpoint) (audit.Report, error) {
	t.Helper()
	var r audit.Report
	var cerr error
	view(t, st, func(tx core.Tx) error { r, cerr = audit.Check(tx, kept); return nil })
	return r, cerr
}

// wantBroken fails unless Check reports a problem at seq whose reason
// contains what.
func wantBroken(t *testing.T, st core.Store, kept *audit.Checkpoint, seq int64, what string) {
	t.Helper()
	_, err := check(t, st, kept)
	var p *audit.Problem
	if !errors.As(err, &p) {
		t.Fatalf("Check = %v, want a problem at entry %d (%s)", err, seq, what)
	}
	if p.Seq != seq || !strings.Contains(p.Reason, what) {
		t.Fatalf("Check reports entry %d: %s; want entry %d: …%s…", p.Seq, p.Reason, seq, what)
	}
	t.Logf("detected: %v", p)
}

func wantIntact(t *testing.T, st core.Store, kept *audit.Checkpoint, entries int64) audit.Report {
	t.Helper()
	r, err := check(t, st, kept)
	if err != nil || r.Entries != entries {
		t.Fatalf("Check = %d entries, %v; want %d, intact", r.Entries, err, entries)
	}
	return r
}

// rewrite replaces the whole log, as someone who can write the store
// could: every entry re-appended through audit.Append (so every hash,
// the tree and the head are recomputed and consistent), after change has
// edited the entries.
func rewrite(t *testing.T, st *sqlstore.Store, change func([]core.AuditEntry) []core.AuditEntry) {
	t.Helper()
	es := change(allAudit(t, st))
	for _, table := range []string{"audit_log", "audit_records", "audit_tree"} {
		rawExec(t, st, `DELETE FROM `+table)
	}
	rawExec(t, st, `UPDATE audit_head SET seq = 0, hash = '', tree_size = 0 WHERE id = 1`)
	for i := range es {
		e := es[i]
		e.Seq, e.PrevHash, e.Hash = 0, "", ""
		update(t, st, func(tx core.Tx) error { return audit.Append(tx, &e) })
	}
}

func TestAuditTransparency(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			signer, _ := testSigner(t)
			t.Run("intact, with and without a kept checkpoint", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				at5 := func() *audit.Checkpoint { // a checkpoint kept when the log had 5 entries
					var msg []byte
					view(t, st, func(tx core.Tx) (err error) { msg, _, err = signer.Sign(tx, 5); return err })
					cp, err := audit.OpenCheckpoint(msg, signer.Verifiers)
					if err != nil {
						t.Fatal(err)
					}
					return &cp
				}()
				kept, _ := keep(t, st, signer)
				r := wantIntact(t, st, kept, 10)
				if r.TreeSize != 10 || r.Root != kept.Hash || r.Kept == nil {
					t.Fatalf("report %+v, kept root %v", r, kept.Hash)
				}
				wantIntact(t, st, at5, 10)
				// More entries later: the log still extends both.
				update(t, st, func(tx core.Tx) error {
					return audit.Append(tx, audit.Entry(viewer("MA", core.RoleOfficer), "record.read", audit.OK, "rec-x"))
				})
				wantIntact(t, st, kept, 11)
				wantIntact(t, st, at5, 11)
			})
			t.Run("consistent rewrite with recomputed hashes", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				early, _ := keep(t, st, signer) // kept at 10 entries
				rewrite(t, st, func(es []core.AuditEntry) []core.AuditEntry {
					es[3].Outcome = audit.OK // the denial at entry 4 becomes a success
					return es
				})
				// The store alone cannot tell: it is a consistent log.
				wantIntact(t, st, nil, 10)
				// The kept checkpoint can.
				wantBroken(t, st, early, 0, "rewritten or forked")
			})
			t.Run("rewrite after the kept checkpoint's entries is not a fork", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				var msg []byte
				view(t, st, func(tx core.Tx) (err error) { msg, _, err = signer.Sign(tx, 3); return err })
				at3, err := audit.OpenCheckpoint(msg, signer.Verifiers)
				if err != nil {
					t.Fatal(err)
				}
				rewrite(t, st, func(es []core.AuditEntry) []core.AuditEntry { es[3].Outcome = audit.OK; return es })
				wantIntact(t, st, &at3, 10) // the first 3 entries are untouched: that is all it proves
			})
			t.Run("truncated with the head moved back", func(t *testing.T) {
				st := b.Open(t)
				es := seedChain(t, st)
				kept, _ := keep(t, st, signer)
				rawExec(t, st, `DELETE FROM audit_log WHERE seq > 8`)
				rawExec(t, st, `DELETE FROM audit_records WHERE seq > 8`)
				rawExec(t, st, `DELETE FROM audit_tree WHERE idx >= ?`, tlog.StoredHashIndex(0, 8))
				rawExec(t, st, `UPDATE audit_head SET seq = 8, hash = ?, tree_size = 8 WHERE id = 1`, es[7].Hash)
				wantIntact(t, st, nil, 8) // a shorter log is a consistent log
				wantBroken(t, st, kept, 9, "log truncated")
			})
			t.Run("forked: a different log of greater size", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				kept, _ := keep(t, st, signer)
				rewrite(t, st, func(es []core.AuditEntry) []core.AuditEntry {
					es[6].Query = "nothing to see"
					extra := es[9]
					extra.Query = "a later entry"
					return append(es, extra, extra)
				})
				wantIntact(t, st, nil, 12)
				wantBroken(t, st, kept, 0, "rewritten or forked")
			})
			t.Run("altered entry and removed entry, named", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				kept, _ := keep(t, st, signer)
				rawExec(t, st, `UPDATE audit_log SET outcome = 'ok' WHERE seq = 4`)
				wantBroken(t, st, kept, 4, "does not match its hash")
				st2 := b.Open(t)
				seedChain(t, st2)
				kept2, _ := keep(t, st2, signer)
				rawExec(t, st2, `DELETE FROM audit_log WHERE seq = 6`)
				wantBroken(t, st2, kept2, 6, "missing")
			})
			t.Run("a stored leaf altered", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_tree SET hash = ? WHERE idx = ?`, make([]byte, 32), tlog.StoredHashIndex(0, 6))
				wantBroken(t, st, nil, 7, "leaf in the Merkle tree")
			})
			t.Run("an inner tree hash altered", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `UPDATE audit_tree SET hash = ? WHERE idx = ?`, make([]byte, 32), tlog.StoredHashIndex(3, 0))
				wantBroken(t, st, nil, 10, "inner hashes")
			})
			t.Run("per-record index: a row removed", func(t *testing.T) {
				st := b.Open(t)
				es := seedChain(t, st)
				if n := rawExec(t, st, `DELETE FROM audit_records WHERE seq = 4 AND record_id = ?`, es[3].RecordIDs[0]); n != 1 {
					t.Fatalf("deleted %d rows", n)
				}
				wantBroken(t, st, nil, 4, "per-record index")
			})
			t.Run("per-record index: a row added", func(t *testing.T) {
				st := b.Open(t)
				es := seedChain(t, st)
				rawExec(t, st, `INSERT INTO audit_records (record_id, seq) VALUES (?, 5)`, es[2].RecordIDs[0])
				wantBroken(t, st, nil, 5, "per-record index")
			})
			t.Run("per-record index: a row for no entry", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				rawExec(t, st, `INSERT INTO audit_records (record_id, seq) VALUES ('rec-ghost', 11)`)
				wantBroken(t, st, nil, 11, "not in the log")
			})
			t.Run("entries from before the tree are added to it", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				kept, _ := keep(t, st, signer)
				// A store migrated from a version without the tree.
				rawExec(t, st, `DELETE FROM audit_tree`)
				rawExec(t, st, `UPDATE audit_head SET tree_size = 0 WHERE id = 1`)
				if r := wantIntact(t, st, nil, 10); r.Uncovered != 10 {
					t.Fatalf("Uncovered = %d, want 10", r.Uncovered)
				}
				update(t, st, func(tx core.Tx) error {
					return audit.Append(tx, audit.Entry(viewer("MA", core.RoleOfficer), "record.read", audit.OK))
				})
				if r := wantIntact(t, st, kept, 11); r.Uncovered != 0 || r.TreeSize != 11 {
					t.Fatalf("after an append: %+v", r)
				}
			})
			t.Run("checkpoint signed with a wrong key is refused", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				other, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "k"), "test.example/manara-audit")
				if err != nil {
					t.Fatal(err)
				}
				var forged []byte
				view(t, st, func(tx core.Tx) (err error) { forged, _, err = other.Latest(tx); return err })
				if _, err := audit.OpenCheckpoint(forged, signer.Verifiers); err == nil || !strings.Contains(err.Error(), "not signed by any of the verifier keys") {
					t.Fatalf("a checkpoint signed by another key: %v", err)
				}
				_, good := keep(t, st, signer)
				altered := []byte(strings.Replace(string(good), "\n10\n", "\n11\n", 1))
				if _, err := audit.OpenCheckpoint(altered, signer.Verifiers); err == nil {
					t.Fatal("a checkpoint whose size was edited after signing was accepted")
				}
			})
			t.Run("an old checkpoint still verifies after rotation", func(t *testing.T) {
				st := b.Open(t)
				seedChain(t, st)
				s, path := testSigner(t)
				_, old := keep(t, st, s)
				rotated, err := audit.RotateKey(path)
				if err != nil {
					t.Fatal(err)
				}
				if rotated.VerifierKey == s.VerifierKey || len(rotated.Verifiers) != 2 || rotated.Verifiers[0] != s.VerifierKey {
					t.Fatalf("after rotation: current %s, list %v", rotated.VerifierKey, rotated.Verifiers)
				}
				cp, err := audit.OpenCheckpoint(old, rotated.Verifiers)
				if err != nil {
					t.Fatalf("old checkpoint after rotation: %v", err)
				}
				wantIntact(t, st, &cp, 10)
				// The new key signs; only its own verifier key is not enough
				// for the old checkpoint.
				_, fresh := keep(t, st, rotated)
				if _, err := audit.OpenCheckpoint(old, []string{rotated.VerifierKey}); err == nil {
					t.Fatal("old checkpoint verified with the new key alone")
				}
				if _, err := audit.OpenCheckpoint(fresh, []string{rotated.VerifierKey}); err != nil {
					t.Fatalf("new checkpoint: %v", err)
				}
				reloaded, created, err := audit.LoadOrCreateKey(path, "ignored")
				if err != nil || created || reloaded.VerifierKey != rotated.VerifierKey {
					t.Fatalf("reload after rotation: %v, created %v", err, created)
				}
			})
		})
	}
}
