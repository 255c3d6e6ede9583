package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/store/sqldb"
)

// The "breaches" worker of `regua serve --roles worker`: it runs the
// agreement and promise job (negotiation.Service.Run) as of today at start
// and then every interval. Each change is written by a conditional update,
// so any number of worker processes may run it at once; a run interrupted
// by a crash is completed by the next.
//
//	REGUA_BREACHES_INTERVAL   how often (default 1h; a Go duration)
//	REGUA_BREACHES_ZONE       time zone of "today" (default America/Sao_Paulo)
func init() {
	registerWorker("breaches", func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error {
		every, loc, err := breachesOptions(os.Getenv)
		if err != nil {
			return err
		}
		svc := &negotiation.Service{Store: s}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			asOf := date.Today(loc)
			reps, err := svc.Run(ctx, asOf)
			if err != nil && ctx.Err() == nil {
				// A failing run is retried next tick; the worker stays up.
				log.Error("breach check failed", "as_of", asOf.String(), "err", err)
			}
			for _, r := range reps {
				if r.Broken+r.Settled+r.Kept+r.Unkept > 0 {
					log.Info("agreements and promises checked", "tenant", int64(r.Tenant), "as_of", asOf.String(), "agreements", r.Checked,
						"broken", r.Broken, "settled", r.Settled, "promises", r.Promises, "kept", r.Kept, "unkept", r.Unkept)
				}
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
			}
		}
	})
}

func breachesOptions(getenv func(string) string) (time.Duration, *time.Location, error) {
	every := time.Hour
	if v := getenv("REGUA_BREACHES_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return 0, nil, fmt.Errorf("REGUA_BREACHES_INTERVAL=%q: want a duration of at least 1s", v)
		}
		every = d
	}
	zone := negotiationZone
	if v := getenv("REGUA_BREACHES_ZONE"); v != "" {
		zone = v
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return 0, nil, fmt.Errorf("REGUA_BREACHES_ZONE=%q: %w", zone, err)
	}
	return every, loc, nil
}
