// Package dispatchbench seeds attempts for dispatch's benchmark and crash
// test, and measures the bare baseline the benchmark compares with.
package dispatchbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// Clock is a weekday 10:00 in São Paulo (13:00 UTC), inside every preset's
// contact hours, so that benchmarks measure sending rather than waiting.
var Clock = time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)

// Channels are the channels seeded attempts use, in turn.
var Channels = []string{"sms", "email", "whatsapp", "voice"}

// Seed creates a tenant with n debtors, each with one overdue debt, a
// mobile and an e-mail, and plans one attempt per debtor due a minute
// before Clock, channels in turn. It returns the tenant.
func Seed(ctx context.Context, db *sqldb.DB, name string, n int) (domain.TenantID, error) {
	ten, err := db.CreateTenant(ctx, name)
	if err != nil {
		return 0, err
	}
	cr, err := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "bench", Name: "Banco Bench"})
	if err != nil {
		return 0, err
	}
	pf, err := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "bench", Name: "Bench"})
	if err != nil {
		return 0, err
	}
	const batch = 2000
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		rows := make([]store.ImportRow, 0, end-start)
		for i := start; i < end; i++ {
			doc := fmt.Sprintf("%011d", 10000000000+i)
			rows = append(rows, store.ImportRow{
				Line: i + 2,
				Debtor: domain.Debtor{ExtID: doc, Kind: domain.Person, Document: doc, Name: fmt.Sprintf("Cliente %d", i), Locale: "pt-BR", TimeZone: "America/Sao_Paulo",
					Address: domain.Address{City: "São Paulo", Municipality: "3550308", UF: "SP", Country: "BR"}},
				Contacts: []domain.ContactPoint{
					{Kind: domain.Mobile, Value: fmt.Sprintf("+55119%08d", i)},
					{Kind: domain.Email, Value: fmt.Sprintf("cliente%d@example.com", i)},
				},
				Debt:        domain.Debt{ContractNumber: "B-" + doc, Product: "credit_card", OriginDate: date.New(2025, 1, 15), OriginalPrincipal: 100000},
				Installment: domain.Installment{Number: 1, DueDate: date.New(2026, 11, 10), Amount: 25000},
			})
		}
		if _, err := db.ApplyImport(ctx, ten.ID, pf.ID, rows); err != nil {
			return 0, fmt.Errorf("seed debtors: %w", err)
		}
		as := make([]store.Attempt, len(rows))
		for k, r := range rows {
			i := start + k
			ch := Channels[i%len(Channels)]
			to := fmt.Sprintf("+55119%08d", i)
			if ch == "email" {
				to = fmt.Sprintf("cliente%d@example.com", i)
			}
			step := fmt.Sprintf("bench-%d", i)
			p := journey.Payload{V: journey.PayloadVersion, IdempotencyKey: fmt.Sprintf("rg-%d-bench-%d", ten.ID, i), Step: step, Channel: ch, To: to, Locale: "pt-BR",
				Message: &journey.Rendered{Locale: "pt-BR", Subject: "Lembrete", Body: fmt.Sprintf("Olá, Cliente %d: sua parcela de R$ 250,00 venceu em 10/11.", i)}}
			raw, err := json.Marshal(p)
			if err != nil {
				return 0, err
			}
			as[k] = store.Attempt{DebtorID: r.Debtor.ID, DebtID: r.Debt.ID, StepID: step, Channel: ch, Template: "reminder", Payload: raw, DueAt: Clock.Add(-time.Minute)}
		}
		if _, err := db.PlanAttempts(ctx, ten.ID, as); err != nil {
			return 0, fmt.Errorf("seed attempts: %w", err)
		}
	}
	return ten.ID, nil
}

// Baseline moves every planned attempt of tenant to sent with one bare
// UPDATE … RETURNING per batch (no policy, no send, no event): the floor
// under what the store alone costs. It returns how many rows it moved.
// The statement has the claim's shape (rows chosen oldest first in index
// order, skipping locked ones, updated by primary key), so that the ratio
// measures what dispatch adds, not a slower way to pick rows.
func Baseline(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, batch int) (int, error) {
	q := `UPDATE attempts SET status = 'sent', sent_at = ? WHERE id IN (SELECT id FROM attempts WHERE tenant_id = ? AND status = 'planned' ORDER BY due_at LIMIT ?) RETURNING id`
	if db.Postgres() {
		q = `UPDATE attempts SET status = 'sent', sent_at = ? WHERE id = ANY(ARRAY(SELECT id FROM attempts WHERE tenant_id = ? AND status = 'planned' ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING id`
	}
	q = db.Rebind(q)
	total := 0
	for {
		n := 0
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			n = 0
			if db.Postgres() {
				// As the claim: index order whatever the statistics.
				if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_sort', 'off', true)`); err != nil {
					return err
				}
			}
			rows, err := tx.QueryContext(ctx, q, Clock, tenant, batch)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				n++
			}
			return rows.Err()
		})
		if err != nil {
			return total, fmt.Errorf("baseline: %w", err)
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// SeedHistory gives every attempt Seed planned for tenant k earlier
// attempts, sent a month or more before Clock (outside the eight days the
// send-time check reads): the attempts table of a book that has been
// worked for a while, where the claim and the settle must find their rows
// among many. PostgreSQL only (one INSERT … SELECT over generate_series).
// The table is left unanalyzed, as after a day's plan.
func SeedHistory(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, k int) (int, error) {
	if k <= 0 {
		return 0, nil
	}
	if !db.Postgres() {
		return 0, fmt.Errorf("seed history: PostgreSQL only")
	}
	res, err := db.SQL().ExecContext(ctx, `INSERT INTO attempts (tenant_id, debtor_id, debt_id, step_id, channel, template, payload, status, due_at, tries, provider_ref, created_at, sent_at)
	  SELECT a.tenant_id, a.debtor_id, a.debt_id, a.step_id || '-h' || g, a.channel, a.template, a.payload, 'sent', a.due_at - (30 + g) * interval '1 day', 1, 'old-' || a.id || '-' || g, a.created_at, a.due_at - (30 + g) * interval '1 day'
	  FROM attempts a CROSS JOIN generate_series(1, $2::int) g WHERE a.tenant_id = $1 AND a.status = 'planned'`, tenant, k)
	if err != nil {
		return 0, fmt.Errorf("seed history: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
