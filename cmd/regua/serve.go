package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/web"
)

func init() {
	register(&command{name: "serve", summary: "run the web server and/or workers", run: runServe})
}

type serveOptions struct {
	db, logLevel, logFormat string
	addr                    string
	roles                   string
	secureCookies           bool
	baseURL                 string
}

// serveFlags registers the flags of a serving command on a new flag set.
func serveFlags(env *cliEnv, name, defaultDB string) (*flag.FlagSet, *serveOptions) {
	fs := newFlagSet(env, name)
	o := &serveOptions{}
	fs.StringVar(&o.db, "db", envDefault(env, "db", defaultDB), "SQLite file path or postgres:// URL (env REGUA_DB)")
	fs.StringVar(&o.logLevel, "log-level", envDefault(env, "log-level", "info"), "debug, info, warn or error (env REGUA_LOG_LEVEL)")
	fs.StringVar(&o.logFormat, "log-format", envDefault(env, "log-format", "text"), "text or json (env REGUA_LOG_FORMAT)")
	fs.StringVar(&o.addr, "http-addr", envDefault(env, "http-addr", "127.0.0.1:8080"), "address to listen on (env REGUA_HTTP_ADDR)")
	fs.StringVar(&o.roles, "roles", envDefault(env, "roles", "web,worker"), "comma-separated roles of this process: web, worker (env REGUA_ROLES)")
	fs.BoolVar(&o.secureCookies, "secure-cookies", envDefault(env, "secure-cookies", "") == "true", "mark cookies Secure; set when served over HTTPS (env REGUA_SECURE_COOKIES=true)")
	fs.StringVar(&o.baseURL, "base-url", envDefault(env, "base-url", ""), "public URL of the site, e.g. https://regua.example.com (env REGUA_BASE_URL)")
	return fs, o
}

// workers are the background loops of the worker role (planner, dispatch,
// …); each part registers its own in init.
var workers = map[string]func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error{}

func registerWorker(name string, f func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error) {
	if _, dup := workers[name]; dup {
		panic("regua: worker registered twice: " + name)
	}
	workers[name] = f
}

// webMounts add pages of later parts to the web role's server (agent
// tasks, tracked links, provider callbacks …); each part registers its own
// in init, so serve itself does not grow with them.
var webMounts = map[string]func(h *web.Server, s *sqldb.DB, log *slog.Logger) error{}

func registerWebMount(name string, f func(h *web.Server, s *sqldb.DB, log *slog.Logger) error) {
	if _, dup := webMounts[name]; dup {
		panic("regua: web mount registered twice: " + name)
	}
	webMounts[name] = f
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs, o := serveFlags(env, "serve", "regua.db")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(env, o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, log, s, o, nil)
}

// serve runs the roles of o until ctx ends, then shuts down gracefully.
// ready, when set, is called with the listening address.
func serve(ctx context.Context, env *cliEnv, log *slog.Logger, s *sqldb.DB, o *serveOptions, ready func(addr string)) error {
	roles := map[string]bool{}
	for _, r := range strings.Split(o.roles, ",") {
		r = strings.TrimSpace(r)
		if r != "web" && r != "worker" {
			return usagef("--roles: unknown role %q (want web, worker)", r)
		}
		roles[r] = true
	}
	errc := make(chan error, 2)
	var srv *http.Server
	if roles["web"] {
		h, err := web.New(web.Config{Store: s, Logger: log, Import: importFunc(s), SecureCookies: o.secureCookies, BaseURL: o.baseURL})
		if err != nil {
			return err
		}
		h.AddReconcilePages(nil)
		for _, name := range sortedKeys(webMounts) {
			if err := webMounts[name](h, s, log); err != nil {
				return fmt.Errorf("web %s: %w", name, err)
			}
		}
		ln, err := net.Listen("tcp", o.addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", o.addr, err)
		}
		srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		log.Info("web server listening", "addr", ln.Addr().String(), "store", s.Dialect())
		if ready != nil {
			ready(ln.Addr().String())
		}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	if roles["worker"] {
		for _, name := range sortedKeys(workers) {
			run := workers[name]
			log.Info("worker started", "worker", name)
			go func() {
				if err := run(ctx, log.With("worker", name), s); err != nil && !errors.Is(err, context.Canceled) {
					errc <- fmt.Errorf("worker %s: %w", name, err)
				}
			}()
		}
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	log.Info("shutting down")
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	return nil
}
