package cnab

import (
	"github.com/regua/regua/internal/money"
)

// layout400 lists where a bank's CNAB 400 detail record (type 1) keeps the
// fields read here, for the return and the remittance. Zero spans are
// fields the bank does not send.
type layout400 struct {
	name string
	// retorno
	rCompanyUse, rOurNumber, rDoc, rOccDate, rDue, rValue, rFee, rIOF, rRebate, rDiscount, rPaid, rInterest, rCredit, rReasons, rPayerName span
	rWallet                                                                                                                                int
	reasonWidth                                                                                                                            int
	trailerDetails                                                                                                                         span // count of type 1 records in the trailer, if the bank gives it
	// remessa
	pCompanyUse, pOurNumber, pDoc, pDue, pValue, pInterest, pDiscount, pRebate, pPayerDoc, pPayerName, pWallet span
	// detail is the record type of a detail: '1', or '7' for Banco do
	// Brasil's convênio of 7 digits (which also accepts '1').
	detail byte
	// ourNumberWidth pads what the file carries to the boleto's nosso
	// número length (Santander's CNAB 400 has 7 digits of a 12-digit one).
	ourNumberWidth int
	// remittance is false for banks whose CNAB 400 remessa is not written
	// or read here.
	remittance bool
}

// Itaú CNAB 400 ("Cobrança – Itaú, layout de arquivos CNAB 400").
var itau400Layout = layout400{
	name:        "Itaú",
	rCompanyUse: span{38, 62}, rOurNumber: span{63, 70}, rWallet: 108, rOccDate: span{111, 116}, rDoc: span{117, 126},
	rDue: span{147, 152}, rValue: span{153, 165}, rFee: span{176, 188}, rIOF: span{215, 227}, rRebate: span{228, 240},
	rDiscount: span{241, 253}, rPaid: span{254, 266}, rInterest: span{267, 279}, rCredit: span{296, 301},
	rPayerName: span{325, 354}, rReasons: span{378, 385}, reasonWidth: 2, trailerDetails: span{213, 220},
	pCompanyUse: span{38, 62}, pOurNumber: span{63, 70}, pDoc: span{111, 120}, pDue: span{121, 126}, pValue: span{127, 139},
	pInterest: span{161, 173}, pDiscount: span{180, 192}, pRebate: span{206, 218}, pPayerDoc: span{221, 234}, pPayerName: span{235, 264},
	pWallet: span{84, 86}, detail: '1', remittance: true,
}

// Bradesco CNAB 400 ("Manual de Procedimentos Operacionais para Troca de
// Arquivos – Cobrança Bradesco", layout 400).
var bradesco400Layout = layout400{
	name:        "Bradesco",
	rCompanyUse: span{38, 62}, rOurNumber: span{71, 81}, rWallet: 108, rOccDate: span{111, 116}, rDoc: span{117, 126},
	rDue: span{147, 152}, rValue: span{153, 165}, rFee: span{176, 188}, rIOF: span{215, 227}, rRebate: span{228, 240},
	rDiscount: span{241, 253}, rPaid: span{254, 266}, rInterest: span{267, 279}, rCredit: span{296, 301},
	rReasons: span{319, 328}, reasonWidth: 2,
	pCompanyUse: span{38, 62}, pOurNumber: span{71, 81}, pDoc: span{111, 120}, pDue: span{121, 126}, pValue: span{127, 139},
	pInterest: span{161, 173}, pDiscount: span{180, 192}, pRebate: span{206, 218}, pPayerDoc: span{221, 234}, pPayerName: span{235, 274},
	pWallet: span{22, 24}, detail: '1', remittance: true,
}

