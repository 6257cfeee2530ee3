// Package sqlite opens Manara's embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode with full sync, so an acknowledged
// write survives a crash. It owns the file layout and backups; the SQL
// itself is shared with PostgreSQL in sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
		// json_extract gives true as 1 and a missing key as NULL, which IS
		// compares without turning the condition NULL.
		JSONTrue: func(column, key string) string { return "(json_extract(" + column + ", '$." + key + "') IS 1)" },
		JSONText: func(column, key string) string { return "json_extract(" + column + ", '$." + key + "')" },
		// Times are fixed-width UTC text: the date is their first ten characters.
		UTCDate: func(column string) string { return "substr(" + column + ", 1, 10)" },
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
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s exists: choose a new file", dest)
	}
	// VACUUM INTO would create dest under the umask, and leave what it had
	// written when it fails (a full disk): a partial file under the name
	// the operator gave, taken for the backup. It writes instead into an
	// empty file of our own, private as the store is (it holds the password
	// and key hashes), which takes dest's name once complete and synced.
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return fmt.Errorf("create the backup: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if _, err := s.DB().ExecContext(ctx, `VACUUM INTO ?`, tmp.Name()); err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	// SQLite does not sync what VACUUM INTO writes.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	if _, err := linkNew(tmp.Name(), dest); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists: choose a new file", dest)
		}
		return fmt.Errorf("name the backup %s: %w", dest, err)
	}
	syncDir(filepath.Dir(dest))
	return nil
}

// Restore replaces the database of dataDir with the backup file src, which
// it only reads. It refuses while a server holds the store (see Hold), and
// src if it is the live database itself. The copy is checked, by SQLite's
// integrity check, for a Manara schema that this binary knows every version
// of, and then by checks (given the copy, opened read-only),
// before it replaces anything; the old database is kept beside it as
// manara.db.before-restore-STAMP, a name no other file had. A failure
// leaves the data folder as it was.
func Restore(ctx context.Context, src, dataDir string, checks ...func(*sqlstore.Store) error) (err error) {
	si, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("no backup at %s: %w", src, errors.Unwrap(err))
	}
	if _, serr := os.Stat(dataDir); errors.Is(serr, fs.ErrNotExist) {
		// Restoring onto a new machine makes the folder; a refused backup
		// must not leave it behind, holding only the lock file.
		defer func() {
			if err != nil {
				os.Remove(filepath.Join(dataDir, LockName))
				os.Remove(dataDir)
			}
		}()
	}
	lk, err := lock(dataDir, true)
	if err == errBusy {
		return fmt.Errorf("the store in %s is in use (manara serve or demo is running on it): stop the server before restoring", dataDir)
	}
	if err != nil {
		return err
	}
	defer lk.Close()
	dst := Path(dataDir)
	if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		return fmt.Errorf("%s is the live store of %s, not a backup: give a file written by manara backup", src, dataDir)
	}
	tmp := dst + ".restoring"
	if err := copyNew(src, tmp); err != nil {
		return fmt.Errorf("copy %s into %s: %w", src, dataDir, err)
	}
	placed := false
	defer func() {
		if !placed {
			os.Remove(tmp)
		}
	}()
	// What is checked is the copy, the very bytes that will be the store.
	if err := checkBackup(ctx, tmp, src, checks); err != nil {
		return err
	}
	kept, err := keepOld(dst)
	if err != nil {
		return fmt.Errorf("keep the old database: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		kept.undo()
		return fmt.Errorf("put the backup in place: %w", err)
	}
	placed = true
	syncDir(dataDir)
	return nil
}

