package cnab

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/money"
)

// Party is a payer (pagador) or the beneficiary's identification.
type Party struct {
	Name     string
	Document string // CPF (11 digits) or CNPJ (14), digits only
	Address  string
	District string
	ZIP      string // CEP, 8 digits
	City     string
	State    string // UF
}

// Beneficiary is the creditor's account at the bank (beneficiário).
type Beneficiary struct {
	Name      string
	Document  string // CNPJ or CPF, digits only
	Agency    string
	AgencyDV  string
	Account   string
	AccountDV string
	Wallet    string // carteira
	Agreement string // convênio (BB), código do beneficiário (Caixa, Santander), código da empresa (Bradesco 400)
}

// Title is one boleto to register (título).
type Title struct {
	OurNumber      string // nosso número without check digit, as boleto.Account.OurNumber
	DocumentNumber string // seu número
	CompanyUse     string // returned unchanged in every return record
	Issue, Due     time.Time
	Amount         money.Money
	InterestPerDay money.Money // juros de mora por dia
	Discount       money.Money
	DiscountUntil  time.Time
	Rebate         money.Money // abatimento
	Payer          Party
}

// Event is what a bank reports about a title in a return file; writing
// returns is how tests and benchmarks build bank files.
type Event struct {
	Title
	// Discount and Interest here are what the payment carried; the title's
	// own are e.Title.Discount and e.Title.InterestPerDay.
	Code                                    string // the bank's occurrence code, e.g. "06"
	Reasons                                 []string
	Paid, Interest, Discount, IOF, Fee, Net money.Money
	OccurredOn, CreditOn                    time.Time
}

// Header is what every file carries in its header.
type Header struct {
	Layout      Layout
	Bank        string
	Sequence    int // número sequencial do arquivo (NSA)
	Created     time.Time
	Beneficiary Beneficiary
}

// writer counts, hashes and writes lines.
type writer struct {
	bw    *bufio.Writer
	h     hash.Hash
	lines int
	err   error
}

func (w *writer) line(r rec) {
	if w.err != nil {
		return
	}
	w.lines++
	w.h.Write(r)
	w.h.Write([]byte{'\n'})
	if _, err := w.bw.Write(r); err != nil {
		w.err = err
		return
	}
	_, w.err = w.bw.WriteString("\r\n")
}

func newWriter(out io.Writer) *writer {
	return &writer{bw: bufio.NewWriterSize(out, 64<<10), h: sha256.New()}
}

func (w *writer) finish(info *FileInfo) error {
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	info.Lines = w.lines
	info.ID = hex.EncodeToString(w.h.Sum(nil))
	return w.err
}

