package importer

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

// maxValue bounds one value: no column of the format needs more, and a
// longer one is a sign of a broken file.
const maxValue = 1000

// converter turns records into store rows, checking every value.
type converter struct {
	h          *header
	debtorMemo memo
	debtMemo   memo
	lastDebtor domain.Debtor
	// lastContacts is never handed out, only copies of it: the store may
	// keep what it is given.
	lastContacts []domain.ContactPoint
	lastDebt     domain.Debt
	now          time.Time
	asOf         date.Date
	locale       string
	zones        map[string]bool // time-zone overrides already checked
	rejects      []store.Reject  // of the current record; reused
	rec          *record
}

func newConverter(h *header, now time.Time, locale string) *converter {
	return &converter{h: h, now: now, asOf: date.Of(now), locale: locale, zones: map[string]bool{},
		debtorMemo: newMemo(h, debtorCols...), debtMemo: newMemo(h, debtCols...)}
}

// value returns the trimmed text of column c, "" when absent.
func (c *converter) value(k col) string {
	p := c.h.pos[k]
	if p < 0 || p >= len(c.rec.fields) {
		return ""
	}
	s := strings.TrimSpace(c.rec.fields[p])
	// Excel's ="0123" keeps leading zeros of CPFs, CEPs and phones.
	if len(s) > 2 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// columnName is how the file names column k (its canonical name if the
// file's header cell is empty).
func (c *converter) columnName(k col) string {
	if p := c.h.pos[k]; p >= 0 && c.h.names[p] != "" {
		return c.h.names[p]
	}
	return columns[k].name
}

func (c *converter) reject(k col, format string, args ...any) {
	name := ""
	if k >= 0 {
		name = c.columnName(k)
	}
	c.rejects = append(c.rejects, store.Reject{Line: c.rec.line, Column: name, Reason: fmt.Sprintf(format, args...)})
}

// convert fills row from rec. It returns false, with c.rejects saying why,
// when the record cannot be imported.
func (c *converter) convert(rec *record, row *store.ImportRow) bool {
	c.rec = rec
	c.rejects = c.rejects[:0]
	if rec.err != "" {
		c.reject(-1, "%s", rec.err)
		return false
	}
	if n, want := len(rec.fields), len(c.h.names); n != want {
		if n < want {
			c.reject(-1, "too few fields: %d, the header has %d (delimiter %q)", n, want, string(rune(c.h.delim)))
			return false
		}
		// Spreadsheets often leave empty cells after the last column.
		for _, f := range rec.fields[want:] {
			if strings.TrimSpace(f) != "" {
				c.reject(-1, "too many fields: %d, the header has %d (an unquoted %q inside a value?)", n, want, string(rune(c.h.delim)))
				return false
			}
		}
	}

	for i, f := range rec.fields {
		if len(f) > maxValue && i < len(c.h.cols) && c.h.cols[i] >= 0 {
			c.reject(c.h.cols[i], "value longer than %d bytes", maxValue)
			return false
		}
	}

	*row = store.ImportRow{Line: rec.line}
	// A debtor's and a debt's columns repeat on each of their rows: when
	// they equal the previous row's, its checked values are reused.
	if c.debtorMemo.same(c) {
		row.Debtor = c.lastDebtor
		row.Contacts = slices.Clone(c.lastContacts)
	} else {
		n := len(c.rejects)
		c.debtor(&row.Debtor)
		row.Contacts = c.contacts(nil)
		if c.debtorMemo.ok = len(c.rejects) == n; c.debtorMemo.ok {
			c.debtorMemo.save(c)
			c.lastDebtor, c.lastContacts = row.Debtor, slices.Clone(row.Contacts)
		}
	}
	if c.debtMemo.same(c) {
		row.Debt = c.lastDebt
	} else {
		n := len(c.rejects)
		c.debt(&row.Debt)
		if c.debtMemo.ok = len(c.rejects) == n; c.debtMemo.ok {
			c.debtMemo.save(c)
			c.lastDebt = row.Debt
		}
	}
	c.installment(&row.Installment, row.Debt.OriginDate)
	return len(c.rejects) == 0
}

// memo remembers the raw values of some columns of the last row whose
// values in them were all valid.
type memo struct {
	ok   bool
	cols []col // the columns, those the file has
	vals [numCols]string
}

func newMemo(h *header, cols ...col) memo {
	m := memo{}
	for _, k := range cols {
		if h.pos[k] >= 0 {
			m.cols = append(m.cols, k)
		}
	}
	return m
}

func (c *converter) raw(k col) string {
	if p := c.h.pos[k]; p >= 0 && p < len(c.rec.fields) {
		return c.rec.fields[p]
	}
	return ""
}

func (m *memo) same(c *converter) bool {
	if !m.ok {
		return false
	}
	for _, k := range m.cols {
		if c.raw(k) != m.vals[k] {
			return false
		}
	}
	return true
}

func (m *memo) save(c *converter) {
	for _, k := range m.cols {
		m.vals[k] = c.raw(k)
	}
}

// Columns read by converter.debtor and converter.contacts, and by converter.debt.
var (
	debtorCols = []col{colCustomerID, colDocument, colName, colBirth, colPhone, colPhone2, colPhone3, colMobile, colMobile2, colWhatsApp,
		colEmail, colEmail2, colStreet, colNumber, colComplement, colDistrict, colCity, colMunicipality, colUF, colCEP, colLocale, colTimeZone, colOptOut}
	debtCols = []col{colContract, colProduct, colOriginDate, colOriginalPrincipal, colDelayReason}
)

func (c *converter) debtor(d *domain.Debtor) {
	if s := c.value(colDocument); s == "" {
		c.reject(colDocument, "missing required value: CPF or CNPJ")
	} else if id, err := taxid.ParseLoose(taxid.Unknown, s); err != nil {
		c.reject(colDocument, "invalid CPF/CNPJ: %v", err)
	} else {
		d.Document = id.Number
		d.Kind = domain.Person
		if id.Kind == taxid.CNPJ {
			d.Kind = domain.Company
		}
	}
	d.ExtID = c.value(colCustomerID)
	if d.ExtID == "" {
		d.ExtID = d.Document
	}
	if d.Name = collapseSpaces(c.value(colName)); d.Name == "" {
		c.reject(colName, "missing required value: name")
	}
	if s := c.value(colBirth); s != "" {
		if b, ok := c.date(colBirth, s); ok {
			if b.After(c.asOf) {
				c.reject(colBirth, "birth date %s is in the future", s)
			}
			d.Birth = b
		}
	}

	a := &d.Address
	a.Street = c.value(colStreet)
	a.Number = c.value(colNumber)
	a.Complement = c.value(colComplement)
	a.District = c.value(colDistrict)
	a.City = c.value(colCity)
	a.Country = "BR"
	validUF := ""
	if s := c.value(colUF); s != "" {
		uf, ok := normalizeUF(s)
		if !ok {
			c.reject(colUF, "unknown UF %q: want a Brazilian state's two letters (SP, RJ, …)", s)
		} else {
			validUF = uf
		}
		a.UF = uf
	}
	if s := c.value(colMunicipality); s != "" {
		code, err := normalizeMunicipality(s, validUF)
		if err != nil {
			c.reject(colMunicipality, "%v", err)
		}
		a.Municipality = code
	}
	if s := c.value(colCEP); s != "" {
		cep, err := normalizeCEP(s)
		if err != nil {
			c.reject(colCEP, "%v", err)
		}
		a.CEP = cep
	}

	d.Locale = c.locale
	if s := c.value(colLocale); s != "" {
		loc, ok := normalizeLocale(s)
		if !ok {
			c.reject(colLocale, "unknown language %q: want pt-BR, es or en", s)
		}
		d.Locale = loc
	}
	if s := c.value(colTimeZone); s != "" {
		if !c.validZone(s) {
			c.reject(colTimeZone, "unknown time zone %q: want an IANA name such as America/Manaus", s)
		}
		d.TimeZone, d.ZoneSet = s, true
	} else {
		d.TimeZone = zoneFor(a.UF, a.Municipality)
	}
}

func (c *converter) validZone(s string) bool {
	ok, seen := c.zones[s]
	if !seen {
		_, err := time.LoadLocation(s)
		ok = err == nil && s != "Local" && s != ""
		if len(c.zones) < 1000 {
			c.zones[s] = ok
		}
	}
	return ok
}

var (
	phoneCols      = []col{colPhone, colPhone2, colPhone3, colMobile, colMobile2, colWhatsApp}
	allContactCols = []col{colPhone, colPhone2, colPhone3, colMobile, colMobile2, colWhatsApp, colEmail, colEmail2}
)

func (c *converter) contacts(out []domain.ContactPoint) []domain.ContactPoint {
	if out == nil {
		n := 0
		for _, k := range allContactCols {
			if c.h.pos[k] >= 0 && c.value(k) != "" {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		out = make([]domain.ContactPoint, 0, n)
	}
	add := func(k domain.ContactKind, v string) {
		for _, p := range out {
			if p.Kind == k && p.Value == v {
				return
			}
		}
		out = append(out, domain.ContactPoint{Kind: k, Value: v, Consent: domain.ConsentUnknown})
	}
	for _, k := range phoneCols {
		s := c.value(k)
		if s == "" {
			continue
		}
		n, err := phone.Parse(s)
		if err != nil {
			c.reject(k, "invalid phone: %v", err)
			continue
		}
		switch {
		case k == colWhatsApp:
			add(domain.WhatsApp, n.E164)
		case n.Kind == phone.Mobile, n.Kind == phone.Unknown && (k == colMobile || k == colMobile2):
			add(domain.Mobile, n.E164)
		default:
			add(domain.Landline, n.E164)
		}
	}
	for _, k := range []col{colEmail, colEmail2} {
		s := c.value(k)
		if s == "" {
			continue
		}
		e, err := normalizeEmail(s)
		if err != nil {
			c.reject(k, "invalid e-mail: %v", err)
			continue
		}
		add(domain.Email, e)
	}
	if s := c.value(colOptOut); s != "" {
		kinds, err := parseOptOut(s)
		if err != nil {
			c.reject(colOptOut, "%v", err)
		}
		for i := range out {
			if kinds[out[i].Kind] {
				out[i].Consent = domain.ConsentOptOut
				out[i].ConsentSource = "import"
				out[i].ConsentAt = c.now
			}
		}
	}
	return out
}

func (c *converter) debt(d *domain.Debt) {
	if d.ContractNumber = c.value(colContract); d.ContractNumber == "" {
		c.reject(colContract, "missing required value: contract number")
	}
	d.Status = domain.DebtOpen
	if s := c.value(colProduct); s != "" {
		d.Product = normalizeProduct(s)
	}
	if s := c.value(colOriginDate); s != "" {
		if o, ok := c.date(colOriginDate, s); ok {
			if o.After(c.asOf) {
				c.reject(colOriginDate, "origin date %s is in the future", s)
			}
			d.OriginDate = o
		}
	}
	if s := c.value(colOriginalPrincipal); s != "" {
		d.OriginalPrincipal, _ = c.amount(colOriginalPrincipal, s, false)
	}
	if s := c.value(colDelayReason); s != "" {
		r, ok := parseDelayReason(s)
		if !ok {
			c.reject(colDelayReason, "invalid delay reason %q: want one of %s", s, delayReasonList())
		}
		d.DelayReason = r
	}
}

func (c *converter) installment(in *domain.Installment, origin date.Date) {
	if s := c.value(colInstallment); s == "" {
		c.reject(colInstallment, "missing required value: installment number")
	} else if n, ok := parseInstallmentNumber(s); !ok {
		c.reject(colInstallment, "installment number %q is not a positive integer", s)
	} else {
		in.Number = n
	}
	if s := c.value(colDueDate); s == "" {
		c.reject(colDueDate, "missing required value: due date")
	} else if due, ok := c.date(colDueDate, s); ok {
		in.DueDate = due
		if !origin.IsZero() && due.Before(origin) {
			c.reject(colDueDate, "due date %s is before the origin date %s", due.Format("pt-BR"), origin.Format("pt-BR"))
		}
	}
	amountOK := false
	if s := c.value(colAmount); s == "" {
		c.reject(colAmount, "missing required value: installment amount")
	} else if m, ok := c.amount(colAmount, s, true); ok {
		in.Amount, amountOK = m, true
	}
	if s := c.value(colPaid); s != "" {
		if p, ok := c.amount(colPaid, s, false); ok {
			in.Paid = p
			if amountOK && p > in.Amount {
				c.reject(colPaid, "paid amount %s is greater than the installment amount %s", p.Format("pt-BR"), in.Amount.Format("pt-BR"))
			}
		}
	}
	in.Status = domain.StatusFor(in.Amount, in.Paid)
}

func (c *converter) date(k col, s string) (date.Date, bool) {
	d, err := parseDate(s)
	if err != nil {
		c.reject(k, "unparseable date %q: want dd/mm/aaaa or aaaa-mm-dd", s)
		return date.Date{}, false
	}
	return d, true
}

func (c *converter) amount(k col, s string, positive bool) (money.Money, bool) {
	m, err := parseMoney(s)
	if err != nil {
		c.reject(k, "unparseable amount %q: want 1.234,56 or 1234.56", s)
		return 0, false
	}
	if m < 0 {
		c.reject(k, "negative amount %s", s)
		return 0, false
	}
	if positive && m == 0 {
		c.reject(k, "amount must be greater than zero")
		return 0, false
	}
	return m, true
}

// parseInstallmentNumber reads "3", "03" or the "3/12" form many systems write.
func parseInstallmentNumber(s string) (int, bool) {
	if i := strings.IndexByte(s, '/'); i > 0 {
		if _, ok := parseInstallmentNumber(strings.TrimSpace(s[i+1:])); !ok {
			return 0, false
		}
		s = strings.TrimSpace(s[:i])
	}
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n > 0
}

func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// normalizeEmail lower-cases an address and checks its shape: one "@", a
// local part, and a domain with a dot and no empty labels.
func normalizeEmail(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	if len(s) > 254 {
		return "", fmt.Errorf("%q: longer than 254 characters", clip(s, 40))
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", fmt.Errorf("%q: want one @ between a name and a domain", s)
	}
	local, dom := s[:at], s[at+1:]
	if len(local) > 64 {
		return "", fmt.Errorf("%q: the part before @ is longer than 64 characters", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' || c == '"' {
			return "", fmt.Errorf("%q: character %q not allowed", s, c)
		}
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", fmt.Errorf("%q: misplaced dot before @", s)
	}
	if strings.IndexByte(dom, '.') < 0 {
		return "", fmt.Errorf("%q: the domain %q has no dot", s, dom)
	}
	for rest := dom; ; {
		l := rest
		i := strings.IndexByte(rest, '.')
		if i >= 0 {
			l = rest[:i]
		}
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%q: malformed domain %q", s, dom)
		}
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s), nil
		}
	}
	return s, nil
}