// checkBackup opens path, the copy of the backup src, read-only and runs SQLite's
// integrity check, checks that it holds a Manara schema no newer than this
// binary's, and runs the caller's checks on it.
func checkBackup(ctx context.Context, path, src string, checks []func(*sqlstore.Store) error) error {
	s, err := openReadOnly(path)
	if err != nil {
		return fmt.Errorf("%s is not a sound database: %w", src, err)
	}
	defer s.Close()
	var res string
	if err := s.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("%s is not a sound database: %w", src, err)
	}
	if res != "ok" {
		return fmt.Errorf("%s is not a sound database: %s", src, res)
	}
	// A sound database of another program, or an empty file, would
	// otherwise fail the caller's checks on a missing table, which reads
	// as a damaged backup.
	var tables int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', 'audit_log', 'audit_head')`).Scan(&tables); err != nil {
		return fmt.Errorf("%s is not a sound database: %w", src, err)
	}
	if tables != 3 {
		return fmt.Errorf("%s is not a Manara backup (no Manara schema): give a file written by manara backup", src)
	}
	if err := s.CheckSchema(ctx); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	for _, c := range checks {
		if err := c(s); err != nil {
			return err
		}
	}
	return nil
}

// openReadOnly opens a database file that must not change by being read:
// immutable, so SQLite neither writes a journal mode into its header nor
// makes -wal and -shm files beside it.
func openReadOnly(path string) (*sqlstore.Store, error) {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	db, err := sql.Open("sqlite", "file:"+esc.Replace(path)+"?mode=ro&immutable=1&_txlock=deferred")
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return sqlstore.New(Dialect(), db, db), nil
}

// copyNew copies src to dst, created or truncated, private, and synced. On
// failure it removes what it wrote.
func copyNew(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// keptFile is one of the old database's files under its kept name.
type keptFile struct {
	from, to string
	moved    bool // renamed rather than linked
}

type keptFiles []keptFile

// undo puts the old database's files back as they were.
func (k keptFiles) undo() {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i].moved {
			os.Rename(k[i].to, k[i].from)
			continue
		}
		// A journal already removed from its live name gets it back.
		if _, err := os.Lstat(k[i].from); errors.Is(err, fs.ErrNotExist) {
			os.Link(k[i].to, k[i].from)
		}
		os.Remove(k[i].to)
	}
}

// keepOld gives the database file dst and its journals (-wal, -shm) kept
// names beside them, stamped to the second and numbered if taken, and
// removes the journals' live names: they belong to the old database and
// must not be read with the new one. The database file keeps its live name
// until the new one is renamed over it, so that the store is never
// missing.
func keepOld(dst string) (keptFiles, error) {
	var present []string
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(dst + suffix); err == nil {
			present = append(present, suffix)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if len(present) == 0 {
		return nil, nil
	}
	base := dst + ".before-restore-" + time.Now().UTC().Format("20060102T150405")
	var kept keptFiles
	for n := 1; ; n++ {
		to := base
		if n > 1 {
			to += "." + strconv.Itoa(n)
		}
		var err error
		kept, err = keepAs(dst, to, present)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	// -shm first: SQLite rebuilds it from the -wal, which goes last.
	for i := len(kept) - 1; i >= 0; i-- {
		if kept[i].moved || kept[i].from == dst {
			continue
		}
		if err := os.Remove(kept[i].from); err != nil {
			kept.undo()
			return nil, err
		}
	}
	return kept, nil
}

// keepAs gives dst+suffix the name to+suffix for each suffix, or none.
func keepAs(dst, to string, suffixes []string) (keptFiles, error) {
	var kept keptFiles
	for _, suffix := range suffixes {
		moved, err := linkNew(dst+suffix, to+suffix)
		if err != nil {
			kept.undo()
			return nil, err
		}
		kept = append(kept, keptFile{dst + suffix, to + suffix, moved})
	}
	return kept, nil
}

// linkNew gives the file old the further name new, failing with
// fs.ErrExist rather than replacing a file there. Where the file system has
// no hard links (FAT and exFAT drives, some network shares) it renames old
// to new instead, after looking that new is free; moved says so.
func linkNew(old, new string) (moved bool, err error) {
	err = os.Link(old, new)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return false, err
	}
	if _, err := os.Lstat(new); err == nil {
		return false, &fs.PathError{Op: "link", Path: new, Err: fs.ErrExist}
	}
	if err := os.Rename(old, new); err != nil {
		return false, err
	}
	return true, nil
}

// syncDir makes a new name in dir durable where the system can sync a
// folder; the file itself was synced before it was named.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
