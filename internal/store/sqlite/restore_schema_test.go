package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// TestRestoreRefusesAForeignDatabase: a sound SQLite file that holds no
// Manara schema (another program's database, an empty file) is named as
// such before any caller's check runs, and the live store stays as it was.
func TestRestoreRefusesAForeignDatabase(t *testing.T) {
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	writeMarkedDB(t, Path(data), "LIVE-STORE-MARKER")
	other := filepath.Join(src, "other.db")
	db, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE photos (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	empty := filepath.Join(src, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{other, empty} {
		called := false
		err := Restore(ctx, f, data, func(*sqlstore.Store) error { called = true; return nil })
		if err == nil || !strings.Contains(err.Error(), "not a Manara backup") {
			t.Fatalf("Restore(%s) = %v, want it named not a Manara backup", filepath.Base(f), err)
		}
		if called {
			t.Fatalf("Restore(%s) ran the caller's checks on a foreign database", filepath.Base(f))
		}
		liveUntouched(t, data)
	}
}

// TestRestoreRefusesABackupOfANewerSchema: a backup whose schema has a
// version this binary has no migration for was written by a newer Manara;
// restoring it would put a store this binary cannot serve in place.
func TestRestoreRefusesABackupOfANewerSchema(t *testing.T) {
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	writeMarkedDB(t, Path(data), "LIVE-STORE-MARKER")
	b := filepath.Join(src, "newer.db")
	writeMarkedDB(t, b, "NEWER-BACKUP-MARKER")
	s, err := OpenFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'a later release', '2027-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	err = Restore(ctx, b, data)
	var newer *sqlstore.NewerSchemaError
	if !errors.As(err, &newer) || len(newer.Unknown) != 1 || newer.Unknown[0] != 9999 || !strings.Contains(err.Error(), "newer Manara") {
		t.Fatalf("Restore of a newer backup = %v, want a NewerSchemaError naming 9999", err)
	}
	liveUntouched(t, data)
}

// liveUntouched fails unless data's database is still the one
// writeMarkedDB made, with nothing kept beside it.
func liveUntouched(t *testing.T, data string) {
	t.Helper()
	es, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.Contains(e.Name(), "before-restore") || strings.Contains(e.Name(), "restoring") {
			t.Fatalf("a refused restore left %s in the data folder", e.Name())
		}
	}
	s, err := OpenFile(Path(data))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v string
	if err := s.DB().QueryRow(`SELECT v FROM marker`).Scan(&v); err != nil || v != "LIVE-STORE-MARKER" {
		t.Fatalf("live store's marker = %q, %v; want it untouched", v, err)
	}
}
