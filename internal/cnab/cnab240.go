package cnab

import (
	"github.com/regua/regua/internal/money"
)

// span is a field's positions, 1-based and inclusive.
type span struct{ from, to int }

// seg240 are the positions of the fields read from segments P and T, which
// differ between FEBRABAN's standard layout and Santander's.
type seg240 struct {
	tOurNumber, tDoc, tDue, tValue, tCompanyUse, tPayerDoc, tPayerName, tFee, tReasons span
	tWallet, tPayerType                                                                int
	pOurNumber                                                                         span
}

// FEBRABAN CNAB 240 cobrança (segments P, Q, T, U), followed by Banco do
// Brasil, Bradesco, Caixa and Itaú.
var febrabanSeg = seg240{
	tOurNumber: span{38, 57}, tWallet: 58, tDoc: span{59, 73}, tDue: span{74, 81}, tValue: span{82, 96},
	tCompanyUse: span{106, 130}, tPayerType: 133, tPayerDoc: span{134, 148}, tPayerName: span{149, 188},
	tFee: span{199, 213}, tReasons: span{214, 223},
	pOurNumber: span{38, 57},
}

// Santander's CNAB 240 (layout H7815): nosso número of 13 positions at
// 041-053 in T (045-057 in P) and the T fields after it moved left.
var santanderSeg = seg240{
	tOurNumber: span{41, 53}, tWallet: 54, tDoc: span{55, 69}, tDue: span{70, 77}, tValue: span{78, 92},
	tCompanyUse: span{101, 125}, tPayerType: 128, tPayerDoc: span{129, 143}, tPayerName: span{144, 183},
	tFee: span{194, 208}, tReasons: span{209, 218},
	pOurNumber: span{45, 57},
}

func segFor(bank string) seg240 {
	if bank == "033" {
		return santanderSeg
	}
	return febrabanSeg
}

// ourNumber240 takes the nosso número (without check digit) out of the
// field of positions 038-057 as each bank fills it (see ourNumberField240).
func ourNumber240(bank string, raw []byte) []byte {
	d := trimSpace(raw)
	switch bank {
	case "001": // 17 digits, left-aligned
		return d
	case "341": // carteira(3) nosso número(8) DAC(1)
		if len(d) >= 11 {
			return d[3:11]
		}
	case "237": // nosso número(11) DV(1), left-aligned
		if len(d) >= 11 {
			return d[:11]
		}
	case "104": // 038-039, then modalidade(2) and nosso número(15) at 040-056
		if len(raw) == 20 {
			return raw[2:19]
		}
	case "033": // nosso número(12) DV(1)
		if len(d) == 13 {
			return d[:12]
		}
	}
	return trimZerosBytes(d)
}

type batch240 struct {
	no, lines, titles int
	total             money.Money
	pending           *Record
	pendingSeg        byte
	pendingCode       [2]byte // código de movimento of the pending segment
	nextSeq           int
	// full is false in the validation pass: text fields are not kept.
	full bool
	// rec is reused for every record: a callback gets a pointer valid
	// only until it returns.
	rec Record
	// text collects the text fields of the pending pair (full only).
	text    textBuf
	reasons string
}

