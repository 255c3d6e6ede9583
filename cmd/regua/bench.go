package main

import (
	"context"
)

// benches are the whole-workload benchmarks behind `regua bench <name>`;
// each workload's file adds itself in init.
var benches = map[string]func(context.Context, *cliEnv, []string) error{}

func registerBench(name string, f func(context.Context, *cliEnv, []string) error) {
	if _, dup := benches[name]; dup {
		panic("regua: bench registered twice: " + name)
	}
	benches[name] = f
}

func init() {
	register(&command{name: "bench", summary: "measure a whole workload (import, policy, journeys, offers, cnab, …)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "bench", args, benches)
	}})
}