func ymd(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func docType(doc string) int64 {
	if len(doc) == 11 {
		return 1
	}
	return 2
}

// ourNumberField returns the nosso número as the bank writes it in its
// files and the digits without check digit that Record.OurNumber reads
// back.
func ourNumberField(h Header, t Title) (field240 string, dv string, err error) {
	b := h.Beneficiary
	acc := boleto.Account{Bank: h.Bank, Agency: b.Agency, Account: b.Account, Wallet: b.Wallet, Agreement: b.Agreement, OurNumber: t.OurNumber}
	ff, err := boleto.EncodeFreeField(acc)
	if err != nil {
		return "", "", err
	}
	switch h.Bank {
	case "001":
		return ff.OurNumber, "", nil
	case "341":
		return ff.Decoded.Wallet + ff.OurNumber + ff.OurNumberDV, ff.OurNumberDV, nil
	case "237":
		return ff.OurNumber + ff.OurNumberDV, ff.OurNumberDV, nil
	case "104":
		return "00" + ff.OurNumber, ff.OurNumberDV, nil
	case "033":
		return ff.OurNumber + ff.OurNumberDV, ff.OurNumberDV, nil
	}
	return "", "", fmt.Errorf("cnab: bank %q has no layout here", h.Bank)
}

// WriteRemittance writes a remessa registering titles: CNAB 240 segments P
// and Q (batches of up to 49,999 títulos), or CNAB 400 detail records (type
// 7 for Banco do Brasil, type 1 for the others), for the five banks.
func WriteRemittance(out io.Writer, h Header, titles iter.Seq[Title]) (FileInfo, error) {
	return write(out, h, Remittance, func(yield func(Event) bool) {
		for t := range titles {
			if !yield(Event{Title: t, Code: "01"}) {
				return
			}
		}
	})
}

// WriteReturn writes a retorno reporting events (CNAB 240 segments T and U;
// CNAB 400 detail records). Banks write returns; this builds them for
// tests, demos and benchmarks.
func WriteReturn(out io.Writer, h Header, events iter.Seq[Event]) (FileInfo, error) {
	return write(out, h, Return, events)
}

func write(out io.Writer, h Header, kind Kind, events iter.Seq[Event]) (FileInfo, error) {
	info := FileInfo{Layout: h.Layout, Kind: kind, Bank: h.Bank, CompanyName: h.Beneficiary.Name,
		CompanyDoc: h.Beneficiary.Document, Generated: ymd(h.Created), Sequence: h.Sequence}
	if boleto.BankName(h.Bank) == "" {
		return info, fmt.Errorf("cnab: bank %q has no layout here", h.Bank)
	}
	w := newWriter(out)
	var err error
	switch h.Layout {
	case CNAB240:
		err = write240(w, h, kind, events, &info)
	case CNAB400:
		lay, ok := layoutFor400(h.Bank)
		if !ok || kind == Remittance && !lay.remittance {
			return info, fmt.Errorf("cnab: CNAB 400 %s of bank %s is not written here (001, 033, 104, 237 and 341 are)", kind, h.Bank)
		}
		err = write400(w, h, lay, kind, events, &info)
	default:
		return info, fmt.Errorf("cnab: layout %d unknown", h.Layout)
	}
	if err != nil {
		return info, err
	}
	return info, w.finish(&info)
}

func kindDigit(k Kind) byte {
	if k == Return {
		return '2'
	}
	return '1'
}

// --- CNAB 240 ---------------------------------------------------------------

func write240(w *writer, h Header, kind Kind, events iter.Seq[Event], info *FileInfo) error {
	b := h.Beneficiary
	santander := h.Bank == "033"
	bankName := map[string]string{"001": "BANCO DO BRASIL S.A.", "033": "BANCO SANTANDER", "104": "CAIXA ECONOMICA FEDERAL",
		"237": "BRADESCO", "341": "BANCO ITAU SA"}[h.Bank]

	r := newRec(240)
	r.put(1, 3, h.Bank)
	r.put(4, 7, "0000")
	r.put(8, 8, "0")
	if santander {
		r.num(17, 17, docType(b.Document))
		r.digits(18, 32, b.Document)
		r.digits(33, 47, b.Agreement)
	} else {
		r.num(18, 18, docType(b.Document))
		r.digits(19, 32, b.Document)
		r.put(33, 52, b.Agreement)
		r.digits(53, 57, b.Agency)
		r.put(58, 58, b.AgencyDV)
		r.digits(59, 70, b.Account)
		r.put(71, 71, b.AccountDV)
	}
	r.put(73, 102, b.Name)
	r.put(103, 132, bankName)
	r[142] = kindDigit(kind)
	r.date8(144, ymd(h.Created))
	r.put(152, 157, h.Created.Format("150405"))
	r.num(158, 163, int64(h.Sequence))
	r.put(164, 166, map[bool]string{true: "040", false: "087"}[santander])
	w.line(r)

	// A batch numbers its records in 5 digits: at most 99,999 detail
	// records, so a batch takes up to maxTitlesPerBatch pairs and larger
	// files get more batches.
	batches := 0
	seq, titles := 0, 0
	var total money.Money
	open := false
	closeBatch := func() {
		r := newRec(240)
		r.put(1, 3, h.Bank)
		r.num(4, 7, int64(batches))
		r.put(8, 8, "5")
		r.num(18, 23, int64(seq+2))
		if !(santander && kind == Remittance) {
			r.num(24, 29, int64(titles))
			r.num(30, 46, int64(total))
			r.num(47, 115, 0)
		}
		w.line(r)
		open = false
	}
	openBatch := func() {
		batches++
		seq, titles, total = 0, 0, 0
		w.line(batchHeader240(h, kind, batches))
		open = true
	}
	for e := range events {
		if !open {
			openBatch()
		}
		nn, _, err := ourNumberField(h, e.Title)
		if err != nil {
			return fmt.Errorf("cnab: title %d: %w", info.Records+1, err)
		}
		titles++
		total += e.Amount
		info.Records++
		info.Total += e.Amount
		info.TotalPaid += e.Paid
		if kind == Remittance {
			seq++
			w.line(segP240(h, batches, seq, nn, e))
			seq++
			w.line(segQ240(h, batches, seq, e))
		} else {
			seq++
			w.line(segT240(h, batches, seq, nn, e))
			seq++
			w.line(segU240(h, batches, seq, e))
		}
		if w.err != nil {
			return w.err
		}
		if titles == maxTitlesPerBatch {
			closeBatch()
		}
	}
	if !open && batches == 0 {
		openBatch()
	}
	if open {
		closeBatch()
	}

	r = newRec(240)
	r.put(1, 3, h.Bank)
	r.put(4, 7, "9999")
	r.put(8, 8, "9")
	r.num(18, 23, int64(batches))
	r.num(24, 29, int64(w.lines+1)) // six digits: modulo 1,000,000 past that
	if !santander {
		r.num(30, 35, 0)
	}
	w.line(r)
	info.Batches = batches
	return w.err
}

// maxTitlesPerBatch keeps a batch's 5-digit record sequence (two records
// per title) within 99,999.
const maxTitlesPerBatch = 49_999

func batchHeader240(h Header, kind Kind, no int) rec {
	b := h.Beneficiary
	santander := h.Bank == "033"
	r := newRec(240)
	r.put(1, 3, h.Bank)
	r.num(4, 7, int64(no))
	r.put(8, 8, "1")
	r.put(9, 9, map[Kind]string{Return: "T", Remittance: "R"}[kind])
	r.put(10, 11, "01")
	r.put(14, 16, map[bool]string{true: "030", false: "045"}[santander])
	r.num(18, 18, docType(b.Document))
	r.digits(19, 33, b.Document)
	if santander {
		r.digits(54, 68, b.Agreement)
	} else {
		r.put(34, 53, b.Agreement)
		r.digits(54, 58, b.Agency)
		r.put(59, 59, b.AgencyDV)
		r.digits(60, 71, b.Account)
		r.put(72, 72, b.AccountDV)
	}
	r.put(74, 103, b.Name)
	r.num(184, 191, int64(h.Sequence))
	r.date8(192, ymd(h.Created))
	return r
}

func detail240(h Header, batch, seq int, seg, code string) rec {
	r := newRec(240)
	r.put(1, 3, h.Bank)
	r.num(4, 7, int64(batch))
	r.put(8, 8, "3")
	r.num(9, 13, int64(seq))
	r.put(14, 14, seg)
	r.digits(16, 17, code)
	return r
}

// account240 writes agency and account of a P or T segment.
func account240(r rec, h Header) {
	b := h.Beneficiary
	if h.Bank == "033" {
		r.digits(18, 21, b.Agency)
		r.put(22, 22, b.AgencyDV)
		r.digits(23, 31, b.Account)
		r.put(32, 32, b.AccountDV)
		return
	}
	r.digits(18, 22, b.Agency)
	r.put(23, 23, b.AgencyDV)
	r.digits(24, 35, b.Account)
	r.put(36, 36, b.AccountDV)
}

func segP240(h Header, batch, seq int, nn string, e Event) rec {
	r := detail240(h, batch, seq, "P", "01")
	account240(r, h)
	sg := segFor(h.Bank)
	if h.Bank == "033" {
		r.digits(33, 41, h.Beneficiary.Account)
		r.put(42, 42, h.Beneficiary.AccountDV)
	}
	r.put(sg.pOurNumber.from, sg.pOurNumber.to, nn)
	r.put(58, 58, "1") // cobrança simples
	r.put(59, 59, "1") // registrada
	r.put(60, 60, "1") // tradicional
	if h.Bank != "033" {
		r.put(61, 61, "2") // boleto issued by the beneficiary
		r.put(62, 62, "2") // and sent by the beneficiary
	}
	r.put(63, 77, e.DocumentNumber)
	r.date8(78, ymd(e.Due))
	r.num(86, 100, int64(e.Amount))
	r.num(101, 106, 0)
	if h.Bank == "033" {
		r.put(106, 106, " ")
	}
	r.put(107, 108, "02") // duplicata mercantil
	r.put(109, 109, "N")
	r.date8(110, ymd(e.Issue))
	if e.InterestPerDay > 0 {
		r.put(118, 118, "1")
		r.date8(119, ymd(e.Due.AddDate(0, 0, 1)))
	} else {
		r.put(118, 118, "3")
		r.num(119, 126, 0)
	}
	r.num(127, 141, int64(e.InterestPerDay))
	if e.Title.Discount > 0 {
		r.put(142, 142, "1")
		r.date8(143, ymd(e.DiscountUntil))
	} else {
		r.put(142, 142, "0")
		r.num(143, 150, 0)
	}
	r.num(151, 165, int64(e.Title.Discount))
	r.num(166, 180, 0)
	r.num(181, 195, int64(e.Rebate))
	r.put(196, 220, e.CompanyUse)
	r.put(221, 221, "3") // do not protest
	r.num(222, 223, 0)
	r.put(224, 224, "1")
	if h.Bank == "033" {
		r.num(226, 227, 60)
		r.num(228, 229, 0)
	} else {
		r.num(225, 227, 60)
		r.num(228, 229, 9)
		r.num(230, 239, 0)
	}
	return r
}

func segQ240(h Header, batch, seq int, e Event) rec {
	r := detail240(h, batch, seq, "Q", "01")
	p := e.Payer
	r.num(18, 18, docType(p.Document))
	r.digits(19, 33, p.Document)
	r.put(34, 73, p.Name)
	r.put(74, 113, p.Address)
	r.put(114, 128, p.District)
	zip := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, p.ZIP)
	r.digits(129, 136, zip)
	r.put(137, 151, p.City)
	r.put(152, 153, p.State)
	r.num(154, 169, 0)
	if h.Bank != "033" {
		r.num(210, 212, 0)
	}
	return r
}

