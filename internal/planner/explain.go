package planner

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/regua/regua/internal/policy"
)

var explainTexts = map[string][3]string{
	"planned": {"Planejado para %s (%s), base: %s; política %s versão %s", "Planificado para %s (%s), base: %s; política %s versión %s", "Planned for %s (%s), basis: %s; policy %s version %s"},
	"allowed": {"Permitido nesse instante.", "Permitido en ese instante.", "Allowed at that instant."},
	"denied":  {"Não permitido nesse instante:", "No permitido en ese instante:", "Not allowed at that instant:"},
	"moved":   {"Não saiu no dia da etapa (%s) porque:", "No salió el día del paso (%s) porque:", "It did not go out on the step's day (%s) because:"},
	"never":   {"Nunca: nenhum horário permitido até algo mudar.", "Nunca: ningún horario permitido hasta que algo cambie.", "Never: no allowed time until something changes."},
	"next":    {"Próximo horário permitido: %s", "Próximo horario permitido: %s", "Next allowed time: %s"},
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

// Explain renders an attempt's stored decision (the planner's Decision, or a
// bare policy.Decision written by dispatch) as lines in pt-BR, es or en:
// when it was planned and on what basis, whether the policy allowed it, and
// when it moved off its step's day, why. `regua explain attempt` and the
// debtor's timeline print these lines.
func Explain(raw json.RawMessage, dueAt time.Time, lang string) ([]string, error) {
	var d Decision
	if err := json.Unmarshal(raw, &d); err != nil || (d.Planned == nil && d.NotContact == "") {
		var pd policy.Decision
		if err2 := json.Unmarshal(raw, &pd); err2 != nil {
			if err == nil {
				err = err2
			}
			return nil, fmt.Errorf("stored decision unreadable: %w", err)
		}
		d = Decision{Planned: &pd}
	}
	if d.Planned == nil {
		return []string{d.NotContact}, nil
	}
	li := langIndex(lang)
	tx := func(k string, a ...any) string { return fmt.Sprintf(explainTexts[k][li], a...) }
	loc, _ := policy.Locate(d.Planned.Zone)
	if loc == nil {
		loc = time.UTC
	}
	out := []string{tx("planned", dueAt.In(loc).Format("2006-01-02 15:04 Mon"), d.Planned.Zone, d.Basis, d.Planned.Policy, d.Planned.PolicyVersion)}
	switch {
	case d.Planned.Allowed:
		out = append(out, tx("allowed"))
	case d.Planned.Never:
		out = append(out, tx("never"))
	default:
		out = append(out, tx("denied"))
	}
	for _, r := range d.Planned.Explain(lang) {
		out = append(out, "  - "+r)
	}
	if !d.Planned.Allowed && !d.Planned.Next.IsZero() {
		out = append(out, tx("next", d.Planned.Next.In(loc).Format("2006-01-02 15:04 Mon")))
	}
	if d.Intended != nil {
		out = append(out, tx("moved", d.StepDay))
		for _, r := range d.Intended.Explain(lang) {
			out = append(out, "  - "+r)
		}
	}
	return out, nil
}
