package negotiation

import (
	"context"
	"errors"
	"fmt"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

// handOverBreach puts the debts of a broken agreement on the journey that
// their last journey names for a breach (resume.breach), anchored on the
// breach date: the journey engine's hand-over, which the planner does not
// make by itself. A debt whose last journey names none, or that is still
// actively enrolled, is left to the planner, which enrols open debts on
// the due-anchored journeys. It returns how many debts were handed over.
func (s *Service) handOverBreach(ctx context.Context, tenant domain.TenantID, a store.Agreement, on, today date.Date) (int, error) {
	js, ok := s.Store.(store.JourneyStore)
	if !ok {
		return 0, nil
	}
	es, err := js.Enrolments(ctx, tenant, a.DebtorID)
	if err != nil {
		return 0, err
	}
	last := map[int64]store.Enrolment{}
	for _, e := range es {
		if cur, seen := last[e.DebtID]; !seen || e.ID > cur.ID {
			last[e.DebtID] = e
		}
	}
	var out []store.Enrolment
	for _, debt := range a.DebtIDs {
		e, ok := last[debt]
		if !ok || e.State == store.EnrolActive {
			continue
		}
		v, err := js.JourneyVersionByID(ctx, tenant, e.VersionID)
		if err != nil {
			return 0, err
		}
		c, err := journey.CompileBytes(v.Definition)
		if err != nil {
			return 0, fmt.Errorf("journey version %d: %w", e.VersionID, err)
		}
		if c.Def.Resume == nil || c.Def.Resume.Breach == "" {
			continue
		}
		j, err := js.Journey(ctx, tenant, c.Def.Resume.Breach)
		if errors.Is(err, store.ErrNotFound) || (err == nil && j.Status != store.JourneyActive) {
			continue // named but missing or not active: the planner takes over
		}
		if err != nil {
			return 0, err
		}
		nv, err := js.JourneyVersion(ctx, tenant, j.ID, 0)
		if err != nil {
			return 0, err
		}
		nc, err := journey.CompileBytes(nv.Definition)
		if err != nil {
			return 0, fmt.Errorf("journey %s: %w", j.Key, err)
		}
		out = append(out, store.Enrolment{JourneyID: j.ID, VersionID: nv.ID, DebtorID: a.DebtorID, DebtID: debt, Variant: nc.Variant(a.DebtorID),
			State: store.EnrolActive, AnchorKind: string(journey.AnchorBreach), AnchorDate: on, Recurrence: e.Recurrence, Score: e.Score, EnrolledOn: today})
	}
	if len(out) == 0 {
		return 0, nil
	}
	return js.Enrol(ctx, tenant, out)
}
