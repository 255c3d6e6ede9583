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
