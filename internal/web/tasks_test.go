package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/agenttask"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/letter"
	"github.com/regua/regua/internal/store"
)

func TestTaskPages(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddTaskPages(&agenttask.Queue{S: e.st}, &letter.Letters{S: e.st})
	ctx := context.Background()
	d := e.A.Debtor
	mk := func(origin string, prio int, from time.Time) store.AgentTask {
		tk, _, err := e.st.CreateTask(ctx, e.A.ID, store.AgentTask{Origin: origin, DebtorID: d.Debtor.ID, DebtID: d.Debts[0].ID, Priority: prio,
			DueFrom: from, DueUntil: testNow.Add(3 * time.Hour), Phone: "+5592981234567", Reason: "cobranca · d7-agent: 40 dias de atraso", Script: "Bom dia, aqui é da Loja A."})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	first := mk("attempt:1", 2, testNow.Add(-time.Hour))
	second := mk("attempt:2", 4, testNow.Add(-time.Hour))
	later := mk("attempt:3", 1, testNow.Add(time.Hour)) // not due yet

	agent := e.loggedIn(t, e.A.Agent)
	r := agent.get("/tasks")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, `id="next-task"`) || !strings.Contains(r.Body, fmt.Sprintf(`id="queued-%d"`, later.ID)) ||
		strings.Contains(r.Body, `id="task-counts"`) {
		t.Fatalf("agent's page: %d\n%s", r.Code, r.Body)
	}
	if strings.Index(r.Body, fmt.Sprintf(`id="queued-%d"`, later.ID)) > strings.Index(r.Body, fmt.Sprintf(`id="queued-%d"`, first.ID)) {
		t.Error("queue not by priority")
	}
	if r := agent.post("/tasks/next", url.Values{"csrf": {"wrong"}}); r.Code != http.StatusForbidden {
		t.Errorf("next without the CSRF token: %d", r.Code)
	}
	if r := agent.post("/tasks/next", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("next: %d %s", r.Code, r.Body)
	}
	r = agent.get("/tasks")
	if !strings.Contains(r.Body, fmt.Sprintf(`id="task-%d"`, first.ID)) || !strings.Contains(r.Body, `5592981234567</a>`) ||
		!strings.Contains(r.Body, "Bom dia, aqui é da Loja A.") || !strings.Contains(r.Body, `id="close-task"`) {
		t.Fatalf("held task not shown:\n%s", r.Body)
	}
	// Another tenant's agent cannot touch it; a supervisor of the same
	// tenant who does not hold it cannot close it either.
	other := e.loggedIn(t, e.B.Agent)
	if r := other.post(fmt.Sprintf("/tasks/%d/close", first.ID), url.Values{"outcome": {"reached"}}); r.Code != http.StatusNotFound {
		t.Errorf("tenant B closing A's task: %d", r.Code)
	}
	sup := e.loggedIn(t, e.A.Supervisor)
	if r := sup.post(fmt.Sprintf("/tasks/%d/close", first.ID), url.Values{"outcome": {"reached"}}); r.Code != http.StatusConflict {
		t.Errorf("closing a task held by someone else: %d", r.Code)
	}
	if r := agent.post(fmt.Sprintf("/tasks/%d/close", first.ID), url.Values{"outcome": {"maybe"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown outcome: %d", r.Code)
	}
	if r := agent.post(fmt.Sprintf("/tasks/%d/close", first.ID), url.Values{"outcome": {"callback"}, "callback": {"2026-11-19T10:00"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("callback in the past: %d", r.Code)
	}
	// A callback on Monday 23 Nov at 10:00 (São Paulo): a new task.
	r = agent.post(fmt.Sprintf("/tasks/%d/close", first.ID), url.Values{"outcome": {"callback"}, "callback": {"2026-11-23T10:00"}, "note": {"pediu para ligar segunda"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.Code, r.Body)
	}
	if r := agent.get("/tasks"); !strings.Contains(r.Body, "Resultado registrado.") {
		t.Errorf("no flash after closing")
	}
	done, _ := e.st.Task(ctx, e.A.ID, first.ID)
	if done.Status != store.TaskDone || done.Outcome != store.OutcomeCallback || done.Note != "pediu para ligar segunda" {
		t.Errorf("closed task %+v", done)
	}
	open, _ := e.st.Tasks(ctx, e.A.ID, store.TaskFilter{Status: []store.TaskStatus{store.TaskOpen}})
	var cb store.AgentTask
	for _, tk := range open {
		if tk.ParentID == first.ID {
			cb = tk
		}
	}
	// The debtor is in Manaus (AM): calls 08:00–18:00 local, 09:00 at the
	// earliest nationally; 10:00 in São Paulo is 09:00 in Manaus.
	if cb.ID == 0 || !cb.DueFrom.Equal(time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)) || !cb.DueUntil.Equal(time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("callback task %+v", cb)
	}
	evs, _ := e.st.Events(ctx, e.A.ID, d.Debtor.ID, 10)
	found := false
	for _, ev := range evs {
		found = found || ev.Summary == "Ligação do agente: pediu retorno"
	}
	if !found {
		t.Errorf("no timeline event for the call")
	}
	// Next gives the second task; release puts it back.
	agent.post("/tasks/next", nil)
	if r := agent.post(fmt.Sprintf("/tasks/%d/release", second.ID), nil); r.Code != http.StatusSeeOther {
		t.Errorf("release: %d %s", r.Code, r.Body)
	}
	if tk, _ := e.st.Task(ctx, e.A.ID, second.ID); tk.Status != store.TaskOpen {
		t.Errorf("released task %s", tk.Status)
	}

	// The supervisor sees counts, letter batches and agency exports.
	day := date.Of(testNow)
	if _, _, err := e.st.SaveLetter(ctx, e.A.ID, store.Letter{AttemptID: 9, DebtorID: d.Debtor.ID, DebtID: d.Debts[0].ID, BatchDate: day, Recipient: d.Debtor.Name,
		Address: []string{"Rua das Flores, 12", "69005-010  Manaus - AM"}, Creditor: "Loja A", Subject: "Aviso", Body: "Olá.", Reference: "rg-1-a9", PDF: []byte("%PDF-1.3")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.AddToExport(ctx, e.A.ID, store.ExportItem{AttemptID: 10, DebtID: d.Debts[0].ID, Target: "Assessoria Norte"}); err != nil {
		t.Fatal(err)
	}
	r = sup.get("/tasks")
	for _, want := range []string{`id="task-counts"`, `id="prio-2"`, "/tasks/letters/2026-11-20.pdf", "1 cartas, 0 impressas", "Assessoria Norte", "1 dívidas no lote aberto"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("supervisor page lacks %q", want)
		}
	}
	if r := sup.get("/tasks/letters/2026-11-20.pdf"); r.Code != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF") {
		t.Errorf("letter batch: %d %s", r.Code, r.Header.Get("Content-Type"))
	}
	if r := sup.get("/tasks/letters/2026-11-21.pdf"); r.Code != http.StatusNotFound {
		t.Errorf("empty day: %d", r.Code)
	}
	if r := agent.get("/tasks/letters/2026-11-20.pdf"); r.Code != http.StatusForbidden {
		t.Errorf("agent downloading letters: %d", r.Code)
	}
	if r := e.client(t).get("/tasks"); r.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.Code)
	}
	// Spanish labels.
	es := e.loggedIn(t, e.A.Agent)
	es.post("/locale", url.Values{"lang": {"es"}})
	if r := es.get("/tasks"); !strings.Contains(r.Body, "Tareas de llamada") {
		t.Errorf("Spanish page:\n%s", r.Body)
	}
}
