package main

import (
	"context"
	"log/slog"

	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store/sqldb"
)

// The planner of `regua serve --roles worker`: enrols open debts in their
// journeys and plans each day's attempts, every tenant, once a day. Several
// worker processes may run it at once: enrolment and planning are
// idempotent.
func init() {
	registerWorker("planner", func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error {
		return planner.RunDaily(ctx, log, s)
	})
}