// normalizeLocale maps pt, pt_BR, PT-br, português, es, español, en,
// english … to pt-BR, es or en.
func normalizeLocale(s string) (string, bool) {
	switch normalizeName(s) {
	case "pt", "pt_br", "ptbr", "portugues", "portuguese", "br":
		return "pt-BR", true
	case "es", "es_es", "es_mx", "es_ar", "es_co", "es_cl", "es_419", "espanol", "spanish", "castellano":
		return "es", true
	case "en", "en_us", "en_gb", "ingles", "english":
		return "en", true
	}
	return s, false
}

// products maps common pt-BR/es/en product names to the codes of the domain.
var products = map[string]string{
	"cartao": "credit_card", "cartao_de_credito": "credit_card", "cartao_credito": "credit_card", "tarjeta": "credit_card",
	"tarjeta_de_credito": "credit_card", "credit_card": "credit_card",
	"emprestimo": "personal_loan", "emprestimo_pessoal": "personal_loan", "credito_pessoal": "personal_loan",
	"prestamo": "personal_loan", "prestamo_personal": "personal_loan", "personal_loan": "personal_loan", "loan": "personal_loan",
	"telefonia": "telecom", "telecom": "telecom", "telecomunicacoes": "telecom", "telecomunicaciones": "telecom", "internet": "telecom",
	"energia": "utilities", "agua": "utilities", "saneamento": "utilities", "servicos_publicos": "utilities", "utilities": "utilities",
	"varejo": "retail", "crediario": "retail", "comercio": "retail", "retail": "retail",
	"educacao": "education", "mensalidade": "education", "mensalidade_escolar": "education", "educacion": "education", "education": "education",
}

