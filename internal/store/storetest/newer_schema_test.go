package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// TestMigrationsRefuseANewerSchema: a store whose schema has versions this
// binary has no migration for was written by a newer Manara (the binary
// rolled back after an upgrade). Migrate used to accept it and Ready to
// advise running migrate, which changes nothing. Migrate refuses it before
// applying anything, naming the versions, and Ready says what would help.
func TestMigrationsRefuseANewerSchema(t *testing.T) {
	ctx := context.Background()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			_, latest, err := st.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// One known migration pending as well: Migrate must not
			// apply it under a schema it does not know.
			rawExec(t, st, `DELETE FROM schema_migrations WHERE version = ?`, latest)
			for _, v := range []int{latest + 2, latest + 1} {
				rawExec(t, st, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'a later release', '2027-01-01T00:00:00Z')`, v)
			}

			n, err := st.Migrate(ctx)
			var newer *sqlstore.NewerSchemaError
			if !errors.As(err, &newer) || n != 0 {
				t.Fatalf("Migrate on a newer schema = %d, %v; want 0 and a NewerSchemaError", n, err)
			}
			if want := []int{latest + 1, latest + 2}; !slices.Equal(newer.Unknown, want) || newer.Latest != latest {
				t.Fatalf("NewerSchemaError = %+v, want unknown %v, latest %d", newer, want, latest)
			}
			if !strings.Contains(err.Error(), "newer Manara") || !strings.Contains(err.Error(), "upgrade the binary") {
				t.Fatalf("Migrate's refusal %q does not say what to do", err)
			}
			var pending int
			if err := st.DB().QueryRowContext(ctx, Rebind(st, `SELECT count(*) FROM schema_migrations WHERE version = ?`), latest).Scan(&pending); err != nil || pending != 0 {
				t.Fatalf("the known pending migration was applied under a newer schema (%d, %v)", pending, err)
			}
			if err := st.CheckSchema(ctx); !errors.As(err, &newer) {
				t.Fatalf("CheckSchema = %v, want a NewerSchemaError", err)
			}

			err = st.Ready(ctx)
			if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), "newer Manara") || strings.Contains(err.Error(), "run manara migrate") {
				t.Fatalf("Ready on a newer schema = %v, want unavailable, saying a newer Manara wrote it", err)
			}

			// Without the unknown versions, the store is this binary's
			// again: one behind, then (its row put back, as the schema
			// itself never lost the step) current.
			rawExec(t, st, `DELETE FROM schema_migrations WHERE version > ?`, latest)
			if err := st.Ready(ctx); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), "run manara migrate") {
				t.Fatalf("Ready with a pending migration = %v, want the advice to migrate", err)
			}
			rawExec(t, st, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'put back', '2026-01-01T00:00:00Z')`, latest)
			if err := st.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema = %v", err)
			}
			if err := st.Ready(ctx); err != nil {
				t.Fatalf("Ready = %v", err)
			}
		})
	}
}
