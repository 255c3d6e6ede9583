package agencyexport

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestMask(t *testing.T) {
	for _, c := range []struct {
		kind domain.DebtorKind
		doc  string
		want string
	}{
		{domain.Person, "52998224725", "***.982.247-**"},
		{domain.Company, "11222333000181", "11.222.***/****-81"},
		{domain.Person, "123", "***"},
	} {
		if got := Mask(c.kind, c.doc); got != c.want {
			t.Errorf("Mask(%s, %s) = %q, want %q", c.kind, c.doc, got, c.want)
		}
	}
}

func TestExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "export")
		ids := f.IDs(t, db)
		t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		e := &Exports{S: db, Now: func() time.Time { return t0 }}
		plan := func(step string, debtor, debt int64, target string) string {
			p := journey.Payload{V: 1, Journey: "cobranca", Step: step, Action: journey.ActExport, Channel: "export", Export: &journey.ExportPayload{Target: target}}
			if target == "" {
				p.Export = nil
			}
			pj, _ := json.Marshal(p)
			if _, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: debtor, DebtID: debt, StepID: step, Channel: "export", DueAt: t0, Payload: pj}}); err != nil {
				t.Fatal(err)
			}
			as, _ := db.AttemptsOfDebtor(ctx, f.Tenant, debtor, 1)
			return fmt.Sprintf("rg-%d-a%d", f.Tenant, as[0].ID)
		}
		ch := e.Channel()
		jose := plan("d90-agency", ids.Jose, ids.JoseDebt, "Assessoria Paulista")
		maria := plan("d90-agency", ids.Maria, ids.MariaDebt, "Assessoria Paulista")
		none := plan("d90-none", ids.Maria, ids.MariaDebt, "")
		r1, err := ch.Send(ctx, channel.Message{Channel: "export", Reference: jose})
		if err != nil || !strings.HasPrefix(r1, "export-") {
			t.Fatalf("send: %q %v", r1, err)
		}
		if again, err := ch.Send(ctx, channel.Message{Channel: "export", Reference: jose}); err != nil || again != r1 {
			t.Fatalf("second send: %q %v", again, err)
		}
		if _, err := ch.Send(ctx, channel.Message{Channel: "export", Reference: maria}); err != nil {
			t.Fatal(err)
		}
		if _, err := ch.Send(ctx, channel.Message{Channel: "export", Reference: none}); !channel.IsPermanent(err) {
			t.Errorf("export without target: %v, want permanent", err)
		}
		// Maria pays before the batch closes: she is dropped, not exported.
		d, _ := db.Debtor360(ctx, f.Tenant, ids.Maria, 0)
		var inst domain.Installment
		for _, debt := range d.Debts {
			if debt.ID == ids.MariaDebt {
				inst = debt.Installments[0]
			}
		}
		if _, _, err := db.BookPayment(ctx, f.Tenant, domain.Payment{InstallmentID: inst.ID, Amount: inst.Amount, PaidAt: t0.Add(-24 * time.Hour), Source: domain.PaidManual, SourceRef: "p1"}); err != nil {
			t.Fatal(err)
		}
		for _, full := range []bool{false, true} {
			var buf bytes.Buffer
			b, err := e.Close(ctx, f.Tenant, "Assessoria Paulista", "user:1", date.New(2026, 11, 24), &buf, Options{FullDocument: full})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := readCSV(buf.Bytes())
			if err != nil {
				t.Fatalf("csv: %v\n%s", err, buf.String())
			}
			if strings.Join(recs[0], ",") != strings.Join(Columns, ",") {
				t.Errorf("header %v", recs[0])
			}
			if !full {
				if b.Exported != 1 || b.Dropped != 1 || len(recs) != 2 {
					t.Fatalf("batch %+v, %d lines:\n%s", b, len(recs), buf.String())
				}
				got := map[string]string{}
				for i, c := range Columns {
					got[c] = recs[1][i]
				}
				want := map[string]string{"batch": fmt.Sprint(b.ID), "debtor_name": "José da Conceição", "debtor_kind": "person", "document": "***.982.247-**",
					"address": "São Paulo, SP, 01001000", "phones": "+5511987654321", "emails": "jose@example.com", "creditor": "Banco export",
					"portfolio": "Cartões 2026", "contract": "C-1001", "product": "credit_card", "installments_open": "2", "installments_overdue": "2",
					"open_cents": "300000", "open": "R$ 3.000,00", "overdue_cents": "300000", "overdue": "R$ 3.000,00", "oldest_due": "2026-09-10", "dpd": "75"}
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
			} else if b.ID != 0 || len(recs) != 1 {
				// Closed already: the second file is empty.
				t.Errorf("second close: %+v, %d lines", b, len(recs))
			}
		}
		// A new export of the same target goes into a new batch, with the
		// document in full when asked.
		cnpjDebtor := storetest.Row(9, "11222333000181", "Padaria Estrela Ltda.", "C-9009", 1, date.New(2026, 8, 1), 12345)
		cnpjDebtor.Debtor.Kind = domain.Company
		if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, []store.ImportRow{cnpjDebtor}); err != nil {
			t.Fatal(err)
		}
		res, _ := db.SearchDebtors(ctx, f.Tenant, "11222333000181", date.New(2026, 11, 24), 1)
		pd, _ := db.Debtor360(ctx, f.Tenant, res[0].ID, 0)
		if _, err := ch.Send(ctx, channel.Message{Channel: "export", Reference: plan("d90-agency", pd.Debtor.ID, pd.Debts[0].ID, "Assessoria Paulista")}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := e.Close(ctx, f.Tenant, "Assessoria Paulista", "cli", date.New(2026, 11, 24), &buf, Options{FullDocument: true}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), ";11222333000181;") || !strings.Contains(buf.String(), ";12345;R$ 123,45;") {
			t.Errorf("full document file:\n%s", buf.String())
		}
	})
}