func segT240(h Header, batch, seq int, nn string, e Event) rec {
	r := detail240(h, batch, seq, "T", e.Code)
	account240(r, h)
	sg := segFor(h.Bank)
	r.put(sg.tOurNumber.from, sg.tOurNumber.to, nn)
	r.put(sg.tWallet, sg.tWallet, "1")
	r.put(sg.tDoc.from, sg.tDoc.to, e.DocumentNumber)
	r.date8(sg.tDue.from, ymd(e.Due))
	r.num(sg.tValue.from, sg.tValue.to, int64(e.Amount))
	r.put(sg.tValue.to+1, sg.tValue.to+3, h.Bank)
	r.num(sg.tValue.to+4, sg.tCompanyUse.from-1, 0)
	r.put(sg.tCompanyUse.from, sg.tCompanyUse.to, e.CompanyUse)
	r.num(sg.tCompanyUse.to+1, sg.tCompanyUse.to+2, 9)
	r.num(sg.tPayerType, sg.tPayerType, docType(e.Payer.Document))
	r.digits(sg.tPayerDoc.from, sg.tPayerDoc.to, e.Payer.Document)
	r.put(sg.tPayerName.from, sg.tPayerName.to, e.Payer.Name)
	r.num(sg.tPayerName.to+1, sg.tFee.from-1, 0)
	r.num(sg.tFee.from, sg.tFee.to, int64(e.Fee))
	r.put(sg.tReasons.from, sg.tReasons.to, strings.Join(e.Reasons, ""))
	return r
}

