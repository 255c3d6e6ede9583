package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/agenttask"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/letter"
	"github.com/regua/regua/internal/store"
)

// tasksBackend is what the agent task pages need beyond store.Store.
type tasksBackend interface {
	store.Store
	store.TaskStore
	store.LetterStore
	store.ExportStore
}

// taskPages serve /tasks: an agent's call queue (claim the next task, call,
// close it with an outcome) and, for supervisors, the queue's counts by
// status and priority, the letters' print batches and the debts waiting
// for outside agencies.
type taskPages struct {
	*Server
	tb tasksBackend
	q  *agenttask.Queue
	l  *letter.Letters
}

// AddTaskPages registers the agent task pages when the store keeps tasks.
// q closes tasks (outcomes, callbacks within the contact policy); l writes
// letter batches. Call before the first request.
func (s *Server) AddTaskPages(q *agenttask.Queue, l *letter.Letters) {
	tb, ok := s.st.(tasksBackend)
	if !ok || q == nil || l == nil {
		return
	}
	if q.Now == nil {
		q.Now = s.cfg.Now
	}
	p := &taskPages{Server: s, tb: tb, q: q, l: l}
	s.Handle(Route{Pattern: "GET /tasks", Role: domain.RoleAgent, Handler: p.list})
	s.Handle(Route{Pattern: "POST /tasks/next", Role: domain.RoleAgent, Handler: p.next})
	s.Handle(Route{Pattern: "POST /tasks/{id}/close", Role: domain.RoleAgent, Handler: p.close})
	s.Handle(Route{Pattern: "POST /tasks/{id}/release", Role: domain.RoleAgent, Handler: p.release})
	s.Handle(Route{Pattern: "GET /tasks/letters/{day}", Role: domain.RoleSupervisor, Handler: p.letters})
	s.AddNav(NavItem{Label: "nav.tasks", Path: "/tasks", Role: domain.RoleAgent, Order: 50})
}

type taskView struct {
	store.AgentTask
	Late bool // its window ended (it expires at the next claim)
}

type taskCountRow struct {
	Priority int
	Counts   map[store.TaskStatus]int
	Due      int
}

type tasksView struct {
	Held       *taskView
	Queue      []taskView
	Outcomes   []store.TaskOutcome
	Supervisor bool
	Statuses   []store.TaskStatus
	Counts     []taskCountRow
	Total      taskCountRow
	LetterDays []store.LetterDay
	Exports    []store.ExportTarget
	Batches    []store.ExportBatch
	Error      string
}

func (p *taskPages) list(w http.ResponseWriter, r *http.Request, c *Ctx) {
	p.page(w, r, c, http.StatusOK, "")
}

func (p *taskPages) page(w http.ResponseWriter, r *http.Request, c *Ctx, status int, errMsg string) {
	ctx, t, now := r.Context(), c.Tenant(), p.cfg.Now()
	v := tasksView{Outcomes: store.TaskOutcomes, Error: errMsg, Statuses: store.TaskStatuses}
	held, err := p.tb.Tasks(ctx, t, store.TaskFilter{Status: []store.TaskStatus{store.TaskClaimed}, AgentID: c.User.ID, Limit: 1})
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	if len(held) > 0 {
		v.Held = &taskView{AgentTask: held[0], Late: late(held[0], now)}
	}
	open, err := p.tb.Tasks(ctx, t, store.TaskFilter{Status: []store.TaskStatus{store.TaskOpen}, Limit: 50})
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	for _, o := range open {
		v.Queue = append(v.Queue, taskView{AgentTask: o, Late: late(o, now)})
	}
	if c.User.Role.AtLeast(domain.RoleSupervisor) {
		v.Supervisor = true
		counts, err := p.tb.TaskCounts(ctx, t, now)
		if err != nil {
			p.internal(w, r, c, err)
			return
		}
		v.Total.Counts = map[store.TaskStatus]int{}
		rows := map[int]*taskCountRow{}
		for _, n := range counts {
			row := rows[n.Priority]
			if row == nil {
				row = &taskCountRow{Priority: n.Priority, Counts: map[store.TaskStatus]int{}}
				rows[n.Priority] = row
			}
			row.Counts[n.Status] += n.Count
			row.Due += n.Due
			v.Total.Counts[n.Status] += n.Count
			v.Total.Due += n.Due
		}
		for prio := 1; prio <= 5; prio++ {
			if row := rows[prio]; row != nil {
				v.Counts = append(v.Counts, *row)
			}
		}
		if v.LetterDays, err = p.tb.LetterDays(ctx, t, 14); err != nil {
			p.internal(w, r, c, err)
			return
		}
		if v.Exports, err = p.tb.ExportTargets(ctx, t); err != nil {
			p.internal(w, r, c, err)
			return
		}
		if v.Batches, err = p.tb.ExportBatches(ctx, t, 10); err != nil {
			p.internal(w, r, c, err)
			return
		}
	}
	p.render(w, r, c, status, "tasks", "tasks.title", v)
}