// Santander CNAB 400 return ("Layout de arquivos CNAB 400 – cobrança
// Santander"): nosso número 063-069 with its DV at 070, error code 135-136
// and up to three 3-digit reasons at 137-145, payer name 302-337.
var santander400Layout = layout400{
	name:        "Santander",
	rCompanyUse: span{38, 62}, rOurNumber: span{63, 69}, rWallet: 108, rOccDate: span{111, 116}, rDoc: span{117, 126},
	rReasons: span{137, 145}, reasonWidth: 3,
	rDue: span{147, 152}, rValue: span{153, 165}, rFee: span{176, 188}, rIOF: span{215, 227}, rRebate: span{228, 240},
	rDiscount: span{241, 253}, rPaid: span{254, 266}, rInterest: span{267, 279}, rCredit: span{296, 301},
	rPayerName: span{302, 337}, detail: '1', ourNumberWidth: 12,
	pCompanyUse: span{38, 62}, pOurNumber: span{63, 69}, pWallet: span{108, 108}, pDoc: span{111, 120}, pDue: span{121, 126},
	pValue: span{127, 139}, pInterest: span{161, 173}, pDiscount: span{180, 192}, pRebate: span{206, 218},
	pPayerDoc: span{221, 234}, pPayerName: span{235, 274}, remittance: true,
}

// Caixa CNAB 400 return (SIGCB): modalidade and nosso número 057-073 (17
// digits), credit date at 294-299.
var caixa400Layout = layout400{
	name:        "Caixa",
	rCompanyUse: span{32, 56}, rOurNumber: span{57, 73}, rWallet: 107, rOccDate: span{111, 116}, rDoc: span{117, 126},
	rDue: span{147, 152}, rValue: span{153, 165}, rFee: span{176, 188}, rIOF: span{215, 227}, rRebate: span{228, 240},
	rDiscount: span{241, 253}, rPaid: span{254, 266}, rInterest: span{267, 279}, rCredit: span{294, 299},
	detail:      '1',
	pCompanyUse: span{32, 56}, pOurNumber: span{57, 73}, pWallet: span{107, 108}, pDoc: span{111, 120}, pDue: span{121, 126},
	pValue: span{127, 139}, pInterest: span{161, 173}, pDiscount: span{180, 192}, pRebate: span{206, 218},
	pPayerDoc: span{221, 234}, pPayerName: span{235, 274}, remittance: true,
}

// Banco do Brasil CNAB 400 return (CBR643, convênio of 7 digits, detail
// type 7): nosso número 064-080, reason 087-088, credit date 176-181, fee
// 182-188.
var bb400Layout = layout400{
	name:        "Banco do Brasil",
	rCompanyUse: span{39, 63}, rOurNumber: span{64, 80}, rWallet: 107, rOccDate: span{111, 116}, rDoc: span{117, 126},
	rReasons: span{87, 88}, reasonWidth: 2,
	rDue: span{147, 152}, rValue: span{153, 165}, rCredit: span{176, 181}, rFee: span{182, 188}, rIOF: span{215, 227},
	rRebate: span{228, 240}, rDiscount: span{241, 253}, rPaid: span{254, 266}, rInterest: span{267, 279},
	detail:      '7',
	pCompanyUse: span{39, 63}, pOurNumber: span{64, 80}, pWallet: span{107, 108}, pDoc: span{111, 120}, pDue: span{121, 126},
	pValue: span{127, 139}, pInterest: span{161, 173}, pDiscount: span{180, 192}, pRebate: span{206, 218},
	pPayerDoc: span{221, 234}, pPayerName: span{235, 271}, remittance: true,
}

func layoutFor400(bank string) (layout400, bool) {
	switch bank {
	case "341":
		return itau400Layout, true
	case "237":
		return bradesco400Layout, true
	case "033":
		return santander400Layout, true
	case "104":
		return caixa400Layout, true
	case "001":
		return bb400Layout, true
	}
	return layout400{}, false
}

