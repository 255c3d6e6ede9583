package importer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// baseRow is one valid row by canonical column.
func baseRow() map[string]string {
	return map[string]string{
		"id_cliente": "CLI-1", "cpf_cnpj": "907.123.814-81", "nome": "José  da Conceição", "data_nascimento": "12/03/1978",
		"telefone": "(11) 3456-7890", "celular": "11 98765-4321", "whatsapp": "+55 (11) 98765-4321", "email": "Jose.Silva@Example.COM",
		"logradouro": "Rua Augusta", "numero": "1500", "complemento": "ap 42", "bairro": "Consolação", "cidade": "São Paulo",
		"cod_ibge": "3550308", "uf": "sp", "cep": "01304-001", "idioma": "", "fuso_horario": "",
		"contrato": "CC-1", "produto": "Cartão de Crédito", "data_origem": "15/01/2025", "valor_original": "3.000,00",
		"parcela": "2/12", "vencimento": "2026-10-10", "valor_parcela": "R$ 1.500,00", "valor_pago": "500,5",
		"motivo_atraso": "Produto com defeito", "optout": "sms, e-mail",
	}
}

// csvOf writes rows under the canonical header with ";".
func csvOf(rows ...map[string]string) string {
	cols := Columns()
	var b strings.Builder
	b.WriteString(strings.Join(cols, ";") + "\n")
	for _, r := range rows {
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(r[c])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func with(kv ...string) map[string]string {
	r := baseRow()
	for i := 0; i < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

// importMem runs data through Run into a memStore that keeps rows.
func importMem(t *testing.T, data string, opt Options) (Summary, *memStore, error) {
	t.Helper()
	m := &memStore{keep: true}
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	s, err := Run(context.Background(), m, 1, 1, strings.NewReader(data), opt)
	return s, m, err
}

func TestGoodRow(t *testing.T) {
	s, m, err := importMem(t, csvOf(baseRow()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != 1 || s.Rejected != 0 || len(m.rows) != 1 {
		t.Fatalf("summary %+v, rejects %v", s, s.Rejects)
	}
	r := m.rows[0]
	d := r.Debtor
	if r.Line != 2 || d.ExtID != "CLI-1" || d.Kind != domain.Person || d.Document != "90712381481" || d.Name != "José da Conceição" ||
		d.Birth != date.New(1978, 3, 12) || d.Locale != "pt-BR" || d.TimeZone != "America/Sao_Paulo" || d.ZoneSet {
		t.Errorf("debtor %+v", d)
	}
	if a := d.Address; a.UF != "SP" || a.Municipality != "3550308" || a.CEP != "01304001" || a.City != "São Paulo" || a.Country != "BR" || a.Street != "Rua Augusta" || a.Number != "1500" || a.Complement != "ap 42" || a.District != "Consolação" {
		t.Errorf("address %+v", a)
	}
	want := []domain.ContactPoint{
		{Kind: domain.Landline, Value: "+551134567890", Consent: domain.ConsentUnknown},
		{Kind: domain.Mobile, Value: "+5511987654321", Consent: domain.ConsentOptOut, ConsentSource: "import", ConsentAt: fixedNow()},
		{Kind: domain.WhatsApp, Value: "+5511987654321", Consent: domain.ConsentUnknown},
		{Kind: domain.Email, Value: "jose.silva@example.com", Consent: domain.ConsentOptOut, ConsentSource: "import", ConsentAt: fixedNow()},
	}
	if len(r.Contacts) != len(want) {
		t.Fatalf("contacts %+v", r.Contacts)
	}
	for i := range want {
		if r.Contacts[i] != want[i] {
			t.Errorf("contact %d = %+v, want %+v", i, r.Contacts[i], want[i])
		}
	}
	if db := r.Debt; db.ContractNumber != "CC-1" || db.Product != "credit_card" || db.OriginDate != date.New(2025, 1, 15) ||
		db.OriginalPrincipal != 300000 || db.DelayReason != domain.ReasonDefective || db.Status != domain.DebtOpen {
		t.Errorf("debt %+v", db)
	}
	if in := r.Installment; in.Number != 2 || in.DueDate != date.New(2026, 10, 10) || in.Amount != money.Money(150000) || in.Paid != 50050 || in.Status != domain.InstallmentPartial {
		t.Errorf("installment %+v", in)
	}
}

func TestRowVariants(t *testing.T) {
	tests := []struct {
		name  string
		row   map[string]string
		check func(t *testing.T, r store.ImportRow)
	}{
		{"company by CNPJ, ext id from document", with("cpf_cnpj", "25.527.907/0001-34", "id_cliente", ""), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.Kind != domain.Company || r.Debtor.Document != "25527907000134" || r.Debtor.ExtID != "25527907000134" {
				t.Errorf("%+v", r.Debtor)
			}
		}},
		{"CPF that lost its leading zero in a spreadsheet", with("cpf_cnpj", "2759614603"), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.Document != "02759614603" {
				t.Errorf("document %q", r.Debtor.Document)
			}
		}},
		{"Excel text formula", with("cpf_cnpj", `="02759614603"`), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.Document != "02759614603" {
				t.Errorf("document %q", r.Debtor.Document)
			}
		}},
		{"western Amazonas zone from the municipality", with("uf", "AM", "cod_ibge", "1301407", "cep", "69880-000"), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.TimeZone != "America/Eirunepe" || r.Debtor.ZoneSet {
				t.Errorf("zone %q set=%v", r.Debtor.TimeZone, r.Debtor.ZoneSet)
			}
		}},
		{"zone from UF alone", with("uf", "MT", "cod_ibge", "", "cep", ""), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.TimeZone != "America/Cuiaba" {
				t.Errorf("zone %q", r.Debtor.TimeZone)
			}
		}},
		{"no place: Brasília time", with("uf", "", "cod_ibge", "", "cep", ""), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.TimeZone != "America/Sao_Paulo" {
				t.Errorf("zone %q", r.Debtor.TimeZone)
			}
		}},
		{"zone override", with("fuso_horario", "America/Manaus"), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.TimeZone != "America/Manaus" || !r.Debtor.ZoneSet {
				t.Errorf("zone %q set=%v", r.Debtor.TimeZone, r.Debtor.ZoneSet)
			}
		}},
		{"locale", with("idioma", "Español"), func(t *testing.T, r store.ImportRow) {
			if r.Debtor.Locale != "es" {
				t.Errorf("locale %q", r.Debtor.Locale)
			}
		}},
		{"paid in full, plain installment number", with("valor_pago", "1500", "parcela", "03"), func(t *testing.T, r store.ImportRow) {
			if r.Installment.Status != domain.InstallmentPaid || r.Installment.Number != 3 {
				t.Errorf("%+v", r.Installment)
			}
		}},
		{"nothing paid, no optional columns", with("valor_pago", "", "optout", "", "motivo_atraso", "", "telefone", "", "whatsapp", "", "email", "", "produto", "telecom"), func(t *testing.T, r store.ImportRow) {
			if r.Installment.Status != domain.InstallmentOpen || len(r.Contacts) != 1 || r.Contacts[0].Consent != domain.ConsentUnknown || r.Debt.Product != "telecom" {
				t.Errorf("%+v %+v", r.Installment, r.Contacts)
			}
		}},
		{"delay reason as code", with("motivo_atraso", "billing_error"), func(t *testing.T, r store.ImportRow) {
			if r.Debt.DelayReason != domain.ReasonBillingError {
				t.Errorf("%q", r.Debt.DelayReason)
			}
		}},
		{"opt-out flag means every channel", with("optout", "S"), func(t *testing.T, r store.ImportRow) {
			for _, c := range r.Contacts {
				if c.Consent != domain.ConsentOptOut {
					t.Errorf("%+v", c)
				}
			}
		}},
		{"voice opt-out closes phones, not e-mail", with("optout", "voz"), func(t *testing.T, r store.ImportRow) {
			for _, c := range r.Contacts {
				closed := c.Kind == domain.Mobile || c.Kind == domain.Landline
				if (c.Consent == domain.ConsentOptOut) != closed {
					t.Errorf("%+v", c)
				}
			}
		}},
		{"unknown product kept as written", with("produto", "Consórcio"), func(t *testing.T, r store.ImportRow) {
			if r.Debt.Product != "Consórcio" {
				t.Errorf("%q", r.Debt.Product)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m, err := importMem(t, csvOf(tt.row), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(m.rows) != 1 {
				t.Fatalf("rejected: %v", s.Rejects)
			}
			tt.check(t, m.rows[0])
		})
	}
}

