package sqldb_test

import (
	"testing"

	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestBillingContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) { storetest.Billing(t, db, reconcile.Classify) })
}

// TestBillingContractByCopy runs the billing contract with every booking's
// payments and receipts written by COPY (PostgreSQL; a large return file's
// path), not by INSERT.
func TestBillingContractByCopy(t *testing.T) {
	defer sqldb.SetCopyThreshold(1)()
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		if db.Dialect() != "postgres" {
			t.Skip("COPY is PostgreSQL's")
		}
		storetest.Billing(t, db, reconcile.Classify)
	})
}
