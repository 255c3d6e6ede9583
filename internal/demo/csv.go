package demo

import (
	"fmt"
	"io"
	"strings"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Header is the first line WriteCSV writes: the canonical pt-BR column
// names of the portfolio import format, in its documented order.
var Header = []string{
	"id_cliente", "cpf_cnpj", "nome", "data_nascimento",
	"telefone", "telefone2", "celular", "whatsapp", "email",
	"logradouro", "numero", "complemento", "bairro", "cidade", "cod_ibge", "uf", "cep",
	"idioma", "fuso_horario",
	"contrato", "produto", "data_origem", "valor_original",
	"parcela", "vencimento", "valor_parcela", "valor_pago", "motivo_atraso", "optout",
}

// WriteCSV writes opts' portfolio in the import format: UTF-8 without
// byte-order mark, ';' between fields, '\n' after each line, amounts with a
// decimal comma and no thousands separator ("1234,56"), dates dd/mm/aaaa,
// one line per installment in Generate's order. Like real exports it
// mixes a few formats where people do: most CPFs punctuated, some bare;
// phones as "(11) 98765-4321", "11987654321" or "+55 11 98765-4321"; most
// CEPs as "01310-100". The time zone column is left empty (derived from
// the address) and empty paid amounts mean nothing paid.
func WriteCSV(w io.Writer, opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, strings.Join(Header, ";")+"\n"); err != nil {
		return fmt.Errorf("demo: writing CSV header: %w", err)
	}
	left := opts.Rows
	err := produce(opts, fillCSV, func(c *chunk) error {
		out, done := c.csv, false
		if opts.Rows > 0 {
			out, left = cutLines(out, left)
			done = left == 0
		}
		if _, err := w.Write(out); err != nil {
			return fmt.Errorf("demo: writing CSV: %w", err)
		}
		if done {
			return errEnough
		}
		return nil
	})
	if err == errEnough {
		err = nil
	}
	return err
}

// cutLines returns the first n lines of b at most, and how many of the n
// are still to come.
func cutLines(b []byte, n int) ([]byte, int) {
	for i, c := range b {
		if c == '\n' {
			if n--; n == 0 {
				return b[:i+1], 0
			}
		}
	}
	return b, n
}

// csvScratch are buffers reused from debtor to debtor.
type csvScratch struct{ deb, dbt []byte }

// appendDebtorCSV appends one line per installment of rec: the debtor's
// and the debt's fields are formatted once and repeated.
func appendDebtorCSV(b []byte, rec *debtorRec, s *csvScratch) []byte {
	s.deb = appendDebtorFields(s.deb[:0], rec)
	for di := range rec.debts {
		d := &rec.debts[di]
		s.dbt = appendDebtFields(s.dbt[:0], d)
		for ii := range d.insts {
			in := &d.insts[ii].inst
			b = append(b, s.deb...)
			b = append(b, s.dbt...)
			b = appendInt(b, in.Number)
			b = append(b, ';')
			b = appendDate(b, in.DueDate)
			b = append(b, ';')
			b = appendMoney(b, in.Amount)
			b = append(b, ';')
			if in.Paid != 0 {
				b = appendMoney(b, in.Paid)
			}
			b = append(b, ';')
			b = append(b, d.debt.DelayReason...)
			b = append(b, ';')
			b = appendField(b, rec.optOut)
			b = append(b, '\n')
		}
	}
	return b
}