func scan240(lr *lineReader, l line, opt Options, fn func(*Record) error) (FileInfo, error) {
	info := FileInfo{Layout: CNAB240}
	// File header (registro 0).
	if l.b[7] != '0' || string(l.raw(4, 7)) != "0000" {
		return info, errAt(l.no, 8, 8, "record type", "the first line must be the file header (lote 0000, type 0), got lote %q type %q", l.raw(4, 7), l.b[7])
	}
	info.Bank = string(l.raw(1, 3))
	if !allDigits(l.raw(1, 3)) {
		return info, errAt(l.no, 1, 3, "bank code", "%q is not a bank code", l.raw(1, 3))
	}
	switch l.b[142] {
	case '2':
		info.Kind = Return
	case '1':
		info.Kind = Remittance
	default:
		return info, errAt(l.no, 143, 143, "código remessa/retorno", "is %q, want 1 (remessa) or 2 (retorno)", l.b[142])
	}
	if info.Bank == "033" {
		info.CompanyDoc = trimZeros(l.text(18, 32))
	} else {
		info.CompanyDoc = trimZeros(l.text(19, 32))
	}
	info.CompanyName = l.text(73, 102)
	var err error
	if info.Generated, err = l.date(144, 151, "data de geração"); err != nil {
		return info, err
	}
	seq, err := l.num(158, 163, "número sequencial do arquivo")
	if err != nil {
		return info, err
	}
	info.Sequence = int(seq)
	sg := segFor(info.Bank)
	lines := 1
	var b *batch240
	trailer := false
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
			return info, errAt(l.no, 0, 0, "", "a line after the file trailer (record type 9)")
		}
		if err := checkLength(l, 240); err != nil {
			return info, err
		}
		if string(l.raw(1, 3)) != info.Bank {
			return info, errAt(l.no, 1, 3, "bank code", "is %q, the file header says %q", l.raw(1, 3), info.Bank)
		}
		lot, err := l.num(4, 7, "lote")
		if err != nil {
			return info, err
		}
		switch l.b[7] {
		case '1': // batch header
			if b != nil {
				return info, errAt(l.no, 8, 8, "record type", "batch header while batch %d is still open (no trailer, type 5)", b.no)
			}
			if int(lot) != info.Batches+1 {
				return info, errAt(l.no, 4, 7, "lote", "is %d, want %d (batches are numbered from 1)", lot, info.Batches+1)
			}
			if svc := string(l.raw(10, 11)); svc != "01" {
				return info, errAt(l.no, 10, 11, "tipo de serviço", "is %q; only cobrança (01) batches are read", svc)
			}
			op := l.b[8]
			if info.Kind == Return && op != 'T' || info.Kind == Remittance && op != 'R' {
				return info, errAt(l.no, 9, 9, "tipo de operação", "is %q, want T in a retorno and R in a remessa", op)
			}
			info.Batches++
			b = &batch240{no: int(lot), lines: 1, nextSeq: 1, full: fn != nil}
		case '3':
			if b == nil {
				return info, errAt(l.no, 8, 8, "record type", "detail record outside a batch")
			}
			if int(lot) != b.no {
				return info, errAt(l.no, 4, 7, "lote", "is %d inside batch %d", lot, b.no)
			}
			n, err := l.num(9, 13, "nº sequencial do registro no lote")
			if err != nil {
				return info, err
			}
			if int(n) != b.nextSeq {
				return info, errAt(l.no, 9, 13, "nº sequencial do registro no lote", "is %d, want %d", n, b.nextSeq)
			}
			b.nextSeq++
			b.lines++
			rec, err := segment240(l, info.Kind, info.Bank, sg, b)
			if err != nil {
				return info, err
			}
			if rec != nil {
				info.Records++
				info.Total += rec.FaceValue
				info.TotalPaid += rec.PaidAmount
				if fn != nil {
					if err := fn(rec); err != nil {
						return info, err
					}
				}
			}
		case '5':
			if b == nil {
				return info, errAt(l.no, 8, 8, "record type", "batch trailer without a batch header")
			}
			if int(lot) != b.no {
				return info, errAt(l.no, 4, 7, "lote", "is %d, closing batch %d", lot, b.no)
			}
			if b.pending != nil {
				return info, errAt(l.no, 14, 14, "segmento", "segment %c of line %d has no segment %c", b.pendingSeg, b.pending.Line, pairOf(b.pendingSeg))
			}
			b.lines++
			if err := batchTrailer240(l, b, opt); err != nil {
				return info, err
			}
			b = nil
		case '9':
			if b != nil {
				return info, errAt(l.no, 8, 8, "record type", "file trailer while batch %d is open", b.no)
			}
			if lot != 9999 {
				return info, errAt(l.no, 4, 7, "lote", "is %d, want 9999 in the file trailer", lot)
			}
			nb, err := l.num(18, 23, "quantidade de lotes do arquivo")
			if err != nil {
				return info, err
			}
			if int(nb) != info.Batches {
				return info, errAt(l.no, 18, 23, "quantidade de lotes do arquivo", "says %d, the file has %d", nb, info.Batches)
			}
			nr, err := l.num(24, 29, "quantidade de registros do arquivo")
			if err != nil {
				return info, err
			}
			// Six digits: a file of a million lines or more can only
			// carry its count modulo 1,000,000.
			if int(nr) != lines%1_000_000 {
				return info, errAt(l.no, 24, 29, "quantidade de registros do arquivo", "says %d, the file has %d", nr, lines)
			}
			trailer = true
		default:
			return info, errAt(l.no, 8, 8, "record type", "%q is not a CNAB 240 record type (0, 1, 3, 5, 9)", l.b[7])
		}
	}
	info.Lines = lines
	if !trailer {
		return info, errAt(lr.no, 0, 0, "", "the file ends without a file trailer (record type 9)")
	}
	return info, nil
}

