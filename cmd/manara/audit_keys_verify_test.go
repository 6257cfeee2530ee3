package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/store/sqlite"
)

// TestAuditKeyShowCreatesNoKey: `manara audit key show` is how an
// auditor pins the log's verifier key. Pointed at a folder with no key (the
// wrong --data, the default ./manara-data from another directory, a typo in
// --audit-key) it silently creates a new signing key there and prints its
// verifier key with exit 0: the auditor pins a key no server signs with.
// audit.go "key show" calls k.signer, i.e. audit.LoadOrCreateKey.
func TestAuditKeyShowCreatesNoKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "elsewhere")
	out, code := cli(t, nil, "audit", "key", "show", "--data", dir)
	_, err := os.Stat(filepath.Join(dir, "audit.key"))
	if code == 0 || err == nil {
		t.Fatalf("key show with no key: exit %d, printed %q, a signing key created: %v", code, strings.TrimSpace(out), err == nil)
	}
}

// TestAuditVerifyNamesTheAlteredEntry: README: "exit 1 names the
// first bad entry". An entry whose time was overwritten with text that is
// not a time, or a log whose head row was deleted, makes verify exit 1
// with a raw SQL error ("Scan error on column index 1", "sql: no rows in
// result set") that names neither the entry nor the head.
func TestAuditVerifyNamesTheAlteredEntry(t *testing.T) {
	cases := []struct{ name, tamper, want string }{
		{"time overwritten", `UPDATE audit_log SET at = 'yesterday' WHERE seq = 2`, "entry 2"},
		{"head removed", `DELETE FROM audit_head`, "head"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			for _, u := range []string{"alice", "bruno", "carla"} {
				if out, code := cli(t, []string{"MANARA_PASSWORD=correct-horse-battery"}, "user", "add", "--data", data, "--username", u, "--bureau", "FR", "--role", "officer"); code != 0 {
					t.Fatalf("user add: %s", out)
				}
			}
			db, err := sql.Open("sqlite", "file:"+sqlite.Path(data))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(context.Background(), c.tamper); err != nil {
				t.Fatal(err)
			}
			db.Close()
			out, code := cli(t, nil, "audit", "verify", "--data", data)
			if code != 1 || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d, output %q; want exit 1 naming %q", code, strings.TrimSpace(out), c.want)
			}
		})
	}
}
