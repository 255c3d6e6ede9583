package main

import (
	"context"
	"fmt"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/plan"
)

func init() {
	register(&command{name: "plan", summary: "installment schedule (Price table or zero rate)", run: runPlan})
}

func runPlan(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "plan")
	var amount offerMoneyFlag
	var r, onTime offerRateFlag
	var first, start offerDateFlag
	fs.Var(&amount, "amount", "financed amount (1200,00)")
	n := fs.Int("n", 0, "number of installments")
	fs.Var(&r, "rate", "plan rate: 2,5%am, 26,8%aa (converted to monthly) or 0%am for no interest")
	fs.Var(&first, "first", "due date of the first installment")
	fs.Var(&start, "start", "date the plan starts, for the effective rate and CET (default one month before --first)")
	fs.Var(&onTime, "on-time-discount", "discount on each installment paid by its due date (2%)")
	business := fs.Bool("business-days", false, "move due dates on weekends to the next Monday")
	locale := fs.String("locale", "pt-BR", "pt-BR, es or en")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case !amount.set:
		return usagef("--amount is required")
	case *n == 0:
		return usagef("--n is required (number of installments, at least 1)")
	case !r.set:
		return usagef("--rate is required (use 0%%am for a zero-rate plan)")
	case first.v.IsZero():
		return usagef("--first is required")
	}
	req := plan.Request{Amount: amount.v, N: *n, Rate: r.v, First: first.v, OnTimeDiscount: onTime.v}
	if *business {
		req.Calendar = plan.WeekendsOff
	}
	s, err := plan.Build(req)
	if err != nil {
		return err
	}
	st := start.v
	if st.IsZero() {
		st = first.v.AddMonths(-1)
	}
	flows := make([]plan.Flow, len(s.Rows))
	for i, row := range s.Rows {
		flows[i] = plan.Flow{Date: row.Due, Amount: row.Installment}
	}
	cost, err := plan.CostOf(s.Amount, st, flows)
	if err != nil {
		return err
	}
	if *asJSON {
		return offerWriteJSON(env.stdout, struct {
			plan.Schedule
			Start string    `json:"start"`
			Cost  plan.Cost `json:"cost"`
		}{s, st.String(), cost})
	}
	loc := charge.Locale(*locale)
	fmt.Fprintf(env.stdout, map[string]string{
		"pt-BR": "%s em %d parcelas a %s (prestação %s)\n\n",
		"es":    "%s en %d cuotas al %s (cuota %s)\n\n",
		"en":    "%s in %d installments at %s (installment %s)\n\n",
	}[loc], s.Amount.Format(loc), s.N, s.MonthlyRate.Format(loc), s.Installment.Format(loc))
	offerPrintSchedule(env.stdout, &s, loc, "")
	fmt.Fprintf(env.stdout, "\n"+map[string]string{
		"pt-BR": "Taxa efetiva %s; custo efetivo total %s (a partir de %s). A última parcela absorve os centavos do arredondamento.\n",
		"es":    "Tasa efectiva %s; costo efectivo total %s (desde %s). La última cuota absorbe los centavos del redondeo.\n",
		"en":    "Effective rate %s; total effective cost %s (from %s). The last installment absorbs the rounding centavos.\n",
	}[loc], cost.EffectiveMonthly.RoundPercent(4).Format(loc), cost.CETYearly.RoundPercent(2).Format(loc), st.Format(loc))
	return nil
}
