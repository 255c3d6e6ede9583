package main

import (
	"context"

	"github.com/regua/regua/internal/bench"
)

func init() {
	registerBench("import", func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, "bench import")
		rows := fs.Int("rows", 1_000_000, "installment rows to generate and import")
		seed := fs.Uint64("seed", 7, "demo generator seed")
		db := fs.String("db", envDefault(env, "bench-db", ""), "SQLite directory (default a temp dir) or postgres:// server URL on which fresh databases are created (env REGUA_BENCH_DB)")
		search := fs.Int("search", 1000, "searches per kind for the latency figures (0 = skip)")
		batch := fs.Int("batch", 0, "rows per import transaction (default: the importer's)")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		return bench.Import(ctx, bench.ImportOptions{Rows: *rows, Seed: *seed, Target: *db, Search: *search, Batch: *batch, Out: env.stdout})
	})
}
