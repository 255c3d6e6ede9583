package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/store"
)

// JourneyStore is what the journey contract needs of a backend.
type JourneyStore interface {
	store.Store
	store.JourneyStore
	store.AttemptStore
}

// RunJourneys is the contract of store.JourneyStore.
func RunJourneys(t *testing.T, s JourneyStore) {
	ctx := context.Background()
	f := NewFixture(t, s, "journeys")
	other := NewFixture(t, s, "other")
	def := json.RawMessage(`{"key":"k","name":"K","steps":[{"id":"a","day":0,"action":"task","priority":1}]}`)

	t.Run("versions", func(t *testing.T) {
		j, v, err := s.SaveJourney(ctx, f.Tenant, "k", "K", def, "ana")
		if err != nil || v.Version != 1 || j.Status != store.JourneyDraft {
			t.Fatalf("save: %+v %+v %v", j, v, err)
		}
		// Same definition (re-spaced): no new version.
		if _, v2, err := s.SaveJourney(ctx, f.Tenant, "k", "K", json.RawMessage(" "+string(def)+"\n"), "ana"); err != nil || v2.Version != 1 {
			t.Fatalf("resave: %+v %v", v2, err)
		}
		def2 := json.RawMessage(`{"key":"k","name":"K","steps":[{"id":"a","day":1,"action":"task","priority":1}]}`)
		j2, v2, err := s.SaveJourney(ctx, f.Tenant, "k", "K", def2, "bia")
		if err != nil || v2.Version != 2 || j2.Version != 2 {
			t.Fatalf("edit: %+v %+v %v", j2, v2, err)
		}
		old, err := s.JourneyVersion(ctx, f.Tenant, j.ID, 1)
		if err != nil || string(old.Definition) != string(def) || old.Author != "ana" {
			t.Errorf("old version: %+v %v", old, err)
		}
		cur, err := s.JourneyVersion(ctx, f.Tenant, j.ID, 0)
		if err != nil || cur.ID != v2.ID {
			t.Errorf("current version: %+v %v", cur, err)
		}
		if err := s.SetJourneyStatus(ctx, f.Tenant, "k", store.JourneyActive); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Journey(ctx, f.Tenant, "k"); got.Status != store.JourneyActive {
			t.Errorf("status %s", got.Status)
		}
		// Tenancy: the other tenant sees nothing of it.
		if _, err := s.Journey(ctx, other.Tenant, "k"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant: %v", err)
		}
		if _, err := s.JourneyVersionByID(ctx, other.Tenant, v2.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant version: %v", err)
		}
		if err := s.SetJourneyStatus(ctx, other.Tenant, "k", store.JourneyPaused); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant status: %v", err)
		}
	})

	j, _ := s.Journey(ctx, f.Tenant, "k")
	v, _ := s.JourneyVersion(ctx, f.Tenant, j.ID, 0)
	asOf := date.New(2026, 11, 24)

	t.Run("enrol", func(t *testing.T) {
		maxID, err := s.MaxDebtID(ctx, f.Tenant)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.EnrolCandidates(ctx, f.Tenant, 0, maxID, asOf)
		if err != nil || len(cs) != 3 {
			t.Fatalf("candidates: %d %v", len(cs), err)
		}
		var es []store.Enrolment
		for _, c := range cs {
			if c.DebtorID == 0 || c.Anchor.IsZero() || c.Open == 0 {
				t.Errorf("candidate %+v", c)
			}
			es = append(es, store.Enrolment{JourneyID: j.ID, VersionID: v.ID, DebtorID: c.DebtorID, DebtID: c.DebtID, Variant: "champion", EnrolledOn: asOf, Recurrence: c.Recurrence})
		}
		// José's C-1001: 2026-09-10 and 2026-10-10 overdue on 2026-11-24.
		for _, c := range cs {
			if c.Anchor == date.New(2026, 9, 10) && (c.Overdue != 300000 || c.InstallmentsOverdue != 2 || c.Recurrence != 2) {
				t.Errorf("C-1001 figures: %+v", c)
			}
		}
		n, err := s.Enrol(ctx, f.Tenant, es)
		if err != nil || n != 3 {
			t.Fatalf("enrol: %d %v", n, err)
		}
		if n, err := s.Enrol(ctx, f.Tenant, es); err != nil || n != 0 {
			t.Errorf("enrol again: %d %v", n, err)
		}
		if cs, _ := s.EnrolCandidates(ctx, f.Tenant, 0, maxID, asOf); len(cs) != 0 {
			t.Errorf("candidates after enrol: %d", len(cs))
		}
	})

	var rows []store.PlanRow
	t.Run("scan", func(t *testing.T) {
		upto, ok, err := s.PlanBound(ctx, f.Tenant, 0, 1000)
		if err != nil || !ok {
			t.Fatalf("bound: %v %v", ok, err)
		}
		rows, err = s.PlanScan(ctx, f.Tenant, 0, upto, asOf, false)
		if err != nil || len(rows) != 3 {
			t.Fatalf("scan: %d %v", len(rows), err)
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].DebtorID < rows[i-1].DebtorID {
				t.Error("scan not in debtor order")
			}
		}
		if _, ok, _ := s.PlanBound(ctx, f.Tenant, upto, 1000); ok {
			t.Error("bound after the last debtor")
		}
		if rows, _ := s.PlanScan(ctx, other.Tenant, 0, upto, asOf, false); len(rows) != 0 {
			t.Errorf("other tenant scan: %d rows", len(rows))
		}
		// The stream gives the same enrolments in chunks that never split
		// a debtor (chunk size 1 here), and PlanFacts the same figures as
		// the scan's joins.
		var streamed []store.PlanRow
		err = s.PlanStream(ctx, f.Tenant, asOf, false, 1, func(chunk []store.PlanRow) error {
			if len(streamed) > 0 && chunk[0].DebtorID == streamed[len(streamed)-1].DebtorID {
				t.Errorf("a debtor split across chunks: %d", chunk[0].DebtorID)
			}
			for _, r := range chunk[1:] {
				if r.DebtorID != chunk[0].DebtorID {
					t.Errorf("a chunk past its size holds another debtor")
				}
			}
			if err := s.PlanFacts(ctx, f.Tenant, asOf, chunk); err != nil {
				return err
			}
			streamed = append(streamed, chunk...)
			return nil
		})
		if err != nil || len(streamed) != len(rows) {
			t.Fatalf("stream: %d rows, %v", len(streamed), err)
		}
		for i := range rows {
			if streamed[i] != rows[i] {
				t.Errorf("stream row %d: %+v, scan: %+v", i, streamed[i], rows[i])
			}
		}
		if err := s.PlanStream(ctx, other.Tenant, asOf, true, 10, func(c []store.PlanRow) error {
			t.Errorf("other tenant streamed %d rows", len(c))
			return nil
		}); err != nil {
			t.Error(err)
		}
		ds, err := s.PlanDebtors(ctx, f.Tenant, []int64{rows[0].DebtorID})
		if err != nil || ds[rows[0].DebtorID] == nil || len(ds[rows[0].DebtorID].Contacts) == 0 {
			t.Errorf("plan debtors: %+v %v", ds, err)
		}
		cred, err := s.PortfolioCreditors(ctx, f.Tenant)
		if err != nil || cred[rows[0].PortfolioID] != "Banco journeys" {
			t.Errorf("creditors: %v %v", cred, err)
		}
	})

	t.Run("write", func(t *testing.T) {
		r := rows[0]
		at := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
		a := store.Attempt{DebtorID: r.DebtorID, DebtID: r.DebtID, EnrolmentID: r.ID, StepID: "a", AnchorDate: r.MinOpenDue, Channel: "sms", DueAt: at,
			Payload: json.RawMessage(`{"v":1}`), Decision: json.RawMessage(`{"planned":{}}`), PolicyVer: "p1"}
		l := store.TrackedLink{Token: "tok-aaaaaaaaaaaaaaaaaaa", DebtorID: r.DebtorID, EnrolmentID: r.ID, StepID: "a", AnchorDate: r.MinOpenDue, Target: "portal"}
		n, err := s.PlanWrite(ctx, f.Tenant, []store.Attempt{a}, []store.TrackedLink{l}, map[date.Date][]int64{asOf.AddDays(3): {r.ID}})
		if err != nil || n != 1 {
			t.Fatalf("write: %d %v", n, err)
		}
		l2 := l
		l2.Token = "tok-bbbbbbbbbbbbbbbbbbb"
		if n, err := s.PlanWrite(ctx, f.Tenant, []store.Attempt{a}, []store.TrackedLink{l2}, nil); err != nil || n != 0 {
			t.Fatalf("write again: %d %v", n, err)
		}
		hist, outs, err := s.PlanHistory(ctx, f.Tenant, []int64{r.DebtorID}, []int64{r.ID}, at.Add(-time.Hour))
		if err != nil || len(hist) != 1 || hist[0].Channel != "sms" || !hist[0].At.Equal(at) {
			t.Fatalf("history: %+v %v", hist, err)
		}
		// The next check moved to asOf+3: a scan of asOf skips the row unless full.
		if rows, _ := s.PlanScan(ctx, f.Tenant, r.DebtorID-1, r.DebtorID, asOf, false); len(rows) != 0 && rows[0].ID == r.ID {
			t.Errorf("scan returned an enrolment whose next check is later")
		}
		if rows, _ := s.PlanScan(ctx, f.Tenant, r.DebtorID-1, r.DebtorID, asOf.AddDays(3), false); len(rows) == 0 || rows[0].ID != r.ID {
			t.Errorf("scan on the next check day lacks the enrolment: %+v", rows)
		}
		if rows, _ := s.PlanScan(ctx, f.Tenant, r.DebtorID-1, r.DebtorID, asOf, true); len(rows) == 0 || rows[0].ID != r.ID {
			t.Errorf("full scan lacks the enrolment: %+v", rows)
		}
		streamIDs := func(day date.Date, full bool) map[int64]bool {
			ids := map[int64]bool{}
			if err := s.PlanStream(ctx, f.Tenant, day, full, 100, func(c []store.PlanRow) error {
				for _, x := range c {
					ids[x.ID] = true
				}
				return nil
			}); err != nil {
				t.Error(err)
			}
			return ids
		}
		if streamIDs(asOf, false)[r.ID] || !streamIDs(asOf.AddDays(3), false)[r.ID] || !streamIDs(asOf, true)[r.ID] {
			t.Errorf("stream ignores the next check: not due %v, due %v, full %v", streamIDs(asOf, false), streamIDs(asOf.AddDays(3), false), streamIDs(asOf, true))
		}
		key := "a@" + r.MinOpenDue.String()
		if outs[r.ID][key] != "planned" {
			t.Errorf("outcome before click: %v", outs)
		}
		if _, err := s.ClickLink(ctx, l2.Token, at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the losing token was stored: %v", err)
		}
		got, err := s.ClickLink(ctx, l.Token, at.Add(time.Hour))
		if err != nil || got.TenantID != f.Tenant || got.Clicks != 1 || got.EnrolmentID != r.ID {
			t.Fatalf("click: %+v %v", got, err)
		}
		if got, _ := s.ClickLink(ctx, l.Token, at.Add(2*time.Hour)); got.Clicks != 2 || !got.FirstClick.Equal(at.Add(time.Hour)) {
			t.Errorf("second click: %+v", got)
		}
		if _, outs, _ := s.PlanHistory(ctx, f.Tenant, nil, []int64{r.ID}, at); outs[r.ID][key] != "clicked" {
			t.Errorf("outcome after click: %v", outs)
		}
		if err := s.RecordOutcome(ctx, f.Tenant, store.Outcome{AttemptID: hist[0].ID, Outcome: "replied"}); err != nil {
			t.Fatal(err)
		}
		if _, outs, _ := s.PlanHistory(ctx, f.Tenant, nil, []int64{r.ID}, at); outs[r.ID][key] != "replied" {
			t.Errorf("outcome after reply: %v", outs)
		}
		if err := s.RecordOutcome(ctx, f.Tenant, store.Outcome{AttemptID: hist[0].ID, Outcome: "bogus"}); err == nil {
			t.Error("unknown outcome accepted")
		}
		vr, err := s.VariantResults(ctx, f.Tenant, j.ID)
		if err != nil || len(vr) != 1 || vr[0].Enrolled != 3 || vr[0].Attempts != 1 || vr[0].Clicks != 2 {
			t.Errorf("variant results: %+v %v", vr, err)
		}
	})

	t.Run("end and promise", func(t *testing.T) {
		r := rows[1]
		if err := s.SetPromise(ctx, f.Tenant, r.DebtID, date.New(2026, 12, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPromise(ctx, other.Tenant, r.DebtID, date.New(2026, 12, 1)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant promise: %v", err)
		}
		if err := s.EndEnrolments(ctx, f.Tenant, []int64{r.ID}, store.EnrolStopped, "paid", asOf); err != nil {
			t.Fatal(err)
		}
		e, err := s.Enrolment(ctx, f.Tenant, r.ID)
		if err != nil || e.State != store.EnrolStopped || e.StopReason != "paid" || e.EndedOn != asOf || e.PromisedUntil != date.New(2026, 12, 1) {
			t.Errorf("ended: %+v %v", e, err)
		}
		// The debt can be enrolled again once its enrolment ended.
		n, err := s.Enrol(ctx, f.Tenant, []store.Enrolment{{JourneyID: j.ID, VersionID: v.ID, DebtorID: r.DebtorID, DebtID: r.DebtID, EnrolledOn: asOf}})
		if err != nil || n != 1 {
			t.Errorf("re-enrol: %d %v", n, err)
		}
	})
}