func normalizeProduct(s string) string {
	if code, ok := products[normalizeName(s)]; ok {
		return code
	}
	return s
}

// delayReasonAliases maps normalized pt-BR/es/en wording to reason codes.
var delayReasonAliases = map[string]domain.DelayReason{
	"desemprego": domain.ReasonUnemployment, "desempregado": domain.ReasonUnemployment, "desempleo": domain.ReasonUnemployment, "unemployed": domain.ReasonUnemployment,
	"queda_de_renda": domain.ReasonIncomeDrop, "reducao_de_renda": domain.ReasonIncomeDrop, "perda_de_renda": domain.ReasonIncomeDrop, "baja_de_ingresos": domain.ReasonIncomeDrop, "reduccion_de_ingresos": domain.ReasonIncomeDrop,
	"doenca": domain.ReasonIllness, "saude": domain.ReasonIllness, "enfermedad": domain.ReasonIllness, "sickness": domain.ReasonIllness,
	"superendividamento": domain.ReasonOverindebted, "superendividado": domain.ReasonOverindebted, "sobreendeudamiento": domain.ReasonOverindebted, "over_indebted": domain.ReasonOverindebted,
	"esquecimento": domain.ReasonForgot, "esqueceu": domain.ReasonForgot, "olvido": domain.ReasonForgot, "forgotten": domain.ReasonForgot,
	"boleto_nao_recebido": domain.ReasonNoBill, "fatura_nao_recebida": domain.ReasonNoBill, "nao_recebeu_boleto": domain.ReasonNoBill, "factura_no_recibida": domain.ReasonNoBill, "no_bill": domain.ReasonNoBill,
	"discorda_do_valor": domain.ReasonDisagrees, "contesta_valor": domain.ReasonDisagrees, "desacuerdo_con_el_monto": domain.ReasonDisagrees, "disputes_amount": domain.ReasonDisagrees,
	"fraude": domain.ReasonFraud, "alega_fraude": domain.ReasonFraud, "fraud": domain.ReasonFraud,
	"entrega_errada": domain.ReasonWrongDelivery, "erro_de_entrega": domain.ReasonWrongDelivery, "erro_na_entrega": domain.ReasonWrongDelivery, "entrega_equivocada": domain.ReasonWrongDelivery,
	"produto_com_defeito": domain.ReasonDefective, "produto_defeituoso": domain.ReasonDefective, "defeito": domain.ReasonDefective, "producto_defectuoso": domain.ReasonDefective, "defective": domain.ReasonDefective,
	"erro_de_cobranca": domain.ReasonBillingError, "cobranca_indevida": domain.ReasonBillingError, "erro_na_fatura": domain.ReasonBillingError, "error_de_facturacion": domain.ReasonBillingError, "cobro_indebido": domain.ReasonBillingError,
	"servico_nao_prestado": domain.ReasonServiceNotGiven, "servicio_no_prestado": domain.ReasonServiceNotGiven,
	"outro": domain.ReasonOther, "outros": domain.ReasonOther, "otro": domain.ReasonOther,
}

