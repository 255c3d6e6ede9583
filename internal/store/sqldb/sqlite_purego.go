//go:build !cgo

package sqldb

import (
	"database/sql"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteEngine: see sqlite_cgo.go.
const sqliteEngine = "modernc.org/sqlite (pure Go)"

// openSQLite opens the SQLite file at path with pragmas ("name(value)")
// applied to every connection.
func openSQLite(path string, pragmas []string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return sql.Open("sqlite", "file:"+uriPath.Replace(path)+"?"+q.Encode())
}
