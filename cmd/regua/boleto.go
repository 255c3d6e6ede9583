package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/boletopdf"
	"github.com/regua/regua/internal/money"
)

func init() {
	register(&command{name: "boleto", summary: "make a boleto (barcode, linha digitável, PDF) or decode a typed line", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "boleto", args, map[string]func(context.Context, *cliEnv, []string) error{
			"make":   boletoMake,
			"decode": boletoDecode,
		})
	}})
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func boletoMake(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "boleto make")
	bank := fs.String("bank", "", "bank code: 001 Banco do Brasil, 033 Santander, 104 Caixa, 237 Bradesco, 341 Itaú")
	agency := fs.String("agency", "", "agência (without check digit)")
	account := fs.String("account", "", "conta (without check digit)")
	wallet := fs.String("wallet", "", "carteira")
	agreement := fs.String("agreement", "", "convênio (BB) or código do beneficiário (Caixa, Santander)")
	our := fs.String("our-number", "", "nosso número without check digit")
	amountS := fs.String("amount", "", "amount, e.g. 123,45")
	dueS := fs.String("due", "", "due date YYYY-MM-DD (empty: no due date)")
	payerName := fs.String("payer-name", "", "payer (pagador) name")
	payerDoc := fs.String("payer-doc", "", "payer CPF/CNPJ")
	payerAddr := fs.String("payer-address", "", "payer address")
	benName := fs.String("beneficiary-name", "", "beneficiary (creditor) name")
	benDoc := fs.String("beneficiary-doc", "", "beneficiary CPF/CNPJ")
	benAddr := fs.String("beneficiary-address", "", "beneficiary address (required on the PDF, CDC art. 42-A)")
	docNo := fs.String("document-number", "", "seu número (document number)")
	var instr multiFlag
	fs.Var(&instr, "instruction", "instruction line printed on the boleto (repeatable)")
	pix := fs.String("pix", "", "PIX BR Code payload to print as QR code (boleto híbrido)")
	pdfPath := fs.String("pdf", "", "write the boleto PDF to this file")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected arguments %q", rest)
	}
	if *bank == "" || *amountS == "" || *our == "" {
		return usagef("--bank, --our-number and --amount are required")
	}
	amount, err := money.Parse(*amountS)
	if err != nil {
		return usagef("--amount: %v", err)
	}
	var due time.Time
	if *dueS != "" {
		if due, err = time.Parse("2006-01-02", *dueS); err != nil {
			return usagef("--due: want YYYY-MM-DD: %v", err)
		}
	}
	acc := boleto.Account{Bank: *bank, Agency: *agency, Account: *account, Wallet: *wallet, Agreement: *agreement, OurNumber: *our}
	bc, ff, err := boleto.Encode(acc, due, amount)
	if err != nil {
		return err
	}
	if *pdfPath != "" {
		today := time.Now()
		d := boletopdf.Document{
			Barcode: bc, OurNumber: ff.Display, Wallet: ff.Decoded.Wallet, AgencyCode: agencyCode(acc),
			Beneficiary:    boletopdf.Party{Name: *benName, Document: *benDoc, Address: *benAddr},
			Payer:          boletopdf.Party{Name: *payerName, Document: *payerDoc, Address: *payerAddr},
			DocumentNumber: *docNo, Species: "DM", Accept: "N", IssueDate: today, ProcessDate: today,
			Instructions: instr, PIX: *pix,
		}
		f, err := os.Create(*pdfPath)
		if err != nil {
			return err
		}
		if err := boletopdf.Render(f, d); err != nil {
			f.Close()
			os.Remove(*pdfPath)
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	out := struct {
		Bank      string      `json:"bank"`
		BankName  string      `json:"bank_name"`
		OurNumber string      `json:"our_number"`
		DueDate   string      `json:"due_date,omitempty"`
		Amount    money.Money `json:"amount"`
		Digitable string      `json:"digitable"`
		Formatted string      `json:"formatted"`
		Barcode   string      `json:"barcode"`
		PDF       string      `json:"pdf,omitempty"`
	}{bc.Bank, boleto.BankName(bc.Bank), ff.Display, *dueS, amount, bc.Digitable(), boleto.FormatDigitable(bc.Digitable()), bc.String(), *pdfPath}
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(out)
	}
	fmt.Fprintf(env.stdout, "Banco:            %s %s\n", out.Bank, out.BankName)
	fmt.Fprintf(env.stdout, "Nosso número:     %s\n", out.OurNumber)
	if out.DueDate != "" {
		fmt.Fprintf(env.stdout, "Vencimento:       %s\n", due.Format("02/01/2006"))
	}
	fmt.Fprintf(env.stdout, "Valor:            %s\n", amount.Format("pt-BR"))
	fmt.Fprintf(env.stdout, "Linha digitável:  %s\n", out.Formatted)
	fmt.Fprintf(env.stdout, "Código de barras: %s\n", out.Barcode)
	if out.PDF != "" {
		fmt.Fprintf(env.stdout, "PDF:              %s\n", out.PDF)
	}
	return nil
}

