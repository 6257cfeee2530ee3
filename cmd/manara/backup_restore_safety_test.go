package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/store/sqlite"
)

func storeWithAUser(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	env := []string{"MANARA_PASSWORD=correct-horse-battery"}
	if out, code := cli(t, env, "user", "add", "--data", data, "--username", "amina", "--bureau", "MA", "--role", "officer"); code != 0 {
		t.Fatal(out)
	}
	return data
}

func listUsers(t *testing.T, data string) string {
	t.Helper()
	out, _ := cli(t, nil, "user", "list", "--data", data)
	return out
}

// TestRestoreFromTheLiveFile: `manara restore --from DATA/manara.db`
// (the operator names the live file, or a path that resolves to it) moves
// the live database aside first and then fails reading it: the command
// exits 1 and the data folder is left with no store at all, so the next
// `manara serve` (or even `manara user list`) starts an empty one.
// commands.go restoreCmd / sqlite.go Restore rename the old file before the
// new one is safely in place.
func TestRestoreFromTheLiveFile(t *testing.T) {
	data := storeWithAUser(t)
	out, code := cli(t, nil, "restore", "--data", data, "--from", sqlite.Path(data))
	if _, err := os.Stat(sqlite.Path(data)); err != nil {
		t.Fatalf("restore (exit %d: %s) left the data folder without its store: %v", code, strings.TrimSpace(out), err)
	}
	if users := listUsers(t, data); !strings.Contains(users, "amina") {
		t.Fatalf("after restore (exit %d), the store lost its users:\n%s", code, users)
	}
}

// TestRestoreFailureKeepsLiveStore: any failure while the backup is
// copied in (disk full, a leftover, here a folder where the temporary copy
// goes) happens after the live store was moved aside, so a failed restore
// leaves no store in place. A failed restore must leave the data folder as
// it was.
func TestRestoreFailureKeepsLiveStore(t *testing.T) {
	data := storeWithAUser(t)
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	if err := os.Mkdir(sqlite.Path(data)+".restoring", 0o700); err != nil {
		t.Fatal(err)
	}
	out, code := cli(t, nil, "restore", "--data", data, "--from", backup)
	if code == 0 {
		t.Skipf("restore succeeded: %s", out)
	}
	if _, err := os.Stat(sqlite.Path(data)); err != nil {
		t.Fatalf("a failed restore (exit %d: %s) left the data folder without its store: %v", code, strings.TrimSpace(out), err)
	}
}

// TestBackupFileIsPrivate: the backup holds every record, password
// hash, API key hash and audit entry, yet VACUUM INTO creates it with the
// process umask (0644 here): readable by every local user, where the store
// itself sits in a 0700 folder and restore writes 0600.
func TestBackupFileIsPrivate(t *testing.T) {
	data := storeWithAUser(t)
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("backup %s has mode %v: readable by others", backup, fi.Mode().Perm())
	}
}

// TestRestoreLeavesTheBackupUnchanged: restore opens the backup
// read-write in WAL mode (sqlite.OpenFile), which rewrites its header; the
// file an operator checksummed or keeps on write-once media is changed by
// being restored from (and by a refused restore, too).
func TestRestoreLeavesTheBackupUnchanged(t *testing.T) {
	data := storeWithAUser(t)
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	sum := func() [32]byte {
		b, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	before := sum()
	if out, code := cli(t, nil, "restore", "--data", data, "--from", backup); code != 0 {
		t.Fatal(out)
	}
	if sum() != before {
		t.Fatal("restoring from the backup changed the backup file")
	}
}

// TestRestoreUnderARunningServer: restore does not notice that a
// server has the store open. It renames the live file away under it; the
// server goes on acknowledging writes into the renamed file, and they are
// gone from the store it will open next. Restore must refuse while the
// store is in use.
func TestRestoreUnderARunningServer(t *testing.T) {
	data := storeWithAUser(t)
	key := newKey(t, []string{"--data", data}, "records:read,records:write")
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, code := cli(t, nil, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatal(out)
	}
	s := startServer(t, "--data", data)
	out, code := cli(t, nil, "restore", "--data", data, "--from", backup)
	if code == 0 {
		resp, err := post(s.url+"/api/v1/records", key, personBody)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		db, err := sql.Open("sqlite", "file:"+sqlite.Path(data))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		db.QueryRowContext(context.Background(), `SELECT count(*) FROM records`).Scan(&n)
		t.Fatalf("restore replaced the store under a running server (%s); the server then acknowledged a record (%d) that the store holds %d of", strings.TrimSpace(out), resp.StatusCode, n)
	}
}

// TestFailedBackupLeavesNoFile: a backup that fails part way (here
// the file size limit, as a full disk would) exits 1 but leaves a file at
// --out: an empty or partial database under the name the operator gave,
// which a script may ship as the night's backup, and which makes the next
// `manara backup --out` to that name refuse ("exists"). sqlite.go Backup
// runs VACUUM INTO straight onto the destination.
func TestFailedBackupLeavesNoFile(t *testing.T) {
	data := storeWithAUser(t)
	backup := filepath.Join(t.TempDir(), "b.db")
	cmd := exec.Command("sh", "-c", `ulimit -f 100; exec "$0" backup --data "$1" --out "$2"`, binary(t), data, backup)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Skipf("backup succeeded under the size limit: %s", out)
	}
	if fi, err := os.Stat(backup); err == nil {
		t.Fatalf("a failed backup (%s) left %s (%d bytes)", strings.TrimSpace(string(out)), backup, fi.Size())
	}
}
