package main

import (
	"context"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// TestOperatorBootstrapsBureauAdminAudited: the host's operator makes a
// bureau's first administrator with `manara user add`, and the audit log
// names it as an operator action from the command line.
func TestOperatorBootstrapsBureauAdminAudited(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			store := storeArgs(t, backend)
			out, code := cli(t, []string{"MANARA_PASSWORD=correct-horse-battery"},
				append([]string{"user", "add", "--username", "ma.first.admin", "--bureau", "MA", "--role", "admin"}, store...)...)
			if code != 0 || !strings.Contains(out, "created user ma.first.admin (admin, MA)") {
				t.Fatalf("user add: exit %d, %s", code, out)
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
			defer st.Close()
			var es []core.AuditEntry
			if err := st.View(context.Background(), func(tx core.Tx) error {
				es, err = tx.AuditEntries(0, 1000)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range es {
				if e.Action == "user.create" && e.Outcome == "ok" && e.ActorType == "system" && e.Remote == "cli" &&
					e.Query == "user ma.first.admin (admin, MA); by the host operator (cli)" {
					found = true
				}
			}
			if !found {
				t.Fatalf("no audit entry names the operator's creation of MA's admin: %+v", es)
			}
			if out, code := cli(t, nil, append([]string{"audit", "verify"}, store...)...); code != 0 {
				t.Fatalf("audit verify: exit %d, %s", code, out)
			}
		})
	}
}
