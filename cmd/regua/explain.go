package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/policy"
)

func init() {
	register(&command{name: "explain", summary: "explain a stored decision: regua explain attempt <id>", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "explain", args, map[string]func(context.Context, *cliEnv, []string) error{
			"attempt": explainAttempt,
		})
	}})
}

var explainTexts = map[string][3]string{
	"head":     {"Acionamento %d: %s por %s, etapa %s (âncora %s), situação %s", "Intento %d: %s por %s, paso %s (ancla %s), estado %s", "Attempt %d: %s by %s, step %s (anchor %s), status %s"},
	"planned":  {"Planejado para %s (%s), base: %s; política %s versão %s", "Planificado para %s (%s), base: %s; política %s versión %s", "Planned for %s (%s), basis: %s; policy %s version %s"},
	"allowed":  {"Permitido nesse instante.", "Permitido en ese instante.", "Allowed at that instant."},
	"denied":   {"Não permitido nesse instante:", "No permitido en ese instante:", "Not allowed at that instant:"},
	"moved":    {"Não saiu no dia da etapa (%s) porque:", "No salió el día del paso (%s) porque:", "It did not go out on the step's day (%s) because:"},
	"never":    {"Nunca: nenhum horário permitido até algo mudar.", "Nunca: ningún horario permitido hasta que algo cambie.", "Never: no allowed time until something changes."},
	"next":     {"Próximo horário permitido: %s", "Próximo horario permitido: %s", "Next allowed time: %s"},
	"error":    {"Motivo registrado: %s", "Motivo registrado: %s", "Recorded reason: %s"},
	"nodecide": {"Este acionamento não guarda decisão da política.", "Este intento no guarda decisión de la política.", "This attempt stores no policy decision."},
}

func langIndex(l string) int {
	switch l {
	case "pt-BR", "pt", "pt-br":
		return 0
	case "es":
		return 1
	}
	return 2
}

func explainAttempt(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "explain attempt")
	je := journeyFlags(env, fs)
	lang := fs.String("lang", "pt-BR", "language: pt-BR, es, en")
	asJSON := fs.Bool("json", false, "print the stored decision as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want an attempt id: regua explain attempt <id>")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("attempt id %q: want a number", pos[0])
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.Attempt(ctx, tenant, id)
	if err != nil {
		return err
	}
	if *asJSON {
		_, err := fmt.Fprintf(env.stdout, "%s\n", a.Decision)
		return err
	}
	li := langIndex(*lang)
	tx := func(k string, args ...any) string { return fmt.Sprintf(explainTexts[k][li], args...) }
	fmt.Fprintln(env.stdout, tx("head", a.ID, a.Template, a.Channel, a.StepID, a.AnchorDate, a.Status))
	if a.LastError != "" {
		fmt.Fprintln(env.stdout, tx("error", a.LastError))
	}
	if len(a.Decision) == 0 {
		fmt.Fprintln(env.stdout, tx("nodecide"))
		return nil
	}
	var d planner.Decision
	if err := json.Unmarshal(a.Decision, &d); err != nil {
		// A bare policy decision (written by dispatch or by hand).
		var pd policy.Decision
		if err2 := json.Unmarshal(a.Decision, &pd); err2 != nil {
			return fmt.Errorf("attempt %d: stored decision unreadable: %w", a.ID, err)
		}
		d.Planned = &pd
	}
	if d.Planned == nil {
		fmt.Fprintln(env.stdout, d.NotContact)
		return nil
	}
	loc, _ := policy.Locate(d.Planned.Zone)
	if loc == nil {
		loc = time.UTC
	}
	fmt.Fprintln(env.stdout, tx("planned", a.DueAt.In(loc).Format("2006-01-02 15:04 Mon"), d.Planned.Zone, d.Basis, d.Planned.Policy, d.Planned.PolicyVersion))
	printDecision(env, d.Planned, li, *lang, loc, tx)
	if d.Intended != nil {
		fmt.Fprintln(env.stdout, tx("moved", d.StepDay))
		for _, r := range d.Intended.Explain(*lang) {
			fmt.Fprintf(env.stdout, "  - %s\n", r)
		}
	}
	return nil
}

func printDecision(env *cliEnv, d *policy.Decision, li int, lang string, loc *time.Location, tx func(string, ...any) string) {
	switch {
	case d.Allowed:
		fmt.Fprintln(env.stdout, tx("allowed"))
	case d.Never:
		fmt.Fprintln(env.stdout, tx("never"))
	default:
		fmt.Fprintln(env.stdout, tx("denied"))
	}
	for _, r := range d.Explain(lang) {
		fmt.Fprintf(env.stdout, "  - %s\n", r)
	}
	if !d.Allowed && !d.Next.IsZero() {
		fmt.Fprintln(env.stdout, tx("next", d.Next.In(loc).Format("2006-01-02 15:04 Mon")))
	}
}