func pairOf(s byte) byte {
	if s == 'T' {
		return 'U'
	}
	return 'Q'
}

// segment240 reads one detail segment; it returns a record when a pair (T+U
// or P+Q) is complete.
func segment240(l line, kind Kind, bank string, sg seg240, b *batch240) (*Record, error) {
	s := l.b[13]
	want := [2]byte{'T', 'U'}
	if kind == Remittance {
		want = [2]byte{'P', 'Q'}
	}
	switch {
	case s == want[0]:
		if b.pending != nil {
			return nil, errAt(l.no, 14, 14, "segmento", "segment %c of line %d has no segment %c", b.pendingSeg, b.pending.Line, want[1])
		}
		r := &b.rec
		*r = Record{Line: l.no, Layout: CNAB240, Bank: bank, Batch: b.no}
		b.text.reset()
		b.reasons = ""
		if b.full {
			b.text.bytes(&r.Code, l.raw(16, 17))
		}
		var err error
		if s == 'T' {
			err = segT(l, r, bank, sg, b)
		} else {
			err = segP(l, r, bank, sg, b)
		}
		if err != nil {
			return nil, err
		}
		b.pending, b.pendingSeg = r, s
		copy(b.pendingCode[:], l.raw(16, 17))
		b.titles++
		b.total += r.FaceValue
		return nil, nil
	case s == want[1]:
		if b.pending == nil {
			return nil, errAt(l.no, 14, 14, "segmento", "segment %c without a segment %c before it", s, want[0])
		}
		r := b.pending
		b.pending = nil
		var err error
		if s == 'U' {
			err = segU(l, r, b)
		} else if b.full {
			segQ(l, r, b)
		}
		if err != nil || !b.full {
			return r, err
		}
		b.text.flush()
		if s == 'U' {
			r.Reasons = reasons(b.reasons, 2)
			r.Occurrence, r.Description = classify(CNAB240, bank, r.Code, r.Reasons)
		}
		return r, nil
	case s >= 'A' && s <= 'Z':
		// Optional segments (R, S, Y…) are counted but carry nothing read
		// here; they must not split a pair.
		if b.pending != nil {
			return nil, errAt(l.no, 14, 14, "segmento", "segment %c between segment %c of line %d and its segment %c", s, b.pendingSeg, b.pending.Line, want[1])
		}
		return nil, nil
	}
	return nil, errAt(l.no, 14, 14, "segmento", "%q is not a segment code", s)
}

func segT(l line, r *Record, bank string, sg seg240, b *batch240) error {
	if !allDigits(l.raw(16, 17)) {
		return errAt(l.no, 16, 17, "código de movimento retorno", "%q is not a code", l.raw(16, 17))
	}
	var err error
	if r.FaceValue, err = l.amount(sg.tValue.from, sg.tValue.to, "valor nominal do título"); err != nil {
		return err
	}
	if r.Fee, err = l.amount(sg.tFee.from, sg.tFee.to, "valor da tarifa/custas"); err != nil {
		return err
	}
	if !b.full {
		return l.checkDate(sg.tDue.from, sg.tDue.to, "data de vencimento")
	}
	t := &b.text
	if err = l.dateTo(t, &r.DueDate, sg.tDue.from, sg.tDue.to, "data de vencimento"); err != nil {
		return err
	}
	raw := l.raw(sg.tOurNumber.from, sg.tOurNumber.to)
	t.text(&r.OurNumberRaw, raw)
	t.text(&r.OurNumber, ourNumber240(bank, raw))
	t.text(&r.Wallet, l.raw(sg.tWallet, sg.tWallet))
	t.text(&r.DocumentNumber, l.raw(sg.tDoc.from, sg.tDoc.to))
	t.text(&r.CompanyUse, l.raw(sg.tCompanyUse.from, sg.tCompanyUse.to))
	t.text(&r.PayerDocument, trimZerosBytes(l.raw(sg.tPayerDoc.from, sg.tPayerDoc.to)))
	t.text(&r.PayerName, l.raw(sg.tPayerName.from, sg.tPayerName.to))
	t.text(&b.reasons, l.raw(sg.tReasons.from, sg.tReasons.to))
	return nil
}

