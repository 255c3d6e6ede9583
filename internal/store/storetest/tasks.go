package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// TasksStore is what the contract of agent tasks, letters and agency
// exports needs of a backend.
type TasksStore interface {
	store.Store
	store.AttemptStore
	store.TaskStore
	store.LetterStore
	store.ExportStore
}

// RunTasks is the contract of store.TaskStore, store.LetterStore and
// store.ExportStore. Stores without them skip it.
func RunTasks(t *testing.T, st store.Store) {
	s, ok := st.(TasksStore)
	if !ok {
		t.Skip("store keeps no agent tasks, letters or exports")
	}
	ctx := context.Background()
	a := NewFixture(t, s, "tasks-a")
	b := NewFixture(t, s, "tasks-b")
	ia, ib := a.IDs(t, s), b.IDs(t, s)
	t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	task := func(origin string, debtor, debt int64, prio int, from, until time.Time) store.AgentTask {
		return store.AgentTask{Origin: origin, DebtorID: debtor, DebtID: debt, Priority: prio, DueFrom: from, DueUntil: until,
			Phone: "+5511987654321", Script: "Olá", Reason: "D+7", Journey: "j", Step: "d7-agent"}
	}
	create := func(tenant domain.TenantID, tk store.AgentTask) store.AgentTask {
		t.Helper()
		got, created, err := s.CreateTask(ctx, tenant, tk)
		if err != nil || !created {
			t.Fatalf("create task %s: created %v, %v", tk.Origin, created, err)
		}
		return got
	}
	agent1 := mustUserID(t, s, a.Tenant, "a1")
	agent2 := mustUserID(t, s, a.Tenant, "a2")
	agentB := mustUserID(t, s, b.Tenant, "b1")

	t.Run("tasks: create once, queue order", func(t *testing.T) {
		low := create(a.Tenant, task("attempt:1", ia.Jose, ia.JoseDebt, 3, t0.Add(-3*time.Hour), t0.Add(8*time.Hour)))
		if low.ID == 0 || low.Status != store.TaskOpen || low.DebtorName != "José da Conceição" || low.Contract != "C-1001" || !low.DueFrom.Equal(t0.Add(-3*time.Hour)) {
			t.Fatalf("created %+v", low)
		}
		again, created, err := s.CreateTask(ctx, a.Tenant, task("attempt:1", ia.Jose, ia.JoseDebt, 1, t0, time.Time{}))
		if err != nil || created || again.ID != low.ID || again.Priority != 3 {
			t.Fatalf("second create: %+v created %v err %v", again, created, err)
		}
		create(a.Tenant, task("attempt:2", ia.Jose, ia.JoseDebt, 1, t0.Add(-1*time.Hour), t0.Add(8*time.Hour)))
		create(a.Tenant, task("attempt:3", ia.Jose, ia.JoseDebt, 1, t0.Add(-2*time.Hour), time.Time{}))
		create(a.Tenant, task("attempt:4", ia.Jose, ia.JoseDebt, 1, t0.Add(24*time.Hour), time.Time{})) // not due yet
		if _, _, err := s.CreateTask(ctx, a.Tenant, task("attempt:5", ib.Jose, ib.JoseDebt, 1, t0, time.Time{})); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("task for another tenant's debtor: %v, want not found", err)
		}
		if _, _, err := s.CreateTask(ctx, a.Tenant, task("attempt:6", ia.Jose, ia.JoseDebt, 9, t0, time.Time{})); err == nil {
			t.Error("priority 9 accepted")
		}
		list, err := s.Tasks(ctx, a.Tenant, store.TaskFilter{Status: []store.TaskStatus{store.TaskOpen}})
		if err != nil {
			t.Fatal(err)
		}
		var origins []string
		for _, tk := range list {
			origins = append(origins, tk.Origin)
		}
		if want := []string{"attempt:3", "attempt:2", "attempt:4", "attempt:1"}; !slices.Equal(origins, want) {
			t.Errorf("queue order %v, want %v", origins, want)
		}
	})

	t.Run("tasks: claim, hold, close, callback", func(t *testing.T) {
		c1, err := s.ClaimTask(ctx, a.Tenant, agent1, "", t0)
		if err != nil || c1.Origin != "attempt:3" || c1.Status != store.TaskClaimed || c1.AgentID != agent1 || c1.AgentName == "" {
			t.Fatalf("claim: %+v %v", c1, err)
		}
		if again, err := s.ClaimTask(ctx, a.Tenant, agent1, "", t0); err != nil || again.ID != c1.ID {
			t.Fatalf("agent holding a task got %+v %v, want its task again", again, err)
		}
		c2, err := s.ClaimTask(ctx, a.Tenant, agent2, "", t0)
		if err != nil || c2.Origin != "attempt:2" {
			t.Fatalf("second agent: %+v %v", c2, err)
		}
		if _, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c1.ID, AgentID: agent2, Outcome: store.OutcomeReached}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("closing another agent's task: %v, want conflict", err)
		}
		if _, err := s.CloseTask(ctx, b.Tenant, store.TaskClose{TaskID: c1.ID, AgentID: agentB, Outcome: store.OutcomeReached}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("closing from another tenant: %v, want not found", err)
		}
		if _, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c1.ID, AgentID: agent1, Outcome: "maybe"}); err == nil {
			t.Error("unknown outcome accepted")
		}
		done, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c1.ID, AgentID: agent1, Outcome: store.OutcomePromised, Note: "paga sexta", At: t0.Add(time.Minute)})
		if err != nil || done.Status != store.TaskDone || done.Outcome != store.OutcomePromised || done.Note != "paga sexta" || !done.ClosedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("close: %+v %v", done, err)
		}
		if _, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c1.ID, AgentID: agent1, Outcome: store.OutcomeReached}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("closing twice: %v, want conflict", err)
		}
		evs, err := s.Events(ctx, a.Tenant, ia.Jose, 20)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range evs {
			var d struct {
				Task    int64  `json:"task"`
				Outcome string `json:"outcome"`
			}
			json.Unmarshal(e.Data, &d)
			if d.Task == c1.ID {
				found = true
				if e.Kind != domain.EventContacted || d.Outcome != "promised" || e.Actor != fmt.Sprintf("user:%d", agent1) || e.DebtID != ia.JoseDebt {
					t.Errorf("event %+v data %s", e, e.Data)
				}
			}
		}
		if !found {
			t.Error("no timeline event for the closed task")
		}
		// A callback closes the task and queues a new one at that time.
		at := t0.Add(26 * time.Hour)
		cb := task(fmt.Sprintf("callback:%d", c2.ID), c2.DebtorID, c2.DebtID, c2.Priority, at, at.Add(4*time.Hour))
		cb.ParentID = c2.ID
		if _, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c2.ID, AgentID: agent2, Outcome: store.OutcomeCallback}); err == nil {
			t.Error("callback without a time accepted")
		}
		closed, err := s.CloseTask(ctx, a.Tenant, store.TaskClose{TaskID: c2.ID, AgentID: agent2, Outcome: store.OutcomeCallback, Callback: &cb, At: t0})
		if err != nil || !closed.CallbackAt.Equal(at) {
			t.Fatalf("callback close: %+v %v", closed, err)
		}
		list, _ := s.Tasks(ctx, a.Tenant, store.TaskFilter{DebtorID: ia.Jose})
		var child store.AgentTask
		for _, tk := range list {
			if tk.ParentID == c2.ID {
				child = tk
			}
		}
		if child.ID == 0 || child.Status != store.TaskOpen || !child.DueFrom.Equal(at) {
			t.Errorf("callback task: %+v", child)
		}
		// Not due before its time; due after.
		c3, err := s.ClaimTask(ctx, a.Tenant, agent2, "", t0)
		if err != nil || c3.Origin != "attempt:1" {
			t.Fatalf("next for agent 2: %+v %v", c3, err)
		}
		if err := s.ReleaseTask(ctx, a.Tenant, c3.ID, agent1); !errors.Is(err, store.ErrConflict) {
			t.Errorf("release by another agent: %v", err)
		}
		if err := s.ReleaseTask(ctx, a.Tenant, c3.ID, agent2); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Task(ctx, a.Tenant, c3.ID); r.Status != store.TaskOpen || r.AgentID != 0 {
			t.Errorf("released: %+v", r)
		}
	})

	t.Run("tasks: cancelled and expired at claim time", func(t *testing.T) {
		// A fresh tenant keeps this queue apart from the previous steps'.
		c := NewFixture(t, s, "tasks-c")
		ic := c.IDs(t, s)
		ag := mustUserID(t, s, c.Tenant, "c1")
		disputed := create(c.Tenant, task("attempt:10", ic.Maria, ic.MariaDebt, 1, t0.Add(-time.Hour), time.Time{}))
		expired := create(c.Tenant, task("attempt:11", ic.Jose, ic.JoseDebt, 1, t0.Add(-30*time.Minute), t0.Add(-time.Minute)))
		live := create(c.Tenant, task("attempt:12", ic.Jose, ic.JoseDebt, 2, t0.Add(-time.Hour), t0.Add(time.Hour)))
		if err := s.OpenDispute(ctx, c.Tenant, ic.MariaDebt, domain.ReasonBillingError, "", "test"); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimTask(ctx, c.Tenant, ag, "", t0)
		if err != nil || got.ID != live.ID {
			t.Fatalf("claim: %+v %v, want the live task", got, err)
		}
		if d, _ := s.Task(ctx, c.Tenant, disputed.ID); d.Status != store.TaskCancelled || d.CancelReason != "debt disputed" {
			t.Errorf("disputed debt's task: %s %q", d.Status, d.CancelReason)
		}
		if e, _ := s.Task(ctx, c.Tenant, expired.ID); e.Status != store.TaskExpired {
			t.Errorf("task past its window: %s", e.Status)
		}
		if _, err := s.CloseTask(ctx, c.Tenant, store.TaskClose{TaskID: got.ID, AgentID: ag, Outcome: store.OutcomeNoAnswer}); err != nil {
			t.Fatal(err)
		}
		// A claim that finds nothing still keeps what it cancelled.
		again := create(c.Tenant, task("attempt:13", ic.Maria, ic.MariaDebt, 1, t0.Add(-time.Hour), time.Time{}))
		if _, err := s.ClaimTask(ctx, c.Tenant, ag, "", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("empty queue: %v, want not found", err)
		}
		if d, _ := s.Task(ctx, c.Tenant, again.ID); d.Status != store.TaskCancelled {
			t.Errorf("cancelled by a claim that found nothing: %s", d.Status)
		}
		counts, err := s.TaskCounts(ctx, c.Tenant, t0)
		if err != nil {
			t.Fatal(err)
		}
		byStatus := map[store.TaskStatus]int{}
		for _, n := range counts {
			byStatus[n.Status] += n.Count
		}
		if byStatus[store.TaskCancelled] != 2 || byStatus[store.TaskExpired] != 1 || byStatus[store.TaskDone] != 1 || byStatus[store.TaskOpen] != 0 {
			t.Errorf("counts %v", counts)
		}
	})

	t.Run("tasks: tenant isolation", func(t *testing.T) {
		if _, err := s.ClaimTask(ctx, b.Tenant, agentB, "", t0.Add(48*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant b claimed from a's queue: %v", err)
		}
		list, _ := s.Tasks(ctx, a.Tenant, store.TaskFilter{})
		if _, err := s.Task(ctx, b.Tenant, list[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant b read a's task: %v", err)
		}
	})

	t.Run("tasks: concurrent agents claim each task once", func(t *testing.T) {
		c := NewFixture(t, s, "tasks-d")
		ic := c.IDs(t, s)
		const n, agents = 40, 6
		for i := range n {
			create(c.Tenant, task(fmt.Sprintf("attempt:%d", 100+i), ic.Jose, ic.JoseDebt, 1+i%5, t0.Add(-time.Duration(i)*time.Minute), time.Time{}))
		}
		var ids []int64
		for i := range agents {
			ids = append(ids, mustUserID(t, s, c.Tenant, fmt.Sprintf("d%d", i)))
		}
		var mu sync.Mutex
		closed := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, agents)
		for _, ag := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					tk, err := s.ClaimTask(ctx, c.Tenant, ag, "", t0)
					if errors.Is(err, store.ErrNotFound) {
						return
					}
					if err != nil {
						errs <- err
						return
					}
					if _, err := s.CloseTask(ctx, c.Tenant, store.TaskClose{TaskID: tk.ID, AgentID: ag, Outcome: store.OutcomeNoAnswer}); err != nil {
						errs <- fmt.Errorf("agent %d close %d: %w", ag, tk.ID, err)
						return
					}
					mu.Lock()
					closed[tk.ID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(closed) != n {
			t.Errorf("closed %d distinct tasks, want %d", len(closed), n)
		}
		for id, k := range closed {
			if k != 1 {
				t.Errorf("task %d closed %d times", id, k)
			}
		}
	})

	t.Run("letters", func(t *testing.T) {
		day := date.New(2026, 11, 24)
		l := store.Letter{AttemptID: 501, DebtorID: ia.Jose, DebtID: ia.JoseDebt, BatchDate: day, Recipient: "José da Conceição",
			Address: []string{"Rua A, 1", "01001-000 São Paulo SP"}, Creditor: "Banco", Contract: "C-1001", Locale: "pt-BR",
			Subject: "Aviso", Body: "Prezado …", Reference: "rg-1-a501", PDF: []byte("%PDF-1.3 one")}
		got, created, err := s.SaveLetter(ctx, a.Tenant, l)
		if err != nil || !created || got.ID == 0 || got.BatchDate != day || len(got.Address) != 2 || got.PDF != nil {
			t.Fatalf("save: %+v %v %v", got, created, err)
		}
		l2 := l
		l2.PDF = []byte("%PDF-1.3 two")
		if again, created, err := s.SaveLetter(ctx, a.Tenant, l2); err != nil || created || again.ID != got.ID {
			t.Fatalf("second save: %+v %v %v", again, created, err)
		}
		l3 := l
		l3.AttemptID, l3.DebtorID = 502, ia.Maria
		if _, _, err := s.SaveLetter(ctx, a.Tenant, l3); err != nil {
			t.Fatal(err)
		}
		l4 := l
		l4.AttemptID, l4.BatchDate = 503, day.AddDays(1)
		if _, _, err := s.SaveLetter(ctx, a.Tenant, l4); err != nil {
			t.Fatal(err)
		}
		l5 := l
		l5.AttemptID, l5.DebtorID = 504, ib.Jose
		if _, _, err := s.SaveLetter(ctx, a.Tenant, l5); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("letter to another tenant's debtor: %v", err)
		}
		ls, err := s.Letters(ctx, a.Tenant, day, true)
		if err != nil || len(ls) != 2 || string(ls[0].PDF) != "%PDF-1.3 one" || ls[1].DebtorID != ia.Maria {
			t.Fatalf("letters of the day: %d %v", len(ls), err)
		}
		if other, _ := s.Letters(ctx, b.Tenant, day, false); len(other) != 0 {
			t.Errorf("tenant b sees %d letters", len(other))
		}
		// A debtor's letters, newest batch first, for the 360° page.
		for _, c := range []struct {
			tenant domain.TenantID
			debtor int64
			want   []int64 // attempt ids
		}{
			{a.Tenant, ia.Jose, []int64{503, l.AttemptID}},
			{a.Tenant, ia.Maria, []int64{502}},
			{b.Tenant, ia.Jose, nil},
		} {
			got, err := s.LettersOfDebtor(ctx, c.tenant, c.debtor, 10)
			var ids []int64
			for _, x := range got {
				ids = append(ids, x.AttemptID)
				if x.PDF != nil {
					t.Errorf("letters of debtor %d carry PDFs", c.debtor)
				}
			}
			if err != nil || fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Errorf("letters of debtor %d (tenant %d): attempts %v %v, want %v", c.debtor, c.tenant, ids, err, c.want)
			}
		}
		if n, err := s.MarkLettersPrinted(ctx, a.Tenant, day, t0); err != nil || n != 2 {
			t.Fatalf("printed: %d %v", n, err)
		}
		days, err := s.LetterDays(ctx, a.Tenant, 10)
		if err != nil || len(days) != 2 || days[0].Day != day.AddDays(1) || days[1].Letters != 2 || days[1].Printed != 2 || days[0].Printed != 0 {
			t.Errorf("days %+v %v", days, err)
		}
	})

	t.Run("agency export: batch, drop, place", func(t *testing.T) {
		add := func(tenant domain.TenantID, attempt, debt int64, target string) (store.ExportItem, bool, error) {
			return s.AddToExport(ctx, tenant, store.ExportItem{AttemptID: attempt, DebtID: debt, Target: target})
		}
		it, created, err := add(a.Tenant, 701, ia.JoseDebt, "Assessoria X")
		if err != nil || !created || it.Status != store.ExportPending || it.DebtorID != ia.Jose || it.BatchID != 0 {
			t.Fatalf("add: %+v %v %v", it, created, err)
		}
		if again, created, err := add(a.Tenant, 701, ia.JoseDebt, "Assessoria X"); err != nil || created || again.ID != it.ID {
			t.Fatalf("add again: %+v %v %v", again, created, err)
		}
		add(a.Tenant, 702, ia.JoseDebt, "Assessoria X")  // the same debt again: dropped as a duplicate
		add(a.Tenant, 703, ia.MariaDebt, "Assessoria X") // disputed below: dropped
		if err := s.OpenDispute(ctx, a.Tenant, ia.MariaDebt, domain.ReasonBillingError, "", "test"); err != nil {
			t.Fatal(err)
		}
		add(a.Tenant, 704, ia.MariaDebt, "Outra")
		if _, _, err := add(a.Tenant, 705, ib.JoseDebt, "Assessoria X"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another tenant's debt: %v", err)
		}
		// A planned contact for the debt is cancelled by the hand-over.
		if _, err := s.PlanAttempts(ctx, a.Tenant, []store.Attempt{{DebtorID: ia.Jose, DebtID: ia.JoseDebt, StepID: "manual-export-test", Channel: "sms", DueAt: t0.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		targets, err := s.ExportTargets(ctx, a.Tenant)
		if err != nil || len(targets) != 2 || targets[0].Target != "Assessoria X" || targets[0].Pending != 3 {
			t.Fatalf("targets %+v %v", targets, err)
		}
		asOf := date.New(2026, 11, 24)
		batch, rows, err := s.CloseExportBatch(ctx, a.Tenant, "Assessoria X", "user:1", asOf, t0)
		if err != nil {
			t.Fatal(err)
		}
		if batch.ID == 0 || batch.Exported != 1 || batch.Dropped != 2 || len(rows) != 1 {
			t.Fatalf("batch %+v rows %d", batch, len(rows))
		}
		r := rows[0]
		if r.DebtID != ia.JoseDebt || r.Name != "José da Conceição" || r.Document != "52998224725" || r.Installments != 2 || r.Overdue != 2 ||
			r.Open != 300000 || r.OverdueAmount != 300000 || r.OldestDue != date.New(2026, 9, 10) || r.DPD != 75 || r.Creditor != "Banco tasks-a" ||
			!slices.Equal(r.Phones, []string{"+5511987654321"}) || !slices.Equal(r.Emails, []string{"jose@example.com"}) || r.Address.City != "São Paulo" {
			t.Errorf("row %+v", r)
		}
		items, err := s.ExportItems(ctx, a.Tenant, batch.ID)
		if err != nil || len(items) != 3 {
			t.Fatalf("items %+v %v", items, err)
		}
		reasons := map[int64]string{}
		for _, it := range items {
			reasons[it.AttemptID] = string(it.Status) + ":" + it.Reason
		}
		if reasons[701] != "exported:" || reasons[702] != "dropped:debt already in this batch" || reasons[703] != "dropped:debt disputed" {
			t.Errorf("items %v", reasons)
		}
		d, err := s.Debtor360(ctx, a.Tenant, ia.Jose, 50)
		if err != nil {
			t.Fatal(err)
		}
		if d.Debts[0].Status != store.DebtPlaced {
			t.Errorf("debt status %s, want placed", d.Debts[0].Status)
		}
		placed := 0
		for _, e := range d.Events {
			if e.Kind == "placed" && e.DebtID == ia.JoseDebt {
				placed++
			}
		}
		if placed != 1 {
			t.Errorf("%d placed events", placed)
		}
		as, _ := s.AttemptsOfDebtor(ctx, a.Tenant, ia.Jose, 10)
		for _, at := range as {
			if at.StepID == "manual-export-test" && at.Status != store.AttemptCancelled {
				t.Errorf("planned contact after hand-over: %s", at.Status)
			}
		}
		if again, rows, err := s.CloseExportBatch(ctx, a.Tenant, "Assessoria X", "user:1", asOf, t0); err != nil || again.ID != 0 || len(rows) != 0 {
			t.Errorf("closing an empty batch: %+v %d %v", again, len(rows), err)
		}
		bs, err := s.ExportBatches(ctx, a.Tenant, 10)
		if err != nil || len(bs) != 1 || bs[0].Target != "Assessoria X" || bs[0].AsOf != asOf {
			t.Errorf("batches %+v %v", bs, err)
		}
		if other, _ := s.ExportBatches(ctx, b.Tenant, 10); len(other) != 0 {
			t.Errorf("tenant b sees %d batches", len(other))
		}
	})
}

func mustUserID(t testing.TB, s store.Store, tenant domain.TenantID, name string) int64 {
	t.Helper()
	u, err := s.CreateUser(context.Background(), tenant, domain.User{Name: "Agent " + name, Email: fmt.Sprintf("%s-%d@tasks.test", name, tenant), Role: domain.RoleAgent, Locale: "pt-BR", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
