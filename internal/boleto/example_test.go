package boleto_test

import (
	"fmt"
	"time"

	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/money"
)

func ExampleEncode() {
	acc := boleto.Account{Bank: boleto.Itau, Agency: "0057", Account: "12345", Wallet: "110", OurNumber: "12345678"}
	b, ff, err := boleto.Encode(acc, time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC), money.MustParse("123,45"))
	if err != nil {
		panic(err)
	}
	fmt.Println(ff.Display)
	fmt.Println(boleto.FormatDigitable(b.Digitable()))
	fmt.Println(b.String())
	// Output:
	// 110/12345678-8
	// 34191.10121 34567.880058 71234.570001 6 16670000012345
	// 34196166700000123451101234567880057123457000
}

func ExampleDecode() {
	_, err := boleto.Decode("34191.10121 34567.880058 71234.570001 6 16670000012346", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(err)
	d, _ := boleto.Decode("34191.10121 34567.880058 71234.570001 6 16670000012345", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(d.BankName, d.Due, d.Amount.Format("pt-BR"))
	// Output:
	// boleto: field 4 (general check digit) (position 33): is 6, computed 3 from the other fields; likely mistyped: field 5 (due factor and amount) or field 4 (general check digit): fields 1-3 check
	// Itaú Unibanco 2026-12-21 R$ 123,45
}
