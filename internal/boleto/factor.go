package boleto

import (
	"fmt"
	"time"
)

// The due-date factor (fator de vencimento) is the number of days since the
// base date 07/10/1997, printed in 4 digits. It reached 9999 on 21/02/2025
// and FEBRABAN restarted it at 1000 on 22/02/2025 (so 1000 now means both
// 03/07/2000 and 22/02/2025; the next wrap is after 13/10/2049). A factor is
// therefore ambiguous by itself: DueDate takes a reference date (usually
// today, or the date the boleto was read) and picks the candidate closest
// to it.
var (
	factorBase  = time.Date(1997, 10, 7, 0, 0, 0, 0, time.UTC)
	factorReset = time.Date(2025, 2, 22, 0, 0, 0, 0, time.UTC)
)

const factorCycle = 9000 // factors 1000..9999

// Factor returns the due-date factor of a calendar date (year, month and
// day of due are used; time and location are ignored).
func Factor(due time.Time) (int, error) {
	d := dateOnly(due)
	days := int(d.Sub(factorBase).Hours() / 24)
	if days < 1000 {
		return 0, fmt.Errorf("boleto: due date %s is before 03/07/2000, the first date with a due-date factor", d.Format("02/01/2006"))
	}
	return (days-1000)%factorCycle + 1000, nil
}

// DueDate turns a factor back into a date, choosing among the dates that
// share the factor (one per 9000-day era) the one closest to ref. Factor 0
// means "no due date" (à vista) and returns the zero time and ok=false.
func DueDate(factor int, ref time.Time) (due time.Time, ok bool, err error) {
	if factor == 0 {
		return time.Time{}, false, nil
	}
	if factor < 1000 || factor > 9999 {
		return time.Time{}, false, fmt.Errorf("boleto: due-date factor %04d is outside 1000..9999", factor)
	}
	r := dateOnly(ref)
	best := time.Time{}
	bestDist := time.Duration(1<<63 - 1)
	for era := 0; era < 8; era++ {
		c := factorBase.AddDate(0, 0, factor+era*factorCycle)
		dist := c.Sub(r)
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best, true, nil
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
