package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/regua/regua/internal/agencyexport"
	"github.com/regua/regua/internal/agenttask"
	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/letter"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/web"
)

// The consumers of attempts that go to no provider: agent call tasks
// ("call"), printed letters ("letter") and agency exports ("export").
// Calls and letters are dispatch channels (dispatch re-checks the contact
// policy at send time and "sends" them into the store); exports are not
// contacts, which dispatch refuses to claim, so their own worker claims
// them from the same outbox. See docs/tasks.md.
func init() {
	registerStoreChannel("call", func(s *sqldb.DB, log *slog.Logger, now func() time.Time) channel.Channel {
		return (&agenttask.Queue{S: s, Policy: os.Getenv("REGUA_DISPATCH_POLICY"), Now: now}).Channel()
	})
	registerStoreChannel("letter", func(s *sqldb.DB, log *slog.Logger, now func() time.Time) channel.Channel {
		return (&letter.Letters{S: s, Now: now}).Channel()
	})
	registerWorker("agency-export", func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error {
		w := &agencyexport.Worker{S: s, E: &agencyexport.Exports{S: s}, Log: log}
		return w.Run(ctx)
	})
	registerWebMount("tasks", func(h *web.Server, s *sqldb.DB, log *slog.Logger) error {
		h.AddTaskPages(&agenttask.Queue{S: s, Policy: os.Getenv("REGUA_DISPATCH_POLICY")}, &letter.Letters{S: s})
		return nil
	})

	register(&command{name: "tasks", summary: "the agent call queue: list, claim the next task, close it with an outcome", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "tasks", args, map[string]func(context.Context, *cliEnv, []string) error{
			"list": tasksList, "next": tasksNext, "close": tasksClose,
		})
	}})
	register(&command{name: "letters", summary: "printed letters: a day's print batch as one PDF", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "letters", args, map[string]func(context.Context, *cliEnv, []string) error{
			"batch": lettersBatch, "list": lettersList,
		})
	}})
	register(&command{name: "export", summary: "hand debts to outside collection agencies: close a batch and write its CSV", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "export", args, map[string]func(context.Context, *cliEnv, []string) error{
			"agency": exportAgency, "status": exportStatus,
		})
	}})
}

func printJSON(env *cliEnv, v any) error {
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// agentOf finds the agent named by e-mail or id in the tenant.
func agentOf(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, spec string) (domain.User, error) {
	if spec == "" {
		return domain.User{}, usagef("--agent: name the agent by e-mail or user id")
	}
	us, err := db.Users(ctx, tenant)
	if err != nil {
		return domain.User{}, err
	}
	for _, u := range us {
		if strings.EqualFold(u.Email, spec) || strconv.FormatInt(u.ID, 10) == spec {
			return u, nil
		}
	}
	return domain.User{}, usagef("--agent %q: no such user in this tenant", spec)
}

func parseStatuses(s string) ([]store.TaskStatus, error) {
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []store.TaskStatus
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		ok := false
		for _, st := range store.TaskStatuses {
			if string(st) == p {
				out = append(out, st)
				ok = true
			}
		}
		if !ok {
			return nil, usagef("--status %q: want open, claimed, done, cancelled, expired or all (comma-separated)", p)
		}
	}
	return out, nil
}

var saoPauloZone = domain.Zone(domain.HomeZone)

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(saoPauloZone).Format("2006-01-02 15:04")
}

func tasksList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "tasks list")
	qe := queueFlags(env, fs)
	status := fs.String("status", "open,claimed", "statuses, comma-separated (open, claimed, done, cancelled, expired) or all")
	agent := fs.String("agent", "", "only this agent's tasks (e-mail or id)")
	limit := fs.Int("limit", 50, "at most this many tasks")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	sts, err := parseStatuses(*status)
	if err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	f := store.TaskFilter{Status: sts, Limit: *limit}
	if *agent != "" {
		u, err := agentOf(ctx, db, tenant, *agent)
		if err != nil {
			return err
		}
		f.AgentID = u.ID
	}
	ts, err := db.Tasks(ctx, tenant, f)
	if err != nil {
		return err
	}
	counts, err := db.TaskCounts(ctx, tenant, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"tenant": tenant, "tasks": ts, "counts": counts})
	}
	by := map[store.TaskStatus]int{}
	due := 0
	for _, c := range counts {
		by[c.Status] += c.Count
		due += c.Due
	}
	var parts []string
	for _, s := range store.TaskStatuses {
		parts = append(parts, fmt.Sprintf("%s %d", s, by[s]))
	}
	fmt.Fprintf(env.stdout, "tasks: %s; due now %d\n", strings.Join(parts, ", "), due)
	// The supervisor's view: the same by priority.
	byPrio := map[int]map[store.TaskStatus]int{}
	for _, c := range counts {
		if byPrio[c.Priority] == nil {
			byPrio[c.Priority] = map[store.TaskStatus]int{}
		}
		byPrio[c.Priority][c.Status] += c.Count
	}
	for prio := 1; prio <= 5; prio++ {
		if m := byPrio[prio]; m != nil {
			var ps []string
			for _, s := range store.TaskStatuses {
				if m[s] > 0 {
					ps = append(ps, fmt.Sprintf("%s %d", s, m[s]))
				}
			}
			fmt.Fprintf(env.stdout, "  priority %d: %s\n", prio, strings.Join(ps, ", "))
		}
	}
	if len(ts) == 0 {
		fmt.Fprintln(env.stdout, "no tasks")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "task\tprio\tstatus\tdue from\tdue until\tdebtor\tcontract\tphone\tagent\treason")
	for _, t := range ts {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Priority, t.Status, fmtTime(t.DueFrom), fmtTime(t.DueUntil),
			t.DebtorName, t.Contract, t.Phone, t.AgentName, t.Reason)
	}
	return tw.Flush()
}