// TestRejectReasons has one case per reason a row is refused.
func TestRejectReasons(t *testing.T) {
	tests := []struct {
		name   string
		row    map[string]string
		column string
		reason string
	}{
		{"invalid CPF", with("cpf_cnpj", "123.456.789-00"), "cpf_cnpj", "invalid CPF/CNPJ: CPF \"123.456.789-00\": check digit mismatch"},
		{"invalid CNPJ", with("cpf_cnpj", "11.222.333/0001-80"), "cpf_cnpj", "invalid CPF/CNPJ"},
		{"document of wrong length", with("cpf_cnpj", "12345"), "cpf_cnpj", "wrong length"},
		{"missing document", with("cpf_cnpj", ""), "cpf_cnpj", "missing required value"},
		{"missing name", with("nome", "  "), "nome", "missing required value"},
		{"missing contract", with("contrato", ""), "contrato", "missing required value"},
		{"missing installment number", with("parcela", ""), "parcela", "missing required value"},
		{"missing due date", with("vencimento", ""), "vencimento", "missing required value"},
		{"missing amount", with("valor_parcela", ""), "valor_parcela", "missing required value"},
		{"unparseable amount", with("valor_parcela", "mil reais"), "valor_parcela", `unparseable amount "mil reais"`},
		{"amount with three decimals", with("valor_parcela", "10,1234"), "valor_parcela", "unparseable amount"},
		{"unparseable paid amount", with("valor_pago", "x"), "valor_pago", "unparseable amount"},
		{"unparseable original principal", with("valor_original", "1,2,3"), "valor_original", "unparseable amount"},
		{"negative amount", with("valor_parcela", "-10,00"), "valor_parcela", "negative amount"},
		{"negative paid amount", with("valor_pago", "(5,00)"), "valor_pago", "negative amount"},
		{"negative original principal", with("valor_original", "-1"), "valor_original", "negative amount"},
		{"zero amount", with("valor_parcela", "0,00", "valor_pago", ""), "valor_parcela", "greater than zero"},
		{"paid more than the amount", with("valor_pago", "1.500,01"), "valor_pago", "greater than the installment amount"},
		{"unparseable due date", with("vencimento", "31/02/2026"), "vencimento", `unparseable date "31/02/2026"`},
		{"due date in US order", with("vencimento", "12/31/2026"), "vencimento", "unparseable date"},
		{"unparseable origin date", with("data_origem", "ontem"), "data_origem", "unparseable date"},
		{"unparseable birth date", with("data_nascimento", "1978"), "data_nascimento", "unparseable date"},
		{"birth date in the future", with("data_nascimento", "01/01/2030"), "data_nascimento", "in the future"},
		{"origin date in the future", with("data_origem", "01/01/2027", "vencimento", "01/02/2027"), "data_origem", "in the future"},
		{"due date before origin date", with("data_origem", "15/01/2025", "vencimento", "14/01/2025"), "vencimento", "before the origin date 15/01/2025"},
		{"invalid phone", with("telefone", "(11) 1234"), "telefone", "invalid phone"},
		{"phone with an unknown DDD", with("celular", "(20) 98765-4321"), "celular", "invalid phone"},
		{"invalid WhatsApp", with("whatsapp", "abc"), "whatsapp", "invalid phone"},
		{"invalid e-mail", with("email", "jose.example.com"), "email", "invalid e-mail"},
		{"e-mail without domain dot", with("email", "jose@example"), "email", "invalid e-mail"},
		{"unknown UF", with("uf", "XX"), "uf", `unknown UF "XX"`},
		{"invalid IBGE code", with("cod_ibge", "3550309"), "cod_ibge", "invalid IBGE municipality code"},
		{"municipality of another UF", with("cod_ibge", "3304557"), "cod_ibge", "is in RJ, not in the row's UF SP"},
		{"invalid CEP", with("cep", "123"), "cep", "invalid CEP"},
		{"unknown language", with("idioma", "klingon"), "idioma", "unknown language"},
		{"unknown time zone", with("fuso_horario", "America/Atlantis"), "fuso_horario", "unknown time zone"},
		{"invalid delay reason", with("motivo_atraso", "preguiça"), "motivo_atraso", `invalid delay reason "preguiça"`},
		{"invalid opt-out channel", with("optout", "sms,pombo"), "optout", `invalid opt-out channel "pombo"`},
		{"installment number zero", with("parcela", "0"), "parcela", "not a positive integer"},
		{"installment number negative", with("parcela", "-1"), "parcela", "not a positive integer"},
		{"installment number fractional", with("parcela", "1,5"), "parcela", "not a positive integer"},
		{"installment number text", with("parcela", "primeira"), "parcela", "not a positive integer"},
		{"value too long", with("logradouro", strings.Repeat("Rua ", 300)), "logradouro", "value longer than 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m, err := importMem(t, csvOf(baseRow(), tt.row, with("contrato", "CC-9")), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Read != 3 || s.Rejected != 1 || len(m.rows) != 2 {
				t.Fatalf("read %d rejected %d stored %d; rejects %v", s.Read, s.Rejected, len(m.rows), s.Rejects)
			}
			if len(s.Rejects) != 1 {
				t.Fatalf("rejects %v", s.Rejects)
			}
			r := s.Rejects[0]
			if r.Line != 3 || r.Column != tt.column || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("reject %+v, want line 3 column %s reason containing %q", r, tt.column, tt.reason)
			}
		})
	}
}

