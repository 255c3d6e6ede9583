// Package sqldb implements the store interfaces over database/sql for both
// SQLite (embedded, WAL; SQLite's C source through cgo, or modernc.org/sqlite
// in builds without cgo) and PostgreSQL (pgx v5). SQL is
// written once with '?' placeholders and rewritten for PostgreSQL; where the
// dialects differ (migrations, bulk paths, locking) the code branches on
// DB.pg in one visible place.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// DB is a store backed by SQLite or PostgreSQL.
type DB struct {
	sql *sql.DB
	// wsql is SQLite's one write connection (the same pool as sql on
	// PostgreSQL). Keeping every write transaction on one connection keeps
	// its page cache warm: a transaction on another pooled connection would
	// find its cache invalidated by the last write and re-read the index
	// pages, which made large imports slow down as the file grew.
	wsql *sql.DB
	pg   bool
	// write serialises SQLite write transactions: SQLite has one writer and
	// its busy handler would otherwise turn contention into SQLITE_BUSY.
	write chan struct{}
	// importBatches counts ApplyImport calls, for refreshing PostgreSQL's
	// statistics as imports grow the tables (refreshImportStats).
	importBatches atomic.Int64
}

// Open connects to dsn: a "postgres://" or "postgresql://" URL, or a SQLite
// file path (optionally "sqlite:" or "file:" prefixed). It applies pending
// migrations unless migrate is false.
func Open(ctx context.Context, dsn string, migrate bool) (*DB, error) {
	db := &DB{write: make(chan struct{}, 1)}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.pg = true
		db.sql, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.sql.SetMaxOpenConns(20)
		db.sql.SetMaxIdleConns(20)
		db.wsql = db.sql
	} else {
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if path == "" {
			return nil, fmt.Errorf("open sqlite: empty path")
		}
		pragmas := []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)", "busy_timeout(10000)", "temp_store(MEMORY)", "cache_size(-32768)"}
		db.sql, err = openSQLite(path, pragmas)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		// Readers run in parallel under WAL; writers queue on db.write.
		db.sql.SetMaxOpenConns(8)
		db.sql.SetMaxIdleConns(8)
		db.sql.SetConnMaxIdleTime(0)
		// Readers busy during an Analyze keep their old statistics; a
		// bounded lifetime renews them.
		db.sql.SetConnMaxLifetime(10 * time.Minute)
		// The writer checkpoints the WAL into the database every 8,000
		// pages (32 MB) rather than SQLite's 1,000: a large booking's
		// batches rewrite the same index pages, and each checkpoint copied
		// them again (a tenth of a million-record return file's time).
		db.wsql, err = openSQLite(path, append(pragmas, "wal_autocheckpoint(8000)"))
		if err != nil {
			db.sql.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		db.wsql.SetMaxOpenConns(1)
		db.wsql.SetMaxIdleConns(1)
		db.wsql.SetConnMaxIdleTime(0)
		db.wsql.SetConnMaxLifetime(0)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.Dialect(), err)
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.sql.Close()
			return nil, err
		}
	}
	if !db.pg {
		// Refresh planner statistics that are missing or stale (cheap when
		// they are current): without them SQLite takes tenant_id, the lead
		// column of every index, for a selective one.
		if _, err := db.sql.ExecContext(ctx, `PRAGMA analysis_limit=400; PRAGMA optimize=0x10002`); err != nil {
			db.sql.Close()
			return nil, fmt.Errorf("sqlite optimize: %w", err)
		}
	}
	return db, nil
}

// Analyze refreshes the query planner's statistics after bulk changes
// (imports, demo loads). It samples, so it stays quick on large tables.
func (db *DB) Analyze(ctx context.Context) error {
	q := `PRAGMA analysis_limit=400; ANALYZE`
	if db.pg {
		q = `ANALYZE debtors, contact_points, debts, installments`
	}
	if _, err := db.Exec(ctx, q); err != nil {
		return err
	}
	if !db.pg {
		// SQLite connections load statistics when they open: let the idle
		// readers go so that the next queries plan with the new ones.
		db.sql.SetMaxIdleConns(0)
		db.sql.SetMaxIdleConns(8)
	}
	return nil
}

// Dialect is "sqlite" or "postgres".
func (db *DB) Dialect() string {
	if db.pg {
		return "postgres"
	}
	return "sqlite"
}

// Engine names the database engine under the dialect: the SQLite build
// (cgo or pure Go) or the PostgreSQL driver, for benchmark headers.
func (db *DB) Engine() string {
	if db.pg {
		return "postgres (pgx)"
	}
	return "sqlite, " + sqliteEngine
}

// SQL exposes the connection pool for benchmarks' baselines and for other
// packages' stores built on this one.
func (db *DB) SQL() *sql.DB { return db.sql }

// Writer is the pool writes go through: on SQLite its one write
// connection, with the booking's checkpoint setting; on PostgreSQL SQL's.
// For benchmarks that write as the store does.
func (db *DB) Writer() *sql.DB { return db.wsql }

// Postgres reports whether this is the PostgreSQL backend.
func (db *DB) Postgres() bool { return db.pg }

func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

func (db *DB) Close() error {
	err := db.sql.Close()
	if db.wsql != db.sql {
		if werr := db.wsql.Close(); err == nil {
			err = werr
		}
	}
	return err
}

func (db *DB) migrationProvider() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if db.pg {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	// AllowOutofOrder: parts of Régua number their migrations in ranges of
	// their own, so a database may meet an older number added later.
	return goose.NewProvider(dialect, db.sql, sub, goose.WithAllowOutofOrder(true))
}

// Migrate applies every pending migration, recording versions in goose's
// version table.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrationProvider()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", db.Dialect(), err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "dialect", db.Dialect(), "version", r.Source.Version, "took", r.Duration)
	}
	return nil
}

// MigrationStatus returns the latest available version and the current one.
func (db *DB) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrationProvider()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

// Rebind rewrites '?' placeholders to PostgreSQL's $n. Question marks inside
// quoted strings are left alone.
func (db *DB) Rebind(q string) string {
	if !db.pg {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Tx runs f in a transaction, committing when it returns nil. On SQLite it
// takes the write lock first (readOnly transactions skip it).
func (db *DB) Tx(ctx context.Context, f func(tx *sql.Tx) error) error {
	if !db.pg {
		select {
		case db.write <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-db.write }()
	}
	tx, err := db.wsql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Exec runs one write statement outside an explicit transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if !db.pg {
		select {
		case db.write <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-db.write }()
	}
	return db.wsql.ExecContext(ctx, db.Rebind(q), args...)
}

// now is UTC with microsecond precision, the finest both stores keep, so
// that what is written compares equal to what is read back.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// nullTime turns the zero time into NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeScanner scans a nullable timestamp from either driver into a UTC time.
type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	return nil
}

func (s timeScanner) parse(v string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			*s.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("cannot parse time %q", v)
}

func tm(t *time.Time) timeScanner { return timeScanner{t} }

// uriPath escapes what a SQLite URI filename would read as syntax: a path
// with "#" or "?" (a directory named "a#1") would otherwise open a file
// cut at that character.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
