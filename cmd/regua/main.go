// Command regua is the one binary of Régua: web server, workers, importer,
// demo and the command-line tools integrators script against. This package
// only parses flags and wires packages together; each subcommand lives in a
// file of its own and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: `regua <name> args…`.
type command struct {
	name    string
	summary string
	// run gets the arguments after the subcommand name. Output goes to
	// stdout/stderr of the env; a returned usageError exits with status 2.
	run func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what a subcommand may touch of the outside world, so that tests
// can run subcommands in-process.
type cliEnv struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	getenv         func(string) string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("regua: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, getenv: os.Getenv}
	os.Exit(runMain(ctx, env, os.Args[1:]))
}

func runMain(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "regua: unknown command %q\n\n", args[0])
		printUsage(env.stderr)
		return 2
	}
	err := c.run(ctx, env, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.stderr, "regua %s: %s\n", c.name, ue.msg)
		return 2
	}
	fmt.Fprintf(env.stderr, "regua %s: %v\n", c.name, err)
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Régua — debt collection and renegotiation.\n\nUsage: regua <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'regua <command> -h' for a command's flags.")
}

// newFlagSet makes a flag set whose errors and help go to env.stderr and
// that returns errors instead of exiting.
func newFlagSet(env *cliEnv, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("regua "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// come before or after positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		if rest[0] == "--" {
			pos = append(pos[:len(pos)-1], args...)
			return pos, nil
		}
	}
}

// envDefault returns the REGUA_* environment value for a flag, or def.
// Flag "db" reads REGUA_DB, "http-addr" reads REGUA_HTTP_ADDR.
func envDefault(env *cliEnv, flagName, def string) string {
	key := "REGUA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
	if v := env.getenv(key); v != "" {
		return v
	}
	return def
}

// subcommands dispatches `regua <group> <sub> args…` to one of subs.
func subcommands(ctx context.Context, env *cliEnv, group string, args []string, subs map[string]func(context.Context, *cliEnv, []string) error) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return usagef("which one? regua %s {%s}", group, strings.Join(names, "|"))
	}
	f, ok := subs[args[0]]
	if !ok {
		return usagef("unknown subcommand %q; want one of %s", args[0], strings.Join(names, ", "))
	}
	return f(ctx, env, args[1:])
}
