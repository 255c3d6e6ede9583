package agenttask

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// BenchmarkWindow is the call window of one task (about a hundred policy
// decisions).
func BenchmarkWindow(b *testing.B) {
	pol, _ := policy.Preset("BR")
	pd := &policy.Debtor{ID: "x", Zone: "America/Sao_Paulo", Country: "BR", UF: "SP"}
	pd.Resolve()
	for b.Loop() {
		Window(pol, pd, t0)
	}
}

// BenchmarkClaimClose is one agent's claim + close (no_answer) of a task,
// with 4 agents working the queue at once; the CPU time of the process
// (store included on SQLite) is reported beside the wall time.
func BenchmarkClaimClose(b *testing.B) {
	for _, st := range []string{"sqlite", "postgres"} {
		b.Run(st, func(b *testing.B) {
			var db *sqldb.DB
			if st == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
			}
			ctx := context.Background()
			f := storetest.NewFixture(b, db, "bench")
			ids := f.IDs(b, db)
			n := b.N
			for i := range n {
				if _, _, err := db.CreateTask(ctx, f.Tenant, store.AgentTask{Origin: fmt.Sprintf("attempt:%d", i+1), DebtorID: ids.Jose, DebtID: ids.JoseDebt,
					Priority: 1 + i%5, DueFrom: t0.Add(-time.Duration(i) * time.Second)}); err != nil {
					b.Fatal(err)
				}
			}
			const agents = 4
			cpu0 := bench.CPUTime()
			b.ResetTimer()
			var wg sync.WaitGroup
			for a := range agents {
				wg.Add(1)
				go func() {
					defer wg.Done()
					agent := int64(1000 + a)
					for {
						tk, err := db.ClaimTask(ctx, f.Tenant, agent, "", t0)
						if err != nil {
							return
						}
						if _, err := db.CloseTask(ctx, domain.TenantID(f.Tenant), store.TaskClose{TaskID: tk.ID, AgentID: agent, Outcome: store.OutcomeNoAnswer, At: t0}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(bench.CPUTime()-cpu0)/float64(n), "cpu-ns/op")
		})
	}
}
