// Package sqlite opens Manara's embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode with full sync, so an acknowledged
// write survives a crash. It owns the file layout and backups; the SQL
// itself is shared with PostgreSQL in sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/store/sqlstore"
	_ "modernc.org/sqlite"
)

// FileName is the database file inside the data folder.
const FileName = "manara.db"

// Dialect is SQLite's.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:     "sqlite",
		Rebind:   func(q string) string { return q },
		Time:     func(t time.Time) any { return t.UTC().Format("2006-01-02T15:04:05.000000Z") },
		DataText: "data",
		IsUnique: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
		},
		Migrations: sqlstore.Migrations(sqlstore.Types{Time: "TEXT", JSON: "TEXT", Bool: "INTEGER", Blob: "BLOB", RowidTables: true}),
	}
}

// Path returns the database file of a data folder.
func Path(dataDir string) string { return filepath.Join(dataDir, FileName) }

// Open opens (creating if needed) the store in dataDir. It does not migrate.
func Open(dataDir string) (*sqlstore.Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return OpenFile(Path(dataDir))
}

// OpenFile opens the store in one database file.
func OpenFile(path string) (*sqlstore.Store, error) {
	dsn := func(lock string) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", lock)
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, err
	}
	// One writer: SQLite allows one at a time, and queueing in Go is
	// cheaper and fairer than retrying on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	if err := w.PingContext(context.Background()); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return sqlstore.New(Dialect(), w, r), nil
}

// Backup writes a consistent copy of the live database to dest, which must
// not exist. It is safe while the server runs.
func Backup(ctx context.Context, s *sqlstore.Store, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s exists: choose a new file", dest)
	}
	_, err := s.DB().ExecContext(ctx, `VACUUM INTO ?`, dest)
	return err
}

// Restore replaces the database of dataDir with the backup file src. The
// server must be stopped. The backup is checked before anything is
// replaced, and the old database is kept beside it with a .before-restore
// suffix.
func Restore(ctx context.Context, src, dataDir string) error {
	s, err := OpenFile(src)
	if err != nil {
		return err
	}
	var res string
	err = s.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	s.Close()
	if err != nil || res != "ok" {
		return fmt.Errorf("%s is not a sound database (%v %s)", src, err, res)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	dst := Path(dataDir)
	if _, err := os.Stat(dst); err == nil {
		stamp := time.Now().UTC().Format("20060102T150405")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Stat(dst + suffix); err == nil {
				if err := os.Rename(dst+suffix, dst+".before-restore-"+stamp+suffix); err != nil {
					return err
				}
			}
		}
	}
	in, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dst + ".restoring"
	if err := os.WriteFile(tmp, in, 0o600); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
