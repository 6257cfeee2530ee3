// Package storetest opens real stores for tests: SQLite in a temporary
// folder always, and PostgreSQL, in a fresh database per test, when
// MANARA_TEST_POSTGRES names a server. It also holds the storage suite
// that both must pass. Only tests import it.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/manara-hub/manara/internal/store/postgres"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/store/sqlstore"
)

// EnvPostgres names the variable that enables PostgreSQL tests, e.g.
// postgres://root@127.0.0.1:5432/test?sslmode=disable
const EnvPostgres = "MANARA_TEST_POSTGRES"

// Backend opens a fresh, migrated store for one test.
type Backend struct {
	Name string
	Open func(t testing.TB) *sqlstore.Store
}

// Backends lists the stores to run a test against. PostgreSQL is included
// only when EnvPostgres is set; otherwise the test says so once.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Open: OpenSQLite}}
	if os.Getenv(EnvPostgres) != "" {
		bs = append(bs, Backend{Name: "postgres", Open: OpenPostgres})
	} else {
		t.Logf("PostgreSQL tests skipped: set %s=postgres://user@host:port/db to run them", EnvPostgres)
	}
	return bs
}

// OpenSQLite opens a migrated SQLite store in a temporary folder.
func OpenSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	migrate(t, s)
	return s
}

// OpenPostgres creates a fresh database on the server EnvPostgres names,
// opens a migrated store on it, and drops it when the test ends. It skips
// the test when EnvPostgres is unset.
func OpenPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	dsn := FreshPostgres(t)
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	migrate(t, s)
	return s
}

// FreshPostgres creates an empty database and returns its URL; it is
// dropped when the test ends.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL not configured: set %s to run this test", EnvPostgres)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s is set but PostgreSQL is unreachable: %v", EnvPostgres, err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	name := "manara_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func migrate(t testing.TB, s *sqlstore.Store) {
	t.Helper()
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}