func segU240(h Header, batch, seq int, e Event) rec {
	r := detail240(h, batch, seq, "U", e.Code)
	r.num(18, 32, int64(e.Interest))
	r.num(33, 47, int64(e.Discount))
	r.num(48, 62, int64(e.Rebate))
	r.num(63, 77, int64(e.IOF))
	r.num(78, 92, int64(e.Paid))
	r.num(93, 107, int64(e.Net))
	r.num(108, 137, 0)
	r.date8(138, ymd(e.OccurredOn))
	r.date8(146, ymd(e.CreditOn))
	r.num(158, 180, 0)
	r.num(211, 213, 0)
	return r
}

// --- CNAB 400 ---------------------------------------------------------------

func write400(w *writer, h Header, lay layout400, kind Kind, events iter.Seq[Event], info *FileInfo) error {
	b := h.Beneficiary
	itau := h.Bank == "341"
	r := newRec(400)
	r.put(1, 1, "0")
	r[1] = kindDigit(kind)
	r.put(3, 9, map[Kind]string{Return: "RETORNO", Remittance: "REMESSA"}[kind])
	r.put(10, 11, "01")
	r.put(12, 26, "COBRANCA")
	switch h.Bank {
	case "341":
		r.digits(27, 30, b.Agency)
		r.put(31, 32, "00")
		r.digits(33, 37, b.Account)
		r.put(38, 38, b.AccountDV)
	case "237":
		r.digits(27, 46, b.Agreement)
	case "001":
		r.digits(27, 30, b.Agency)
		r.put(31, 31, b.AgencyDV)
		r.digits(32, 39, b.Account)
		r.put(40, 40, b.AccountDV)
		r.num(41, 46, 0)
	case "033":
		r.put(27, 46, padRightZeros(b.Agreement, 20)) // código de transmissão
	default:
		r.digits(27, 30, b.Agency)
		r.digits(31, 36, b.Agreement)
	}
	r.put(47, 76, b.Name)
	r.put(77, 79, h.Bank)
	r.put(80, 94, map[string]string{"001": "BANCO DO BRASIL", "033": "SANTANDER", "104": "C ECON FEDERAL",
		"237": "BRADESCO", "341": "BANCO ITAU SA"}[h.Bank])
	r.date6(95, ymd(h.Created))
	switch {
	case kind == Remittance && h.Bank == "237":
		r.put(109, 110, "MX")
		r.num(111, 117, int64(h.Sequence))
	case kind == Remittance && h.Bank == "001":
		r.put(77, 94, "001BANCODOBRASIL")
		r.num(101, 107, int64(h.Sequence))
		r.digits(130, 136, b.Agreement)
	case kind == Remittance && h.Bank == "104":
		r.num(390, 394, int64(h.Sequence))
	case kind == Remittance && h.Bank == "033":
		r.num(392, 394, int64(h.Sequence))
	case kind == Return && !itau:
		r.put(101, 108, "01600000")
		r.num(109, 113, int64(h.Sequence))
	case kind == Return:
		r.put(101, 105, "01600")
		r.put(106, 108, "BPI")
		r.num(109, 113, int64(h.Sequence))
	}
	r.num(395, 400, 1)
	w.line(r)

	var count int
	var total money.Money
	for e := range events {
		if _, _, err := ourNumberField(h, e.Title); err != nil {
			return fmt.Errorf("cnab: title %d: %w", count+1, err)
		}
		count++
		total += e.Amount
		info.Records++
		info.Total += e.Amount
		info.TotalPaid += e.Paid
		var d rec
		switch {
		case kind == Remittance && itau:
			d = itauRemittance(h, e)
		case kind == Remittance && h.Bank == "237":
			d = bradescoRemittance(h, e)
		case kind == Remittance:
			var err error
			if d, err = genericRemittance400(h, lay, e); err != nil {
				return fmt.Errorf("cnab: title %d: %w", count, err)
			}
		case itau:
			d = itauReturn(h, e)
		case h.Bank == "237":
			d = bradescoReturn(h, e)
		default:
			var err error
			if d, err = genericReturn400(h, lay, e); err != nil {
				return fmt.Errorf("cnab: title %d: %w", count, err)
			}
		}
		d.num(395, 400, int64(w.lines+1))
		w.line(d)
		if w.err != nil {
			return w.err
		}
	}

	r = newRec(400)
	r.put(1, 1, "9")
	if kind == Remittance && h.Bank == "033" {
		r.num(2, 7, int64(w.lines+1))
		r.num(8, 20, int64(total))
		r.num(21, 394, 0)
	}
	if kind == Return {
		r.put(2, 2, "2")
		r.put(3, 4, "01")
		r.put(5, 7, h.Bank)
		r.num(18, 25, int64(count))
		r.num(26, 39, int64(total))
		if itau {
			r.num(213, 220, int64(count))
			r.num(221, 234, int64(total))
		}
	}
	r.num(395, 400, int64(w.lines+1))
	w.line(r)
	return w.err
}