func late(t store.AgentTask, now time.Time) bool {
	return !t.DueUntil.IsZero() && !t.DueUntil.After(now)
}

func (p *taskPages) next(w http.ResponseWriter, r *http.Request, c *Ctx) {
	_, err := p.q.Next(r.Context(), c.Tenant(), c.User.ID, strings.TrimSpace(r.PostFormValue("queue")))
	if errors.Is(err, store.ErrNotFound) {
		p.flash(w, "task_none")
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return
	}
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	http.Redirect(w, r, "/tasks#held", http.StatusSeeOther)
}

func (p *taskPages) close(w http.ResponseWriter, r *http.Request, c *Ctx) {
	id := pathID(r, "id")
	if id == 0 {
		p.notFound(w, r, c)
		return
	}
	o, err := store.ParseTaskOutcome(r.PostFormValue("outcome"))
	if err != nil {
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("tasks.bad_outcome"))
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if len(note) > 1000 {
		note = note[:1000]
	}
	var at time.Time
	if o == store.OutcomeCallback {
		// datetime-local carries no zone: it is the tenant's.
		at, err = time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("callback"), p.cfg.Zone)
		if err != nil || !at.After(p.cfg.Now()) {
			p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("tasks.bad_callback"))
			return
		}
	}
	_, err = p.q.Close(r.Context(), c.Tenant(), id, c.User.ID, o, note, at)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.notFound(w, r, c)
		return
	case errors.Is(err, store.ErrConflict):
		p.page(w, r, c, http.StatusConflict, c.L.T("tasks.not_yours"))
		return
	case err != nil:
		p.log.Warn("tasks: close failed", "task", id, "err", err)
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("tasks.close_failed", err.Error()))
		return
	}
	p.flash(w, "task_closed")
	http.Redirect(w, r, "/tasks", http.StatusSeeOther)
}

func (p *taskPages) release(w http.ResponseWriter, r *http.Request, c *Ctx) {
	id := pathID(r, "id")
	if id == 0 {
		p.notFound(w, r, c)
		return
	}
	err := p.tb.ReleaseTask(r.Context(), c.Tenant(), id, c.User.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.notFound(w, r, c)
		return
	case errors.Is(err, store.ErrConflict):
		p.page(w, r, c, http.StatusConflict, c.L.T("tasks.not_yours"))
		return
	case err != nil:
		p.internal(w, r, c, err)
		return
	}
	p.flash(w, "task_released")
	http.Redirect(w, r, "/tasks", http.StatusSeeOther)
}

// letters serves a day's print batch as one PDF (it does not stamp the
// letters printed: `regua letters batch` does, for the print run).
func (p *taskPages) letters(w http.ResponseWriter, r *http.Request, c *Ctx) {
	day, err := date.Parse(strings.TrimSuffix(r.PathValue("day"), ".pdf"))
	if err != nil {
		p.notFound(w, r, c)
		return
	}
	var buf bytes.Buffer
	n, err := p.l.Batch(r.Context(), c.Tenant(), day, &buf, false)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	if n == 0 {
		p.notFound(w, r, c)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="cartas-`+day.String()+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	buf.WriteTo(w)
}
