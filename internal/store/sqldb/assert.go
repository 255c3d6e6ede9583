package sqldb

import "github.com/regua/regua/internal/store"

var _ store.Store = (*DB)(nil)
