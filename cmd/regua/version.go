package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func init() {
	register(&command{name: "version", summary: "print the version", run: runVersion})
}

func runVersion(_ context.Context, env *cliEnv, _ []string) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = " " + s.Value
			}
		}
	}
	fmt.Fprintf(env.stdout, "regua %s%s %s\n", version, rev, runtime.Version())
	return nil
}
