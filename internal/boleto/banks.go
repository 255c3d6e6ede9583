package boleto

import (
	"fmt"
	"strconv"
)

// Bank codes (código de compensação) with a campo livre layout here.
const (
	BancoDoBrasil = "001"
	Santander     = "033"
	Caixa         = "104"
	Bradesco      = "237"
	Itau          = "341"
)

// BankName returns a short name for the banks this package knows.
func BankName(code string) string {
	switch code {
	case BancoDoBrasil:
		return "Banco do Brasil"
	case Santander:
		return "Santander"
	case Caixa:
		return "Caixa Econômica Federal"
	case Bradesco:
		return "Bradesco"
	case Itau:
		return "Itaú Unibanco"
	}
	return ""
}

// Account is what a bank needs to lay out the campo livre: the
// beneficiary's (beneficiário, the creditor's) agency and account, the
// wallet (carteira, the collection product), the agreement (convênio at
// Banco do Brasil; código do beneficiário at Caixa and Santander) and the
// nosso número without its check digit.
type Account struct {
	Bank      string `json:"bank"`
	Agency    string `json:"agency,omitempty"`
	Account   string `json:"account,omitempty"`
	Wallet    string `json:"wallet,omitempty"`
	Agreement string `json:"agreement,omitempty"`
	OurNumber string `json:"our_number,omitempty"`
}

// FreeField is a laid-out campo livre with the nosso número as the bank
// prints it on the boleto (with its check digit where the bank has one).
type FreeField struct {
	Digits       string  `json:"digits"`
	OurNumber    string  `json:"our_number"`
	OurNumberDV  string  `json:"our_number_dv,omitempty"`
	Display      string  `json:"our_number_display"`
	Decoded      Account `json:"account"`
	LayoutDetail string  `json:"layout,omitempty"`
}

// fieldErr names the account field at fault.
func fieldErr(bank, field, format string, a ...any) error {
	return fmt.Errorf("boleto: %s (%s) %s: %s", BankName(bank), bank, field, fmt.Sprintf(format, a...))
}

func fit(bank, field, v string, n int) (string, error) {
	if v == "" {
		return "", fieldErr(bank, field, "is required")
	}
	if !isDigits(v) {
		return "", fieldErr(bank, field, "%q must be digits only", v)
	}
	if len(v) > n {
		return "", fieldErr(bank, field, "%q has %d digits, at most %d", v, len(v), n)
	}
	return padLeft(v, n), nil
}

// EncodeFreeField lays out the 25-digit campo livre of a bank.
func EncodeFreeField(a Account) (FreeField, error) {
	switch a.Bank {
	case BancoDoBrasil:
		return encodeBB(a)
	case Itau:
		return encodeItau(a)
	case Bradesco:
		return encodeBradesco(a)
	case Caixa:
		return encodeCaixa(a)
	case Santander:
		return encodeSantander(a)
	}
	return FreeField{}, fmt.Errorf("boleto: bank %q has no campo livre layout here (known: 001, 033, 104, 237, 341)", a.Bank)
}

// DecodeFreeField reads a campo livre back into its parts and checks the
// bank's own check digits inside it.
func DecodeFreeField(bank, ff string) (FreeField, error) {
	if len(ff) != 25 || !isDigits(ff) {
		return FreeField{}, fmt.Errorf("boleto: campo livre must be 25 digits")
	}
	switch bank {
	case BancoDoBrasil:
		return decodeBB(ff)
	case Itau:
		return decodeItau(ff)
	case Bradesco:
		return decodeBradesco(ff)
	case Caixa:
		return decodeCaixa(ff)
	case Santander:
		return decodeSantander(ff)
	}
	return FreeField{Digits: ff}, fmt.Errorf("boleto: bank %q: campo livre layout unknown here", bank)
}

