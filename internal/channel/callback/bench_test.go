package callback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel/callback"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// BenchmarkHandle measures callback intake without HTTP: signature check,
// parse, attempt lookup and the recording transaction. "new" records a
// callback each time (a click at a new instant: row and outcome); "repeat"
// posts one callback again and again (lookup and the conflicting insert).
// PostgreSQL with REGUA_TEST_POSTGRES_URL set, else SQLite.
func BenchmarkHandle(b *testing.B) {
	var db *sqldb.DB
	if os.Getenv(storetest.EnvPostgres) != "" {
		db = storetest.Postgres(b)
	} else {
		db = storetest.SQLite(b)
	}
	ctx := context.Background()
	f := storetest.NewFixture(b, db, "bench")
	ids := f.IDs(b, db)
	const pool = 2000
	as := make([]store.Attempt, pool)
	for i := range as {
		as[i] = store.Attempt{DebtorID: ids.Jose, DebtID: ids.JoseDebt, EnrolmentID: int64(i + 1), StepID: "s", AnchorDate: date.New(2026, 11, 20),
			Channel: "sms", DueAt: t0.Add(-time.Minute), Payload: json.RawMessage(`{}`)}
	}
	if _, err := db.PlanAttempts(ctx, f.Tenant, as); err != nil {
		b.Fatal(err)
	}
	cs, err := db.ClaimAttempts(ctx, store.Claim{Now: t0, Lease: time.Hour, Limit: pool, Token: "b", Channels: []string{"sms"}})
	if err != nil || len(cs) != pool {
		b.Fatalf("claim %d %v", len(cs), err)
	}
	st := make([]store.Settled, pool)
	for i, c := range cs {
		st[i] = store.Settled{ID: c.ID, Status: store.AttemptSent, ProviderRef: fmt.Sprintf("ref-%d", c.ID)}
	}
	if _, err := db.SettleAttempts(ctx, f.Tenant, "b", t0, st); err != nil {
		b.Fatal(err)
	}
	secret := []byte("bench")
	h := &callback.Handler{Store: db, Secrets: func(string) []byte { return secret }, Log: quiet()}
	b.Run("new", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c := cs[i%pool]
			body := fmt.Appendf(nil, `{"reference":%q,"status":"clicked","at":%q}`, callback.Reference(f.Tenant, c.ID), t0.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano))
			if r, err := h.Handle(ctx, "sink", body, callback.Sign(secret, body)); err != nil || !r.Recorded {
				b.Fatal(r, err)
			}
		}
	})
	b.Run("by-provider-ref", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c := cs[i%pool]
			body := fmt.Appendf(nil, `{"provider_ref":"ref-%d","status":"clicked","at":%q}`, c.ID, t0.Add(time.Hour+time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano))
			if r, err := h.Handle(ctx, "sink", body, callback.Sign(secret, body)); err != nil || !r.Recorded {
				b.Fatal(r, err)
			}
		}
	})
	// As the web server takes them: many callbacks at once (one
	// transaction each; PostgreSQL commits them side by side).
	var n atomic.Int64
	b.Run("new-parallel-16", func(b *testing.B) {
		b.SetParallelism(8) // × GOMAXPROCS goroutines
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				c := cs[int(i)%pool]
				body := fmt.Appendf(nil, `{"reference":%q,"status":"clicked","at":%q}`, callback.Reference(f.Tenant, c.ID), t0.Add(2*time.Hour+time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano))
				if r, err := h.Handle(ctx, "sink", body, callback.Sign(secret, body)); err != nil || !r.Recorded {
					b.Fatal(r, err)
				}
			}
		})
	})
	b.Run("repeat", func(b *testing.B) {
		body := fmt.Appendf(nil, `{"reference":%q,"status":"delivered","at":"2026-11-24T13:00:05Z"}`, callback.Reference(f.Tenant, cs[0].ID))
		sig := callback.Sign(secret, body)
		for b.Loop() {
			if _, err := h.Handle(ctx, "sink", body, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