func agencyCode(a boleto.Account) string {
	switch {
	case a.Agreement != "" && a.Agency != "":
		return a.Agency + "/" + a.Agreement
	case a.Agreement != "":
		return a.Agreement
	}
	return a.Agency + "/" + a.Account
}

func boletoDecode(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "boleto decode")
	asJSON := fs.Bool("json", false, "print JSON")
	refS := fs.String("ref", "", "reference date YYYY-MM-DD choosing the era of the due-date factor (default today)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("usage: regua boleto decode <linha digitável or barcode> [--json]")
	}
	ref := time.Now()
	if *refS != "" {
		if ref, err = time.Parse("2006-01-02", *refS); err != nil {
			return usagef("--ref: want YYYY-MM-DD: %v", err)
		}
	}
	// A line pasted without quotes arrives as several arguments.
	input := strings.Join(rest, " ")
	d, err := boleto.Decode(input, ref)
	var de *boleto.DecodeError
	if errors.As(err, &de) {
		if *asJSON {
			json.NewEncoder(env.stdout).Encode(struct {
				Valid bool `json:"valid"`
				*boleto.DecodeError
			}{false, de})
			return errors.New("the line does not check")
		}
		fmt.Fprintln(env.stdout, "The line does not check:")
		for _, p := range de.Problems {
			where := ""
			if p.Position > 0 {
				where = fmt.Sprintf(" (position %d)", p.Position)
			}
			fmt.Fprintf(env.stdout, "  - %s%s: %s\n", p.Field, where, p.Message)
		}
		if de.Suspect != "" {
			fmt.Fprintf(env.stdout, "Likely mistyped: %s\n", de.Suspect)
		}
		for _, s := range de.Suggestions {
			fmt.Fprintf(env.stdout, "Did you mean:  %s\n", s)
		}
		return errors.New("the line does not check")
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(struct {
			Valid bool `json:"valid"`
			boleto.Decoded
		}{true, d})
	}
	if d.Kind == boleto.KindArrecadacao {
		c := d.Collection
		fmt.Fprintf(env.stdout, "Tipo:             arrecadação (segmento %s: %s)\n", c.Segment, c.SegmentName)
		if c.IsValue {
			fmt.Fprintf(env.stdout, "Valor:            %s\n", c.Value.Format("pt-BR"))
		} else {
			fmt.Fprintf(env.stdout, "Referência:       %d (quantidade, não reais)\n", int64(c.Value))
		}
		fmt.Fprintf(env.stdout, "Empresa/órgão:    %s\n", c.Company)
	} else {
		fmt.Fprintf(env.stdout, "Banco:            %s %s\n", d.Bank, d.BankName)
		if d.DueDate != nil {
			fmt.Fprintf(env.stdout, "Vencimento:       %s\n", d.DueDate.Format("02/01/2006"))
		} else {
			fmt.Fprintf(env.stdout, "Vencimento:       (sem fator de vencimento)\n")
		}
		fmt.Fprintf(env.stdout, "Valor:            %s\n", d.Amount.Format("pt-BR"))
		if d.FreeField != nil && d.FreeField.Display != "" {
			fmt.Fprintf(env.stdout, "Nosso número:     %s\n", d.FreeField.Display)
		}
	}
	fmt.Fprintf(env.stdout, "Linha digitável:  %s\n", d.Formatted)
	fmt.Fprintf(env.stdout, "Código de barras: %s\n", d.Barcode)
	return nil
}
