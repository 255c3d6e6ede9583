package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/regua/regua/internal/store/sqldb"
)

// dbFlag adds --db (REGUA_DB): a SQLite file path or a postgres:// URL.
func dbFlag(env *cliEnv, fs *flag.FlagSet) *string {
	return fs.String("db", envDefault(env, "db", "regua.db"), "SQLite file path or postgres:// URL (env REGUA_DB)")
}

// logFlags adds --log-level and --log-format (REGUA_LOG_LEVEL, REGUA_LOG_FORMAT).
func logFlags(env *cliEnv, fs *flag.FlagSet) (level, format *string) {
	level = fs.String("log-level", envDefault(env, "log-level", "info"), "debug, info, warn or error (env REGUA_LOG_LEVEL)")
	format = fs.String("log-format", envDefault(env, "log-format", "text"), "text or json (env REGUA_LOG_FORMAT)")
	return
}

func newLogger(env *cliEnv, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	}
	return nil, usagef("--log-format %q: want text or json", format)
}

// openStore opens and migrates the store named by dsn.
func openStore(ctx context.Context, dsn string) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, dsn, true)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactDSN(dsn), err)
	}
	return db, nil
}

// redactDSN hides a password in a URL for logs and errors.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if j := strings.Index(dsn[i+3:], "@"); j >= 0 {
			cred := dsn[i+3 : i+3+j]
			if k := strings.Index(cred, ":"); k >= 0 {
				return dsn[:i+3] + cred[:k] + ":***" + dsn[i+3+j:]
			}
		}
	}
	return dsn
}
