package pixapi

import (
	"fmt"
	"math/big"
	"time"
)

// Due is what a payer owes on a cobv on a given day, by component, as the
// Manual de Padrões para Iniciação do Pix, Annex III, section 4 computes
// it: Vf = Vo - Va - Vd + Vj + Vm, each component truncated to centavos.
type Due struct {
	Original   Decimal // Vo
	Abatimento Decimal // Va, rebate
	Desconto   Decimal // Vd, discount for paying early
	Juros      Decimal // Vj, interest for paying late
	Multa      Decimal // Vm, fine for paying late
	Final      Decimal // Vf
	// DueDate is the due date moved to the next business day, LastDay the
	// last day the charge may be paid.
	DueDate, LastDay time.Time
}

// BusinessDay tells whether a date is a business day for the payer.
// WeekdaysOnly is the fallback when no holiday calendar is at hand.
type BusinessDay func(time.Time) bool

// WeekdaysOnly counts Monday to Friday as business days, no holidays.
func WeekdaysOnly(d time.Time) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// ParseDate reads an ISO 8601 calendar date as UTC midnight.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

func nextBusinessDay(d time.Time, bd BusinessDay) time.Time {
	for i := 0; i < 30 && !bd(d); i++ {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func days(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

// businessDaysBetween counts business days d with from < d <= to.
func businessDaysBetween(from, to time.Time, bd BusinessDay) int {
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if bd(d) {
			n++
		}
	}
	return n
}

// pct returns base × perc / 100 truncated to centavos (perc in hundredths
// of a percent, as Decimal holds it).
func pct(base, perc Decimal, times int64) Decimal {
	r := new(big.Int).Mul(big.NewInt(int64(base)), big.NewInt(int64(perc)))
	r.Mul(r, big.NewInt(times))
	return Decimal(r.Quo(r, big.NewInt(10000)).Int64())
}

// AmountDue computes what a cobv costs when paid on payDate (a calendar
// date). bd tells business days (nil: weekdays only). It errors when the
// charge can no longer be paid on that day or its value is inconsistent.
func (v CobVValor) AmountDue(cal CobVCalendario, payDate time.Time, bd BusinessDay) (Due, error) {
	if bd == nil {
		bd = WeekdaysOnly
	}
	orig, err := ParseDate(cal.DataDeVencimento)
	if err != nil {
		return Due{}, fmt.Errorf("calendario.dataDeVencimento: %w", err)
	}
	pay := time.Date(payDate.Year(), payDate.Month(), payDate.Day(), 0, 0, 0, 0, time.UTC)
	validity := 30
	if cal.ValidadeAposVencimento != nil {
		validity = *cal.ValidadeAposVencimento
	}
	d := Due{Original: v.Original, DueDate: nextBusinessDay(orig, bd)}
	d.LastDay = nextBusinessDay(orig.AddDate(0, 0, validity), bd)
	if pay.After(d.LastDay) {
		return d, fmt.Errorf("cobv due %s can be paid until %s, not on %s", cal.DataDeVencimento, d.LastDay.Format(time.DateOnly), pay.Format(time.DateOnly))
	}

	if a := v.Abatimento; a != nil {
		switch a.Modalidade {
		case AbatimentoValorFixo:
			d.Abatimento = a.ValorPerc
		case AbatimentoPercentual:
			d.Abatimento = pct(v.Original, a.ValorPerc, 1)
		default:
			return d, fmt.Errorf("valor.abatimento.modalidade %d is not 1 or 2", a.Modalidade)
		}
	}
	base := v.Original - d.Abatimento

	if ds := v.Desconto; ds != nil {
		early := max(0, days(pay, d.DueDate))
		earlyBD := 0
		if pay.Before(d.DueDate) {
			earlyBD = businessDaysBetween(pay, d.DueDate, bd)
		}
		switch ds.Modalidade {
		case DescontoValorFixoAteData, DescontoPercentualAteData:
			for i, e := range ds.DescontoDataFixa {
				limit, err := ParseDate(e.Data)
				if err != nil {
					return d, fmt.Errorf("valor.desconto.descontoDataFixa[%d].data: %w", i, err)
				}
				if !pay.After(nextBusinessDay(limit, bd)) {
					if ds.Modalidade == DescontoValorFixoAteData {
						d.Desconto = e.ValorPerc
					} else {
						d.Desconto = pct(base, e.ValorPerc, 1)
					}
					break
				}
			}
		case DescontoValorDiaCorrido:
			d.Desconto = ds.ValorPerc * Decimal(early)
		case DescontoValorDiaUtil:
			d.Desconto = ds.ValorPerc * Decimal(earlyBD)
		case DescontoPercentualDiaCorrido:
			d.Desconto = pct(base, ds.ValorPerc, int64(early))
		case DescontoPercentualDiaUtil:
			d.Desconto = pct(base, ds.ValorPerc, int64(earlyBD))
		default:
			return d, fmt.Errorf("valor.desconto.modalidade %d is not 1 to 6", ds.Modalidade)
		}
	}

	// Late days: calendar or business, as the interest modality says; the
	// fine follows the same count.
	lateCal := max(0, days(d.DueDate, pay))
	lateBD := 0
	if pay.After(d.DueDate) {
		lateBD = businessDaysBetween(d.DueDate, pay, bd)
	}
	late := lateCal
	if j := v.Juros; j != nil {
		n := int64(0)
		switch j.Modalidade {
		case JurosValorDiasCorridos:
			d.Juros = j.ValorPerc * Decimal(lateCal)
		case JurosValorDiasUteis:
			late = lateBD
			d.Juros = j.ValorPerc * Decimal(lateBD)
		case JurosPercDiaDiasCorridos:
			n = 1
		case JurosPercMesDiasCorridos:
			n = 30
		case JurosPercAnoDiasCorridos:
			n = 360
		case JurosPercDiaDiasUteis:
			n, late = 1, lateBD
		case JurosPercMesDiasUteis:
			n, late = 21, lateBD
		case JurosPercAnoDiasUteis:
			n, late = 252, lateBD
		default:
			return d, fmt.Errorf("valor.juros.modalidade %d is not 1 to 8", j.Modalidade)
		}
		if n > 0 {
			// Factor (Ij/100/n × D) truncated to six decimals, in
			// millionths: perc is in hundredths of a percent.
			factor := new(big.Int).Mul(big.NewInt(int64(j.ValorPerc)), big.NewInt(int64(late)*100))
			factor.Quo(factor, big.NewInt(n))
			vj := factor.Mul(factor, big.NewInt(int64(base)))
			d.Juros = Decimal(vj.Quo(vj, big.NewInt(1_000_000)).Int64())
		}
	}
	if m := v.Multa; m != nil && late > 0 {
		switch m.Modalidade {
		case MultaValorFixo:
			d.Multa = m.ValorPerc
		case MultaPercentual:
			d.Multa = pct(base, m.ValorPerc, 1)
		default:
			return d, fmt.Errorf("valor.multa.modalidade %d is not 1 or 2", m.Modalidade)
		}
	}
	if d.Desconto >= base {
		return d, fmt.Errorf("discount %s is not less than the amount %s", d.Desconto, base)
	}
	d.Final = base - d.Desconto + d.Juros + d.Multa
	return d, nil
}
