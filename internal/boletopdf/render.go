// Package boletopdf renders a boleto as a PDF page: the payer's receipt
// (recibo do pagador) on top and the ficha de compensação below, with the
// linha digitável, the Interleaved 2 of 5 barcode at FEBRABAN's size
// (103 mm × 13 mm, 5 mm quiet zone, its centre 12 mm above the bottom of
// the ficha) and, for a boleto híbrido, the PIX QR code and its copia e
// cola text on the same page.
package boletopdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/boombuler/barcode/twooffive"
	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/regua/regua/internal/boleto"
)

// Party is a person or company on the boleto.
type Party struct {
	Name     string
	Document string // CPF or CNPJ as it should be printed
	Address  string
}

// Document is everything printed on a boleto.
type Document struct {
	Barcode        boleto.Barcode
	OurNumber      string // nosso número as printed (with check digit), e.g. FreeField.Display
	AgencyCode     string // agência / código do beneficiário as printed
	Wallet         string // carteira
	Beneficiary    Party  // CDC art. 42-A: name, address and CPF/CNPJ are required
	Payer          Party
	DocumentNumber string // seu número
	Species        string // espécie do documento, e.g. DM
	Accept         string // aceite, A or N
	IssueDate      time.Time
	ProcessDate    time.Time
	PaymentPlace   string
	Instructions   []string
	PIX            string // BR Code payload ("copia e cola"); empty: no QR code
}

// bank check digits printed after the bank code (código do banco com DV).
var bankDV = map[string]string{"001": "9", "033": "7", "104": "0", "237": "2", "341": "7"}

// Standard sizes (mm).
const (
	barcodeWidth  = 103.0
	barcodeHeight = 13.0
	quietZone     = 5.0
)

// Render writes the PDF of d to w.
func Render(w io.Writer, d Document) error {
	if err := check(d); err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTitle("Boleto "+d.OurNumber, true)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 → cp1252 for the core fonts
	p := &page{pdf: pdf, tr: tr}

	line := boleto.FormatDigitable(d.Barcode.Digitable())
	due, hasDue, err := d.Barcode.DueDate(dateOr(d.ProcessDate, time.Now()))
	if err != nil {
		return err
	}
	dueText := "Contra apresentação"
	if hasDue {
		dueText = due.Format("02/01/2006")
	}
	amount := d.Barcode.Amount.Format("pt-BR")

	// Recibo do pagador.
	y := 10.0
	p.header(y, d.Barcode.Bank, line)
	y += 10
	p.box(10, y, 130, 12, "Beneficiário", d.Beneficiary.Name+"  CPF/CNPJ "+d.Beneficiary.Document, d.Beneficiary.Address)
	p.box(140, y, 60, 12, "Vencimento", dueText, "")
	y += 12
	p.box(10, y, 130, 12, "Pagador", d.Payer.Name+"  CPF/CNPJ "+d.Payer.Document, d.Payer.Address)
	p.box(140, y, 60, 12, "Valor do documento", amount, "")
	y += 12
	p.box(10, y, 45, 10, "Nosso número", d.OurNumber, "")
	p.box(55, y, 45, 10, "Nº do documento", d.DocumentNumber, "")
	p.box(100, y, 40, 10, "Agência/Código beneficiário", d.AgencyCode, "")
	p.box(140, y, 60, 10, "Data do documento", dateText(d.IssueDate), "")
	y += 10
	if d.PIX != "" {
		if err := p.pix(10, y+2, d.PIX); err != nil {
			return err
		}
	} else {
		pdf.SetFont("Helvetica", "", 7)
		pdf.SetXY(10, y+2)
		pdf.CellFormat(190, 4, tr("Recibo do Pagador"), "", 0, "R", false, 0, "")
	}

	// Cut line between receipt and ficha.
	cut := 140.0
	pdf.SetDashPattern([]float64{1, 1}, 0)
	pdf.SetLineWidth(0.2)
	pdf.Line(10, cut, 200, cut)
	pdf.SetDashPattern([]float64{}, 0)
	pdf.SetFont("Helvetica", "", 6)
	pdf.SetXY(10, cut-4)
	pdf.CellFormat(190, 3, tr("Recibo do Pagador — corte na linha pontilhada"), "", 0, "R", false, 0, "")

	// Ficha de compensação.
	y = cut + 8
	p.header(y, d.Barcode.Bank, line)
	y += 10
	place := d.PaymentPlace
	if place == "" {
		place = "Pagável em qualquer banco, lotérica ou aplicativo até o vencimento"
	}
	p.box(10, y, 140, 9, "Local de pagamento", place, "")
	p.box(150, y, 50, 9, "Vencimento", dueText, "")
	y += 9
	p.box(10, y, 140, 12, "Beneficiário", d.Beneficiary.Name+"  CPF/CNPJ "+d.Beneficiary.Document, d.Beneficiary.Address)
	p.box(150, y, 50, 12, "Agência/Código beneficiário", d.AgencyCode, "")
	y += 12
	p.box(10, y, 28, 9, "Data do documento", dateText(d.IssueDate), "")
	p.box(38, y, 40, 9, "Nº do documento", d.DocumentNumber, "")
	p.box(78, y, 22, 9, "Espécie doc.", d.Species, "")
	p.box(100, y, 12, 9, "Aceite", d.Accept, "")
	p.box(112, y, 38, 9, "Data processamento", dateText(d.ProcessDate), "")
	p.box(150, y, 50, 9, "Nosso número", d.OurNumber, "")
	y += 9
	p.box(10, y, 28, 9, "Uso do banco", "", "")
	p.box(38, y, 20, 9, "Carteira", d.Wallet, "")
	p.box(58, y, 20, 9, "Espécie", "R$", "")
	p.box(78, y, 34, 9, "Quantidade", "", "")
	p.box(112, y, 38, 9, "Valor", "", "")
	p.box(150, y, 50, 9, "(=) Valor do documento", amount, "")
	y += 9
	p.instructions(10, y, 140, 30, d.Instructions)
	for i, label := range []string{"(-) Desconto / Abatimento", "(+) Mora / Multa / Juros", "(=) Valor cobrado"} {
		p.box(150, y+float64(i)*10, 50, 10, label, "", "")
	}
	y += 30
	p.box(10, y, 190, 14, "Pagador", d.Payer.Name+"  CPF/CNPJ "+d.Payer.Document, d.Payer.Address)
	y += 14
	pdf.SetFont("Helvetica", "", 6)
	pdf.SetXY(10, y+0.5)
	pdf.CellFormat(120, 3, tr("Sacador/Avalista"), "", 0, "L", false, 0, "")
	pdf.SetXY(130, y+0.5)
	pdf.CellFormat(70, 3, tr("Autenticação mecânica — Ficha de Compensação"), "", 0, "R", false, 0, "")

	// The ficha ends 24 mm under this line; the barcode's centre sits 12 mm
	// above its bottom.
	fichaBottom := y + 24
	if err := p.barcode(10+quietZone, fichaBottom-12-barcodeHeight/2, d.Barcode.String()); err != nil {
		return err
	}
	if pdf.Err() {
		return pdf.Error()
	}
	return pdf.Output(w)
}

