package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAuditCheckpointCLI is an auditor's routine with the real binary:
// keep a checkpoint, prove later logs extend it (across a key rotation),
// refuse a checkpoint under a wrong key, and catch a truncation that the
// store alone cannot show.
func TestAuditCheckpointCLI(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			keyDir := t.TempDir()
			store := storeArgs(t, backend)
			if backend == "postgres" {
				store = append(store, "--data", keyDir)
			} else {
				keyDir = store[1]
			}
			env := []string{"MANARA_PASSWORD=correct-horse-battery"}
			addUser := func(name string) {
				t.Helper()
				if out, code := cli(t, env, append([]string{"user", "add", "--username", name, "--bureau", "FR", "--role", "officer"}, store...)...); code != 0 {
					t.Fatalf("user add: %s", out)
				}
			}
			addUser("amina")
			addUser("yacine")

			// The key a server creates when it first starts: the audit
			// commands create none.
			if _, created, err := (&auditKeyFlags{}).signer(keyDir); err != nil || !created {
				t.Fatalf("signing key: created %v, %v", created, err)
			}
			out, code := cli(t, nil, append([]string{"audit", "checkpoint"}, store...)...)
			if code != 0 || !strings.Contains(out, "\n2\n") {
				t.Fatalf("audit checkpoint: exit %d\n%s", code, out)
			}
			kept := filepath.Join(t.TempDir(), "kept.checkpoint")
			if err := os.WriteFile(kept, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			key := filepath.Join(keyDir, "audit.key")
			if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("signing key %s: %v, mode %v; want 0600", key, err, fi.Mode().Perm())
			}

			verify := func(extra ...string) (string, int) {
				return cli(t, nil, append(append([]string{"audit", "verify"}, store...), extra...)...)
			}
			addUser("nadia")
			if out, code := verify("--checkpoint", kept); code != 0 || !strings.Contains(out, "extends the kept checkpoint of 2 entries") {
				t.Fatalf("verify with a kept checkpoint: exit %d\n%s", code, out)
			}

			// Rotation: the old checkpoint still verifies, with the old
			// verifier key kept in the list.
			if out, code := cli(t, nil, append([]string{"audit", "key", "rotate"}, store...)...); code != 0 {
				t.Fatalf("key rotate: %s", out)
			}
			keys, code := cli(t, nil, append([]string{"audit", "key", "show"}, store...)...)
			if code != 0 || len(strings.Fields(keys)) != 2 {
				t.Fatalf("key show after a rotation: %s", keys)
			}
			if out, code := verify("--checkpoint", kept); code != 0 {
				t.Fatalf("old checkpoint after rotation: exit %d\n%s", code, out)
			}
			// Pinned to the new key only, the old checkpoint is refused.
			if out, code := verify("--checkpoint", kept, "--verifier-key", strings.Fields(keys)[1]); code != 1 || !strings.Contains(out, "not signed by any of the verifier keys") {
				t.Fatalf("checkpoint under a key not given: exit %d\n%s", code, out)
			}

			// Truncate the last two entries and move the head back.
			var st *sqlstore.Store
			var err error
			if backend == "postgres" {
				st, err = postgres.Open(context.Background(), store[1])
			} else {
				st, err = sqlite.Open(keyDir)
			}
			if err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				if _, err := st.DB().ExecContext(context.Background(), storetest.Rebind(st, q), args...); err != nil {
					t.Fatal(err)
				}
			}
			var hash1 string
			if err := st.DB().QueryRowContext(context.Background(), `SELECT hash FROM audit_log WHERE seq = 1`).Scan(&hash1); err != nil {
				t.Fatal(err)
			}
			exec(`DELETE FROM audit_log WHERE seq > 1`)
			exec(`DELETE FROM audit_records WHERE seq > 1`)
			exec(`DELETE FROM audit_tree WHERE idx >= ?`, tlog.StoredHashIndex(0, 1))
			exec(`UPDATE audit_head SET seq = 1, hash = ?, tree_size = 1 WHERE id = 1`, hash1)
			st.Close()
			if out, code := verify(); code != 0 {
				t.Fatalf("a consistently truncated log walks as intact, yet: exit %d\n%s", code, out)
			}
			if out, code := verify("--checkpoint", kept); code != 1 || !strings.Contains(out, "log truncated") {
				t.Fatalf("truncation against the kept checkpoint: exit %d\n%s", code, out)
			}
		})
	}
}
