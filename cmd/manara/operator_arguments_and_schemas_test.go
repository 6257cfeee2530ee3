package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/store/sqlite"
)

// Operator commands given more than they take, and stores that are not
// this binary's to serve. Invented users only.

// TestStrayArgumentsRefusedBeforeAnythingIsDone: a positional argument no
// command takes, most often a second value for a flag (`key revoke --id K1
// K2`, `user disable --username amina bilal`), used to be dropped while
// the command reported success for the first value, leaving K2 active.
// It is a usage error (exit 2) naming the argument, and nothing is done.
func TestStrayArgumentsRefusedBeforeAnythingIsDone(t *testing.T) {
	data := storeWithAUser(t)
	env := []string{"MANARA_PASSWORD=correct-horse-battery"}
	if out, code := cli(t, env, "user", "add", "--data", data, "--username", "bilal", "--bureau", "MA", "--role", "officer"); code != 0 {
		t.Fatal(out)
	}
	k1 := keyIDOf(t, data, "leaked-one")
	k2 := keyIDOf(t, data, "leaked-two")

	out, code := cli(t, nil, "key", "revoke", "--data", data, "--id", k1, k2)
	list, _ := cli(t, nil, "key", "list", "--data", data)
	if code != 2 || !strings.Contains(out, k2) {
		t.Errorf("key revoke --id K1 K2: exit %d (want 2, a usage error naming %s)\n%s", code, k2, out)
	}
	if strings.Contains(list, "revoked") {
		t.Errorf("a refused key revoke revoked a key:\n%s", list)
	}

	out, code = cli(t, nil, "user", "disable", "--data", data, "--username", "amina", "bilal")
	if code != 2 || !strings.Contains(out, `"bilal"`) {
		t.Errorf("user disable --username amina bilal: exit %d (want 2, naming bilal)\n%s", code, out)
	}
	if users := listUsers(t, data); strings.Contains(users, "disabled") {
		t.Errorf("a refused user disable disabled a user:\n%s", users)
	}

	backup := filepath.Join(t.TempDir(), "b.db")
	for _, args := range [][]string{
		{"migrate", "--data", data, "extra"},
		{"backup", "--data", data, "--out", backup, "extra"},
		{"audit", "verify", "--data", data, "extra"},
		{"user", "list", "--data", data, "extra"},
		{"version", "extra"},
	} {
		if out, code := cli(t, nil, args...); code != 2 || !strings.Contains(out, `"extra"`) {
			t.Errorf("manara %s: exit %d (want 2 naming the argument)\n%s", strings.Join(args, " "), code, out)
		}
	}
	if _, err := os.Stat(backup); err == nil {
		t.Error("a refused backup wrote its file")
	}
}

func keyIDOf(t *testing.T, data, name string) string {
	t.Helper()
	out, code := cli(t, nil, "key", "create", "--data", data, "--name", name, "--bureau", "MA")
	if code != 0 {
		t.Fatal(out)
	}
	for _, f := range strings.Fields(out) {
		if len(f) == 36 && strings.Count(f, "-") == 4 {
			return f
		}
	}
	t.Fatalf("no key id in %q", out)
	return ""
}

// TestRestoreOfAForeignDatabaseSaysNotAManaraBackup: a sound SQLite file
// that is not a Manara backup (another program's database, an empty file)
// was refused as "the backup's audit chain does not verify: … no such
// table: audit_head", as if the backup had been tampered with. It is named
// for what it is, and the live store stays as it was.
func TestRestoreOfAForeignDatabaseSaysNotAManaraBackup(t *testing.T) {
	data := storeWithAUser(t)
	dir := t.TempDir()
	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE photos (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{foreign, empty} {
		out, code := cli(t, nil, "restore", "--data", data, "--from", f)
		if code == 0 {
			t.Fatalf("%s was restored:\n%s", filepath.Base(f), out)
		}
		if strings.Contains(out, "audit chain does not verify") || strings.Contains(out, "SQL logic error") || !strings.Contains(out, "not a Manara backup") {
			t.Fatalf("restore of %s: exit %d, %q (want it named not a Manara backup, not a broken audit chain)", filepath.Base(f), code, strings.TrimSpace(out))
		}
		if users := listUsers(t, data); !strings.Contains(users, "amina") {
			t.Fatalf("a refused restore changed the live store:\n%s", users)
		}
	}
}

// TestStoreOfANewerManaraRefused: a store whose schema has a version this
// binary has no migration for (written by a newer Manara, as after rolling
// back an upgrade) was taken as it is: `manara migrate` printed "schema at
// version 9999 of 21" and exited 0. An older binary writing a newer schema
// can break it: migrate, the commands that open a store and restore
// refuse it, saying it was written by a newer Manara.
func TestStoreOfANewerManaraRefused(t *testing.T) {
	data := storeWithAUser(t)
	backup := filepath.Join(t.TempDir(), "newer.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	for _, f := range []string{sqlite.Path(data), backup} {
		db, err := sql.Open("sqlite", "file:"+f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'a later release', '2027-01-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	for _, args := range [][]string{
		{"migrate", "--data", data},
		{"user", "list", "--data", data},
	} {
		out, code := cli(t, nil, args...)
		if code == 0 || !strings.Contains(out, "newer Manara") || !strings.Contains(out, "9999") {
			t.Fatalf("manara %s on a store of a newer schema: exit %d\n%s(want a refusal saying a newer Manara wrote it)", strings.Join(args, " "), code, out)
		}
	}

	// Restored into a store of this binary's schema, such a backup is
	// refused and the store stays as it was.
	other := storeWithAUser(t)
	out, code := cli(t, nil, "restore", "--data", other, "--from", backup)
	if code == 0 || !strings.Contains(out, "newer Manara") {
		t.Fatalf("restore of a newer backup: exit %d\n%s(want a refusal saying a newer Manara wrote it)", code, out)
	}
	if out, code := cli(t, nil, "migrate", "--data", other); code != 0 {
		t.Fatalf("the store a newer backup was refused into no longer migrates: exit %d\n%s", code, out)
	}
}
