package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestSplitRecord(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a;b;c", []string{"a", "b", "c"}},
		{"", []string{""}},
		{";", []string{"", ""}},
		{"a;;c;", []string{"a", "", "c", ""}},
		{`"a;b";c`, []string{"a;b", "c"}},
		{`"say ""hi""";x`, []string{`say "hi"`, "x"}},
		{`"";""`, []string{"", ""}},
		{`"a"b;c`, []string{"ab", "c"}},   // text after the closing quote is kept
		{`ab"c;d`, []string{`ab"c`, "d"}}, // a stray quote inside an unquoted field is text
		{`"open;x`, []string{"open;x"}},   // unterminated: the rest is the field
		{"\"two\nlines\";z", []string{"two\nlines", "z"}},
		{`"a";`, []string{"a", ""}},
	}
	for _, tt := range tests {
		got := splitRecord(tt.in, ';', nil)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("splitRecord(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// readAll opens data and returns every record after the header.
func readAll(t *testing.T, data string) (*source, []record) {
	t.Helper()
	src, err := openSource(strings.NewReader(data), EncodingAuto, 0)
	if err != nil {
		t.Fatal(err)
	}
	rr := newRecordReader(src)
	var out []record
	for {
		var rec record
		err := rr.next(&rec)
		if err == io.EOF {
			return src, out
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.fields = append([]string(nil), rec.fields...)
		out = append(out, rec)
	}
}

func TestRecordReaderLines(t *testing.T) {
	data := "\r\nsep=;\r\nh1;h2\r\n\r\na;b\r\n;;\r\n\"multi\r\nline\";c\r\n  \r\nd;\"e\"\"f\"\r\ng;h"
	_, recs := readAll(t, data)
	want := []struct {
		line   int
		fields string
	}{{3, "h1|h2"}, {5, "a|b"}, {7, "multi\nline|c"}, {10, `d|e"f`}, {11, "g|h"}}
	if len(recs) != len(want) {
		t.Fatalf("got %d records: %+v", len(recs), recs)
	}
	for i, w := range want {
		if recs[i].line != w.line || strings.Join(recs[i].fields, "|") != w.fields {
			t.Errorf("record %d: line %d %q, want line %d %q", i, recs[i].line, recs[i].fields, w.line, w.fields)
		}
	}
	// Old Mac line ends.
	_, recs = readAll(t, "h1,h2\ra,b\rc,d\r")
	if len(recs) != 3 || recs[2].line != 3 || recs[2].fields[1] != "d" {
		t.Errorf("CR-only file: %+v", recs)
	}
}

func TestLongRecord(t *testing.T) {
	long := strings.Repeat("x", maxRecord+10)
	_, recs := readAll(t, "h1;h2\n"+long+";y\na;b\n")
	if len(recs) != 3 || recs[1].err == "" || recs[2].line != 3 || recs[2].fields[0] != "a" {
		t.Fatalf("records: %d, err %q", len(recs), recs[1].err)
	}
}

// encode returns s in the named encoding.
func encode(t *testing.T, enc, s string) string {
	t.Helper()
	switch enc {
	case "utf-8":
		return s
	case "utf-8-bom":
		return "\ufeff" + s
	case "windows-1252":
		out, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "iso-8859-1":
		out, err := charmap.ISO8859_1.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "utf-16le":
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("encoding %s", enc)
	return ""
}

// TestDetection covers delimiter, encoding, BOM and header alias detection.
func TestDetection(t *testing.T) {
	const name = "João Conceição Ñandú"
	rowWith := func(d string, header []string) string {
		vals := map[string]string{}
		for k, v := range with("nome", name) {
			vals[k] = v
		}
		var b strings.Builder
		b.WriteString(strings.Join(header, d) + "\r\n")
		canon := Columns()
		for i := range header {
			if i > 0 {
				b.WriteString(d)
			}
			v := vals[canon[i]]
			if strings.Contains(v, d) {
				v = `"` + v + `"`
			}
			b.WriteString(v)
		}
		return b.String() + "\r\n"
	}
	aliases := func(pick func(c string) string) []string {
		var h []string
		for _, c := range Columns() {
			h = append(h, pick(c))
		}
		return h
	}
	pt := Columns()
	es := aliases(func(c string) string {
		return orCanon(c, map[string]string{"cpf_cnpj": "Documento", "nome": "Nombre", "contrato": "Contrato", "parcela": "Cuota", "vencimento": "Fecha de Vencimiento",
			"valor_parcela": "Monto Cuota", "valor_pago": "Monto Pagado", "telefone": "Teléfono", "email": "Correo", "uf": "Estado", "cep": "Código Postal"})
	})
	en := aliases(func(c string) string {
		return orCanon(c, map[string]string{"id_cliente": "Customer ID", "cpf_cnpj": "Tax ID", "nome": "Name", "contrato": "Contract Number", "parcela": "Installment",
			"vencimento": "Due Date", "valor_parcela": "Amount", "valor_pago": "Paid Amount", "telefone": "Phone", "celular": "Mobile", "email": "E-mail",
			"uf": "State", "cep": "ZIP", "motivo_atraso": "Delay Reason", "optout": "Opt-Out", "data_origem": "Origin Date", "valor_original": "Original Principal"})
	})
	variants := aliases(func(c string) string {
		return orCanon(c, map[string]string{"cpf_cnpj": "CPF/CNPJ", "nome": "NOME DO CLIENTE", "contrato": "Nº Contrato", "parcela": "Nº Parcela",
			"vencimento": "Data de Vencimento", "valor_parcela": "Valor da Parcela", "email": "E-mail", "cod_ibge": "Código IBGE"})
	})
	tests := []struct {
		name, enc, delim string
		header           []string
		opt              Options
		wantEnc          string
	}{
		{"utf-8 ;", "utf-8", ";", pt, Options{}, "utf-8"},
		{"utf-8 ,", "utf-8", ",", pt, Options{}, "utf-8"},
		{"utf-8 tab", "utf-8", "\t", pt, Options{}, "utf-8"},
		{"utf-8 pipe", "utf-8", "|", pt, Options{}, "utf-8"},
		{"utf-8 BOM", "utf-8-bom", ";", pt, Options{}, "utf-8"},
		{"BOM wins over the option", "utf-8-bom", ";", pt, Options{Encoding: "latin1"}, "utf-8"},
		{"windows-1252 detected", "windows-1252", ";", pt, Options{}, "windows-1252"},
		{"iso-8859-1 by option", "iso-8859-1", ",", pt, Options{Encoding: "ISO-8859-1"}, "iso-8859-1"},
		{"utf-16 with BOM", "utf-16le", ";", pt, Options{}, "utf-16"},
		{"delimiter forced", "utf-8", ";", pt, Options{Delimiter: ";"}, "utf-8"},
		{"es headers", "windows-1252", ";", es, Options{}, "windows-1252"},
		{"en headers", "utf-8", ",", en, Options{}, "utf-8"},
		{"spelling variants", "utf-8", ";", variants, Options{}, "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encode(t, tt.enc, rowWith(tt.delim, tt.header))
			s, m, err := importMem(t, data, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.rows) != 1 {
				t.Fatalf("rows %d, rejects %v, ignored %v", len(m.rows), s.Rejects, s.IgnoredColumns)
			}
			if s.Encoding != tt.wantEnc || s.Delimiter != tt.delim {
				t.Errorf("detected %s %q, want %s %q", s.Encoding, s.Delimiter, tt.wantEnc, tt.delim)
			}
			if got := m.rows[0].Debtor.Name; got != name {
				t.Errorf("name %q, want %q", got, name)
			}
			if len(s.IgnoredColumns) != 0 {
				t.Errorf("ignored %v", s.IgnoredColumns)
			}
		})
	}
}

func orCanon(c string, m map[string]string) string {
	if v, ok := m[c]; ok {
		return v
	}
	return c
}

// TestMapping imports a file whose columns only a mapping explains.
func TestMapping(t *testing.T) {
	data := "Doc Cliente;Devedor;Operação;Prestação;Dt Vcto;Saldo;Observação\n" +
		"907.123.814-81;José;OP-1;1;10/10/2026;100,00;cliente antigo\n"
	if _, _, err := importMem(t, data, Options{}); !IsRefused(err) {
		t.Fatalf("without a mapping: %v", err)
	}
	m, err := ParseMapping(strings.NewReader(`{"doc cliente": "cpf_cnpj", "DEVEDOR": "nome", "Operação": "contract", "prestacao": "parcela",
		"Dt Vcto": "vencimento", "Saldo": "valor_parcela", "Observação": "-"}`))
	if err != nil {
		t.Fatal(err)
	}
	s, ms, err := importMem(t, data, Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.rows) != 1 || ms.rows[0].Debt.ContractNumber != "OP-1" || ms.rows[0].Installment.Amount != 10000 || len(s.IgnoredColumns) != 0 {
		t.Errorf("%+v %+v", s, ms.rows)
	}
	if _, err := ParseMapping(strings.NewReader(`{"x": "nao_existe"}`)); err == nil || !strings.Contains(err.Error(), "unknown column") {
		t.Errorf("bad target: %v", err)
	}
	if _, err := ParseMapping(strings.NewReader(`[1,2]`)); err == nil {
		t.Error("not an object accepted")
	}
	// Unknown columns are reported, not refused.
	s, _, err = importMem(t, strings.Replace(csvOf(baseRow()), "optout", "observacao", 1), Options{})
	if err != nil || len(s.IgnoredColumns) != 1 || s.IgnoredColumns[0] != "observacao" {
		t.Errorf("ignored %v %v", s.IgnoredColumns, err)
	}
}

// TestNotCSV: a file that is not a CSV, or has no usable header, is refused
// with one message and nothing stored.
func TestNotCSV(t *testing.T) {
	header := strings.Join(Columns(), ";")
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "empty"},
		{"blank", "\n\n  \n", "empty"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00rest of a workbook", "Excel workbook (.xlsx)"},
		{"xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", "old Excel workbook"},
		{"pdf", "%PDF-1.7\n%âãÏÓ\n1 0 obj", "PDF"},
		{"gzip", "\x1f\x8b\x08\x00\x00\x00", "gzip"},
		{"binary", "\x00\x01\x02\x03;\x00\xff\xfe\x00abc", "binary"},
		{"prose", "Prezados, segue a carteira do mês.\nAtt, Fulano\n", "none of the columns is known"},
		{"prose without punctuation", "Prezados segue a carteira\n", "no delimiter"},
		{"single column", "cpf\n90712381481\n", "no delimiter"},
		{"wrong delimiter forced", header + "\n", "single column"},
		{"required columns missing", "nome;cpf;telefone\nJosé;90712381481;11987654321\n", "contrato, parcela, vencimento, valor_parcela missing"},
		{"data without header", strings.TrimPrefix(csvOf(baseRow()), header+"\n"), "looks like data"},
		{"duplicate column", "cpf;documento;nome;contrato;parcela;vencimento;valor\n", `both mean cpf_cnpj`},
		{"header inside an open quote", "\"cpf;nome\n", "no delimiter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{}
			if tt.name == "wrong delimiter forced" {
				opt.Delimiter = ","
			}
			s, m, err := importMem(t, tt.data, opt)
			if !IsRefused(err) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			if !strings.Contains(err.Error(), tt.want) || s.Refused == "" || !strings.Contains(s.String(), "refused") {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
			if m.batches != 0 || len(m.runs) != 1 || m.runs[0].Error == "" || m.runs[0].FinishedAt.IsZero() {
				t.Errorf("store saw batches %d runs %+v", m.batches, m.runs)
			}
		})
	}
	// A header and no rows is a valid, empty import.
	s, m, err := importMem(t, header+"\n", Options{})
	if err != nil || s.Read != 0 || len(m.rows) != 0 {
		t.Errorf("header only: %+v %v", s, err)
	}
}

// TestReaderMatchesEncodingCSV checks records written by encoding/csv come
// back as written.
func TestReaderMatchesEncodingCSV(t *testing.T) {
	recs := [][]string{
		{"h1", "h2", "h3"},
		{"plain", "with;delim", `with "quotes"`},
		{"multi\nline", "", " spaces "},
		{"ação", "€", "\ttab"},
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.WriteAll(recs)
	_, got := readAll(t, b.String())
	if len(got) != len(recs) {
		t.Fatalf("%d records", len(got))
	}
	for i := range recs {
		if strings.Join(got[i].fields, "\x00") != strings.Join(recs[i], "\x00") {
			t.Errorf("record %d = %q, want %q", i, got[i].fields, recs[i])
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, opt := range []Options{{Encoding: "ebcdic"}, {Delimiter: "#"}, {Locale: "fr"}, {MappingFile: "/nonexistent/map.json"}} {
		if _, err := Run(context.Background(), &memStore{}, 1, 1, strings.NewReader("a;b\n"), opt); err == nil || IsRefused(err) {
			t.Errorf("%+v: err = %v", opt, err)
		}
	}
}

// TestMixedEncoding: a Windows-1252 record in a file read as UTF-8 (two
// exports concatenated) is decoded as Windows-1252 rather than garbled.
func TestMixedEncoding(t *testing.T) {
	data := csvOf(baseRow()) + strings.TrimPrefix(encode(t, "windows-1252", csvOf(with("nome", "Conceição", "contrato", "CC-2"))), strings.Join(Columns(), ";")+"\n")
	s, m, err := importMem(t, data, Options{})
	if err != nil || len(m.rows) != 2 || s.Encoding != "utf-8" {
		t.Fatalf("%+v %v", s, err)
	}
	if m.rows[1].Debtor.Name != "Conceição" {
		t.Errorf("name %q", m.rows[1].Debtor.Name)
	}
}