func printTask(env *cliEnv, t store.AgentTask) {
	fmt.Fprintf(env.stdout, "task %d (priority %d, %s)\n", t.ID, t.Priority, t.Status)
	fmt.Fprintf(env.stdout, "  debtor:   %s (id %d), contract %s\n", t.DebtorName, t.DebtorID, t.Contract)
	fmt.Fprintf(env.stdout, "  call:     %s between %s and %s (São Paulo time)\n", t.Phone, fmtTime(t.DueFrom), fmtTime(t.DueUntil))
	fmt.Fprintf(env.stdout, "  reason:   %s\n", t.Reason)
	if t.Script != "" {
		fmt.Fprintf(env.stdout, "  script:   %s\n", t.Script)
	}
	if t.Outcome != "" {
		fmt.Fprintf(env.stdout, "  outcome:  %s", t.Outcome)
		if !t.CallbackAt.IsZero() {
			fmt.Fprintf(env.stdout, ", call back at %s", fmtTime(t.CallbackAt))
		}
		fmt.Fprintln(env.stdout)
	}
}

func tasksNext(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "tasks next")
	qe := queueFlags(env, fs)
	agent := fs.String("agent", "", "the agent claiming (e-mail or id)")
	queue := fs.String("queue", "", "only tasks of this queue")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := agentOf(ctx, db, tenant, *agent)
	if err != nil {
		return err
	}
	q := &agenttask.Queue{S: db, Policy: env.getenv("REGUA_DISPATCH_POLICY")}
	t, err := q.Next(ctx, tenant, u.ID, *queue)
	if errors.Is(err, store.ErrNotFound) {
		if *asJSON {
			return printJSON(env, map[string]any{"task": nil})
		}
		fmt.Fprintln(env.stdout, "no task due")
		return nil
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"task": t})
	}
	printTask(env, t)
	return nil
}

// parseWhen reads RFC 3339, or "aaaa-mm-dd hh:mm" in São Paulo time.
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, saoPauloZone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 or \"aaaa-mm-dd hh:mm\" (São Paulo time)", s)
}

func tasksClose(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "tasks close")
	qe := queueFlags(env, fs)
	agent := fs.String("agent", "", "the agent holding the task (e-mail or id)")
	id := fs.Int64("id", 0, "the task")
	outcome := fs.String("outcome", "", "reached, promised, no_answer, wrong_number, refused or callback")
	note := fs.String("note", "", "the agent's note (kept on the timeline)")
	callback := fs.String("callback", "", "for --outcome callback: when to call back (RFC 3339 or \"aaaa-mm-dd hh:mm\" São Paulo time)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return usagef("--id: which task?")
	}
	o, err := store.ParseTaskOutcome(*outcome)
	if err != nil {
		return usagef("--outcome: %v", err)
	}
	var at time.Time
	if *callback != "" {
		if at, err = parseWhen(*callback); err != nil {
			return usagef("--callback %v", err)
		}
	}
	if (o == store.OutcomeCallback) != (*callback != "") {
		return usagef("--callback goes with --outcome callback, and only with it")
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := agentOf(ctx, db, tenant, *agent)
	if err != nil {
		return err
	}
	q := &agenttask.Queue{S: db, Policy: env.getenv("REGUA_DISPATCH_POLICY")}
	t, err := q.Close(ctx, tenant, *id, u.ID, o, *note, at)
	if errors.Is(err, store.ErrConflict) {
		return usagef("task %d is not claimed by %s (run regua tasks next first)", *id, u.Email)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"task": t})
	}
	fmt.Fprintf(env.stdout, "closed task %d: %s\n", t.ID, t.Outcome)
	if o == store.OutcomeCallback {
		ts, err := db.Tasks(ctx, tenant, store.TaskFilter{Status: []store.TaskStatus{store.TaskOpen}, DebtorID: t.DebtorID})
		if err == nil {
			for _, c := range ts {
				if c.ParentID == t.ID {
					fmt.Fprintf(env.stdout, "callback task %d due %s … %s\n", c.ID, fmtTime(c.DueFrom), fmtTime(c.DueUntil))
				}
			}
		}
	}
	return nil
}

