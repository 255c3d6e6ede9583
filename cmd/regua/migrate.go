package main

import (
	"context"
	"fmt"

	"github.com/regua/regua/internal/store/sqldb"
)

func init() {
	register(&command{name: "migrate", summary: "apply database migrations (also done at every start)", run: runMigrate})
}

func runMigrate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "migrate")
	db := dbFlag(env, fs)
	status := fs.Bool("status", false, "only print the current and latest version")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := sqldb.Open(ctx, *db, !*status)
	if err != nil {
		return fmt.Errorf("database %s: %w", redactDSN(*db), err)
	}
	defer s.Close()
	cur, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s %s: schema version %d (latest %d)\n", s.Dialect(), redactDSN(*db), cur, latest)
	return nil
}
