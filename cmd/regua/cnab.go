package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/money"
)

func init() {
	register(&command{name: "cnab", summary: "read bank return files (CNAB 240/400) as JSON lines; generate test files", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "cnab", args, map[string]func(context.Context, *cliEnv, []string) error{
			"parse":    cnabParse,
			"generate": cnabGenerate,
		})
	}})
}

func cnabParse(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "cnab parse")
	fs.Bool("json", true, "print one JSON object per record (the default)")
	text := fs.Bool("text", false, "print a table for people instead of JSON lines")
	skipTotals := fs.Bool("skip-title-totals", false, "do not check the CNAB 240 batch trailer's títulos count and value")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("usage: regua cnab parse <file> [--text]")
	}
	w := bufio.NewWriter(env.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	if *text {
		fmt.Fprintf(w, "%-6s %-4s %-20s %-22s %-10s %14s %14s\n", "LINE", "CODE", "OCCURRENCE", "NOSSO NÚMERO", "DUE", "FACE", "PAID")
	}
	n := 0
	// Process validates the whole file before the first record is
	// printed: a bad file prints no records at all.
	info, err := cnab.ProcessFile(rest[0], cnab.Options{SkipTitleTotals: *skipTotals}, func(r *cnab.Record) error {
		n++
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if *text {
			_, err := fmt.Fprintf(w, "%-6d %-4s %-20s %-22s %-10s %14s %14s\n", r.Line, r.Code, r.Occurrence, r.OurNumber, r.DueDate,
				r.FaceValue.Format("pt-BR"), r.PaidAmount.Format("pt-BR"))
			return err
		}
		return enc.Encode(r)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "%s CNAB %d (%s), bank %s, %d records, face %s, paid %s, file id %s\n",
		rest[0], info.Layout, info.Kind, info.Bank, info.Records, info.Total.Format("pt-BR"), info.TotalPaid.Format("pt-BR"), info.ID)
	return nil
}

// cnabGenerate writes a valid return file of settlements, for demos and
// benchmarks.
func cnabGenerate(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "cnab generate")
	layout := fs.Int("layout", 240, "240 or 400")
	bank := fs.String("bank", "341", "bank code: 001, 033, 104, 237, 341")
	records := fs.Int("records", 1000, "number of settlements")
	start := fs.Int64("start", 1, "first nosso número")
	out := fs.String("out", "", "output file (default stdout)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected arguments %q", rest)
	}
	if *records < 0 {
		return usagef("--records must be ≥ 0")
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	ben := cnab.Beneficiary{Name: "Regua Demo", Document: "12345678000195", Agency: "0057", AgencyDV: "0", Account: "12345", AccountDV: "7"}
	switch *bank {
	case "001":
		ben.Wallet, ben.Agreement = "17", "1234567"
	case "033":
		ben.Wallet, ben.Agreement = "101", "1234567"
	case "104":
		ben.Wallet, ben.Agreement = "RG", "5507"
	case "237":
		ben.Wallet, ben.Agreement = "09", "4567"
	default:
		ben.Wallet = "109"
	}
	w := env.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	h := cnab.Header{Layout: cnab.Layout(*layout), Bank: *bank, Sequence: 1, Created: day, Beneficiary: ben}
	info, err := cnab.GenerateReturn(w, h, money.Money(150), cnab.SyntheticPayments(*records, *start, day.AddDate(0, 0, -3), day.AddDate(0, 0, -1)))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s records (%d lines), file id %s\n", strconv.Itoa(info.Records), info.Lines, info.ID)
	return nil
}