// parseDelayReason accepts a domain code or a pt-BR/es/en alias of one.
func parseDelayReason(s string) (domain.DelayReason, bool) {
	n := normalizeName(s)
	if r := domain.DelayReason(n); r != domain.ReasonNone && r.Valid() {
		return r, true
	}
	r, ok := delayReasonAliases[n]
	return r, ok
}

func delayReasonList() string {
	var b strings.Builder
	for i, r := range domain.DelayReasons {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// parseOptOut reads the channels a debtor opted out of and returns the
// contact kinds they close: sms → mobile; voice → mobile and landline (calls
// reach both); email → email; whatsapp → whatsapp; all → every kind. Consent
// is kept per contact point, so a voice opt-out closes the mobile number
// for SMS too. Flag-style values (S, sim, x, 1, true) mean all; N, não, 0,
// false mean none.
func parseOptOut(s string) (map[domain.ContactKind]bool, error) {
	kinds := map[domain.ContactKind]bool{}
	all := func() {
		kinds[domain.Mobile], kinds[domain.Landline], kinds[domain.Email], kinds[domain.WhatsApp] = true, true, true, true
	}
	var bad []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == '/' || r == ' ' || r == '+'
	}) {
		switch normalizeName(tok) {
		case "sms", "texto", "text":
			kinds[domain.Mobile] = true
		case "voice", "voz", "ligacao", "ligacoes", "chamada", "chamadas", "telefone", "llamada", "llamadas", "call", "calls", "phone":
			kinds[domain.Mobile], kinds[domain.Landline] = true, true
		case "email", "e_mail", "mail", "correo":
			kinds[domain.Email] = true
		case "whatsapp", "whats", "zap", "wpp":
			kinds[domain.WhatsApp] = true
		case "all", "todos", "todas", "tudo", "todo", "s", "sim", "si", "y", "yes", "x", "1", "true":
			all()
		case "n", "nao", "no", "0", "false", "nenhum", "ninguno", "none", "":
		default:
			bad = append(bad, tok)
		}
	}
	if len(bad) > 0 {
		return kinds, fmt.Errorf("invalid opt-out channel %q: want sms, email, whatsapp, voice or all, separated by commas", strings.Join(bad, ","))
	}
	return kinds, nil
}

