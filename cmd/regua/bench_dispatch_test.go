package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

// envAsCLI makes this test binary behave as the regua binary, for commands
// that start regua processes (bench dispatch starts `regua queue work`).
const envAsCLI = "REGUA_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(envAsCLI) == "1" {
		env := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}
		os.Exit(runMain(context.Background(), env, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func TestBenchDispatch(t *testing.T) {
	t.Setenv(envAsCLI, "1") // for the worker processes only: this one is past TestMain
	code, out, errOut := runCLI(t, "bench", "dispatch", "--db", t.TempDir(), "--n", "40", "--procs", "2", "--batch", "7")
	if code != 0 {
		t.Fatalf("code %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"store sqlite, ", "40 attempts", "2 worker processes", "dispatch: 40 sent, 40 timeline events, sink 40 requests / 40 messages", "baseline: 40 rows moved", "ratio dispatch/baseline"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
