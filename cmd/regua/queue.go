package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

func init() {
	register(&command{name: "queue", summary: "see the dispatch queue; pause/resume a channel or journey; rate limits; run a worker", run: func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return queueStatus(ctx, env, args)
		}
		return subcommands(ctx, env, "queue", args, map[string]func(context.Context, *cliEnv, []string) error{
			"status":  queueStatus,
			"pause":   func(ctx context.Context, env *cliEnv, args []string) error { return queuePause(ctx, env, args, true) },
			"resume":  func(ctx context.Context, env *cliEnv, args []string) error { return queuePause(ctx, env, args, false) },
			"limit":   queueLimit,
			"work":    queueWork,
			"list":    queueList,
			"requeue": queueRequeue,
		})
	}})
}

type queueEnv struct {
	db, tenant *string
}

func queueFlags(env *cliEnv, fs *flag.FlagSet) queueEnv {
	return queueEnv{db: dbFlag(env, fs), tenant: fs.String("tenant", envDefault(env, "tenant", ""), "tenant name or id (default: the only tenant)")}
}

func (q queueEnv) open(ctx context.Context) (*sqldb.DB, domain.TenantID, error) {
	db, err := openStore(ctx, *q.db)
	if err != nil {
		return nil, 0, err
	}
	ts, err := db.Tenants(ctx)
	if err != nil {
		db.Close()
		return nil, 0, err
	}
	spec := *q.tenant
	if spec == "" {
		if len(ts) == 1 {
			return db, ts[0].ID, nil
		}
		db.Close()
		return nil, 0, usagef("the store has %d tenants: name one with --tenant", len(ts))
	}
	for _, t := range ts {
		if strings.EqualFold(t.Name, spec) || strconv.FormatInt(int64(t.ID), 10) == spec {
			return db, t.ID, nil
		}
	}
	db.Close()
	return nil, 0, usagef("--tenant %q: no such tenant", spec)
}

var queueStatuses = []store.AttemptStatus{store.AttemptPlanned, store.AttemptFailed, store.AttemptSending, store.AttemptSent, store.AttemptParked, store.AttemptHeld, store.AttemptCancelled}

func queueStatus(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "queue status")
	qe := queueFlags(env, fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	counts, err := db.QueueCounts(ctx, tenant, now)
	if err != nil {
		return err
	}
	pauses, err := db.Pauses(ctx, tenant)
	if err != nil {
		return err
	}
	limits, err := db.Limits(ctx, tenant)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"tenant": tenant, "at": now, "counts": counts, "pauses": pauses, "limits": limits})
	}
	byCh := map[string]map[store.AttemptStatus]int{}
	due := map[string]int{}
	oldest := map[string]time.Time{}
	for _, c := range counts {
		if byCh[c.Channel] == nil {
			byCh[c.Channel] = map[store.AttemptStatus]int{}
		}
		byCh[c.Channel][c.Status] = c.Count
		due[c.Channel] += c.Due
		if c.Due > 0 && (oldest[c.Channel].IsZero() || c.Oldest.Before(oldest[c.Channel])) {
			oldest[c.Channel] = c.Oldest
		}
	}
	chans := make([]string, 0, len(byCh))
	for ch := range byCh {
		chans = append(chans, ch)
	}
	sort.Strings(chans)
	fmt.Fprintf(env.stdout, "queue of tenant %d at %s\n", tenant, now.Format("2006-01-02 15:04:05 UTC"))
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "channel\tdue now\t")
	for _, s := range queueStatuses {
		fmt.Fprintf(tw, "%s\t", s)
	}
	fmt.Fprint(tw, "oldest due\t\n")
	for _, ch := range chans {
		fmt.Fprintf(tw, "%s\t%d\t", ch, due[ch])
		for _, s := range queueStatuses {
			fmt.Fprintf(tw, "%d\t", byCh[ch][s])
		}
		o := "-"
		if !oldest[ch].IsZero() {
			o = now.Sub(oldest[ch]).Round(time.Second).String() + " ago"
		}
		fmt.Fprintf(tw, "%s\t\n", o)
	}
	tw.Flush()
	if len(chans) == 0 {
		fmt.Fprintln(env.stdout, "  (no attempts)")
	}
	for _, p := range pauses {
		fmt.Fprintf(env.stdout, "PAUSED %s %s since %s by %s: %s\n", p.Scope, p.Value, p.CreatedAt.Format("2006-01-02 15:04"), orDash(p.Actor), orDash(p.Reason))
	}
	for _, l := range limits {
		fmt.Fprintf(env.stdout, "limit %s: %g/s, burst %g\n", l.Key, l.Rate, l.Burst)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func queuePause(ctx context.Context, env *cliEnv, args []string, pause bool) error {
	name := "queue resume"
	if pause {
		name = "queue pause"
	}
	fs := newFlagSet(env, name)
	qe := queueFlags(env, fs)
	ch := fs.String("channel", "", "channel to pause or resume ("+strings.Join(journey.Channels, ", ")+")")
	journeyKey := fs.String("journey", "", "journey key to pause or resume")
	reason := fs.String("reason", "", "why (kept with the pause)")
	actor := fs.String("actor", os.Getenv("USER"), "who")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*ch == "") == (*journeyKey == "") {
		return usagef("%s: give exactly one of --channel or --journey", name)
	}
	if *ch != "" && !journey.IsChannel(*ch) {
		return usagef("--channel %q: want one of %s", *ch, strings.Join(journey.Channels, ", "))
	}
	scope, value := store.PauseChannel, *ch
	if *journeyKey != "" {
		scope, value = store.PauseJourney, *journeyKey
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if pause {
		n, err := db.PauseDispatch(ctx, store.Pause{TenantID: tenant, Scope: scope, Value: value, Reason: *reason, Actor: *actor})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "paused %s %s: %d attempts held; workers hold any other they claim\n", scope, value, n)
		return nil
	}
	n, err := db.ResumeDispatch(ctx, tenant, scope, value)
	if errors.Is(err, store.ErrNotFound) {
		return usagef("%s %q is not paused", scope, value)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "resumed %s %s: %d attempts released\n", scope, value, n)
	return nil
}

