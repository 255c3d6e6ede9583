package planner

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

// EnrolResult counts what Enrol did.
type EnrolResult struct {
	Candidates int            // open debts without an active enrolment
	Enrolled   int            // new enrolments
	ByJourney  map[string]int // new enrolments per journey key
	Took       time.Duration
}

type entry struct {
	j   store.Journey
	vid int64
	c   *journey.Journey
}

// Enrol puts every open debt without an active enrolment on the first
// active journey, in priority order, whose anchor fits the debt (due for
// original debts, agreement_due for agreements, product "agreement") and
// whose entry rule matches. Promise and breach journeys are entered only by
// hand-over. Debts are read in id order, chunk by chunk; each chunk is one
// multi-row insert, and a debt enrolled concurrently is left alone.
func Enrol(ctx context.Context, s Store, tenant domain.TenantID, day date.Date, chunk int) (EnrolResult, error) {
	start := time.Now()
	res := EnrolResult{ByJourney: map[string]int{}}
	if chunk <= 0 {
		chunk = 5000
	}
	js, err := s.Journeys(ctx, tenant)
	if err != nil {
		return res, err
	}
	var entries []entry
	for _, j := range js {
		if j.Status != store.JourneyActive {
			continue
		}
		v, err := s.JourneyVersion(ctx, tenant, j.ID, 0)
		if err != nil {
			return res, err
		}
		c, err := journey.CompileBytes(v.Definition)
		if err != nil {
			return res, fmt.Errorf("journey %s v%d: %w", j.Key, v.Version, err)
		}
		if a := c.Def.Anchor; a == journey.AnchorPromise || a == journey.AnchorBreach {
			continue
		}
		entries = append(entries, entry{j, v.ID, c})
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].c.Def.Priority < entries[b].c.Def.Priority })
	if len(entries) == 0 {
		return res, nil
	}
	maxID, err := s.MaxDebtID(ctx, tenant)
	if err != nil {
		return res, err
	}
	for after := int64(0); after < maxID; after += int64(chunk) {
		cs, err := s.EnrolCandidates(ctx, tenant, after, after+int64(chunk), day)
		if err != nil {
			return res, err
		}
		res.Candidates += len(cs)
		var es []store.Enrolment
		for _, c := range cs {
			if c.Anchor.IsZero() {
				continue // nothing open
			}
			agreement := c.Product == "agreement"
			f := journey.Facts{AnchorKind: journey.AnchorDue, Anchor: c.Anchor, Open: c.Open, Overdue: c.Overdue, InstallmentsOverdue: c.InstallmentsOverdue,
				Recurrence: c.Recurrence, Product: c.Product, DelayReason: c.DelayReason, CreditorFault: domain.DelayReason(c.DelayReason).CreditorFault(),
				Agreement: agreement, Locale: c.Locale, UF: c.UF, Kind: c.Kind, Reach: 0xff, DebtStatus: "open"}
			f.SetDay(day)
			for _, e := range entries {
				if (e.c.Def.Anchor == journey.AnchorAgreementDue) != agreement || !e.c.Entry(&f) {
					continue
				}
				es = append(es, store.Enrolment{JourneyID: e.j.ID, VersionID: e.vid, DebtorID: c.DebtorID, DebtID: c.DebtID,
					Variant: e.c.Variant(c.DebtorID), AnchorKind: string(e.c.Def.Anchor), Recurrence: c.Recurrence, Agreement: agreement, EnrolledOn: day})
				res.ByJourney[e.j.Key]++
				break
			}
		}
		n, err := s.Enrol(ctx, tenant, es)
		if err != nil {
			return res, err
		}
		res.Enrolled += n
	}
	res.Took = time.Since(start)
	return res, nil
}

// RunDaily enrols and plans every tenant once a day (in America/Sao_Paulo)
// until ctx ends: at start, then whenever the day changes (checked every
// ten minutes). Running it in several worker processes at once is safe:
// enrolment and planning are idempotent. The worker role calls it.
func RunDaily(ctx context.Context, log *slog.Logger, s Store) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var last date.Date
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	for {
		o := Options{Log: log}
		o.fill()
		if o.Day != last {
			ts, err := s.Tenants(ctx)
			if err != nil {
				log.Error("planner: tenants", "err", err)
			}
			ok := err == nil
			for _, t := range ts {
				if _, err := Enrol(ctx, s, t.ID, o.Day, 0); err != nil {
					log.Error("planner: enrol", "tenant", t.ID, "err", err)
					ok = false
				}
				if _, err := Plan(ctx, s, t.ID, Options{Day: o.Day, Log: log, Full: o.Day.Weekday() == time.Sunday}); err != nil {
					log.Error("planner: plan", "tenant", t.ID, "err", err)
					ok = false
				}
			}
			if ok {
				last = o.Day
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
