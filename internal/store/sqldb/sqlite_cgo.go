//go:build cgo

package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteEngine names the SQLite build in use: SQLite's C source through
// cgo (mattn/go-sqlite3) when the build has cgo, modernc.org/sqlite (the
// same C source translated to Go) when it has not. See docs/decisions.md.
const sqliteEngine = "sqlite3 (cgo)"

// openSQLite opens the SQLite file at path (a file: URI with _txlock) with
// pragmas ("name(value)") applied to every connection.
func openSQLite(path string, pragmas []string) (*sql.DB, error) {
	var stmts []string
	for _, p := range pragmas {
		name, val, ok := strings.Cut(strings.TrimSuffix(p, ")"), "(")
		if !ok {
			return nil, fmt.Errorf("sqlite pragma %q: want name(value)", p)
		}
		stmts = append(stmts, "PRAGMA "+name+" = "+val)
	}
	d := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		for _, s := range stmts {
			if _, err := c.Exec(s, nil); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	}}
	// _mutex=no: database/sql hands a connection to one goroutine at a
	// time, so SQLite's per-connection mutex (a lock and unlock around
	// every call, 4% of a large booking's CPU) guards nothing.
	return sql.OpenDB(connector{d: d, dsn: "file:" + uriPath.Replace(path) + "?_txlock=immediate&_mutex=no"}), nil
}

type connector struct {
	d   *sqlite3.SQLiteDriver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.d }
