package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs regua in-process and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
	code := runMain(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestUsageAndVersion(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{nil, 0, "Usage: regua", ""},
		{[]string{"version"}, 0, "regua dev", ""},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"bench", "nope"}, 2, "", `unknown subcommand "nope"`},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("regua %v: code %d out %q err %q", tt.args, code, out, errOut)
		}
	}
}
