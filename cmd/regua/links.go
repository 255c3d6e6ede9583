package main

import (
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/regua/regua/internal/channel/callback"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/web"
)

// The web role's public endpoints of the message loop:
//
//	GET  /l/{token}                 tracked links (links rastreados): count the click, record
//	                                the "clicked" outcome, send the debtor on (303)
//	POST /hooks/channel/{provider}  providers' status callbacks (delivered, read, failed,
//	                                replied, clicked), HMAC-signed
//
// Settings (environment, like the workers'):
//
//	REGUA_CALLBACK_SECRET, REGUA_CALLBACK_SECRET_<PROVIDER>   callback secrets
//	REGUA_LINK_PORTAL     where links to "portal" go (a site path or an https URL; default the neutral page /l/)
//	REGUA_LINK_MAX_AGE    links older than this answer "expired" (default 4320h = 180 days)
func init() {
	registerWebMount("links", func(h *web.Server, s *sqldb.DB, log *slog.Logger) error {
		return mountLinks(h, s, log, os.Getenv)
	})
}

func mountLinks(h *web.Server, s *sqldb.DB, log *slog.Logger, getenv func(string) string) error {
	o, err := linkOptions(getenv)
	if err != nil {
		return err
	}
	o.Store = s
	h.AddTrackedLinks(o)
	h.AddPublicHandler("POST /hooks/channel/{provider}", &callback.Handler{Store: s, Secrets: callback.EnvSecrets(getenv), Log: log})
	if getenv("REGUA_CALLBACK_SECRET") == "" {
		log.Info("provider callbacks need a secret: set REGUA_CALLBACK_SECRET (or REGUA_CALLBACK_SECRET_<PROVIDER>); until then /hooks/channel/ refuses them")
	}
	return nil
}

func linkOptions(getenv func(string) string) (web.LinkOptions, error) {
	var o web.LinkOptions
	if v := getenv("REGUA_LINK_PORTAL"); v != "" {
		o.Targets = map[string]string{"portal": v}
	}
	if v := getenv("REGUA_LINK_MAX_AGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			if n, err2 := strconv.Atoi(v); err2 == nil && n < 0 {
				d, err = -1, nil
			}
		}
		if err != nil || d == 0 {
			return o, usagef("REGUA_LINK_MAX_AGE=%q: want a duration such as 4320h (or -1 for never)", v)
		}
		o.MaxAge = d
	}
	return o, nil
}
