package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writeMarkedDB(t *testing.T, path, marker string) {
	t.Helper()
	s, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// Restore takes only a Manara schema.
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE marker (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO marker VALUES (?)`, marker); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreTwiceKeepsTheOriginal: Restore keeps the old database
// as manara.db.before-restore-STAMP, STAMP to the second; a second restore
// within the same second (a script that restores, finds the wrong backup
// and restores again) renames the first restore's file over that name, and
// the original database, the one README promises to keep, is destroyed.
func TestRestoreTwiceKeepsTheOriginal(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	writeMarkedDB(t, Path(data), "ORIGINAL-STORE-MARKER")
	a, b := filepath.Join(src, "a.db"), filepath.Join(src, "b.db")
	writeMarkedDB(t, a, "BACKUP-A-MARKER")
	writeMarkedDB(t, b, "BACKUP-B-MARKER")
	// Start at the beginning of a second so both restores fall in it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	ctx := context.Background()
	if err := Restore(ctx, a, data); err != nil {
		t.Fatal(err)
	}
	if err := Restore(ctx, b, data); err != nil {
		t.Fatal(err)
	}
	es, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
		body, err := os.ReadFile(filepath.Join(data, e.Name()))
		if err == nil && bytes.Contains(body, []byte("ORIGINAL-STORE-MARKER")) {
			return
		}
	}
	t.Fatalf("after two restores the original database is nowhere in %s: %v", data, names)
}
