package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// TestChargeAndReconcileCommands: account, issue (PIX + boleto with PDF),
// a return file for the issued boletos booked once, a bad file refused,
// the queue listed.
func TestChargeAndReconcileCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "regua.db")
	db, err := sqldb.Open(context.Background(), dbPath, true)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, db, "Agência CLI")
	db.Close()

	code, out, errOut := runCLI(t, "charge", "account", "--db", dbPath, "--creditor", "cred-1", "--bank", "341", "--agency", "0057", "--account", "12345", "--wallet", "109",
		"--pix-key", "11222333000181", "--city", "São Paulo")
	if code != 0 || !strings.Contains(out, "bank account of Banco Agência CLI set") {
		t.Fatalf("charge account: %d %q %q", code, out, errOut)
	}
	pdf := filepath.Join(dir, "boleto.pdf")
	code, out, errOut = runCLI(t, "charge", "issue", "--db", dbPath, "--debtor", "529.982.247-25", "--pix", "--boleto", "--pdf", pdf, "--json")
	if code != 0 {
		t.Fatalf("charge issue: %d %q", code, errOut)
	}
	type issued struct {
		TxID, OurNumber, Line, PDF, BRCode string
		Amount                             string
		Due                                string `json:"due_date"`
	}
	var got []issued
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, issued{TxID: m["txid"].(string), OurNumber: m["our_number"].(string), Line: m["linha_digitavel"].(string), PDF: m["pdf"].(string),
			BRCode: m["pix_copia_e_cola"].(string), Amount: m["amount"].(string), Due: m["due_date"].(string)})
	}
	if len(got) != 2 || len(got[0].Line) != 47 || len(got[0].TxID) != 25 || got[0].Amount != "1500.00" {
		t.Fatalf("issued: %+v", got)
	}
	for _, g := range got {
		b, err := os.ReadFile(g.PDF)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Errorf("pdf %s: %v", g.PDF, err)
		}
	}

	// The bank's return settling both boletos.
	var buf bytes.Buffer
	h := cnab.Header{Layout: cnab.CNAB240, Bank: "341", Sequence: 7, Created: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC),
		Beneficiary: cnab.Beneficiary{Name: "BANCO AGENCIA CLI", Document: "11222333000181", Agency: "0057", Account: "12345", AccountDV: "0", Wallet: "109"}}
	_, err = cnab.GenerateReturn(&buf, h, 0, func(yield func(cnab.Payment) bool) {
		for _, g := range got {
			due, _ := time.Parse("2006-01-02", g.Due)
			nn := strings.TrimPrefix(strings.SplitN(g.OurNumber, "-", 2)[0], "109/")
			if !yield(cnab.Payment{OurNumber: nn, Amount: 150000, Due: due, PaidOn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ret := filepath.Join(dir, "retorno.ret")
	os.WriteFile(ret, buf.Bytes(), 0o644)
	bad := filepath.Join(dir, "bad.ret")
	os.WriteFile(bad, bytes.Replace(buf.Bytes(), []byte("\n"), []byte("X\n"), 3), 0o644)

	if code, _, errOut := runCLI(t, "reconcile", "cnab", bad, "--db", dbPath); code == 0 || !strings.Contains(errOut, "line") {
		t.Errorf("bad file: %d %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "reconcile", "cnab", ret, "--db", dbPath, "--json")
	if code != 0 {
		t.Fatalf("reconcile cnab: %d %q", code, errOut)
	}
	var res map[string]any
	json.Unmarshal([]byte(out), &res)
	if res["booked"] != 2.0 || res["installments_paid"] != 2.0 || res["queued"] != 0.0 {
		t.Errorf("first booking: %s", out)
	}
	code, out, _ = runCLI(t, "reconcile", "cnab", ret, "--db", dbPath)
	if code != 0 || !strings.Contains(out, "booked before; nothing booked") {
		t.Errorf("second booking: %d %q", code, out)
	}
	code, out, _ = runCLI(t, "reconcile", "queue", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "empty") {
		t.Errorf("queue: %d %q", code, out)
	}
	// Nothing left to charge for José.
	if code, _, errOut := runCLI(t, "charge", "issue", "--db", dbPath, "--debtor", "52998224725"); code == 0 || !strings.Contains(errOut, "nothing open") {
		t.Errorf("issue after payment: %d %q", code, errOut)
	}
	// Manual entry: Maria pays her first installment at the counter; the
	// same receipt again books nothing; an odd amount goes to the queue.
	if code, _, errOut := runCLI(t, "reconcile", "pay", "--db", dbPath, "--ref", "REC-1", "--amount", "99,90", "--debtor", "11144477735", "--paid-at", "ontem"); code != 2 || !strings.Contains(errOut, "--paid-at") {
		t.Errorf("manual payment with a bad date: exit %d %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "reconcile", "pay", "--db", dbPath, "--ref", "REC-1", "--amount", "99,90", "--debtor", "11144477735", "--paid-at", "2026-11-26")
	if code != 0 || !strings.Contains(out, "booked R$ 99,90; 1 installment(s) paid") {
		t.Errorf("manual payment: %d %q %q", code, out, errOut)
	}
	// A date alone is that day in the debtor's zone.
	if db, err := sqldb.Open(context.Background(), dbPath, false); err != nil {
		t.Error(err)
	} else {
		ctx := context.Background()
		var debtor int64
		if err := db.SQL().QueryRowContext(ctx, `SELECT debtor_id FROM payments WHERE source_ref = 'REC-1'`).Scan(&debtor); err != nil {
			t.Fatal(err)
		}
		d, _ := db.Debtor(ctx, f.Tenant, debtor)
		ps, _ := db.Payments(ctx, f.Tenant, debtor)
		for _, p := range ps {
			if p.SourceRef == "REC-1" && domain.PaymentDay(p.PaidAt, d.TimeZone) != date.New(2026, 11, 26) {
				t.Errorf("--paid-at 2026-11-26 stored %s: %s in %s", p.PaidAt, domain.PaymentDay(p.PaidAt, d.TimeZone), d.TimeZone)
			}
		}
		db.Close()
	}
	if code, out, _ = runCLI(t, "reconcile", "pay", "--db", dbPath, "--ref", "REC-1", "--amount", "99,90", "--debtor", "11144477735"); !strings.Contains(out, "booked before") {
		t.Errorf("manual payment again: %d %q", code, out)
	}
	runCLI(t, "reconcile", "pay", "--db", dbPath, "--ref", "REC-2", "--amount", "12,00", "--debtor", "11144477735")
	if code, out, _ = runCLI(t, "reconcile", "queue", "--db", dbPath); code != 0 || !strings.Contains(out, "REC-2") || !strings.Contains(out, "partial") {
		t.Errorf("queue after odd amount: %d %q", code, out)
	}
	if code, _, _ := runCLI(t, "reconcile", "resolve", "1", "--db", dbPath); code != 2 {
		t.Errorf("resolve without an action: exit %d, want 2", code)
	}
}

// TestChargeIssueDebtorUnderAgreement: `charge issue --debtor` charges the
// next open installment of an active agreement (acordo) instead of the
// installments of the debts it covers, and names the kind of each charge;
// once that agreement installment is paid, the next one is charged.
func TestChargeIssueDebtorUnderAgreement(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dsn, db := cliStore(t, backend)
			f := storetest.NewFixture(t, db, "Agência Acordo")
			maria, debts := storetest.FixtureDebts(t, db, f.Tenant, "11144477735")
			under, free := debts["C-2002"], debts["C-2003"]
			ag, _, err := db.CreateAgreement(ctx, f.Tenant, storetest.TestAgreement(maria, "cli-charge", []int64{under.ID}, date.New(2026, 11, 24), 5000, 5000, 5000))
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if code, out, errOut := runCLI(t, "charge", "account", "--db", dsn, "--creditor", "cred-1", "--bank", "341", "--agency", "0057", "--account", "12345", "--wallet", "109",
				"--pix-key", "11222333000181", "--city", "São Paulo"); code != 0 {
				t.Fatalf("charge account: %d %q %q", code, out, errOut)
			}
			type issued struct {
				For         string `json:"for"`
				Installment int64  `json:"installment_id"`
				AgreementIn int64  `json:"agreement_installment_id"`
				Contract    string `json:"contract"`
				Number      int    `json:"number"`
			}
			issue := func() []issued {
				t.Helper()
				code, out, errOut := runCLI(t, "charge", "issue", "--db", dsn, "--debtor", "111.444.777-35", "--pix", "--json")
				if code != 0 {
					t.Fatalf("charge issue: %d %q", code, errOut)
				}
				var got []issued
				for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
					var g issued
					if err := json.Unmarshal([]byte(l), &g); err != nil {
						t.Fatalf("line %q: %v", l, err)
					}
					got = append(got, g)
				}
				return got
			}
			wantFree := map[int64]bool{}
			for _, in := range free.Installments {
				if in.Open() > 0 {
					wantFree[in.ID] = true
				}
			}
			acordo := "ACORDO-" + strconv.FormatInt(ag.ID, 10)
			for round, want := range []int{1, 2} {
				got := issue()
				var agr []issued
				seen := map[int64]bool{}
				for _, g := range got {
					switch g.For {
					case "installment":
						if g.Contract != "C-2003" || !wantFree[g.Installment] {
							t.Errorf("round %d: charged an installment not free of the agreement: %+v", round, g)
						}
						seen[g.Installment] = true
					case "agreement_installment":
						agr = append(agr, g)
					default:
						t.Errorf("round %d: charge for %q", round, g.For)
					}
				}
				if len(seen) != len(wantFree) {
					t.Errorf("round %d: installments of C-2003 charged %v, want %v", round, seen, wantFree)
				}
				if len(agr) != 1 || agr[0].Contract != acordo || agr[0].Number != want || agr[0].AgreementIn != ag.Installments[want-1].ID || agr[0].Installment != 0 {
					t.Errorf("round %d: agreement charges %+v, want installment %d of %s", round, agr, want, acordo)
				}
				if round == 0 {
					// The first agreement installment is paid at the counter.
					if code, out, errOut := runCLI(t, "reconcile", "pay", "--agreement-installment", strconv.FormatInt(ag.Installments[0].ID, 10), "--debtor", "11144477735",
						"--amount", "50,00", "--ref", "cx-1", "--db", dsn); code != 0 {
						t.Fatalf("reconcile pay: %d %q %q", code, out, errOut)
					}
				}
			}
			// The text output names the kind too.
			code, out, _ := runCLI(t, "charge", "issue", "--db", dsn, "--debtor", "11144477735", "--pix")
			if code != 0 || !strings.Contains(out, "agreement "+acordo+" installment 2 (agreement installment "+strconv.FormatInt(ag.Installments[1].ID, 10)+")") || !strings.Contains(out, "contract C-2003 installment 1 (installment ") {
				t.Errorf("text output: %d %q", code, out)
			}
		})
	}
}

// TestReconcileResolveCommand: `regua reconcile resolve` names the item
// when it is not in the tenant's queue (unknown, or another tenant's),
// whatever the action, and tells it apart from what the action names.
func TestReconcileResolveCommand(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dsn, db := cliStore(t, backend)
			a := storetest.NewFixture(t, db, "Agência A")
			b := storetest.NewFixture(t, db, "Agência B")
			queue := func(tenant domain.TenantID, ref string) int64 {
				t.Helper()
				in := []store.Incoming{{Source: domain.PaidManual, SourceRef: ref, Amount: 4321, PaidAt: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}}
				if o, err := db.Reconcile(ctx, tenant, in, reconcile.Classify); err != nil || o.Queued != 1 {
					t.Fatalf("queue %s: %+v %v", ref, o, err)
				}
				q, err := db.QueueItems(ctx, tenant, "open", 5)
				if err != nil || len(q) != 1 {
					t.Fatalf("queue items: %+v %v", q, err)
				}
				return q[0].ID
			}
			mine, theirs := queue(a.Tenant, "REC-A"), queue(b.Tenant, "REC-B")
			jose, _ := storetest.FixtureDebts(t, db, a.Tenant, "52998224725")
			db.Close()
			id := func(n int64) string { return strconv.FormatInt(n, 10) }
			for _, tc := range []struct {
				name string
				args []string
				code int
				msg  string // in stderr, or stdout when code is 0
			}{
				{"unknown item, refund", []string{"999999", "--refund"}, 1, "reconciliation item 999999: not found in this tenant's queue"},
				{"unknown item, assign", []string{"999999", "--assign", "1"}, 1, "reconciliation item 999999: not found in this tenant's queue"},
				{"another tenant's item", []string{id(theirs), "--credit", "--debtor", id(jose)}, 1, "reconciliation item " + id(theirs) + ": not found in this tenant's queue"},
				{"item id not a number", []string{"doze", "--refund"}, 2, `item id "doze": not a positive number`},
				{"item id zero", []string{"0", "--refund"}, 2, "not a positive number"},
				{"negative installment", []string{id(mine), "--assign", "-3"}, 2, "positive ids"},
				{"unknown installment", []string{id(mine), "--assign", "999999"}, 1, "installment 999999: not found"},
				{"unknown debtor", []string{id(mine), "--credit", "--debtor", "999999"}, 1, "debtor 999999: not found"},
				{"credited", []string{id(mine), "--credit", "--debtor", id(jose)}, 0, "item " + id(mine) + " credited"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					args := append([]string{"reconcile", "resolve"}, tc.args...)
					code, out, errOut := runCLI(t, append(args, "--db", dsn, "--tenant", "Agência A")...)
					got := errOut
					if tc.code == 0 {
						got = out
					}
					if code != tc.code || !strings.Contains(got, tc.msg) {
						t.Errorf("exit %d, want %d with %q; stdout %q stderr %q", code, tc.code, tc.msg, out, errOut)
					}
				})
			}
		})
	}
}

// cliStore opens a fresh store of backend ("sqlite" or "postgres") for a
// command test: its DSN, for --db, and the store, closed with the test.
func cliStore(t *testing.T, backend string) (string, *sqldb.DB) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "regua.db")
	if backend == "postgres" {
		dsn = storetest.PostgresURL(t)
	}
	db, err := sqldb.Open(context.Background(), dsn, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, db
}
