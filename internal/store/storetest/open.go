// Package storetest holds the contract every store backend must pass, and
// helpers that open fresh real databases for tests of any package: a SQLite
// file in a temporary directory, and a PostgreSQL database created for the
// test on the server named by REGUA_TEST_POSTGRES_URL and dropped after it.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/regua/regua/internal/store/sqldb"
)

// EnvPostgres names the server URL the PostgreSQL half of the tests uses.
const EnvPostgres = "REGUA_TEST_POSTGRES_URL"

// SQLite opens a fresh migrated SQLite store in t's temporary directory.
func SQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), filepath.Join(t.TempDir(), "regua.db"), true)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL creates a fresh database on the REGUA_TEST_POSTGRES_URL server
// and returns its URL; the database is dropped when t ends. Without the
// variable the test is skipped; with it, an unreachable server fails the
// test (CI sets it: the PostgreSQL half must really run).
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s not set: PostgreSQL half skipped", EnvPostgres)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s=%s: cannot connect: %v", EnvPostgres, base, err)
	}
	defer admin.Close(context.Background())
	b := make([]byte, 6)
	rand.Read(b)
	name := "regua_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres opens a fresh migrated PostgreSQL store (see PostgresURL).
func Postgres(t testing.TB) *sqldb.DB {
	t.Helper()
	dsn := PostgresURL(t)
	db, err := sqldb.Open(context.Background(), dsn, true)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each runs f once per backend, as subtests "sqlite" and "postgres".
func Each(t *testing.T, f func(t *testing.T, db *sqldb.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
}

// IsPostgres reports whether a DSN names PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
