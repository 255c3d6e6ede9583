package main

import (
	"context"
	"fmt"
)

// `regua bench journeys` is the name for the daily engine's
// benchmark: it plans one day (the journeys-plan bench, with its flags) and
// then points to the dispatch bench, which needs PostgreSQL and worker
// processes of its own.
func init() {
	registerBench("journeys", func(ctx context.Context, env *cliEnv, args []string) error {
		pb, err := benchJourneysPlan(ctx, env, args)
		if err != nil {
			return err
		}
		pb.Close()
		fmt.Fprintln(env.stdout, "dispatch half: regua bench dispatch --db postgres://… --n N (two worker processes, beside a bare UPDATE … RETURNING loop)")
		return nil
	})
}