// --- Banco do Brasil (001) -------------------------------------------------
//
// Convênio of 7 digits: 000000 + convênio(7) + complement of the nosso
// número(10) + carteira(2); the nosso número is convênio+complement (17
// digits) and has no check digit. Convênio of 6 digits with a 5-digit
// sequence: convênio(6) + sequence(5) + agência(4) + conta(8) + carteira(2).
// Convênio of 6 digits with a 17-digit nosso número (service 21):
// convênio(6) + nosso número(17) + "21". Convênio of 4 digits:
// convênio(4) + sequence(7) + agência(4) + conta(8) + carteira(2).

func encodeBB(a Account) (FreeField, error) {
	b := BancoDoBrasil
	switch len(a.Agreement) {
	case 7:
		conv, err := fit(b, "convênio", a.Agreement, 7)
		if err != nil {
			return FreeField{}, err
		}
		seq, err := fit(b, "nosso número", a.OurNumber, 10)
		if err != nil {
			return FreeField{}, err
		}
		w, err := fit(b, "carteira", a.Wallet, 2)
		if err != nil {
			return FreeField{}, err
		}
		nn := conv + seq
		return FreeField{Digits: "000000" + nn + w, OurNumber: nn, Display: nn,
			Decoded: Account{Bank: b, Agreement: conv, OurNumber: seq, Wallet: w}, LayoutDetail: "convênio 7"}, nil
	case 6:
		conv, _ := fit(b, "convênio", a.Agreement, 6)
		if !isDigits(a.Agreement) {
			return FreeField{}, fieldErr(b, "convênio", "%q must be digits", a.Agreement)
		}
		if len(a.OurNumber) > 5 {
			nn, err := fit(b, "nosso número", a.OurNumber, 17)
			if err != nil {
				return FreeField{}, err
			}
			return FreeField{Digits: conv + nn + "21", OurNumber: nn, Display: nn,
				Decoded: Account{Bank: b, Agreement: conv, OurNumber: nn, Wallet: a.Wallet}, LayoutDetail: "convênio 6, nosso número 17 (serviço 21)"}, nil
		}
		return encodeBBShort(a, conv, 5)
	case 4:
		conv, err := fit(b, "convênio", a.Agreement, 4)
		if err != nil {
			return FreeField{}, err
		}
		return encodeBBShort(a, conv, 7)
	}
	return FreeField{}, fieldErr(b, "convênio", "%q must have 4, 6 or 7 digits", a.Agreement)
}

// BBOurNumberDV is Banco do Brasil's check digit of a nosso número of the
// convênios of 4 and 6 digits (printed, not in the barcode): módulo 11
// with weights 9, 8, …, 2 from the rightmost digit, the remainder itself
// being the digit and 10 printing as X.
func BBOurNumberDV(nn string) string {
	sum, w := 0, 9
	for i := len(nn) - 1; i >= 0; i-- {
		sum += int(nn[i]-'0') * w
		w--
		if w < 2 {
			w = 9
		}
	}
	if r := sum % 11; r != 10 {
		return strconv.Itoa(r)
	}
	return "X"
}

func encodeBBShort(a Account, conv string, seqLen int) (FreeField, error) {
	b := BancoDoBrasil
	seq, err := fit(b, "nosso número", a.OurNumber, seqLen)
	if err != nil {
		return FreeField{}, err
	}
	ag, err := fit(b, "agência", a.Agency, 4)
	if err != nil {
		return FreeField{}, err
	}
	acc, err := fit(b, "conta", a.Account, 8)
	if err != nil {
		return FreeField{}, err
	}
	w, err := fit(b, "carteira", a.Wallet, 2)
	if err != nil {
		return FreeField{}, err
	}
	nn := conv + seq
	dv := BBOurNumberDV(nn)
	return FreeField{Digits: nn + ag + acc + w, OurNumber: nn, OurNumberDV: dv, Display: nn + "-" + dv,
		Decoded:      Account{Bank: b, Agreement: conv, OurNumber: seq, Agency: ag, Account: acc, Wallet: w},
		LayoutDetail: fmt.Sprintf("convênio %d", len(conv))}, nil
}