func payer400(r rec, e Event, nameTo int) {
	p := e.Payer
	r.num(219, 220, docType(p.Document))
	r.digits(221, 234, p.Document)
	r.put(235, nameTo, p.Name)
}

func itauRemittance(h Header, e Event) rec {
	b := h.Beneficiary
	r := newRec(400)
	r.put(1, 1, "1")
	r.num(2, 3, docType(b.Document))
	r.digits(4, 17, b.Document)
	r.digits(18, 21, b.Agency)
	r.put(22, 23, "00")
	r.digits(24, 28, b.Account)
	r.put(29, 29, b.AccountDV)
	r.num(34, 37, 0)
	r.put(38, 62, e.CompanyUse)
	r.digits(63, 70, e.OurNumber)
	r.num(71, 83, 0)
	r.digits(84, 86, b.Wallet)
	r.put(108, 108, "I")
	r.put(109, 110, "01")
	r.put(111, 120, e.DocumentNumber)
	r.date6(121, ymd(e.Due))
	r.num(127, 139, int64(e.Amount))
	r.put(140, 142, "341")
	r.num(143, 147, 0)
	r.put(148, 149, "01")
	r.put(150, 150, "N")
	r.date6(151, ymd(e.Issue))
	r.put(157, 160, "0000")
	r.num(161, 173, int64(e.InterestPerDay))
	r.date6(174, ymd(e.DiscountUntil))
	r.num(180, 192, int64(e.Title.Discount))
	r.num(193, 205, 0)
	r.num(206, 218, int64(e.Rebate))
	payer400(r, e, 264)
	r.put(275, 314, e.Payer.Address)
	r.put(315, 326, e.Payer.District)
	r.digits(327, 334, e.Payer.ZIP)
	r.put(335, 349, e.Payer.City)
	r.put(350, 351, e.Payer.State)
	r.date6(386, "")
	r.num(392, 393, 0)
	return r
}

