package negotiation

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// reminderHour is the local hour reminders are planned for; dispatch
// checks the contact policy again when it sends.
const reminderHour = 10

func (s *Service) reminderDays() []int {
	if len(s.ReminderDays) == 0 {
		return []int{3, 0}
	}
	return s.ReminderDays
}

func (s *Service) promiseReminderDays() int {
	if s.PromiseReminderDays == nil {
		return 1
	}
	return *s.PromiseReminderDays
}

// dueAt is the reminder's send time: reminderHour on day in the debtor's
// zone, or now when that is already past.
func (s *Service) dueAt(d domain.Debtor, day date.Date) time.Time {
	t := day.In(domain.Zone(d.TimeZone)).Add(reminderHour * time.Hour).UTC()
	if n := s.now().UTC(); t.Before(n) {
		return n.Truncate(time.Second)
	}
	return t
}

func (s *Service) reminder(tenant domain.TenantID, d domain.Debtor, channel string, c domain.ContactPoint, debtID int64, step string, anchor, day date.Date, body string, open money.Money) (store.Attempt, error) {
	locale := d.Locale
	if locale == "" {
		locale = "pt-BR"
	}
	p := journey.Payload{V: journey.PayloadVersion, IdempotencyKey: journey.IdempotencyKey(tenant, 0, step, anchor), Journey: "negotiation", Step: step,
		Action: journey.ActMessage, Channel: channel, To: c.Value, ContactID: c.ID, Locale: locale,
		Message: &journey.Rendered{Locale: locale, Body: body, Subject: subject(locale)},
		Debt:    journey.DebtPayload{ID: debtID, Open: open.String(), Overdue: "0.00", Anchor: anchor}}
	raw, err := json.Marshal(p)
	if err != nil {
		return store.Attempt{}, err
	}
	return store.Attempt{DebtorID: d.ID, DebtID: debtID, StepID: step, AnchorDate: anchor, Channel: channel, Template: step, Payload: raw, DueAt: s.dueAt(d, day)}, nil
}

func subject(locale string) string {
	switch {
	case len(locale) >= 2 && locale[:2] == "es":
		return "Recordatorio de pago"
	case len(locale) >= 2 && locale[:2] == "en":
		return "Payment reminder"
	}
	return "Lembrete de pagamento"
}

// planAgreementReminders plans one reminder per installment and per
// reminder day (step "agreement-<id>-inst-<n>-d-<k>", anchored on the due
// date); days already past are skipped. Planning is idempotent. The
// attempts carry no debt id: the original debts' stop conditions must not
// cancel them; a breach or settlement does.
func (s *Service) planAgreementReminders(ctx context.Context, tenant domain.TenantID, d domain.Debtor, cs []domain.ContactPoint, a store.Agreement, today date.Date) (int, error) {
	channel, c, err := reminderContact(cs)
	if errors.Is(err, errNoContact) {
		return 0, nil
	}
	var as []store.Attempt
	for _, in := range a.Installments {
		if in.Status == domain.InstallmentPaid {
			continue
		}
		for _, k := range s.reminderDays() {
			day := in.Due.AddDays(-k)
			if day.Before(today) {
				continue
			}
			step := store.AgreementReminderStep(a.ID, in.Number, k)
			at, err := s.reminder(tenant, d, channel, c, 0, step, in.Due, day, reminderText(d.Locale, "agreement", in.Number, in.Amount, in.OnTime, in.Due), in.Amount)
			if err != nil {
				return 0, err
			}
			as = append(as, at)
		}
	}
	if len(as) == 0 {
		return 0, nil
	}
	return s.Store.PlanAttempts(ctx, tenant, as)
}
