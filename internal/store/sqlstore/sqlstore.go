// Package sqlstore implements core.Store once, over database/sql, for both
// SQLite and PostgreSQL. The two differ only in what a Dialect describes
// (placeholders, column types in migrations, row locks, error codes), so the
// behaviour the storage test suite checks is the same code on both. It owns
// SQL and nothing else: no access decisions, no hashing.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Migration is one versioned schema step. Versions start at 1 and never
// change once released.
type Migration struct {
	Version int
	Name    string
	SQL     []string
	// Data, when set, rewrites stored rows that no statement can (a JSON
	// body read and written in Go), after SQL and in the same transaction.
	// It must leave rows it already rewrote as they are.
	Data func(ctx context.Context, tx *sql.Tx, rebind func(string) string) error
}

// Dialect is what differs between the SQL databases we support.
type Dialect struct {
	Name string
	// Rebind turns ?-placeholders into the database's own.
	Rebind func(string) string
	// Time converts a time to a query argument.
	Time func(time.Time) any
	// ForUpdate is appended to SELECTs that must lock the rows they read.
	ForUpdate string
	// DataText is the expression giving a record's data as text.
	DataText string
	// JSONTrue is the condition, never NULL, that the JSON object in a
	// text column holds true at a key of its top level (key is a constant
	// of ours, written into the statement).
	JSONTrue func(column, key string) string
	// JSONText is the text at a key of the top level of the JSON object
	// in a text column (NULL where the key is missing).
	JSONText func(column, key string) string
	// UTCDate is the UTC date, YYYY-MM-DD, of a time column.
	UTCDate func(column string) string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
	// Retryable reports whether the database aborted a transaction that
	// would succeed if run again (PostgreSQL breaking a deadlock between
	// two writers that lock the same counters in another order). Nil
	// where that cannot happen (SQLite has one writer).
	Retryable func(error) bool
	// ViewTx are the options of a read-only transaction, which must read
	// one snapshot (see core.Store). Nil where the database's default
	// transaction already does (SQLite's readers).
	ViewTx     *sql.TxOptions
	Migrations []Migration
}

// Store is core.Store over database/sql.
type Store struct {
	d Dialect
	// w serves read-write transactions and r read-only ones. They are the
	// same pool on PostgreSQL; SQLite gets a single writer connection so
	// writers queue in Go instead of failing with SQLITE_BUSY.
	w, r *sql.DB
	// Prepared statements, per pool (SQLite only: the PostgreSQL driver
	// keeps its own statement cache).
	wc, rc *stmtCache
}

// New wraps open pools. Call Migrate before use.
func New(d Dialect, w, r *sql.DB) *Store {
	s := &Store{d: d, w: w, r: r}
	if d.Name == "sqlite" {
		s.wc, s.rc = newStmtCache(), newStmtCache()
	}
	return s
}

func (s *Store) Backend() string { return s.d.Name }

// DB returns the read-write pool, for tools (backup, tests) that need raw SQL.
func (s *Store) DB() *sql.DB { return s.w }

func (s *Store) Close() error {
	s.wc.close()
	s.rc.close()
	err := s.w.Close()
	if s.r != s.w {
		if err2 := s.r.Close(); err == nil {
			err = err2
		}
	}
	return err
}

// NewerSchemaError is a store whose schema has versions this binary has
// no migration for: a newer Manara wrote them (the binary was rolled back
// after an upgrade, or a newer store's backup restored). This binary does
// not know what those versions changed, so it must neither migrate nor
// serve the store: its writes could break what the newer code relies on.
type NewerSchemaError struct {
	Unknown []int // ascending
	Latest  int   // the latest version this binary knows
}

func (e *NewerSchemaError) Error() string {
	vs := make([]string, len(e.Unknown))
	for i, v := range e.Unknown {
		vs[i] = strconv.Itoa(v)
	}
	list := strings.Join(vs, ", ")
	if len(vs) > 5 {
		list = fmt.Sprintf("%s … %s (%d versions)", strings.Join(vs[:3], ", "), vs[len(vs)-1], len(vs))
	}
	noun := "version"
	if len(vs) > 1 {
		noun = "versions"
	}
	return fmt.Sprintf("the store's schema has %s %s, which this Manara does not know (its latest is %d): the store was written by a newer Manara; upgrade the binary", noun, list, e.Latest)
}