// parseMoney reads an amount as money.Parse does. The plain forms that
// make up nearly every file ("1590,06", "1.590,06", "1590.06", "150") take a
// fast path that allocates nothing; anything else (signs, currency symbols,
// spaces, errors) goes to money.Parse. FuzzParseMoney holds the two equal.
func parseMoney(s string) (money.Money, error) {
	if m, ok := fastMoney(s); ok {
		return m, nil
	}
	return money.Parse(s)
}

func fastMoney(s string) (money.Money, bool) {
	n := len(s)
	if n == 0 || n > 20 {
		return 0, false
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	intEnd, frac, dec := n, int64(0), byte(0)
	switch {
	case n >= 2 && (s[n-2] == '.' || s[n-2] == ','):
		if !isDigit(s[n-1]) {
			return 0, false
		}
		intEnd, dec, frac = n-2, s[n-2], int64(s[n-1]-'0')*10
	case n >= 3 && (s[n-3] == '.' || s[n-3] == ','):
		if !isDigit(s[n-2]) || !isDigit(s[n-1]) {
			return 0, false
		}
		intEnd, dec, frac = n-3, s[n-3], int64(s[n-2]-'0')*10+int64(s[n-1]-'0')
	}
	if intEnd == 0 {
		return 0, false
	}
	var v int64
	digits, sep, group := 0, byte(0), -1
	for j := 0; j < intEnd; j++ {
		c := s[j]
		switch {
		case isDigit(c):
			v = v*10 + int64(c-'0')
			digits++
			if group >= 0 {
				group++
			}
		case c == '.' || c == ',':
			if c == dec || (sep != 0 && c != sep) || (group >= 0 && group != 3) || (group < 0 && (digits == 0 || digits > 3)) {
				return 0, false
			}
			sep, group = c, 0
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 || (group >= 0 && group != 3) {
		return 0, false
	}
	return money.Money(v*100 + frac), true
}

// parseDate reads a date as date.Parse does; "dd/mm/aaaa" and "aaaa-mm-dd"
// take a fast path that skips time.Parse. FuzzParseDate holds them equal.
func parseDate(s string) (date.Date, error) {
	if d, ok := fastDate(s); ok {
		return d, nil
	}
	return date.Parse(s)
}

func fastDate(s string) (date.Date, bool) {
	if len(s) != 10 {
		return date.Date{}, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return 0, false
			}
			n = n*10 + int(b[i]-'0')
		}
		return n, true
	}
	var y, m, d int
	var ok1, ok2, ok3 bool
	switch {
	case s[2] == '/' && s[5] == '/':
		d, ok1 = num(s[0:2])
		m, ok2 = num(s[3:5])
		y, ok3 = num(s[6:10])
	case s[4] == '-' && s[7] == '-':
		y, ok1 = num(s[0:4])
		m, ok2 = num(s[5:7])
		d, ok3 = num(s[8:10])
	default:
		return date.Date{}, false
	}
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return date.Date{}, false
	}
	return date.New(y, time.Month(m), d), true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
