package sqldb

import (
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// An installment paid on its due date in the debtor's zone is not late,
// though the instant is already the next day in UTC.
func TestLateIn12mDayInDebtorZone(t *testing.T) {
	due := date.New(2026, 11, 24)
	tests := []struct {
		zone string
		at   time.Time
		want int
	}{
		{"America/Sao_Paulo", time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC), 0},  // 22:30 on the due date
		{"America/Sao_Paulo", time.Date(2026, 11, 25, 3, 30, 0, 0, time.UTC), 1},  // 00:30 the day after
		{"America/Rio_Branco", time.Date(2026, 11, 25, 4, 30, 0, 0, time.UTC), 0}, // 23:30 in Acre
		{"Europe/Madrid", time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC), 1},     // 00:30 the day after in Madrid
	}
	for _, tc := range tests {
		v := store.Debtor360{
			Debtor:   domain.Debtor{TimeZone: tc.zone},
			Debts:    []store.DebtDetail{{Installments: []domain.Installment{{ID: 7, DueDate: due, Amount: 1000, Paid: 1000, Status: domain.InstallmentPaid}}}},
			Payments: []domain.Payment{{InstallmentID: 7, Amount: 1000, PaidAt: tc.at}},
		}
		if got := lateIn12m(v, date.New(2026, 12, 1)); got != tc.want {
			t.Errorf("paid %s, debtor in %s: late %d, want %d", tc.at, tc.zone, got, tc.want)
		}
	}
}
