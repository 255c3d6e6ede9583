package cnab_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/regua/regua/internal/cnab"
)

// A return file is validated whole before the first record is handed out;
// its ID lets the caller refuse a file it already booked.
func ExampleProcess() {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	h := cnab.Header{Layout: cnab.CNAB240, Bank: "341", Created: day,
		Beneficiary: cnab.Beneficiary{Name: "Regua", Document: "12345678000195", Agency: "0057", Account: "12345", AccountDV: "7", Wallet: "109"}}
	var file bytes.Buffer
	if _, err := cnab.GenerateReturn(&file, h, 150, cnab.SyntheticPayments(2, 1000, day, day.AddDate(0, 0, 2))); err != nil {
		panic(err)
	}

	booked := map[string]bool{} // in production: a unique key in the store
	for range 2 {
		info, err := cnab.Validate(bytes.NewReader(file.Bytes()), cnab.Options{})
		if err != nil {
			panic(err)
		}
		if booked[info.ID] {
			fmt.Println("same file again: nothing booked")
			continue
		}
		_, err = cnab.Process(bytes.NewReader(file.Bytes()), int64(file.Len()), cnab.Options{}, func(r *cnab.Record) error {
			if r.Occurrence == cnab.Settled {
				fmt.Printf("nosso número %s paid %s on %s\n", r.OurNumber, r.PaidAmount.Format("pt-BR"), r.OccurrenceDate)
			}
			return nil
		})
		if err != nil {
			panic(err)
		}
		booked[info.ID] = true
	}
	// Output:
	// nosso número 00001000 paid R$ 200,00 on 2026-03-12
	// nosso número 00001001 paid R$ 279,19 on 2026-03-12
	// same file again: nothing booked
}