func check(d Document) error {
	var missing []string
	for _, f := range []struct{ v, name string }{
		{d.Beneficiary.Name, "beneficiary name"}, {d.Beneficiary.Document, "beneficiary CPF/CNPJ"},
		{d.Beneficiary.Address, "beneficiary address"}, {d.Payer.Name, "payer name"}, {d.Payer.Document, "payer CPF/CNPJ"},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("boletopdf: missing %s (a collection document must name the creditor with address and CPF/CNPJ, CDC art. 42-A)", strings.Join(missing, ", "))
	}
	if len(d.Barcode.String()) != 44 || d.Barcode.Amount < 0 || d.Barcode.Amount > boleto.MaxAmount {
		return errors.New("boletopdf: the barcode is not a valid boleto barcode")
	}
	return nil
}

func dateOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

type page struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

// header draws the bank name, its code with DV and the linha digitável.
func (p *page) header(y float64, bank, line string) {
	pdf := p.pdf
	pdf.SetLineWidth(0.3)
	pdf.Line(10, y+9, 200, y+9)
	// The bank's name shrinks to fit left of the code box.
	name := p.tr(boleto.BankName(bank))
	size := 11.0
	pdf.SetFont("Helvetica", "B", size)
	for size > 6 && pdf.GetStringWidth(name) > 44 {
		size -= 0.5
		pdf.SetFont("Helvetica", "B", size)
	}
	pdf.SetXY(10, y+1)
	pdf.CellFormat(45, 7, name, "", 0, "L", false, 0, "")
	pdf.SetLineWidth(1.2)
	pdf.Line(56, y+1, 56, y+9)
	pdf.Line(76, y+1, 76, y+9)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.SetXY(56, y+1.5)
	code := bank
	if dv, ok := bankDV[bank]; ok {
		code += "-" + dv
	}
	pdf.CellFormat(20, 7, code, "", 0, "C", false, 0, "")
	pdf.SetFont("Helvetica", "B", 11)
	pdf.SetXY(78, y+1.5)
	pdf.CellFormat(122, 7, line, "", 0, "R", false, 0, "")
	pdf.SetLineWidth(0.2)
}

