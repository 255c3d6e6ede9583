package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// FuzzReader feeds arbitrary bytes to the whole importer: it must refuse or
// import, never panic or hang, and its counts must add up.
func FuzzReader(f *testing.F) {
	head := strings.Join(Columns(), ";")
	for _, s := range []string{
		csvOf(baseRow()),
		csvOf(baseRow(), with("valor_parcela", "x")),
		"sep=,\n" + strings.ReplaceAll(head, ";", ",") + "\n1,2,3\n",
		head + "\n\"unterminated;x\n",
		head + "\r\n\"multi\r\nline\";\"a\"\"b\"\r\n",
		"\ufeff" + head + "\n;;;\n\n",
		"\xff\xfe" + "h\x00;\x00",
		"PK\x03\x04",
		"a,b\rc,d\r",
		"\xe9;\xe7\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := &memStore{keep: true}
		s, err := Run(context.Background(), m, 1, 1, bytes.NewReader(data), Options{Now: fixedNow, BatchSize: 3})
		if err != nil {
			if !IsRefused(err) {
				t.Fatalf("error that is not a refusal: %v", err)
			}
			if m.batches != 0 {
				t.Fatal("refused file reached the store")
			}
			return
		}
		if s.Read != s.Rejected+len(m.rows) || s.Inserted != len(m.rows) {
			t.Fatalf("read %d rejected %d stored %d inserted %d", s.Read, s.Rejected, len(m.rows), s.Inserted)
		}
		last := 0
		for _, r := range m.rows {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			if r.Debtor.Document == "" || r.Debt.ContractNumber == "" || r.Installment.Number <= 0 || r.Installment.Amount <= 0 || r.Installment.DueDate.IsZero() {
				t.Fatalf("accepted an incomplete row: %+v", r)
			}
		}
	})
}

// FuzzRecords: fields written by encoding/csv come back unchanged.
func FuzzRecords(f *testing.F) {
	f.Add("a", "b;c", `d"e`)
	f.Add("", "\n", "\r\n")
	f.Add(" x ", "ção", "\"")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, s := range []string{a, b, c} {
			// encoding/csv turns \r\n into \n inside quoted fields and
			// cannot write a lone \r faithfully; neither is real data.
			if strings.ContainsRune(s, '\r') || strings.ContainsRune(s, 0) || !utf8Valid(s) {
				return
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = ';'
		w.Write([]string{"h1", "h2", "h3"})
		w.Write([]string{a, b, c})
		w.Flush()
		src, err := openSource(bytes.NewReader(buf.Bytes()), EncodingUTF8, ';')
		if err != nil {
			t.Skip(err)
		}
		rr := newRecordReader(src)
		var rec record
		var got [][]string
		for {
			err := rr.next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, append([]string(nil), rec.fields...))
		}
		if blank(a+b+c, ';') && !strings.ContainsAny(a+b+c, "\"\n") {
			return // a row of empty cells is skipped by design
		}
		if len(got) != 2 || len(got[1]) != 3 || got[1][0] != a || got[1][1] != b || got[1][2] != c {
			t.Fatalf("wrote %q, read %q", []string{a, b, c}, got)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// FuzzConvert checks one data line under the canonical header, without the
// pipeline around it: no panic, and what is accepted keeps the rules.
func FuzzConvert(f *testing.F) {
	head := strings.Join(Columns(), ";") + "\n"
	f.Add(strings.TrimPrefix(csvOf(baseRow()), head))
	f.Add(strings.TrimPrefix(csvOf(with("valor_pago", "1.500,00", "optout", "todos", "fuso_horario", "America/Manaus")), head))
	f.Add(strings.TrimPrefix(csvOf(with("cpf_cnpj", "25527907000134", "parcela", "3/12", "vencimento", "2026-02-29")), head))
	f.Fuzz(func(t *testing.T, line string) {
		src, err := openSource(strings.NewReader(head+line), EncodingUTF8, ';')
		if err != nil {
			return
		}
		rr := newRecordReader(src)
		var rec record
		if err := rr.next(&rec); err != nil {
			t.Fatal(err)
		}
		h, err := buildHeader(rec.fields, nil)
		if err != nil {
			t.Fatal(err)
		}
		h.delim = ';'
		c := newConverter(h, fixedNow(), DefaultLocale)
		for rr.next(&rec) == nil {
			var row store.ImportRow
			if !c.convert(&rec, &row) {
				if len(c.rejects) == 0 {
					t.Fatal("refused without a reason")
				}
				continue
			}
			in, d := row.Installment, row.Debt
			if row.Debtor.Document == "" || row.Debtor.Name == "" || d.ContractNumber == "" || in.Number <= 0 ||
				in.Amount <= 0 || in.Paid < 0 || in.Paid > in.Amount || in.DueDate.IsZero() ||
				(!d.OriginDate.IsZero() && in.DueDate.Before(d.OriginDate)) || !d.DelayReason.Valid() || row.Debtor.TimeZone == "" {
				t.Fatalf("accepted %+v", row)
			}
			for _, cp := range row.Contacts {
				if cp.Value == "" || (cp.Kind != domain.Email && !strings.HasPrefix(cp.Value, "+")) {
					t.Fatalf("contact %+v", cp)
				}
			}
		}
	})
}
