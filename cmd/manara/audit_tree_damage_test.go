package main

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestAuditVerifyDamagedTreeRow: `manara audit verify` on a store whose
// tree hash of one entry was cut short in the database exits 1 naming the
// entry, the row, the column and the length expected.
func TestAuditVerifyDamagedTreeRow(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			store := storeArgs(t, backend)
			env := []string{"MANARA_PASSWORD=correct-horse-battery"}
			for _, name := range []string{"amina", "yacine", "nadia"} {
				if out, code := cli(t, env, append([]string{"user", "add", "--username", name, "--bureau", "FR", "--role", "officer"}, store...)...); code != 0 {
					t.Fatalf("user add: %s", out)
				}
			}
			var st *sqlstore.Store
			var err error
			if backend == "postgres" {
				st, err = postgres.Open(context.Background(), store[1])
			} else {
				st, err = sqlite.Open(store[1])
			}
			if err != nil {
				t.Fatal(err)
			}
			idx := tlog.StoredHashIndex(0, 1)
			if _, err := st.DB().ExecContext(context.Background(), storetest.Rebind(st, `UPDATE audit_tree SET hash = ? WHERE idx = ?`), []byte("short"), idx); err != nil {
				t.Fatal(err)
			}
			st.Close()
			out, code := cli(t, nil, append([]string{"audit", "verify"}, store...)...)
			if code != 1 {
				t.Fatalf("audit verify: exit %d\n%s", code, out)
			}
			for _, want := range []string{"entry 2", "audit_tree row 1,", "column hash has 5 bytes, want 32", "after 1 intact entries"} {
				if !strings.Contains(out, want) {
					t.Fatalf("audit verify says %q; want …%s…", out, want)
				}
			}
		})
	}
}
