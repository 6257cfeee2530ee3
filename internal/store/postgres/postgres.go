// Package postgres opens Manara's production store: PostgreSQL through pgx.
// It owns connection set-up and PostgreSQL's dialect; the SQL itself is
// shared with SQLite in sqlstore.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// Dialect is PostgreSQL's.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:      "postgres",
		Rebind:    rebind,
		Time:      func(t time.Time) any { return t.UTC() },
		ForUpdate: " FOR UPDATE",
		// One snapshot for the whole view: at the default (read committed)
		// each statement saw the commits made since the one before, and a
		// check of the audit log beside the writer read a head older than
		// the entries after it and called the log altered. A read-only
		// transaction at repeatable read is never aborted for
		// serialisation.
		ViewTx:   &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		DataText: "data::text",
		// Containment is false, not NULL, where the key is missing.
		JSONTrue: func(column, key string) string { return "(" + column + `::jsonb @> '{"` + key + `": true}')` },
		JSONText: func(column, key string) string { return "(" + column + "::jsonb ->> '" + key + "')" },
		UTCDate:  func(column string) string { return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')" },
		IsUnique: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && pe.Code == "23505"
		},
		Retryable: func(err error) bool {
			// deadlock_detected, serialization_failure
			var pe *pgconn.PgError
			return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
		},
		Migrations: sqlstore.Migrations(sqlstore.Types{Time: "TIMESTAMPTZ", JSON: "JSONB", Bool: "BOOLEAN", Blob: "BYTEA"}),
	}
}

// rebound keeps the statements rebind has turned, by their text: every
// statement is a constant of the code or one of a few shapes of one (a
// LIMIT, a count of rows), so the texts are few; past maxRebound more are
// turned each time rather than kept.
var (
	rebound      sync.Map // string → string
	reboundCount atomic.Int64
)

const maxRebound = 4096

// rebind turns ? placeholders into $1, $2… Our queries never contain a
// literal question mark.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindText(q)
	if reboundCount.Load() < maxRebound {
		if _, loaded := rebound.LoadOrStore(q, r); !loaded {
			reboundCount.Add(1)
		}
	}
	return r
}

func rebindText(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Open connects to the database at url (postgres://…). It does not migrate.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return sqlstore.New(Dialect(), db, db), nil
}