// newer returns a *NewerSchemaError if applied holds versions that none
// of the dialect's migrations has.
func (s *Store) newer(applied map[int]bool) error {
	known := map[int]bool{}
	for _, m := range s.d.Migrations {
		known[m.Version] = true
	}
	var unknown []int
	for v := range applied {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return &NewerSchemaError{Unknown: unknown, Latest: s.latest()}
}

// latest is the latest schema version this binary has a migration for.
func (s *Store) latest() int {
	latest := 0
	for _, m := range s.d.Migrations {
		latest = max(latest, m.Version)
	}
	return latest
}

// highest is the highest of the applied versions.
func highest(applied map[int]bool) int {
	h := 0
	for v := range applied {
		h = max(h, v)
	}
	return h
}

// CheckSchema returns a *NewerSchemaError if the store's schema has
// versions this binary does not know. It only reads, so it can judge a
// backup opened read-only before it is restored.
func (s *Store) CheckSchema(ctx context.Context) error {
	applied, err := s.appliedVersions(ctx)
	if err != nil {
		return err
	}
	return s.newer(applied)
}

// Migrate applies every migration not yet applied, each in its own
// transaction, and returns how many it applied. It applies none to a
// store of a newer schema (a *NewerSchemaError).
func (s *Store) Migrate(ctx context.Context) (int, error) {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := s.appliedVersions(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.newer(applied); err != nil {
		return 0, err
	}
	n := 0
	for _, m := range s.d.Migrations {
		if applied[m.Version] {
			continue
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return n, err
		}
		for _, stmt := range m.SQL {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return n, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		if m.Data != nil {
			if err := m.Data(ctx, tx, s.d.Rebind); err != nil {
				tx.Rollback()
				return n, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return n, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return n, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		n++
	}
	return n, nil
}

func (s *Store) appliedVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		m[v] = true
	}
	return m, rows.Err()
}

// MigrationStatus returns the applied and the latest known schema versions.
func (s *Store) MigrationStatus(ctx context.Context) (applied, latest int, err error) {
	vs, err := s.appliedVersions(ctx)
	if err != nil {
		return 0, s.latest(), err
	}
	return highest(vs), s.latest(), nil
}

// Ready reports whether the store answers and its schema is current: every
// migration this binary knows applied, and no version it does not know.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return core.Errorf(core.EUNAVAILABLE, "store unreachable")
	}
	vs, err := s.appliedVersions(ctx)
	if err != nil {
		return core.Errorf(core.EUNAVAILABLE, "store unreachable")
	}
	// Migrating would not help a newer schema: say what would.
	if err := s.newer(vs); err != nil {
		return core.Errorf(core.EUNAVAILABLE, "%s", err.Error())
	}
	pending := 0
	for _, m := range s.d.Migrations {
		if !vs[m.Version] {
			pending++
		}
	}
	if pending > 0 {
		return core.Errorf(core.EUNAVAILABLE, "schema at version %d, expected %d (%d migration(s) pending): run manara migrate", highest(vs), s.latest(), pending)
	}
	return nil
}

// Update runs fn in a read-write transaction. Where the database aborts
// the transaction to break a deadlock, fn runs again (at most
// maxAttempts times in all), so fn must only set its results, never
// accumulate them across runs; nothing fn wrote survives an aborted run.
func (s *Store) Update(ctx context.Context, fn func(core.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.run(ctx, s.w, s.wc, false, fn)
		if err == nil || s.d.Retryable == nil || !s.d.Retryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			break
		}
	}
	s.wc.prepare(ctx, s.w)
	return err
}

// maxAttempts bounds the runs of one Update that the database keeps
// aborting.
const maxAttempts = 4

func (s *Store) View(ctx context.Context, fn func(core.Tx) error) error {
	err := s.run(ctx, s.r, s.rc, true, fn)
	s.rc.prepare(ctx, s.r)
	return err
}

func (s *Store) run(ctx context.Context, db *sql.DB, c *stmtCache, readOnly bool, fn func(core.Tx) error) (err error) {
	var opts *sql.TxOptions
	if readOnly {
		opts = s.d.ViewTx
	}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return unavailable(err)
	}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback()
		}
		if p := recover(); p != nil {
			panic(p)
		}
	}()
	t := &tx{ctx: ctx, tx: sqlTx, d: &s.d, readOnly: readOnly, stmts: c}
	if err := fn(t); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return unavailable(err)
	}
	committed = true
	return nil
}

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %v", core.Errorf(core.EUNAVAILABLE, "store unavailable"), err)
}

// tx is one transaction. Its methods implement core.Tx.
type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	d        *Dialect
	readOnly bool
	stmts    *stmtCache
	bound    map[*sql.Stmt]*sql.Stmt // prepared statements bound to this transaction
	// savepoints numbers this transaction's savepoints.
	savepoints int
}

// prepared returns q's prepared statement bound to this transaction, or
// nil if q is not prepared (yet). A statement is bound once per
// transaction, however often it runs (a group commit inserts many hits).
func (t *tx) prepared(q string) *sql.Stmt {
	st := t.stmts.get(q)
	if st == nil {
		return nil
	}
	if b := t.bound[st]; b != nil {
		return b
	}
	if t.bound == nil {
		t.bound = map[*sql.Stmt]*sql.Stmt{}
	}
	b := t.tx.StmtContext(t.ctx, st)
	t.bound[st] = b
	return b
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	q = t.d.Rebind(q)
	if st := t.prepared(q); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	q = t.d.Rebind(q)
	if st := t.prepared(q); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *tx) queryRow(q string, args ...any) *sql.Row {
	q = t.d.Rebind(q)
	if st := t.prepared(q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

func (t *tx) time(v time.Time) any { return t.d.Time(v.UTC().Truncate(time.Microsecond)) }

func (t *tx) timePtr(v *time.Time) any {
	if v == nil || v.IsZero() {
		return nil
	}
	return t.time(*v)
}

// next increments a named counter and returns its new value. The row lock
// it takes is held to commit, so values are handed out in commit order.
func (t *tx) next(name string) (int64, error) { return t.advance(name, 1) }

// advance adds n to a named counter and returns its new value: the values
// after the old one up to it are the caller's (one statement; both
// databases return the row they updated).
func (t *tx) advance(name string, n int64) (int64, error) {
	var v int64
	err := t.queryRow(`UPDATE counters SET value = value + ? WHERE name = ? RETURNING value`, n, name).Scan(&v)
	return v, err
}

// timeCol scans a time stored as TIMESTAMPTZ (PostgreSQL) or as text (SQLite).
type timeCol struct {
	T     time.Time
	Valid bool
}

func (c *timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.Valid = false
		return nil
	case time.Time:
		c.T, c.Valid = x.UTC(), true
		return nil
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	}
	return fmt.Errorf("cannot scan %T into a time", v)
}

func (c *timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	c.T, c.Valid = t.UTC(), true
	return nil
}

func (c timeCol) ptr() *time.Time {
	if !c.Valid {
		return nil
	}
	t := c.T
	return &t
}

// likePattern makes a substring pattern over search_text (lower-cased in
// Go) with LIKE's wildcards escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