func decodeBB(ff string) (FreeField, error) {
	if ff[:6] == "000000" {
		return FreeField{Digits: ff, OurNumber: ff[6:23], Display: ff[6:23],
			Decoded:      Account{Bank: BancoDoBrasil, Agreement: ff[6:13], OurNumber: ff[13:23], Wallet: ff[23:25]},
			LayoutDetail: "convênio 7"}, nil
	}
	// Convênios of 4 and 6 digits share the length of the field; without
	// the convênio's length the split is a guess, so only the raw digits
	// are returned.
	return FreeField{Digits: ff, LayoutDetail: "convênio 4 or 6 (split depends on the convênio length)"}, nil
}

// --- Itaú (341) -------------------------------------------------------------
//
// carteira(3) + nosso número(8) + DAC(1) + agência(4) + conta(5) + DAC(1) +
// "000". The first DAC is módulo 10 of agência+conta+carteira+nosso número
// (only carteira+nosso número for carteiras 126, 131, 146, 150 and 168);
// the second is módulo 10 of agência+conta.

var itauShortDAC = map[string]bool{"126": true, "131": true, "146": true, "150": true, "168": true}

// itauLongWallets use a different 15-digit layout not built here.
var itauLongWallets = map[string]bool{"106": true, "107": true, "122": true, "142": true, "143": true, "195": true, "196": true, "198": true}

func itauNNDAC(ag, acc, w, nn string) int {
	if itauShortDAC[w] {
		return mod10(w + nn)
	}
	return mod10(ag + acc + w + nn)
}

func encodeItau(a Account) (FreeField, error) {
	b := Itau
	w, err := fit(b, "carteira", a.Wallet, 3)
	if err != nil {
		return FreeField{}, err
	}
	if itauLongWallets[w] {
		return FreeField{}, fieldErr(b, "carteira", "%s uses Itaú's 15-digit layout, not supported", w)
	}
	nn, err := fit(b, "nosso número", a.OurNumber, 8)
	if err != nil {
		return FreeField{}, err
	}
	ag, err := fit(b, "agência", a.Agency, 4)
	if err != nil {
		return FreeField{}, err
	}
	acc, err := fit(b, "conta", a.Account, 5)
	if err != nil {
		return FreeField{}, err
	}
	d1 := itauNNDAC(ag, acc, w, nn)
	d2 := mod10(ag + acc)
	return FreeField{
		Digits:    w + nn + strconv.Itoa(d1) + ag + acc + strconv.Itoa(d2) + "000",
		OurNumber: nn, OurNumberDV: strconv.Itoa(d1), Display: w + "/" + nn + "-" + strconv.Itoa(d1),
		Decoded: Account{Bank: b, Agency: ag, Account: acc, Wallet: w, OurNumber: nn},
	}, nil
}

func decodeItau(ff string) (FreeField, error) {
	w, nn, d1, ag, acc, d2, tail := ff[0:3], ff[3:11], ff[11:12], ff[12:16], ff[16:21], ff[21:22], ff[22:25]
	out := FreeField{Digits: ff, OurNumber: nn, OurNumberDV: d1, Display: w + "/" + nn + "-" + d1,
		Decoded: Account{Bank: Itau, Agency: ag, Account: acc, Wallet: w, OurNumber: nn}}
	if want := strconv.Itoa(itauNNDAC(ag, acc, w, nn)); d1 != want {
		return out, fmt.Errorf("boleto: Itaú nosso número DAC is %s, want %s (campo livre position 12)", d1, want)
	}
	if want := strconv.Itoa(mod10(ag + acc)); d2 != want {
		return out, fmt.Errorf("boleto: Itaú agência/conta DAC is %s, want %s (campo livre position 22)", d2, want)
	}
	if tail != "000" {
		return out, fmt.Errorf("boleto: Itaú campo livre positions 23-25 are %s, want 000", tail)
	}
	return out, nil
}

// --- Bradesco (237) ---------------------------------------------------------
//
// agência(4) + carteira(2) + nosso número(11) + conta(7) + "0". The nosso
// número's check digit (printed, not in the barcode) is módulo 11 with
// weights 2..7 over carteira+nosso número: remainder 0 → "0", remainder 1 →
// "P", otherwise 11 - remainder.

