package main

import (
	"context"
	"fmt"
	"log/slog"
	neturl "net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/email"
	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/store/sqldb"
)

// The dispatch worker of `regua serve --roles worker`. It is configured
// from the environment, since serve's flags belong to every role:
//
//	REGUA_CHANNEL_URL            base URL of a provider speaking Régua's JSON message API
//	                             (for example a `regua sink`), for sms, email, whatsapp and voice
//	REGUA_CHANNEL_<CH>_URL       the same for one channel (SMS, EMAIL, WHATSAPP, VOICE); "off" disables it;
//	                             for EMAIL also smtp://host:port?from=cobranca@credor.com.br
//	REGUA_CHANNEL_TOKEN          bearer token sent to the provider
//	REGUA_DISPATCH_BATCH, _LOOPS, _SENDS, _MAX_TRIES   integers
//	REGUA_DISPATCH_LEASE, _BACKOFF                     durations (2m, 30s)
//	REGUA_DISPATCH_POLICY        preset for attempts outside journeys (BR)
func init() {
	registerWorker("dispatch", func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error {
		o, err := dispatchOptions(os.Getenv)
		if err != nil {
			return err
		}
		o.Log = log
		addStoreChannels(&o, s, log)
		d, err := dispatch.New(s, o)
		if err != nil {
			return err
		}
		return d.Run(ctx)
	})
}

// storeChannels are channels whose "send" is written in Régua's own store
// rather than handed to a provider: agent call tasks, letters, agency
// exports. Each part registers its own in init.
// now is the clock they stamp tasks and letters with (nil: time.Now).
var storeChannels = map[string]func(s *sqldb.DB, log *slog.Logger, now func() time.Time) channel.Channel{}

func registerStoreChannel(name string, f func(s *sqldb.DB, log *slog.Logger, now func() time.Time) channel.Channel) {
	if _, dup := storeChannels[name]; dup {
		panic("regua: store channel registered twice: " + name)
	}
	storeChannels[name] = f
}

// addStoreChannels adds every registered store channel to o that o does
// not already configure, on o's clock. Both dispatch workers (`regua serve
// --roles worker` and `regua queue work`) call it, so a journey's call and
// letter steps are sent whichever runs them.
func addStoreChannels(o *dispatch.Options, s *sqldb.DB, log *slog.Logger) {
	if o.Channels == nil {
		o.Channels = map[string]channel.Channel{}
	}
	for _, name := range sortedKeys(storeChannels) {
		if _, set := o.Channels[name]; !set {
			o.Channels[name] = storeChannels[name](s, log, o.Now)
		}
	}
}

// dispatchOptions reads the dispatch worker's settings from getenv.
func dispatchOptions(getenv func(string) string) (dispatch.Options, error) {
	var o dispatch.Options
	o.Channels = map[string]channel.Channel{}
	base := getenv("REGUA_CHANNEL_URL")
	for _, ch := range []string{"sms", "email", "whatsapp", "voice"} {
		url := base
		if v := getenv("REGUA_CHANNEL_" + strings.ToUpper(ch) + "_URL"); v != "" {
			url = v
		}
		if url == "" || url == "off" {
			continue
		}
		if strings.HasPrefix(url, "smtp://") {
			if ch != "email" {
				return o, fmt.Errorf("REGUA_CHANNEL_%s_URL=%q: smtp:// serves the email channel only", strings.ToUpper(ch), url)
			}
			u, err := neturl.Parse(url)
			if err != nil || u.Host == "" || !strings.Contains(u.Query().Get("from"), "@") {
				return o, fmt.Errorf("REGUA_CHANNEL_EMAIL_URL=%q: want smtp://host:port?from=sender@domain", url)
			}
			o.Channels[ch] = email.New(u.Host, u.Host, u.Query().Get("from"))
			continue
		}
		h := channel.NewHTTP(providerName(url), url)
		h.Token = getenv("REGUA_CHANNEL_TOKEN")
		o.Channels[ch] = h
	}
	ints := map[string]*int{"BATCH": &o.Batch, "LOOPS": &o.Loops, "SENDS": &o.Sends, "MAX_TRIES": &o.MaxTries}
	for k, p := range ints {
		if v := getenv("REGUA_DISPATCH_" + k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return o, fmt.Errorf("REGUA_DISPATCH_%s=%q: want a positive integer", k, v)
			}
			*p = n
		}
	}
	durs := map[string]*time.Duration{"LEASE": &o.Lease, "BACKOFF": &o.Backoff}
	for k, p := range durs {
		if v := getenv("REGUA_DISPATCH_" + k); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return o, fmt.Errorf("REGUA_DISPATCH_%s=%q: want a duration such as 30s or 2m", k, v)
			}
			*p = d
		}
	}
	o.Policy = getenv("REGUA_DISPATCH_POLICY")
	return o, nil
}

// providerName names a provider by its host, for per-provider limits.
func providerName(url string) string {
	host := url
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/"); i >= 0 {
		host = host[:i]
	}
	return host
}
