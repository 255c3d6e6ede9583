package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/regua/regua/internal/store/sqldb"
)

// TestOpenSQLitePath: the database is the file the path names, whatever
// characters a SQLite URI would read as syntax it holds.
func TestOpenSQLitePath(t *testing.T) {
	for _, dir := range []string{"plain", "a#1", "b?x=1", "c%20d", "e f"} {
		t.Run(dir, func(t *testing.T) {
			base := t.TempDir()
			path := filepath.Join(base, dir, "regua.db")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			db, err := sqldb.Open(context.Background(), path, true)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Fatalf("%s: not created there: %v", path, err)
			}
			entries, _ := os.ReadDir(base)
			if len(entries) != 1 || entries[0].Name() != dir {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("files beside the directory: %v", names)
			}
		})
	}
}