func itauReturn(h Header, e Event) rec {
	b := h.Beneficiary
	_, dv, _ := ourNumberField(h, e.Title)
	r := newRec(400)
	r.put(1, 1, "1")
	r.num(2, 3, docType(b.Document))
	r.digits(4, 17, b.Document)
	r.digits(18, 21, b.Agency)
	r.put(22, 23, "00")
	r.digits(24, 28, b.Account)
	r.put(29, 29, b.AccountDV)
	r.put(38, 62, e.CompanyUse)
	r.digits(63, 70, e.OurNumber)
	r.digits(83, 85, b.Wallet)
	r.digits(86, 93, e.OurNumber)
	r.put(94, 94, dv)
	r.put(108, 108, "I")
	r.digits(109, 110, e.Code)
	r.date6(111, ymd(e.OccurredOn))
	r.put(117, 126, e.DocumentNumber)
	r.digits(127, 134, e.OurNumber)
	r.date6(147, ymd(e.Due))
	r.num(153, 165, int64(e.Amount))
	r.put(166, 168, "341")
	r.num(169, 173, 0)
	r.put(174, 175, "01")
	r.num(176, 188, int64(e.Fee))
	r.num(215, 227, int64(e.IOF))
	r.num(228, 240, int64(e.Rebate))
	r.num(241, 253, int64(e.Discount))
	r.num(254, 266, int64(e.Paid))
	r.num(267, 279, int64(e.Interest))
	r.num(280, 292, 0)
	r.put(293, 293, "0")
	r.date6(296, ymd(e.CreditOn))
	r.put(325, 354, e.Payer.Name)
	r.put(378, 385, strings.Join(e.Reasons, ""))
	return r
}

func bradescoCompany(r rec, b Beneficiary) {
	r.put(21, 21, "0")
	r.digits(22, 24, b.Wallet)
	r.digits(25, 29, b.Agency)
	r.digits(30, 36, b.Account)
	r.put(37, 37, b.AccountDV)
}

func bradescoRemittance(h Header, e Event) rec {
	b := h.Beneficiary
	_, dv, _ := ourNumberField(h, e.Title)
	r := newRec(400)
	r.put(1, 1, "1")
	r.num(2, 20, 0)
	bradescoCompany(r, b)
	r.put(38, 62, e.CompanyUse)
	r.num(63, 70, 0)
	r.digits(71, 81, e.OurNumber)
	r.put(82, 82, dv)
	r.num(83, 92, 0)
	r.put(93, 93, "2")
	r.put(94, 94, "N")
	r.put(109, 110, "01")
	r.put(111, 120, e.DocumentNumber)
	r.date6(121, ymd(e.Due))
	r.num(127, 139, int64(e.Amount))
	r.num(140, 147, 0)
	r.put(148, 149, "01")
	r.put(150, 150, "N")
	r.date6(151, ymd(e.Issue))
	r.put(157, 160, "0000")
	r.num(161, 173, int64(e.InterestPerDay))
	r.date6(174, ymd(e.DiscountUntil))
	r.num(180, 192, int64(e.Title.Discount))
	r.num(193, 205, 0)
	r.num(206, 218, int64(e.Rebate))
	payer400(r, e, 274)
	r.put(275, 314, e.Payer.Address)
	r.digits(327, 334, e.Payer.ZIP)
	return r
}

