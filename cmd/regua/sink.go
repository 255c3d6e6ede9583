package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/regua/regua/internal/channel/callback"
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
		cbURL := fs.String("callback-url", envDefault(env, "sink-callback-url", ""), "post status callbacks (delivered, read) to this URL, e.g. http://127.0.0.1:8080/hooks/channel/sink (env REGUA_SINK_CALLBACK_URL); signed with REGUA_CALLBACK_SECRET_<PROVIDER> or REGUA_CALLBACK_SECRET, the provider being the URL's last segment")
		cbDelay := fs.Duration("callback-delay", 1*time.Second, "wait this long after accepting a message before \"delivered\", and again before \"read\"")
		readPct := fs.Int("read-percent", 0, "report this percentage of delivered messages as read too (the same messages in every run)")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		sk := sink.New(0)
		sk.FailFirst = *failFirst
		if *cbURL != "" {
			cb, err := sinkCallbacks(env.getenv, *cbURL, *cbDelay, *readPct)
			if err != nil {
				return err
			}
			sk.SetCallbacks(cb)
			defer sk.StopCallbacks()
			fmt.Fprintf(env.stdout, "sink posting status callbacks to %s (delivered after %s, %d%% also read)\n", *cbURL, *cbDelay, *readPct)
		}
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
		fmt.Fprintf(env.stdout, "sink: %d requests, %d messages, %d repeated keys, %d callbacks (%d given up)\n", st.Requests, st.Unique, st.Duplicates, st.Callbacks, st.CallbacksFailed)
		return nil
	}})
}

// sinkCallbacks configures the sink's status callbacks to url, signed
// with the secret Régua's callback handler expects of the provider the
// URL names (its last path segment).
func sinkCallbacks(getenv func(string) string, url string, delay time.Duration, readPct int) (sink.Callbacks, error) {
	u, err := neturl.Parse(url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return sink.Callbacks{}, usagef("--callback-url %q: want http(s)://host/hooks/channel/<provider>", url)
	}
	provider := path.Base(u.Path)
	if !callback.ValidProvider(provider) {
		return sink.Callbacks{}, usagef("--callback-url %q: the last segment %q is not a provider name (a-z 0-9 - _)", url, provider)
	}
	secret := callback.EnvSecrets(getenv)(provider)
	if len(secret) == 0 {
		return sink.Callbacks{}, usagef("--callback-url: set %s or REGUA_CALLBACK_SECRET (the same as the server's)", callback.EnvName(provider))
	}
	if readPct < 0 || readPct > 100 {
		return sink.Callbacks{}, usagef("--read-percent %d: want 0–100", readPct)
	}
	if delay <= 0 {
		return sink.Callbacks{}, usagef("--callback-delay %s: want a positive duration", delay)
	}
	return sink.Callbacks{URL: url, Secret: secret, Delay: delay, ReadPercent: readPct}, nil
}

// demoSinkCallbacks makes the demo's in-process sink report deliveries
// (and reads of 40 % of the messages) to the demo's own web server at
// (o.addr), so that journeys branch on outcomes in the demo too. Without
// a configured secret it makes one up for this process.
func demoSinkCallbacks(sk *sink.Sink, o *serveOptions) {
	if !strings.Contains(o.roles, "web") {
		return
	}
	host, port, err := net.SplitHostPort(o.addr)
	if err != nil || port == "0" {
		return // no fixed address to call back to
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	if os.Getenv("REGUA_CALLBACK_SECRET") == "" && os.Getenv(callback.EnvName("sink")) == "" {
		b := make([]byte, 32)
		rand.Read(b)
		os.Setenv("REGUA_CALLBACK_SECRET", hex.EncodeToString(b))
	}
	cb, err := sinkCallbacks(os.Getenv, "http://"+net.JoinHostPort(host, port)+"/hooks/channel/sink", 2*time.Second, 40)
	if err != nil {
		return
	}
	sk.SetCallbacks(cb)
}