// queueList shows attempts that need an operator's eye: parked (with the
// reason), failed awaiting retry, held behind a kill switch.
func queueList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "queue list")
	qe := queueFlags(env, fs)
	status := fs.String("status", "parked", "parked, failed, held, sending, planned, cancelled or sent")
	ch := fs.String("channel", "", "only this channel")
	limit := fs.Int("limit", 50, "at most this many, newest first")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	ok := false
	for _, st := range queueStatuses {
		ok = ok || string(st) == *status
	}
	if !ok {
		return usagef("--status %q: want one of parked, failed, held, sending, planned, cancelled, sent", *status)
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := db.StuckAttempts(ctx, tenant, store.AttemptStatus(*status), *ch, *limit)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		fmt.Fprintf(env.stdout, "no %s attempts\n", *status)
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "attempt\tchannel\tdebtor\tstep\ttries\tdue\treason")
	for _, a := range as {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t%s\t%s\n", a.ID, a.Channel, a.DebtorID, orDash(a.StepID), a.Tries, a.DueAt.Format("2006-01-02 15:04"), orDash(a.LastError))
	}
	return tw.Flush()
}

// queueRequeue gives parked or failed attempts another go.
func queueRequeue(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "queue requeue")
	qe := queueFlags(env, fs)
	from := fs.String("from", "parked", "parked or failed")
	ch := fs.String("channel", "", "only this channel")
	idsS := fs.String("id", "", "only these attempts (comma-separated ids)")
	all := fs.Bool("all", false, "every matching attempt (required without --id, as a guard)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var ids []int64
	for _, f := range strings.Split(*idsS, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return usagef("--id %q: want attempt ids separated by commas", *idsS)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 && !*all {
		return usagef("queue requeue: give --id or --all")
	}
	if *from != string(store.AttemptParked) && *from != string(store.AttemptFailed) {
		return usagef("--from %q: want parked or failed", *from)
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Requeue(ctx, tenant, store.AttemptStatus(*from), *ch, ids, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "requeued %d %s attempts: due now, tries reset; the policy decides again at send time\n", n, *from)
	return nil
}

func queueLimit(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "queue limit")
	qe := queueFlags(env, fs)
	ch := fs.String("channel", "", "limit a channel")
	provider := fs.String("provider", "", "limit a provider (its host:port)")
	rate := fs.Float64("rate", 0, "messages a second (0 removes the limit)")
	burst := fs.Float64("burst", 0, "bucket size (default: one second's worth)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*ch == "") == (*provider == "") {
		return usagef("queue limit: give exactly one of --channel or --provider")
	}
	key := "channel:" + *ch
	if *provider != "" {
		key = "provider:" + *provider
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetLimit(ctx, store.Limit{TenantID: tenant, Key: key, Rate: *rate, Burst: *burst}); err != nil {
		return err
	}
	if *rate == 0 {
		fmt.Fprintf(env.stdout, "limit %s removed\n", key)
	} else {
		fmt.Fprintf(env.stdout, "limit %s: %g/s\n", key, *rate)
	}
	return nil
}

// queueWork runs a dispatch worker in the foreground: what `regua serve
// --roles worker` runs, with flags instead of the environment.
func queueWork(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "queue work")
	db := dbFlag(env, fs)
	level, format := logFlags(env, fs)
	o, err := dispatchOptions(env.getenv)
	if err != nil {
		return err
	}
	url := fs.String("channel-url", env.getenv("REGUA_CHANNEL_URL"), "provider base URL for every channel, e.g. a `regua sink` (env REGUA_CHANNEL_URL)")
	// The environment's settings are the flags' defaults (smaller ones too).
	fs.IntVar(&o.Batch, "batch", cmp.Or(o.Batch, 500), "attempts per claim")
	fs.IntVar(&o.Loops, "loops", cmp.Or(o.Loops, 4), "claim loops")
	fs.IntVar(&o.Sends, "sends", cmp.Or(o.Sends, 64), "sends in flight per loop")
	fs.DurationVar(&o.Lease, "lease", cmp.Or(o.Lease, 2*time.Minute), "lease of a claim")
	untilEmpty := fs.Bool("until-empty", false, "stop when nothing is due")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this worker to this file")
	clockS := fs.String("clock", "", "simulated start instant (RFC 3339) for demos and benchmarks; time runs from it")
	origin := fs.Int64("clock-origin", 0, "with --clock: the real instant (Unix ns) the simulated one corresponds to, shared by cooperating processes (default: now)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *url != "" && *url != env.getenv("REGUA_CHANNEL_URL") {
		o2, err := dispatchOptions(func(k string) string {
			if k == "REGUA_CHANNEL_URL" {
				return *url
			}
			return env.getenv(k)
		})
		if err != nil {
			return err
		}
		o.Channels = o2.Channels
	}
	if len(o.Channels) == 0 {
		return usagef("queue work: no channels: give --channel-url or set REGUA_CHANNEL_URL")
	}
	if *clockS != "" {
		start, err := time.Parse(time.RFC3339, *clockS)
		if err != nil {
			return usagef("--clock: %v", err)
		}
		o0 := time.Now()
		if *origin != 0 {
			o0 = time.Unix(0, *origin)
		}
		o.Now = func() time.Time { return start.Add(time.Since(o0)) }
	}
	log, err := newLogger(env, *level, *format)
	if err != nil {
		return err
	}
	o.Log = log
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Calls and letters are "sent" into the store, as by serve's worker.
	addStoreChannels(&o, s, log)
	d, err := dispatch.New(s, o)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *untilEmpty {
		var wg sync.WaitGroup
		errc := make(chan error, o.Loops)
		for i := 0; i < o.Loops; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					n, err := d.RunOnce(ctx)
					if err != nil {
						errc <- err
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		if err := <-errc; err != nil {
			return err
		}
	} else if err := d.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	st := d.Stats()
	fmt.Fprintf(env.stdout, "claimed %d in %d batches: sent %d, retry %d, parked %d, cancelled %d, moved by policy %d, held %d, deferred by rate limit %d, lost lease %d; time in %s (summed over loops)\n",
		st.Claimed, st.Batches, st.Sent, st.Retried, st.Parked, st.Cancelled, st.Moved, st.Held, st.Deferred, st.Lost, st.Time)
	return nil
}