func bradescoReturn(h Header, e Event) rec {
	b := h.Beneficiary
	_, dv, _ := ourNumberField(h, e.Title)
	r := newRec(400)
	r.put(1, 1, "1")
	r.num(2, 3, docType(b.Document))
	r.digits(4, 17, b.Document)
	r.num(18, 20, 0)
	bradescoCompany(r, b)
	r.put(38, 62, e.CompanyUse)
	r.num(63, 70, 0)
	r.digits(71, 81, e.OurNumber)
	r.put(82, 82, dv)
	r.num(83, 104, 0)
	r.put(108, 108, string(b.Wallet[len(b.Wallet)-1]))
	r.digits(109, 110, e.Code)
	r.date6(111, ymd(e.OccurredOn))
	r.put(117, 126, e.DocumentNumber)
	r.digits(127, 146, e.OurNumber+dv)
	r.date6(147, ymd(e.Due))
	r.num(153, 165, int64(e.Amount))
	r.put(166, 168, "237")
	r.num(169, 173, 0)
	r.num(176, 188, int64(e.Fee))
	r.num(189, 214, 0)
	r.num(215, 227, int64(e.IOF))
	r.num(228, 240, int64(e.Rebate))
	r.num(241, 253, int64(e.Discount))
	r.num(254, 266, int64(e.Paid))
	r.num(267, 279, int64(e.Interest))
	r.num(280, 292, 0)
	r.date6(296, ymd(e.CreditOn))
	r.put(319, 328, strings.Join(e.Reasons, ""))
	return r
}

// genericReturn400 writes a return detail at the positions of lay (Banco
// do Brasil, Caixa and Santander).
func genericReturn400(h Header, lay layout400, e Event) (rec, error) {
	b := h.Beneficiary
	acc := boleto.Account{Bank: h.Bank, Agency: b.Agency, Account: b.Account, Wallet: b.Wallet, Agreement: b.Agreement, OurNumber: e.OurNumber}
	ff, err := boleto.EncodeFreeField(acc)
	if err != nil {
		return nil, err
	}
	nn := ff.OurNumber
	if w := lay.rOurNumber.to - lay.rOurNumber.from + 1; len(strings.TrimLeft(nn, "0")) > w {
		return nil, fmt.Errorf("nosso número %s does not fit the %d positions of %s's CNAB 400", nn, w, lay.name)
	}
	r := newRec(400)
	r[0] = lay.detail
	r.num(2, 3, docType(b.Document))
	r.digits(4, 17, b.Document)
	r.put(lay.rCompanyUse.from, lay.rCompanyUse.to, e.CompanyUse)
	r.digits(lay.rOurNumber.from, lay.rOurNumber.to, nn)
	if h.Bank == "033" {
		r.put(lay.rOurNumber.to+1, lay.rOurNumber.to+1, ff.OurNumberDV)
	}
	r.put(lay.rWallet, lay.rWallet, "1")
	r.digits(109, 110, e.Code)
	r.dateN(lay.rOccDate.from, ymd(e.OccurredOn), 6)
	r.put(lay.rDoc.from, lay.rDoc.to, e.DocumentNumber)
	r.dateN(lay.rDue.from, ymd(e.Due), 6)
	r.num(lay.rValue.from, lay.rValue.to, int64(e.Amount))
	r.num(lay.rFee.from, lay.rFee.to, int64(e.Fee))
	r.num(lay.rIOF.from, lay.rIOF.to, int64(e.IOF))
	r.num(lay.rRebate.from, lay.rRebate.to, int64(e.Rebate))
	r.num(lay.rDiscount.from, lay.rDiscount.to, int64(e.Discount))
	r.num(lay.rPaid.from, lay.rPaid.to, int64(e.Paid))
	r.num(lay.rInterest.from, lay.rInterest.to, int64(e.Interest))
	r.dateN(lay.rCredit.from, ymd(e.CreditOn), 6)
	if lay.rReasons.from > 0 {
		var rs strings.Builder
		for _, c := range e.Reasons {
			for len(c) < lay.reasonWidth {
				c = "0" + c
			}
			rs.WriteString(c)
		}
		r.put(lay.rReasons.from, lay.rReasons.to, rs.String())
	}
	if lay.rPayerName.from > 0 {
		r.put(lay.rPayerName.from, lay.rPayerName.to, e.Payer.Name)
	}
	return r, nil
}

func padRightZeros(s string, n int) string {
	for len(s) < n {
		s += "0"
	}
	return s
}