func scan400(lr *lineReader, l line, fn func(*Record) error) (FileInfo, error) {
	info := FileInfo{Layout: CNAB400}
	if l.b[0] != '0' {
		return info, errAt(l.no, 1, 1, "record type", "the first line must be the header (type 0), got %q", l.b[0])
	}
	switch l.b[1] {
	case '2':
		info.Kind = Return
	case '1':
		info.Kind = Remittance
	default:
		return info, errAt(l.no, 2, 2, "identificação do arquivo", "is %q, want 1 (remessa) or 2 (retorno)", l.b[1])
	}
	info.Bank = string(l.raw(77, 79))
	lay, ok := layoutFor400(info.Bank)
	if !ok {
		return info, errAt(l.no, 77, 79, "código do banco", "CNAB 400 of bank %q is not read here (001, 033, 104, 237 and 341 are)", info.Bank)
	}
	if info.Kind == Remittance && !lay.remittance {
		return info, errAt(l.no, 2, 2, "identificação do arquivo", "CNAB 400 remessa of %s is not read here (its retorno is)", lay.name)
	}
	info.CompanyName = l.text(47, 76)
	var err error
	if info.Generated, err = l.date(95, 100, "data de gravação"); err != nil {
		return info, err
	}
	if err := seq400(l, 1); err != nil {
		return info, err
	}
	lines, details := 1, 0
	trailer := false
	full := fn != nil
	var scratch Record // reused: a callback's pointer is valid until it returns
	var text textBuf
	for {
		l, ok, err := lr.next()
		if err != nil {
			return info, err
		}
		if !ok {
			break
		}
		lines++
		if trailer {
			return info, errAt(l.no, 0, 0, "", "a line after the trailer (record type 9)")
		}
		if err := checkLength(l, 400); err != nil {
			return info, err
		}
		if err := seq400(l, lines); err != nil {
			return info, err
		}
		switch t := l.b[0]; {
		case t == lay.detail || t == '1':
			details++
			r := &scratch
			*r = Record{Line: l.no, Layout: CNAB400, Bank: info.Bank}
			text.reset()
			var rs string
			if full {
				text.bytes(&r.Code, l.raw(109, 110))
			}
			if info.Kind == Return {
				err = detail400(l, r, lay, full, &text, &rs)
			} else {
				err = remittance400(l, r, lay, full, &text)
			}
			if err != nil {
				return info, err
			}
			if full {
				text.flush()
				if info.Kind == Return {
					if lay.rReasons.from > 0 {
						r.Reasons = reasons(rs, lay.reasonWidth)
					}
					r.Occurrence, r.Description = classify(CNAB400, r.Bank, r.Code, r.Reasons)
				}
			}
			info.Records++
			info.Total += r.FaceValue
			info.TotalPaid += r.PaidAmount
			if fn != nil {
				if err := fn(r); err != nil {
					return info, err
				}
			}
		case t >= '2' && t <= '8':
			// optional records (messages, rateio, PIX QR code…)
		case t == '9':
			if lay.trailerDetails.from > 0 && info.Kind == Return {
				n, err := l.num(lay.trailerDetails.from, lay.trailerDetails.to, "quantidade de detalhes")
				if err != nil {
					return info, err
				}
				if int(n) != details {
					return info, errAt(l.no, lay.trailerDetails.from, lay.trailerDetails.to, "quantidade de detalhes", "says %d, the file has %d detail records", n, details)
				}
			}
			trailer = true
		default:
			return info, errAt(l.no, 1, 1, "record type", "%q is not a CNAB 400 record type (0 to 9)", t)
		}
	}
	info.Lines = lines
	if !trailer {
		return info, errAt(lr.no, 0, 0, "", "the file ends without a trailer (record type 9)")
	}
	return info, nil
}

func seq400(l line, want int) error {
	n, err := l.num(395, 400, "número sequencial do registro")
	if err != nil {
		return err
	}
	if int(n) != want%1_000_000 { // six digits wrap after 999,999 lines
		return errAt(l.no, 395, 400, "número sequencial do registro", "is %d, want %d", n, want)
	}
	return nil
}

