package cnab

import (
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/regua/regua/internal/money"
)

// Payment is one boleto paid, for building return files in tests, demos
// and benchmarks.
type Payment struct {
	OurNumber string      // nosso número without check digit
	Amount    money.Money // face value
	Paid      money.Money // amount paid (0: the face value)
	Due       time.Time
	PaidOn    time.Time
	Payer     Party
}

// settlementCode is the code of a plain liquidação: 06 in every layout
// here except Caixa's CNAB 400, which numbers it 21.
func settlementCode(layout Layout, bank string) string {
	if layout == CNAB400 && bank == "104" {
		return "21"
	}
	return "06"
}

// GenerateReturn writes a valid return file in which every payment is a
// settlement (liquidação), streaming: a million payments take no more
// memory than one. The fee, when not zero, is debited from each net
// amount.
func GenerateReturn(w io.Writer, h Header, fee money.Money, payments iter.Seq[Payment]) (FileInfo, error) {
	code := settlementCode(h.Layout, h.Bank)
	return WriteReturn(w, h, func(yield func(Event) bool) {
		for p := range payments {
			paid := p.Paid
			if paid == 0 {
				paid = p.Amount
			}
			credit := p.PaidOn.AddDate(0, 0, 1)
			e := Event{
				Title: Title{OurNumber: p.OurNumber, DocumentNumber: p.OurNumber, CompanyUse: "NN" + p.OurNumber,
					Due: p.Due, Amount: p.Amount, Payer: p.Payer},
				Code: code, Paid: paid, Fee: fee, Net: paid - fee, OccurredOn: p.PaidOn, CreditOn: credit,
			}
			if paid > p.Amount {
				e.Interest = paid - p.Amount
			}
			if !yield(e) {
				return
			}
		}
	})
}

// SyntheticPayments yields n payments with nosso números start,
// start+1, … and amounts between R$ 10,00 and R$ 1.009,99 that depend only
// on the number, so a test can recompute what it expects.
func SyntheticPayments(n int, start int64, due, paidOn time.Time) iter.Seq[Payment] {
	return func(yield func(Payment) bool) {
		for i := 0; i < n; i++ {
			nn := start + int64(i)
			amt := money.Money(1000 + (nn*7919)%100000)
			p := Payment{OurNumber: fmt.Sprint(nn), Amount: amt, Due: due, PaidOn: paidOn,
				Payer: Party{Name: "PAGADOR " + fmt.Sprint(nn), Document: fmt.Sprintf("%011d", 10000000000+nn%89999999999)}}
			if !yield(p) {
				return
			}
		}
	}
}