// readCSV reads a ';'-separated file.
func readCSV(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ';'
	return r.ReadAll()
}

func TestWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "export-worker")
		ids := f.IDs(t, db)
		t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		now := func() time.Time { return t0 }
		w := &Worker{S: db, E: &Exports{S: db, Now: now}, Now: now}
		plan := func(step string, debtor, debt int64, target string) int64 {
			p := journey.Payload{V: 1, Journey: "cobranca", Step: step, Action: journey.ActExport, Channel: "export", Export: &journey.ExportPayload{Target: target}}
			if target == "" {
				p.Export = nil
			}
			pj, _ := json.Marshal(p)
			if _, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: debtor, DebtID: debt, StepID: step, Channel: "export", DueAt: t0.Add(-time.Minute), Payload: pj}}); err != nil {
				t.Fatal(err)
			}
			as, _ := db.AttemptsOfDebtor(ctx, f.Tenant, debtor, 1)
			return as[0].ID
		}
		good := plan("d90-agency", ids.Jose, ids.JoseDebt, "Assessoria Paulista")
		bad := plan("d90-bad", ids.Maria, ids.MariaDebt, "")
		// The kill switch of the export channel holds them.
		if _, err := db.PauseDispatch(ctx, store.Pause{TenantID: f.Tenant, Scope: store.PauseChannel, Value: "export", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if n, err := w.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("paused run: %d %v", n, err)
		}
		if a, _ := db.Attempt(ctx, f.Tenant, good); a.Status != store.AttemptHeld {
			t.Fatalf("paused export: %s", a.Status)
		}
		if _, err := db.ResumeDispatch(ctx, f.Tenant, store.PauseChannel, "export"); err != nil {
			t.Fatal(err)
		}
		if n, err := w.RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("run: %d %v", n, err)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Errorf("second run claimed %d", n)
		}
		a, _ := db.Attempt(ctx, f.Tenant, good)
		if a.Status != store.AttemptSent || !strings.HasPrefix(a.ProviderRef, "export-") {
			t.Errorf("export attempt: %s %q %q", a.Status, a.ProviderRef, a.LastError)
		}
		if b, _ := db.Attempt(ctx, f.Tenant, bad); b.Status != store.AttemptParked || !strings.Contains(b.LastError, "without a target") {
			t.Errorf("bad export: %s %q", b.Status, b.LastError)
		}
		targets, _ := db.ExportTargets(ctx, f.Tenant)
		if len(targets) != 1 || targets[0].Pending != 1 {
			t.Errorf("targets %+v", targets)
		}
		evs, _ := db.Events(ctx, f.Tenant, ids.Jose, 10)
		n := 0
		for _, e := range evs {
			if e.Kind == "export" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d export events", n)
		}
	})
}