func detail400(l line, r *Record, lay layout400, full bool, t *textBuf, rs *string) error {
	if !allDigits(l.raw(109, 110)) {
		return errAt(l.no, 109, 110, "código de ocorrência", "%q is not a code", l.raw(109, 110))
	}
	if err := amounts400(l, []amountField{
		{lay.rValue, "valor do título", &r.FaceValue},
		{lay.rFee, "tarifa/despesas de cobrança", &r.Fee},
		{lay.rIOF, "valor do IOF", &r.IOF},
		{lay.rRebate, "valor do abatimento", &r.Rebate},
		{lay.rDiscount, "valor do desconto", &r.Discount},
		{lay.rPaid, "valor pago", &r.PaidAmount},
		{lay.rInterest, "juros de mora/multa", &r.Interest},
	}); err != nil {
		return err
	}
	dates := []struct {
		s    span
		name string
		dst  *string
	}{
		{lay.rOccDate, "data de ocorrência", &r.OccurrenceDate},
		{lay.rDue, "data de vencimento", &r.DueDate},
		{lay.rCredit, "data do crédito", &r.CreditDate},
	}
	for _, d := range dates {
		var err error
		if !full {
			err = l.checkDate(d.s.from, d.s.to, d.name)
		} else {
			err = l.dateTo(t, d.dst, d.s.from, d.s.to, d.name)
		}
		if err != nil {
			return err
		}
	}
	if !full {
		return nil
	}
	ourNumber400(l, r, t, lay.rOurNumber, lay.ourNumberWidth)
	t.text(&r.Wallet, l.raw(lay.rWallet, lay.rWallet))
	t.text(&r.DocumentNumber, l.raw(lay.rDoc.from, lay.rDoc.to))
	t.text(&r.CompanyUse, l.raw(lay.rCompanyUse.from, lay.rCompanyUse.to))
	if lay.rPayerName.from > 0 {
		t.text(&r.PayerName, l.raw(lay.rPayerName.from, lay.rPayerName.to))
	}
	if lay.rReasons.from > 0 {
		t.text(rs, l.raw(lay.rReasons.from, lay.rReasons.to))
	}
	return nil
}

// ourNumber400 adds the nosso número as the file has it and padded with
// zeros to the bank's width (Santander's file has 7 digits of 12).
func ourNumber400(l line, r *Record, t *textBuf, s span, width int) {
	raw := trimSpace(l.raw(s.from, s.to))
	t.text(&r.OurNumberRaw, raw)
	start := len(t.b)
	for i := len(raw); i < width; i++ {
		t.b = append(t.b, '0')
	}
	t.text(nil, raw)
	t.span[t.n-1][0] = int32(start)
	t.dst[t.n-1] = &r.OurNumber
}

type amountField struct {
	s    span
	name string
	dst  *money.Money
}

func amounts400(l line, fs []amountField) error {
	for _, f := range fs {
		v, err := l.amount(f.s.from, f.s.to, f.name)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	return nil
}

func remittance400(l line, r *Record, lay layout400, full bool, t *textBuf) error {
	r.Occurrence, r.Description = Registration, "Entrada de título (remessa)"
	if err := amounts400(l, []amountField{
		{lay.pValue, "valor do título", &r.FaceValue},
		{lay.pInterest, "valor de mora por dia", &r.Interest},
		{lay.pDiscount, "valor do desconto", &r.Discount},
		{lay.pRebate, "valor do abatimento", &r.Rebate},
	}); err != nil {
		return err
	}
	if !full {
		return l.checkDate(lay.pDue.from, lay.pDue.to, "data de vencimento")
	}
	if err := l.dateTo(t, &r.DueDate, lay.pDue.from, lay.pDue.to, "data de vencimento"); err != nil {
		return err
	}
	ourNumber400(l, r, t, lay.pOurNumber, lay.ourNumberWidth)
	t.text(&r.DocumentNumber, l.raw(lay.pDoc.from, lay.pDoc.to))
	t.text(&r.CompanyUse, l.raw(lay.pCompanyUse.from, lay.pCompanyUse.to))
	t.text(&r.PayerDocument, trimZerosBytes(l.raw(lay.pPayerDoc.from, lay.pPayerDoc.to)))
	t.text(&r.PayerName, l.raw(lay.pPayerName.from, lay.pPayerName.to))
	t.text(&r.Wallet, l.raw(lay.pWallet.from, lay.pWallet.to))
	return nil
}