// BradescoOurNumberDV returns the check digit of a Bradesco nosso número.
func BradescoOurNumberDV(wallet, nn string) string {
	r := weightedSum11(padLeft(wallet, 2)+padLeft(nn, 11), 7) % 11
	switch r {
	case 0:
		return "0"
	case 1:
		return "P"
	}
	return strconv.Itoa(11 - r)
}

func encodeBradesco(a Account) (FreeField, error) {
	b := Bradesco
	ag, err := fit(b, "agência", a.Agency, 4)
	if err != nil {
		return FreeField{}, err
	}
	w, err := fit(b, "carteira", a.Wallet, 2)
	if err != nil {
		return FreeField{}, err
	}
	nn, err := fit(b, "nosso número", a.OurNumber, 11)
	if err != nil {
		return FreeField{}, err
	}
	acc, err := fit(b, "conta", a.Account, 7)
	if err != nil {
		return FreeField{}, err
	}
	dv := BradescoOurNumberDV(w, nn)
	return FreeField{Digits: ag + w + nn + acc + "0", OurNumber: nn, OurNumberDV: dv, Display: w + "/" + nn + "-" + dv,
		Decoded: Account{Bank: b, Agency: ag, Account: acc, Wallet: w, OurNumber: nn}}, nil
}

func decodeBradesco(ff string) (FreeField, error) {
	ag, w, nn, acc := ff[0:4], ff[4:6], ff[6:17], ff[17:24]
	dv := BradescoOurNumberDV(w, nn)
	out := FreeField{Digits: ff, OurNumber: nn, OurNumberDV: dv, Display: w + "/" + nn + "-" + dv,
		Decoded: Account{Bank: Bradesco, Agency: ag, Account: acc, Wallet: w, OurNumber: nn}}
	if ff[24] != '0' {
		return out, fmt.Errorf("boleto: Bradesco campo livre position 25 is %c, want 0", ff[24])
	}
	return out, nil
}

// --- Caixa (104), SIGCB -----------------------------------------------------
//
// código do beneficiário(6) + its DV (módulo 11), or a 7-digit code from
// 1100000 on without DV; then the 17-digit nosso número spread as
// positions 3-5, 1 (modalidade: 1 registrada, 2 sem registro), 6-8, 2
// (emissão: 4 = by the beneficiary), 9-17; then the DV of the campo livre
// (módulo 11, results above 9 → 0). The nosso número's own DV (printed) is
// the same módulo 11 over its 17 digits.

// CaixaDV is Caixa's módulo 11 (weights 2..9, results above 9 become 0).
func CaixaDV(s string) int { return mod11ZeroHigh(s) }

func caixaBeneficiary(code string) (string, error) {
	if !isDigits(code) || len(code) > 7 {
		return "", fieldErr(Caixa, "código do beneficiário", "%q must be up to 7 digits", code)
	}
	n, _ := strconv.Atoi(code)
	if n >= 1100000 {
		return padLeft(code, 7), nil
	}
	if n == 0 || len(code) == 7 && n >= 1000000 {
		return "", fieldErr(Caixa, "código do beneficiário", "%q: want 000001..999999 (DV added here) or 1100000 and above", code)
	}
	c6 := padLeft(strconv.Itoa(n), 6)
	return c6 + strconv.Itoa(CaixaDV(c6)), nil
}