// TestRejectRecordShape covers refusals of the record as a whole.
func TestRejectRecordShape(t *testing.T) {
	head := strings.Join(Columns(), ";") + "\n"
	good := strings.TrimPrefix(csvOf(baseRow()), head)
	tests := []struct {
		name   string
		line   string
		reason string
	}{
		{"too few fields", "a;b;c\n", fmt.Sprintf("too few fields: 3, the header has %d", numCols)},
		{"too many fields", strings.TrimSuffix(good, "\n") + ";extra\n", fmt.Sprintf("too many fields: %d, the header has %d", numCols+1, numCols)},
		{"quote never closed", strings.Replace(good, "Rua Augusta", `"Rua Augusta`, 1), "quoted field not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := head + good + tt.line
			s, m, err := importMem(t, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Rejected != 1 || len(m.rows) != 1 || len(s.Rejects) != 1 {
				t.Fatalf("summary %+v", s)
			}
			if r := s.Rejects[0]; r.Line != 3 || r.Column != "" || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("reject %+v, want line 3 and %q", r, tt.reason)
			}
		})
	}
	// Empty cells after the last column are what spreadsheets leave: fine.
	s, m, err := importMem(t, head+strings.TrimSuffix(good, "\n")+";;\n", Options{})
	if err != nil || s.Rejected != 0 || len(m.rows) != 1 {
		t.Errorf("trailing empty cells: %+v %v", s, err)
	}
}

