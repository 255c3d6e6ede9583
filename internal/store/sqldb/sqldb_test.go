package sqldb_test

import (
	"testing"

	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) { storetest.Run(t, db) })
}

func TestRebind(t *testing.T) {
	db := storetest.SQLite(t)
	if got := db.Rebind("a = ? AND b = '?'"); got != "a = ? AND b = '?'" {
		t.Errorf("sqlite rebind changed the query: %s", got)
	}
}