// box draws a labelled field.
func (p *page) box(x, y, w, h float64, label, value, second string) {
	pdf := p.pdf
	pdf.SetLineWidth(0.2)
	pdf.Rect(x, y, w, h, "D")
	pdf.SetFont("Helvetica", "", 5.5)
	pdf.SetXY(x+0.8, y+0.4)
	pdf.CellFormat(w-1.6, 2.6, p.tr(label), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 8)
	pdf.SetXY(x+0.8, y+3)
	pdf.CellFormat(w-1.6, 4, p.tr(fit(pdf, p.tr, value, w-2)), "", 0, "L", false, 0, "")
	if second != "" {
		pdf.SetFont("Helvetica", "", 7)
		pdf.SetXY(x+0.8, y+7)
		pdf.CellFormat(w-1.6, 3.5, p.tr(fit(pdf, p.tr, second, w-2)), "", 0, "L", false, 0, "")
	}
}

// fit cuts s to the width available with the current font.
func fit(pdf *fpdf.Fpdf, tr func(string) string, s string, w float64) string {
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(tr(string(r))) > w {
		r = r[:len(r)-1]
	}
	return string(r)
}

func (p *page) instructions(x, y, w, h float64, lines []string) {
	pdf := p.pdf
	pdf.Rect(x, y, w, h, "D")
	pdf.SetFont("Helvetica", "", 5.5)
	pdf.SetXY(x+0.8, y+0.4)
	pdf.CellFormat(w-1.6, 2.6, p.tr("Instruções (texto de responsabilidade do beneficiário)"), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 7.5)
	yy := y + 4
	for _, l := range lines {
		if yy > y+h-3.5 {
			break
		}
		pdf.SetXY(x+0.8, yy)
		pdf.CellFormat(w-1.6, 3.4, p.tr(fit(pdf, p.tr, l, w-2)), "", 0, "L", false, 0, "")
		yy += 3.6
	}
}

// barcode draws the Interleaved 2 of 5 symbol scaled to 103 mm × 13 mm,
// bar by bar as vector rectangles (sharp at any resolution).
func (p *page) barcode(x, y float64, code string) error {
	bc, err := twooffive.Encode(code, true)
	if err != nil {
		return fmt.Errorf("boletopdf: barcode: %w", err)
	}
	b := bc.Bounds()
	modules := b.Dx()
	unit := barcodeWidth / float64(modules)
	p.pdf.SetFillColor(0, 0, 0)
	for i := 0; i < modules; {
		if !isDark(bc.At(b.Min.X+i, b.Min.Y)) {
			i++
			continue
		}
		j := i
		for j < modules && isDark(bc.At(b.Min.X+j, b.Min.Y)) {
			j++
		}
		p.pdf.Rect(x+float64(i)*unit, y, float64(j-i)*unit, barcodeHeight, "F")
		i = j
	}
	return nil
}

type rgba interface{ RGBA() (r, g, b, a uint32) }

func isDark(c rgba) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}

// pix draws the QR code of the BR Code payload with its copia e cola text.
func (p *page) pix(x, y float64, payload string) error {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("boletopdf: PIX QR code: %w", err)
	}
	q.DisableBorder = false
	bm := q.Bitmap() // includes the 4-module quiet zone
	const size = 40.0
	cell := size / float64(len(bm))
	p.pdf.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for c, dark := range row {
			if dark {
				p.pdf.Rect(x+float64(c)*cell, y+float64(r)*cell, cell, cell, "F")
			}
		}
	}
	pdf := p.pdf
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetXY(x+size+3, y+2)
	pdf.CellFormat(140, 5, p.tr("Pague com PIX: aponte a câmera do app do seu banco para o QR code"), "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 7)
	pdf.SetXY(x+size+3, y+8)
	pdf.CellFormat(140, 4, p.tr("ou use o PIX copia e cola:"), "", 0, "L", false, 0, "")
	pdf.SetFont("Courier", "", 6.5)
	pdf.SetXY(x+size+3, y+12)
	pdf.MultiCell(140, 3, payload, "", "L", false)
	return nil
}