// appendDebtorFields writes the columns id_cliente … fuso_horario, each
// followed by ';'.
func appendDebtorFields(b []byte, rec *debtorRec) []byte {
	d := &rec.debtor
	sep := func() { b = append(b, ';') }
	b = appendField(b, d.ExtID)
	sep()
	b = appendDocument(b, d.Document, rec.plainDoc)
	sep()
	b = appendField(b, d.Name)
	sep()
	if !d.Birth.IsZero() {
		b = appendDate(b, d.Birth)
	}
	sep()
	b = appendPhone(b, rec.landline, rec.phoneStyle)
	sep()
	b = appendPhone(b, rec.phone2, rec.phoneStyle)
	sep()
	b = appendPhone(b, rec.mobile, rec.phoneStyle)
	sep()
	if rec.whatsapp {
		b = appendPhone(b, rec.mobile, rec.phoneStyle)
	}
	sep()
	b = appendField(b, rec.email)
	sep()
	a := &d.Address
	for _, s := range []string{a.Street, a.Number, a.Complement, a.District, a.City, a.Municipality, a.UF} {
		b = appendField(b, s)
		sep()
	}
	if a.CEP != "" && !rec.plainCEP {
		b = append(b, a.CEP[:5]...)
		b = append(b, '-')
		b = append(b, a.CEP[5:]...)
	} else {
		b = append(b, a.CEP...)
	}
	sep()
	b = appendField(b, d.Locale)
	sep()
	// fuso_horario: empty, derived from the address on import.
	sep()
	return b
}

// appendDebtFields writes contrato … valor_original, each followed by ';'.
func appendDebtFields(b []byte, d *debtRec) []byte {
	b = appendField(b, d.debt.ContractNumber)
	b = append(b, ';')
	b = appendField(b, d.debt.Product)
	b = append(b, ';')
	b = appendDate(b, d.debt.OriginDate)
	b = append(b, ';')
	b = appendMoney(b, d.debt.OriginalPrincipal)
	return append(b, ';')
}

// appendField writes s, quoted when it holds the delimiter, a quote or a
// line break (none of the generated values do; the writer stays correct
// if the lists change).
func appendField(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ';' || c == '"' || c == '\r' || c == '\n' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func appendDocument(b []byte, n string, plain bool) []byte {
	switch {
	case plain:
		return append(b, n...)
	case len(n) == 11: // CPF 123.456.789-09
		b = append(b, n[0:3]...)
		b = append(b, '.')
		b = append(b, n[3:6]...)
		b = append(b, '.')
		b = append(b, n[6:9]...)
		b = append(b, '-')
		return append(b, n[9:]...)
	case len(n) == 14: // CNPJ 12.345.678/0001-95
		b = append(b, n[0:2]...)
		b = append(b, '.')
		b = append(b, n[2:5]...)
		b = append(b, '.')
		b = append(b, n[5:8]...)
		b = append(b, '/')
		b = append(b, n[8:12]...)
		b = append(b, '-')
		return append(b, n[12:]...)
	}
	return append(b, n...)
}

// appendPhone writes an E.164 Brazilian number ("+5511987654321") in one
// of the ways people write them.
func appendPhone(b []byte, e164 string, style uint8) []byte {
	if len(e164) < 13 {
		return append(b, e164...)
	}
	ddd, sub := e164[3:5], e164[5:]
	cut := len(sub) - 4
	switch style {
	case 1:
		b = append(b, ddd...)
		return append(b, sub...)
	case 2:
		b = append(b, "+55 "...)
		b = append(b, ddd...)
		b = append(b, ' ')
	default:
		b = append(b, '(')
		b = append(b, ddd...)
		b = append(b, ") "...)
	}
	b = append(b, sub[:cut]...)
	b = append(b, '-')
	return append(b, sub[cut:]...)
}

// appendDate writes dd/mm/aaaa.
func appendDate(b []byte, d date.Date) []byte {
	day, month, year := d.Day(), int(d.Month()), d.Year()
	b = append(b, byte('0'+day/10), byte('0'+day%10), '/', byte('0'+month/10), byte('0'+month%10), '/')
	return append(b, byte('0'+year/1000%10), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10))
}

// appendMoney writes "1234,56" (non-negative amounts only are generated).
func appendMoney(b []byte, m money.Money) []byte {
	c := m.Cents()
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = appendInt(b, int(c/100))
	return append(b, ',', byte('0'+c%100/10), byte('0'+c%10))
}