func segU(l line, r *Record, b *batch240) error {
	if c := l.raw(16, 17); string(c) != string(b.pendingCode[:]) {
		return errAt(l.no, 16, 17, "código de movimento retorno", "is %q, its segment T on line %d says %q", c, r.Line, b.pendingCode[:])
	}
	var err error
	for _, f := range [...]struct {
		s    span
		name string
		dst  *money.Money
	}{
		{span{18, 32}, "juros/multa/encargos", &r.Interest},
		{span{33, 47}, "valor do desconto concedido", &r.Discount},
		{span{48, 62}, "valor do abatimento", &r.Rebate},
		{span{63, 77}, "valor do IOF", &r.IOF},
		{span{78, 92}, "valor pago pelo pagador", &r.PaidAmount},
		{span{93, 107}, "valor líquido a ser creditado", &r.NetAmount},
	} {
		if *f.dst, err = l.amount(f.s.from, f.s.to, f.name); err != nil {
			return err
		}
	}
	if !b.full {
		if err := l.checkDate(138, 145, "data da ocorrência"); err != nil {
			return err
		}
		return l.checkDate(146, 153, "data da efetivação do crédito")
	}
	if err = l.dateTo(&b.text, &r.OccurrenceDate, 138, 145, "data da ocorrência"); err != nil {
		return err
	}
	return l.dateTo(&b.text, &r.CreditDate, 146, 153, "data da efetivação do crédito")
}

func segP(l line, r *Record, bank string, sg seg240, b *batch240) error {
	r.Occurrence, r.Description = Registration, "Entrada de título (remessa)"
	var err error
	for _, f := range [...]struct {
		s    span
		name string
		dst  *money.Money
	}{
		{span{86, 100}, "valor nominal do título", &r.FaceValue},
		{span{127, 141}, "juros de mora por dia", &r.Interest},
		{span{151, 165}, "valor do desconto", &r.Discount},
		{span{181, 195}, "valor do abatimento", &r.Rebate},
	} {
		if *f.dst, err = l.amount(f.s.from, f.s.to, f.name); err != nil {
			return err
		}
	}
	if !b.full {
		return l.checkDate(78, 85, "data de vencimento")
	}
	t := &b.text
	if err = l.dateTo(t, &r.DueDate, 78, 85, "data de vencimento"); err != nil {
		return err
	}
	raw := l.raw(sg.pOurNumber.from, sg.pOurNumber.to)
	t.text(&r.OurNumberRaw, raw)
	t.text(&r.OurNumber, ourNumber240(bank, raw))
	t.text(&r.Wallet, l.raw(58, 58))
	t.text(&r.DocumentNumber, l.raw(63, 77))
	t.text(&r.CompanyUse, l.raw(196, 220))
	return nil
}

func segQ(l line, r *Record, b *batch240) {
	b.text.text(&r.PayerDocument, trimZerosBytes(l.raw(19, 33)))
	b.text.text(&r.PayerName, l.raw(34, 73))
}

// batchTrailer240 checks the batch trailer (registro 5): the count of
// records always, and in cobrança the count and value of títulos in the
// four portfolios (simples, vinculada, caucionada, descontada) when given.
func batchTrailer240(l line, b *batch240, opt Options) error {
	n, err := l.num(18, 23, "quantidade de registros do lote")
	if err != nil {
		return err
	}
	if int(n) != b.lines {
		return errAt(l.no, 18, 23, "quantidade de registros do lote", "says %d, batch %d has %d", n, b.no, b.lines)
	}
	if opt.SkipTitleTotals {
		return nil
	}
	var qty int64
	var val money.Money
	for _, p := range [][4]int{{24, 29, 30, 46}, {47, 52, 53, 69}, {70, 75, 76, 92}, {93, 98, 99, 115}} {
		q, err := l.num(p[0], p[1], "quantidade de títulos em cobrança")
		if err != nil {
			return err
		}
		v, err := l.amount(p[2], p[3], "valor total dos títulos em carteira")
		if err != nil {
			return err
		}
		qty += q
		val += v
	}
	if qty == 0 && val == 0 {
		return nil // not informed
	}
	if int(qty) != b.titles {
		return errAt(l.no, 24, 29, "quantidade de títulos em cobrança", "the trailer totals %d títulos, batch %d has %d", qty, b.no, b.titles)
	}
	if val != b.total {
		return errAt(l.no, 30, 46, "valor total dos títulos em carteira", "the trailer totals %s, the segments of batch %d add up to %s", val, b.no, b.total)
	}
	return nil
}
