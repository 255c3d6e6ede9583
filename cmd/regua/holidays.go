package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regua/regua/internal/holiday"
)

func init() {
	register(&command{name: "holidays", summary: "list a place's holidays for a year (national, state, municipal)", run: holidaysCmd})
}

func holidaysCmd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "holidays")
	country := fs.String("country", "BR", "ISO country code: "+strings.Join(holiday.Countries, ", "))
	uf := fs.String("uf", "", "UF (Brazil)")
	city := fs.Int("city", 0, "IBGE municipality code (Brazil)")
	year := fs.Int("year", time.Now().Year(), "year")
	verbose := fs.Bool("v", false, "also print kind and source")
	polFile := fs.String("policy", "", "policy file: add its commemorative dates and tenant holidays")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if holiday.CountryIndex(*country) < 0 {
		return usagef("--country: unknown %q (want one of %s)", *country, strings.Join(holiday.Countries, ", "))
	}
	if *uf != "" && holiday.UFIndex(*uf) < 0 {
		return usagef("--uf: unknown UF %q", *uf)
	}
	if *year < 1900 || *year > 2999 {
		return usagef("--year: %d out of range", *year)
	}
	if *city != 0 {
		c, ok := holiday.CityOf(*city)
		if !ok {
			fmt.Fprintf(env.stderr, "regua holidays: no municipal data for IBGE %d; add its holidays in the policy file (extra_holidays)\n", *city)
		} else if *uf != "" && !strings.EqualFold(c.UF, *uf) {
			return usagef("--city %d is in %s, not %s", *city, c.UF, strings.ToUpper(*uf))
		} else if *uf == "" {
			*uf = c.UF
		}
	}
	days := holiday.Resolve(*country, *uf, *city).Year(*year)
	if *polFile != "" {
		p, err := loadPolicy("", *polFile, "")
		if err != nil {
			return err
		}
		days = p.Holidays(strings.ToUpper(*country), *uf, *city, *year)
	}
	var prev holiday.Holiday
	for _, h := range days {
		if !*verbose && h.Date == prev.Date && prev.Rule != nil && h.Rule.Name == prev.Rule.Name {
			continue // e.g. RJ's Carnival Tuesday: national optional day and state holiday
		}
		prev = h
		if *verbose {
			un := ""
			if h.Rule.Unconfirmed {
				un = " (unconfirmed)"
			}
			fmt.Fprintf(env.stdout, "%s %s\t%s\t%s%s\n", h.Date, h.Rule.Name, h.Rule.Kind, h.Rule.Source, un)
			continue
		}
		fmt.Fprintf(env.stdout, "%s %s\n", h.Date, h.Rule.Name)
	}
	return nil
}