// TestSeveralRejectsOfOneRow reports each bad value of a row, once as a row.
func TestSeveralRejectsOfOneRow(t *testing.T) {
	s, _, err := importMem(t, csvOf(with("cpf_cnpj", "1", "valor_parcela", "x", "uf", "ZZ")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rejected != 1 || len(s.Rejects) != 3 {
		t.Fatalf("%+v", s.Rejects)
	}
	got := []string{s.Rejects[0].Column, s.Rejects[1].Column, s.Rejects[2].Column}
	if strings.Join(got, ",") != "cpf_cnpj,uf,valor_parcela" {
		t.Errorf("columns %v", got)
	}
}

func TestParseHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"Data de Vencimento": "data_de_vencimento", "E-mail": "e_mail", "Nº Contrato": "no_contrato", "  CPF/CNPJ ": "cpf_cnpj",
		"Código IBGE": "codigo_ibge", "\ufeffid_cliente": "id_cliente", "FECHA  DE--VENCIMIENTO": "fecha_de_vencimiento", "": "",
	} {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]int{"1": 1, "007": 7, "3/12": 3, " 4 / 10 ": 4, "0": 0, "1/": 0, "/3": 0, "a": 0, "1234567": 0} {
		got, ok := parseInstallmentNumber(strings.TrimSpace(in))
		if (want == 0) == ok || (ok && got != want) {
			t.Errorf("parseInstallmentNumber(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for in, ok := range map[string]bool{
		"a@b.co": true, "Nome.Sobrenome+tag@Example.COM.BR": true, "mailto:x@y.com": true,
		"a@b": false, "@b.com": false, "a@@b.com": false, "a b@c.com": false, "a@.com": false, "a@b..com": false, ".a@b.com": false, "a@-b.com": false,
	} {
		_, err := normalizeEmail(in)
		if (err == nil) != ok {
			t.Errorf("normalizeEmail(%q) err = %v", in, err)
		}
	}
	for in, want := range map[string]domain.DelayReason{
		"Desemprego": domain.ReasonUnemployment, "ENTREGA ERRADA": domain.ReasonWrongDelivery, "cobrança indevida": domain.ReasonBillingError,
		"fraud_claim": domain.ReasonFraud, "Producto defectuoso": domain.ReasonDefective, "outro": domain.ReasonOther,
	} {
		if got, ok := parseDelayReason(in); !ok || got != want {
			t.Errorf("parseDelayReason(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := parseDelayReason("mau humor"); ok {
		t.Error("unknown delay reason accepted")
	}
}

// TestDuplicateInstallment: a repeated installment of a contract in a file
// grouped by contract is refused, naming the first line.
func TestDuplicateInstallment(t *testing.T) {
	s, m, err := importMem(t, csvOf(with("parcela", "1"), with("parcela", "2"), with("parcela", "1", "valor_parcela", "999,00"), with("contrato", "CC-2", "parcela", "1")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.rows) != 3 || s.Rejected != 1 || len(s.Rejects) != 1 {
		t.Fatalf("%+v", s)
	}
	if r := s.Rejects[0]; r.Line != 4 || r.Column != "parcela" || r.Reason != "installment 1 of contract CC-1 is also on line 2" {
		t.Errorf("%+v", r)
	}
}

// TestRepeatedDebtorRows: rows of one debtor share checked values but not
// their contact slices, and a bad debtor row is not remembered.
func TestRepeatedDebtorRows(t *testing.T) {
	s, m, err := importMem(t, csvOf(with("parcela", "1"), with("parcela", "2"), with("parcela", "3", "uf", "XX"), with("parcela", "4")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.rows) != 3 || s.Rejected != 1 || s.Rejects[0].Line != 4 {
		t.Fatalf("%+v", s)
	}
	a, b, c := m.rows[0], m.rows[1], m.rows[2]
	if a.Debtor != b.Debtor || b.Debtor != c.Debtor || a.Debt != b.Debt || len(b.Contacts) != 4 || b.Contacts[1] != a.Contacts[1] {
		t.Errorf("repeated rows differ: %+v / %+v", a.Debtor, b.Debtor)
	}
	a.Contacts[0].Value = "changed"
	if b.Contacts[0].Value == "changed" || c.Contacts[0].Value == "changed" {
		t.Error("rows share a contact slice")
	}
	if c.Installment.Number != 4 || c.Debtor.Address.UF != "SP" {
		t.Errorf("%+v", c)
	}
}
