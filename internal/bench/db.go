package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/regua/regua/internal/store/sqldb"
)

// FreshDB opens a new, empty, migrated store of the kind target names: a
// postgres:// URL gets a new database on that server (dropped by cleanup);
// anything else is a directory for a new SQLite file ("" = a temp dir).
func FreshDB(ctx context.Context, target, label string) (db *sqldb.DB, dsn string, cleanup func(), err error) {
	return FreshDBFrom(ctx, target, label, "")
}

// IsPostgres says whether target names a PostgreSQL server.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// PGDatabaseExists says whether the server of target has database name.
func PGDatabaseExists(ctx context.Context, target, name string) (bool, error) {
	admin, err := pgx.Connect(ctx, target)
	if err != nil {
		return false, err
	}
	defer admin.Close(ctx)
	var n int
	err = admin.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n)
	return n > 0, err
}

// PGCopyDatabase creates database to as a copy of from (CREATE DATABASE …
// TEMPLATE: a file copy, no other session may be connected to from).
func PGCopyDatabase(ctx context.Context, target, from, to string) error {
	admin, err := pgx.Connect(ctx, target)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{to}.Sanitize()+" TEMPLATE "+pgx.Identifier{from}.Sanitize()+fileCopy(ctx, admin))
	if err != nil {
		return fmt.Errorf("copy database %s to %s: %w", from, to, err)
	}
	return nil
}

// fileCopy is the STRATEGY clause that copies a template's files (with a
// checkpoint before and after) on PostgreSQL 15 and later. Their default
// copies through the WAL: gigabytes at a million records, checkpointed
// during the run that follows and charged to it as page images.
func fileCopy(ctx context.Context, admin *pgx.Conn) string {
	var v int
	if err := admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&v); err != nil || v < 150000 {
		return ""
	}
	return " STRATEGY FILE_COPY"
}

// TemplateExists says whether template (FreshDBFrom's) is there to copy:
// a database on target's PostgreSQL server, else a SQLite file.
func TemplateExists(ctx context.Context, target, template string) (bool, error) {
	if IsPostgres(target) {
		return PGDatabaseExists(ctx, target, template)
	}
	_, err := os.Stat(template)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// FreshDBFrom is FreshDB, copied from a non-empty template (a loaded
// portfolio kept between runs) instead of starting empty: on PostgreSQL
// a database on the same server, on SQLite a file. The copy is migrated
// like a new store.
func FreshDBFrom(ctx context.Context, target, label, template string) (db *sqldb.DB, dsn string, cleanup func(), err error) {
	if IsPostgres(target) {
		admin, err := pgx.Connect(ctx, target)
		if err != nil {
			return nil, "", nil, fmt.Errorf("connect %s: %w", label, err)
		}
		b := make([]byte, 4)
		rand.Read(b)
		name := "regua_bench_" + label + "_" + hex.EncodeToString(b)
		create := "CREATE DATABASE " + name
		if template != "" {
			create += " TEMPLATE " + pgx.Identifier{template}.Sanitize() + fileCopy(ctx, admin)
		}
		if _, err := admin.Exec(ctx, create); err != nil {
			admin.Close(ctx)
			return nil, "", nil, err
		}
		admin.Close(ctx)
		u, _ := url.Parse(target)
		u.Path = "/" + name
		dsn = u.String()
		drop := func() {
			c, err := pgx.Connect(context.Background(), target)
			if err == nil {
				c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				c.Close(context.Background())
			}
		}
		db, err = sqldb.Open(ctx, dsn, true)
		if err != nil {
			drop()
			return nil, "", nil, err
		}
		return db, dsn, func() { db.Close(); drop() }, nil
	}
	dir := target
	tmp := false
	if dir == "" {
		if dir, err = os.MkdirTemp("", "regua-bench-"); err != nil {
			return nil, "", nil, err
		}
		tmp = true
	}
	dsn = filepath.Join(dir, label+".db")
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(dsn + s)
	}
	if template != "" {
		if err := copyFile(template, dsn); err != nil {
			return nil, "", nil, fmt.Errorf("copy template %s: %w", template, err)
		}
	}
	db, err = sqldb.Open(ctx, dsn, true)
	if err != nil {
		return nil, "", nil, err
	}
	return db, dsn, func() {
		db.Close()
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(dsn + s)
		}
		if tmp {
			os.RemoveAll(dir)
		}
	}, nil
}

// copyFile copies a SQLite template (written by VACUUM INTO: no WAL of its
// own) to a new file, synced: the kernel writes it back now, not during
// the timed phase that follows.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