// genericRemittance400 writes a remessa detail of Banco do Brasil (CBR643,
// type 7), Caixa (SIGCB) or Santander at the positions of their layouts.
func genericRemittance400(h Header, lay layout400, e Event) (rec, error) {
	b := h.Beneficiary
	acc := boleto.Account{Bank: h.Bank, Agency: b.Agency, Account: b.Account, Wallet: b.Wallet, Agreement: b.Agreement, OurNumber: e.OurNumber}
	ff, err := boleto.EncodeFreeField(acc)
	if err != nil {
		return nil, err
	}
	nn := ff.OurNumber
	if w := lay.pOurNumber.to - lay.pOurNumber.from + 1; len(strings.TrimLeft(nn, "0")) > w {
		return nil, fmt.Errorf("nosso número %s does not fit the %d positions of %s's CNAB 400", nn, w, lay.name)
	}
	r := newRec(400)
	r[0] = lay.detail
	r.num(2, 3, docType(b.Document))
	r.digits(4, 17, b.Document)
	r.put(lay.pCompanyUse.from, lay.pCompanyUse.to, e.CompanyUse)
	r.digits(lay.pOurNumber.from, lay.pOurNumber.to, nn)
	r.put(109, 110, "01")
	r.put(lay.pDoc.from, lay.pDoc.to, e.DocumentNumber)
	r.dateN(lay.pDue.from, ymd(e.Due), 6)
	r.num(lay.pValue.from, lay.pValue.to, int64(e.Amount))
	r.put(140, 142, h.Bank)
	r.num(143, 147, 0)
	r.put(148, 150, "01N") // duplicata mercantil, não aceite
	r.dateN(151, ymd(e.Issue), 6)
	r.num(lay.pInterest.from, lay.pInterest.to, int64(e.InterestPerDay))
	r.dateN(174, ymd(e.DiscountUntil), 6)
	r.num(lay.pDiscount.from, lay.pDiscount.to, int64(e.Title.Discount))
	r.num(193, 205, 0)
	r.num(lay.pRebate.from, lay.pRebate.to, int64(e.Rebate))
	r.num(219, 220, docType(e.Payer.Document))
	r.digits(lay.pPayerDoc.from, lay.pPayerDoc.to, e.Payer.Document)
	r.put(lay.pPayerName.from, lay.pPayerName.to, e.Payer.Name)
	zip := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, e.Payer.ZIP)
	switch h.Bank {
	case "001":
		r.digits(18, 21, b.Agency)
		r.put(22, 22, b.AgencyDV)
		r.digits(23, 30, b.Account)
		r.put(31, 31, b.AccountDV)
		r.digits(32, 38, b.Agreement)
		r.num(81, 84, 0)
		r.num(92, 94, 0) // variação da carteira
		r.num(95, 101, 0)
		r.digits(107, 108, b.Wallet)
		r.put(147, 147, " ")
		r.put(157, 160, "0700") // 07: não protestar
		r.put(275, 326, e.Payer.Address+" "+e.Payer.District)
		r.digits(327, 334, zip)
		r.put(335, 349, e.Payer.City)
		r.put(350, 351, e.Payer.State)
	case "104":
		r.digits(18, 21, b.Agency)
		r.digits(22, 27, b.Agreement)
		r.put(28, 31, "2000") // beneficiary issues and delivers; no comissão de permanência
		if e.InterestPerDay > 0 {
			r.dateN(78, ymd(e.Due.AddDate(0, 0, 1)), 6)
		} else {
			r.num(78, 83, 0)
		}
		if e.Title.Discount > 0 {
			r.put(84, 84, "1")
		} else {
			r.put(84, 84, "0")
		}
		r.put(107, 108, "01")
		r.put(157, 160, "0200") // 02: devolver (não protestar)
		r.put(275, 314, e.Payer.Address)
		r.put(315, 326, e.Payer.District)
		r.digits(327, 334, zip)
		r.put(335, 349, e.Payer.City)
		r.put(350, 351, e.Payer.State)
		r.num(352, 367, 0)
		r.num(390, 393, 0)
	case "033":
		r.put(18, 37, padRightZeros(b.Agreement, 20)) // código de transmissão
		r.put(70, 70, ff.OurNumberDV)
		r.num(71, 76, 0)
		r.put(78, 82, "00000")
		r.num(83, 97, 0)
		r.num(102, 107, 0)
		r.put(108, 108, map[string]string{"101": "5", "102": "4"}[ff.Decoded.Wallet])
		r.put(157, 160, "0000")
		r.put(275, 314, e.Payer.Address)
		r.put(315, 326, e.Payer.District)
		r.digits(327, 334, zip)
		r.put(335, 349, e.Payer.City)
		r.put(350, 351, e.Payer.State)
		r.put(383, 383, "I")
		if len(b.Account) > 0 {
			r.put(384, 384, b.Account[len(b.Account)-1:])
		}
		r.put(385, 385, b.AccountDV)
		r.num(392, 393, 0)
	}
	return r, nil
}