func taskDay(s string) (date.Date, error) {
	if s == "" || s == "today" {
		return date.Of(time.Now().In(saoPauloZone)), nil
	}
	d, err := date.Parse(s)
	if err != nil {
		return date.Date{}, usagef("--date %q: want aaaa-mm-dd", s)
	}
	return d, nil
}

func lettersBatch(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "letters batch")
	qe := queueFlags(env, fs)
	day := fs.String("date", "today", "the print day, aaaa-mm-dd (São Paulo)")
	out := fs.String("out", "", "the PDF file to write")
	noMark := fs.Bool("no-mark", false, "do not stamp the letters printed")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out: the PDF file to write")
	}
	d, err := taskDay(*day)
	if err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	n, err := (&letter.Letters{S: db}).Batch(ctx, tenant, d, f, !*noMark)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || n == 0 {
		os.Remove(tmp)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env, map[string]any{"date": d, "letters": 0})
		}
		fmt.Fprintf(env.stdout, "no letters on %s\n", d)
		return nil
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"date": d, "letters": n, "file": *out})
	}
	fmt.Fprintf(env.stdout, "%d letters of %s written to %s\n", n, d, *out)
	return nil
}

func lettersList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "letters list")
	qe := queueFlags(env, fs)
	day := fs.String("date", "", "a day's letters (aaaa-mm-dd); without it, the print days")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *day == "" {
		days, err := db.LetterDays(ctx, tenant, 60)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env, map[string]any{"days": days})
		}
		if len(days) == 0 {
			fmt.Fprintln(env.stdout, "no letters")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "day\tletters\tprinted")
		for _, d := range days {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", d.Day, d.Letters, d.Printed)
		}
		return tw.Flush()
	}
	d, err := taskDay(*day)
	if err != nil {
		return err
	}
	ls, err := db.Letters(ctx, tenant, d, false)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"date": d, "letters": ls})
	}
	if len(ls) == 0 {
		fmt.Fprintf(env.stdout, "no letters on %s\n", d)
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "letter\tattempt\trecipient\tcontract\tsubject\tprinted")
	for _, l := range ls {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", l.ID, l.AttemptID, l.Recipient, l.Contract, l.Subject, fmtTime(l.PrintedAt))
	}
	return tw.Flush()
}

func exportAgency(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "export agency")
	qe := queueFlags(env, fs)
	target := fs.String("target", "", "the agency (the journey step's target)")
	out := fs.String("out", "", "the CSV file to write")
	full := fs.Bool("full-document", false, "write CPF/CNPJ in full (default: masked)")
	asOf := fs.String("as-of", "today", "the day DPD and overdue amounts are counted on (aaaa-mm-dd)")
	actor := fs.String("actor", "cli", "who closes the batch (kept on the timeline)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*target) == "" || *out == "" {
		return usagef("--target and --out are required")
	}
	d, err := taskDay(*asOf)
	if err != nil {
		return err
	}
	db, tenant, err := qe.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	b, err := (&agencyexport.Exports{S: db}).Close(ctx, tenant, *target, *actor, d, f, agencyexport.Options{FullDocument: *full})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		// The batch is closed only when the store committed: if writing
		// the file failed after that, the rows are in the store (regua
		// export status names the batch).
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"batch": b, "file": *out})
	}
	if b.ID == 0 {
		fmt.Fprintf(env.stdout, "no debts waiting for %s; %s has the header only\n", *target, *out)
		return nil
	}
	fmt.Fprintf(env.stdout, "batch %d for %s: %d debts placed, %d dropped (no longer open); written to %s\n", b.ID, b.Target, b.Exported, b.Dropped, *out)
	return nil
}

func exportStatus(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "export status")
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
	ts, err := db.ExportTargets(ctx, tenant)
	if err != nil {
		return err
	}
	bs, err := db.ExportBatches(ctx, tenant, 20)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, map[string]any{"pending": ts, "batches": bs})
	}
	if len(ts) == 0 {
		fmt.Fprintln(env.stdout, "no debts waiting for an agency")
	}
	for _, t := range ts {
		fmt.Fprintf(env.stdout, "%s: %d waiting in the open batch\n", t.Target, t.Pending)
	}
	if len(bs) > 0 {
		tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "batch\tagency\tclosed\tas of\tplaced\tdropped\tby")
		for _, b := range bs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\n", b.ID, b.Target, fmtTime(b.ClosedAt), b.AsOf, b.Exported, b.Dropped, b.Actor)
		}
		return tw.Flush()
	}
	return nil
}
