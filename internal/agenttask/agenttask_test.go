package agenttask

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestWindow(t *testing.T) {
	pol, err := policy.Preset("BR")
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	manaus, _ := time.LoadLocation("America/Manaus")
	at := func(loc *time.Location, y, m, d, h, min int) time.Time {
		return time.Date(y, time.Month(m), d, h, min, 0, 0, loc)
	}
	for _, c := range []struct {
		name        string
		uf, zone    string
		loc         *time.Location
		at          time.Time
		from, until time.Time
	}{
		// BR: 09:00–21:00 on weekdays, and São Paulo's law ends calls at 20:00.
		{"SP weekday morning", "SP", "America/Sao_Paulo", sp, at(sp, 2026, 11, 24, 10, 0), at(sp, 2026, 11, 24, 10, 0), at(sp, 2026, 11, 24, 20, 0)},
		{"SP mid-minute", "SP", "America/Sao_Paulo", sp, at(sp, 2026, 11, 24, 19, 58).Add(17 * time.Second), at(sp, 2026, 11, 24, 19, 58).Add(17 * time.Second), at(sp, 2026, 11, 24, 20, 0)},
		{"SP before hours", "SP", "America/Sao_Paulo", sp, at(sp, 2026, 11, 24, 7, 0), at(sp, 2026, 11, 24, 9, 0), at(sp, 2026, 11, 24, 20, 0)},
		{"SP after hours moves to the next day", "SP", "America/Sao_Paulo", sp, at(sp, 2026, 11, 24, 20, 30), at(sp, 2026, 11, 25, 9, 0), at(sp, 2026, 11, 25, 20, 0)},
		{"SP Saturday moves to Monday", "SP", "America/Sao_Paulo", sp, at(sp, 2026, 11, 28, 10, 0), at(sp, 2026, 11, 30, 9, 0), at(sp, 2026, 11, 30, 20, 0)},
		{"Amazonas calls end at 18:00", "AM", "America/Manaus", manaus, at(manaus, 2026, 11, 24, 10, 0), at(manaus, 2026, 11, 24, 10, 0), at(manaus, 2026, 11, 24, 18, 0)},
		{"RJ: the national 21:00", "RJ", "America/Sao_Paulo", sp, at(sp, 2026, 11, 24, 10, 0), at(sp, 2026, 11, 24, 10, 0), at(sp, 2026, 11, 24, 21, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			pd := &policy.Debtor{ID: "x", Zone: c.zone, Country: "BR", UF: c.uf}
			if err := pd.Resolve(); err != nil {
				t.Fatal(err)
			}
			from, until := Window(pol, pd, c.at)
			if !from.Equal(c.from) || !until.Equal(c.until) {
				t.Errorf("Window(%s) = %s … %s, want %s … %s", c.at.In(c.loc).Format(time.DateTime), from.In(c.loc).Format(time.DateTime),
					until.In(c.loc).Format(time.DateTime), c.from.In(c.loc).Format(time.DateTime), c.until.In(c.loc).Format(time.DateTime))
			}
		})
	}
	t.Run("opted out of calls: never", func(t *testing.T) {
		pd := &policy.Debtor{ID: "x", Zone: "America/Sao_Paulo", Country: "BR", UF: "SP", OptOuts: []policy.Channel{policy.Call}}
		pd.Resolve()
		if _, until := Window(pol, pd, at(sp, 2026, 11, 24, 10, 0)); !until.IsZero() {
			t.Errorf("until %s, want zero", until)
		}
	})
}

// t0 is Tuesday 24 Nov 2026, 10:00 in São Paulo.
var t0 = time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)

func TestQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "queue")
		ids := f.IDs(t, db)
		clock := t0
		q := &Queue{S: db, Now: func() time.Time { return clock }}
		p := journey.Payload{V: 1, Journey: "cobranca", Step: "d7-agent", Action: journey.ActTask, Channel: "call", To: "+5511987654321",
			ContactID: ids.JoseMobile, Locale: "pt-BR", Task: &journey.TaskPayload{Priority: 2, Queue: "late", Script: "Olá José"},
			Debt: journey.DebtPayload{ID: ids.JoseDebt, Overdue: "3000.00", DPD: 75}}
		pj, _ := json.Marshal(p)
		if _, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: ids.Jose, DebtID: ids.JoseDebt, StepID: "manual-call", Channel: "call", DueAt: t0.Add(-time.Hour), Payload: pj, Template: "roteiro"}}); err != nil {
			t.Fatal(err)
		}
		as, _ := db.AttemptsOfDebtor(ctx, f.Tenant, ids.Jose, 1)
		a := as[0]
		ch := q.Channel()
		ref := "rg-" + itoa(int64(f.Tenant)) + "-a" + itoa(a.ID)
		got, err := ch.Send(ctx, channel.Message{Channel: "call", To: p.To, Reference: ref})
		if err != nil || !strings.HasPrefix(got, "task-") {
			t.Fatalf("send: %q %v", got, err)
		}
		again, err := ch.Send(ctx, channel.Message{Channel: "call", To: p.To, Reference: ref})
		if err != nil || again != got {
			t.Fatalf("second send: %q %v, want %q", again, err, got)
		}
		for _, bad := range []string{"", "rg-x-a1", "rg-" + itoa(int64(f.Tenant)) + "-a999999"} {
			if _, err := ch.Send(ctx, channel.Message{Channel: "call", Reference: bad}); !channel.IsPermanent(err) {
				t.Errorf("reference %q: %v, want a permanent error", bad, err)
			}
		}
		tasks, err := db.Tasks(ctx, f.Tenant, store.TaskFilter{})
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks %v %v", tasks, err)
		}
		tk := tasks[0]
		sp, _ := time.LoadLocation("America/Sao_Paulo")
		if tk.Priority != 2 || tk.Queue != "late" || tk.Script != "Olá José" || tk.Phone != "+5511987654321" || tk.AttemptID != a.ID ||
			!tk.DueFrom.Equal(t0.Add(-time.Hour)) || !tk.DueUntil.Equal(time.Date(2026, 11, 24, 20, 0, 0, 0, sp)) ||
			tk.Reason != "cobranca · d7-agent: 75 dias de atraso, vencido R$ 3.000,00" || tk.Template != "roteiro" {
			t.Errorf("task %+v", tk)
		}

		agent := f.Tenant // any id: the store does not check users
		if _, err := q.Next(ctx, f.Tenant, int64(agent)+1000, "other-queue"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("next of another queue: %v", err)
		}
		n, err := q.Next(ctx, f.Tenant, 7, "")
		if err != nil || n.ID != tk.ID {
			t.Fatalf("next: %+v %v", n, err)
		}
		if _, err := q.Close(ctx, f.Tenant, n.ID, 7, store.OutcomeCallback, "", clock.Add(-time.Hour)); err == nil {
			t.Error("callback in the past accepted")
		}
		if _, err := q.Close(ctx, f.Tenant, n.ID, 7, store.OutcomeReached, "", clock.Add(time.Hour)); err == nil {
			t.Error("callback time with outcome reached accepted")
		}
		// Asked to call back on Saturday 10:00: BR allows no calls on
		// Saturdays (SP's law would, the national hours do not), so Monday 09:00.
		sat := time.Date(2026, 11, 28, 10, 0, 0, 0, sp)
		closed, err := q.Close(ctx, f.Tenant, n.ID, 7, store.OutcomeCallback, "ligar sábado", sat)
		if err != nil || closed.Status != store.TaskDone || closed.Outcome != store.OutcomeCallback {
			t.Fatalf("close: %+v %v", closed, err)
		}
		tasks, _ = db.Tasks(ctx, f.Tenant, store.TaskFilter{Status: []store.TaskStatus{store.TaskOpen}})
		if len(tasks) != 1 || tasks[0].ParentID != n.ID || !tasks[0].DueFrom.Equal(time.Date(2026, 11, 30, 9, 0, 0, 0, sp)) ||
			!tasks[0].DueUntil.Equal(time.Date(2026, 11, 30, 20, 0, 0, 0, sp)) || tasks[0].AttemptID != a.ID {
			t.Fatalf("callback task %+v", tasks)
		}
		if _, err := q.Next(ctx, f.Tenant, 7, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("callback claimable before its time: %v", err)
		}
		clock = time.Date(2026, 11, 30, 9, 30, 0, 0, sp)
		cb, err := q.Next(ctx, f.Tenant, 8, "")
		if err != nil || cb.ID != tasks[0].ID {
			t.Fatalf("next on Monday: %+v %v", cb, err)
		}
		if _, err := q.Close(ctx, f.Tenant, cb.ID, 8, store.OutcomePromised, "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		// Both outcomes reached the attempt, for the journey's branches.
		rows, err := db.SQL().QueryContext(ctx, db.Rebind(`SELECT outcome FROM journey_outcomes WHERE tenant_id = ? AND attempt_id = ? ORDER BY id`), f.Tenant, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var outs []string
		for rows.Next() {
			var o string
			rows.Scan(&o)
			outs = append(outs, o)
		}
		rows.Close()
		if strings.Join(outs, ",") != "replied,promised" {
			t.Errorf("attempt outcomes %v, want replied,promised", outs)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// FuzzAttemptRef: a reference parses only in its canonical form, so what
// parses formats back to the same text.
func FuzzAttemptRef(f *testing.F) {
	for _, s := range []string{"rg-1-a42", "rg-12-a1", "rg-0-a1", "rg-1-a", "rg--a1", "rg-+1-a2", "rg-1-a-2", "x", "rg-1-a01", "rg-99999999999999999999-a1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tenant, id, err := store.ParseAttemptRef(s)
		if err != nil {
			return
		}
		if tenant <= 0 || id <= 0 {
			t.Fatalf("%q: tenant %d id %d", s, tenant, id)
		}
		if back := "rg-" + itoa(int64(tenant)) + "-a" + itoa(id); back != s {
			t.Fatalf("%q parsed to %d/%d, formats as %q", s, tenant, id, back)
		}
	})
}