func encodeCaixa(a Account) (FreeField, error) {
	b := Caixa
	ben, err := caixaBeneficiary(a.Agreement)
	if err != nil {
		return FreeField{}, err
	}
	nn := a.OurNumber
	switch {
	case !isDigits(nn):
		return FreeField{}, fieldErr(b, "nosso número", "%q must be digits", nn)
	case len(nn) <= 15:
		nn = "14" + padLeft(nn, 15) // registrada, issued by the beneficiary
	case len(nn) != 17:
		return FreeField{}, fieldErr(b, "nosso número", "%q must have up to 15 digits or all 17", nn)
	}
	if nn[0] != '1' && nn[0] != '2' {
		return FreeField{}, fieldErr(b, "nosso número", "first digit (modalidade) is %c, want 1 or 2", nn[0])
	}
	body := ben + nn[2:5] + nn[0:1] + nn[5:8] + nn[1:2] + nn[8:17]
	dv := strconv.Itoa(CaixaDV(nn))
	return FreeField{Digits: body + strconv.Itoa(CaixaDV(body)), OurNumber: nn, OurNumberDV: dv, Display: nn + "-" + dv,
		Decoded: Account{Bank: b, Agreement: ben, OurNumber: nn, Agency: a.Agency, Wallet: "RG"}}, nil
}

func decodeCaixa(ff string) (FreeField, error) {
	ben := ff[0:7]
	nn := ff[10:11] + ff[14:15] + ff[7:10] + ff[11:14] + ff[15:24]
	dv := strconv.Itoa(CaixaDV(nn))
	out := FreeField{Digits: ff, OurNumber: nn, OurNumberDV: dv, Display: nn + "-" + dv,
		Decoded: Account{Bank: Caixa, Agreement: ben, OurNumber: nn}}
	if want := strconv.Itoa(CaixaDV(ff[:24])); ff[24:] != want {
		return out, fmt.Errorf("boleto: Caixa campo livre DV is %s, want %s (campo livre position 25)", ff[24:], want)
	}
	if n, _ := strconv.Atoi(ben); n < 1100000 {
		if want := strconv.Itoa(CaixaDV(ben[:6])); ben[6:] != want {
			return out, fmt.Errorf("boleto: Caixa beneficiary code DV is %s, want %s (campo livre position 7)", ben[6:], want)
		}
	}
	return out, nil
}

// --- Santander (033) --------------------------------------------------------
//
// "9" + código do beneficiário(7) + nosso número(12) + its DV(1) + IOF(1,
// "0" except insurers) + carteira(3: 101 registrada rápida, 102 sem
// registro, 201 penhor). The nosso número DV is módulo 11 with weights 2..9;
// remainders 0 and 1 give 0, 10 gives 1.

// SantanderOurNumberDV returns the check digit of a 12-digit nosso número.
func SantanderOurNumberDV(nn string) int { return mod11ZeroHigh(padLeft(nn, 12)) }

func encodeSantander(a Account) (FreeField, error) {
	b := Santander
	ben, err := fit(b, "código do beneficiário", a.Agreement, 7)
	if err != nil {
		return FreeField{}, err
	}
	nn, err := fit(b, "nosso número", a.OurNumber, 12)
	if err != nil {
		return FreeField{}, err
	}
	w := a.Wallet
	if w == "" {
		w = "101"
	}
	if w, err = fit(b, "carteira", w, 3); err != nil {
		return FreeField{}, err
	}
	dv := strconv.Itoa(SantanderOurNumberDV(nn))
	return FreeField{Digits: "9" + ben + nn + dv + "0" + w, OurNumber: nn, OurNumberDV: dv, Display: nn + "-" + dv,
		Decoded: Account{Bank: b, Agreement: ben, OurNumber: nn, Wallet: w, Agency: a.Agency}}, nil
}

func decodeSantander(ff string) (FreeField, error) {
	ben, nn, dv, w := ff[1:8], ff[8:20], ff[20:21], ff[22:25]
	out := FreeField{Digits: ff, OurNumber: nn, OurNumberDV: dv, Display: nn + "-" + dv,
		Decoded: Account{Bank: Santander, Agreement: ben, OurNumber: nn, Wallet: w}}
	if ff[0] != '9' {
		return out, fmt.Errorf("boleto: Santander campo livre position 1 is %c, want 9", ff[0])
	}
	if want := strconv.Itoa(SantanderOurNumberDV(nn)); dv != want {
		return out, fmt.Errorf("boleto: Santander nosso número DV is %s, want %s (campo livre position 21)", dv, want)
	}
	return out, nil
}
