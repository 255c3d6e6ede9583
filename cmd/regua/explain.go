package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/regua/regua/internal/planner"
)

func init() {
	register(&command{name: "explain", summary: "explain a stored decision: regua explain attempt <id>", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "explain", args, map[string]func(context.Context, *cliEnv, []string) error{
			"attempt": explainAttempt,
		})
	}})
}

var explainHead = [3]string{
	"Acionamento %d: %s por %s, etapa %s (âncora %s), situação %s",
	"Intento %d: %s por %s, paso %s (ancla %s), estado %s",
	"Attempt %d: %s by %s, step %s (anchor %s), status %s",
}

var explainError = [3]string{"Motivo registrado: %s", "Motivo registrado: %s", "Recorded reason: %s"}

var explainNone = [3]string{"Este acionamento não guarda decisão da política.", "Este intento no guarda decisión de la política.", "This attempt stores no policy decision."}

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
	li := 2
	switch *lang {
	case "pt-BR", "pt", "pt-br":
		li = 0
	case "es":
		li = 1
	}
	fmt.Fprintf(env.stdout, explainHead[li]+"\n", a.ID, a.Template, a.Channel, a.StepID, a.AnchorDate, a.Status)
	if a.LastError != "" {
		fmt.Fprintf(env.stdout, explainError[li]+"\n", a.LastError)
	}
	if len(a.Decision) == 0 {
		fmt.Fprintln(env.stdout, explainNone[li])
		return nil
	}
	lines, err := planner.Explain(a.Decision, a.DueAt, *lang)
	if err != nil {
		return fmt.Errorf("attempt %d: %w", a.ID, err)
	}
	for _, l := range lines {
		fmt.Fprintln(env.stdout, l)
	}
	return nil
}
