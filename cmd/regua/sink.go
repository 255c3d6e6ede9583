package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/regua/regua/internal/channel/sink"
)

// `regua sink` runs the local provider stand-in that dispatch sends to
// until real adapters are configured: point REGUA_CHANNEL_URL at it.
func init() {
	register(&command{name: "sink", summary: "run a local message sink speaking the providers' JSON API (for demos and tests)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, "sink")
		addr := fs.String("addr", envDefault(env, "sink-addr", "127.0.0.1:9099"), "address to listen on (env REGUA_SINK_ADDR)")
		logPath := fs.String("log", "", "append every accepted message to this file as JSON lines")
		failFirst := fs.Int("fail-first", 0, "answer 503 (SMTP 451) to the first n tries of each message (to see retries)")
		smtpAddr := fs.String("smtp-addr", "", "also accept e-mail over SMTP on this address, e.g. 127.0.0.1:2525")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		sk := sink.New(0)
		sk.FailFirst = *failFirst
		if *logPath != "" {
			f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			defer f.Close()
			sk.Log = f
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", *addr, err)
		}
		fmt.Fprintf(env.stdout, "sink listening on http://%s (POST /v1/{sms,email,whatsapp,voice}/messages, GET /v1/stats)\n", ln.Addr())
		if *smtpAddr != "" {
			sl, err := net.Listen("tcp", *smtpAddr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", *smtpAddr, err)
			}
			defer sl.Close()
			fmt.Fprintf(env.stdout, "sink accepting SMTP on %s\n", sl.Addr())
			go sk.ServeSMTP(sl)
		}
		srv := &http.Server{Handler: sk, ReadHeaderTimeout: 10 * time.Second}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			<-ctx.Done()
			srv.Close()
		}()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		st := sk.Stats()
		fmt.Fprintf(env.stdout, "sink: %d requests, %d messages, %d repeated keys\n", st.Requests, st.Unique, st.Duplicates)
		return nil
	}})
}
