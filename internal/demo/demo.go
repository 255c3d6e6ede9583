// Package demo generates a deterministic, realistic Brazilian collection
// portfolio for the demo, for benchmarks and for tests: debtors (people
// with CPF, some companies with CNPJ) with names, addresses in all 27 UFs
// drawn by population, phones whose DDD matches the UF, e-mails and
// WhatsApp; debts of six product lines with their contracts of origin;
// installments with due dates around an as-of date, days past due like a
// real portfolio (most early and small, a long tail), payments (earlier
// installments paid, on time or late, a few partials), delay reasons with
// creditor faults and disputes, and opt-outs.
//
// The same Options give the same rows, byte for byte, on every run and
// platform: each debtor draws from its own PCG stream seeded from (Seed,
// debtor index), and distributions are integer tables. So the first 1,000
// debtors of a 1,000,000-debtor run are the 1,000 debtors of a small run
// with the same seed, and generation streams in constant memory.
//
// Generate emits one Row per installment, all rows of a debtor together;
// WriteCSV writes the same data in the portfolio import format (docs/import
// format: canonical pt-BR headers, ';', decimal comma, dd/mm/aaaa), so that
// importing the CSV yields Generate's ImportRows.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

// Options say what to generate.
type Options struct {
	// Seed picks the portfolio; the same seed gives the same rows.
	Seed uint64
	// Debtors is how many debtors to generate (about 3 installments each).
	Debtors int
	// First is the index of the first debtor (0 for a whole portfolio):
	// generating debtors [First, First+Debtors) gives exactly those
	// debtors of a larger run, so a big portfolio can be made in parts.
	First int
	// AsOf is the date the portfolio is as of: due dates, days past due and
	// payments are placed around it. The zero date means today in
	// America/Sao_Paulo (then the output changes from one day to the next).
	AsOf date.Date
	// Workers is how many goroutines generate (0: GOMAXPROCS). The output
	// is the same for any number.
	Workers int
	// Rows, when positive, stops the output after exactly that many
	// installment rows (the last debtor may lose some of its rows), for
	// benchmarks sized in rows. Debtors then bounds the debtors drawn; 0
	// means as many as it takes.
	Rows int
}

// Row is one generated installment, in the portfolio it belongs to.
type Row struct {
	// Portfolio is the ExtID of the demo portfolio (see Users) that holds
	// the debt. The import CSV has no such column: a CSV is imported into
	// one portfolio chosen by whoever imports it.
	Portfolio string
	// ImportRow is what importing the CSV line yields. Line is the line
	// number in WriteCSV's output (the header is line 1). Contacts is
	// shared by the rows of one debtor: read it, do not modify it.
	store.ImportRow
	// Disputed says the debtor contests the debt (contestação); Debt's
	// DelayReason says why. The CSV format has no dispute column, so
	// `regua demo` records the dispute itself (debt status and event).
	Disputed bool
	// Payments are the payments that make Installment.Paid, with their
	// dates: earlier installments paid on time or late (the recurrence
	// history of debtors who paid late before) and partial payments. Their
	// amounts sum to Installment.Paid. To load them as payments, import the
	// row with Paid zero and book each payment.
	Payments []domain.Payment
}

// ErrOptions is wrapped by errors about Options.
var ErrOptions = errors.New("demo: invalid options")

// maxDebtors bounds Debtors+First: external ids and contract numbers are
// bijections of the debtor index onto 9 and 10 digits.
const maxDebtors = 1_000_000_000

func (o *Options) check() error {
	if o.Debtors < 0 || o.First < 0 || o.First+o.Debtors > maxDebtors {
		return fmt.Errorf("%w: debtors %d from %d: want 0 ≤ first, first+debtors ≤ %d", ErrOptions, o.Debtors, o.First, maxDebtors)
	}
	if o.Rows < 0 {
		return fmt.Errorf("%w: rows %d: want 0 (no limit) or more", ErrOptions, o.Rows)
	}
	if o.Rows > 0 && o.Debtors == 0 {
		o.Debtors = maxDebtors - o.First
	}
	if o.AsOf.IsZero() {
		o.AsOf = date.Today(domain.Zone(domain.HomeZone))
	}
	return nil
}

// Generate calls emit with every installment row of opts' portfolio, in
// order: debtor by debtor, debt by debt, installment by installment. It
// stops at emit's first error and returns it. emit is called from the
// goroutine that called Generate.
func Generate(opts Options, emit func(Row) error) error {
	line := 2
	err := produce(opts, fillRows, func(c *chunk) error {
		for i := range c.rows {
			if opts.Rows > 0 && line-2 == opts.Rows {
				return errEnough
			}
			r := &c.rows[i]
			r.Line = line
			line++
			if err := emit(*r); err != nil {
				return err
			}
		}
		return nil
	})
	if err == errEnough {
		err = nil
	}
	return err
}

// errEnough stops generation when Options.Rows rows are out.
var errEnough = errors.New("demo: enough rows")

// generator holds the tables and the per-debtor scratch record.
type generator struct {
	opts   Options
	src    rand.PCG
	r      *rand.Rand
	places *places
	rec    debtorRec
	// scratch holds WriteCSV's per-debtor and per-debt field buffers.
	scratch csvScratch
	// csvOnly skips what only rows carry (contact points, payments): the
	// random draws are the same, so the data are too.
	csvOnly bool
}

// debtorRec is one debtor with everything the rows and the CSV need.
type debtorRec struct {
	debtor   domain.Debtor
	contacts []domain.ContactPoint
	// As the CSV writes them (E.164, "" when none).
	landline, phone2, mobile string
	whatsapp                 bool
	email                    string
	optOut                   string
	phoneStyle               uint8 // 0 "(11) 98765-4321", 1 "11987654321", 2 "+55 11 98765-4321"
	plainDoc                 bool  // CPF/CNPJ without punctuation
	plainCEP                 bool
	debts                    []debtRec
}

type debtRec struct {
	portfolio string
	debt      domain.Debt
	disputed  bool
	insts     []instRec
}

type instRec struct {
	inst     domain.Installment
	payments []domain.Payment
}

var (
	firstFemale  = newList(femaleNames)
	firstMale    = newList(maleNames)
	secondFemale = newList(femaleSecond)
	secondMale   = newList(maleSecond)
	trades       = newList(companyTrades)
	bizNames     = newList(companyNames)
	bizSuffixes  = newList(companySuffixes)
	streetType   = newList(streetTypes)
	streetName   = newList(streetNames)
	districtList = newList(districts)
	providers    = newList(mailProviders)
	surnamePick  = func() picker {
		w := make([]int, len(surnames))
		for i, s := range surnames {
			w[i] = s.w
		}
		return newPicker(w)
	}()
	debtCounts = newPicker([]int{0, 82, 14, 3, 1}) // index = number of debts
	historyLen = newPicker([]int{70, 20, 8, 2})    // paid installments shown before the open ones
	// dpd is the days past due of a debt's oldest open installment before
	// it moves to a due day: overdue debts end up about 45% within 30
	// days, 35% 31–90, 10% 91–180, and a tail to five years.
	dpd = lognormal(20, 1.35, 1, 1800)
)

func newGenerator(opts Options) (*generator, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	pl, err := newPlaces()
	if err != nil {
		return nil, err
	}
	g := &generator{opts: opts, places: pl}
	g.r = rand.New(&g.src)
	return g, nil
}

// alphanumericCNPJFrom is when the first alphanumeric CNPJs were issued.
var alphanumericCNPJFrom = date.New(2026, 7, 1)

// debtor generates debtor number i into g.rec.
func (g *generator) debtor(i int) *debtorRec {
	g.src.Seed(mix64(g.opts.Seed^0x9e3779b97f4a7c15), mix64(uint64(i)+mix64(g.opts.Seed)))
	r := g.r
	rec := &g.rec
	debts := rec.debts[:0]
	*rec = debtorRec{debts: debts}
	d := &rec.debtor

	d.ExtID = extID(g.opts.Seed, i)
	company := chance(r, 60)
	pl := g.places.draw(r)
	d.Locale = "pt-BR"
	if k := r.IntN(1000); k < 12 {
		d.Locale = "es"
	} else if k < 17 {
		d.Locale = "en"
	}
	var first, last string
	if company {
		d.Kind = domain.Company
		id := taxid.GenerateCNPJ(r)
		// The Receita Federal issues alphanumeric CNPJs from July 2026:
		// a few new companies have one.
		if chance(r, 10) && !g.opts.AsOf.Before(alphanumericCNPJFrom) {
			id = taxid.GenerateAlphanumericCNPJ(r)
		}
		d.Document = id.Number
		d.Name, first, last = companyName(r, id)
	} else {
		d.Kind = domain.Person
		d.Document = taxid.GenerateCPF(r).Number
		switch d.Locale {
		case "es":
			d.Name, first, last = foreignName(r, spanishFirst, spanishLast, 2)
		case "en":
			d.Name, first, last = foreignName(r, englishFirst, englishLast, 1)
		default:
			d.Name, first, last = personName(r)
		}
		age := 18 + r.IntN(23) + r.IntN(30)
		if chance(r, 80) {
			age = between(r, 66, 92)
		}
		d.Birth = g.opts.AsOf.AddDays(-(age*365 + r.IntN(365)))
	}
	d.TimeZone = pl.zone
	d.Address = address(r, pl)
	rec.plainDoc = chance(r, 200)
	rec.plainCEP = chance(r, 150)
	rec.phoneStyle = uint8(picker3.pick(r))

	g.contacts(rec, pl.uf, company, first, last)
	recurrent := chance(r, 200)
	n := debtCounts.pick(r)
	for j := range n {
		rec.debts = appendDebt(rec.debts)
		g.debt(rec, &rec.debts[len(rec.debts)-1], i, j, company, recurrent)
	}
	return rec
}

var picker3 = newPicker([]int{70, 20, 10})

// appendDebt grows debts by one, reusing the installment buffer left there
// by an earlier debtor.
func appendDebt(debts []debtRec) []debtRec {
	if len(debts) < cap(debts) {
		debts = debts[:len(debts)+1]
		last := &debts[len(debts)-1]
		*last = debtRec{insts: last.insts[:0]}
		return debts
	}
	return append(debts, debtRec{})
}

// extID is the creditor's customer id: "CLI" and 9 digits, a bijection of
// the debtor index (so ids never repeat within a seed) that does not look
// sequential.
func extID(seed uint64, i int) string {
	const mod = 1_000_000_000
	v := (uint64(i)*387420489 + mix64(seed)%mod) % mod // 3^18 is prime to 10
	var b [12]byte
	copy(b[:], "CLI")
	putDigits(b[3:], v)
	return string(b[:])
}

// contractDigits is a bijection of (debtor, debt) onto 10 digits, so that
// contract numbers never repeat within a seed.
func contractDigits(seed uint64, i, j int) uint64 {
	const mod = 10_000_000_000
	uid := uint64(i)*8 + uint64(j)
	return (uid*1162261467 + mix64(seed+1)%mod) % mod // 3^19 is prime to 10
}

// putDigits writes v into b as zero-padded decimal digits.
func putDigits(b []byte, v uint64) {
	for k := len(b) - 1; k >= 0; k-- {
		b[k] = byte('0' + v%10)
		v /= 10
	}
}

func personName(r *rand.Rand) (name, first, last string) {
	female := r.IntN(2) == 0
	buf := make([]byte, 0, 48)
	if female {
		first = firstFemale.pick(r)
	} else {
		first = firstMale.pick(r)
	}
	buf = append(buf, first...)
	// Maria and José nearly always carry a second name; others sometimes.
	p := 250
	if first == "Maria" || first == "Ana" || first == "José" || first == "João" {
		p = 750
	}
	if chance(r, p) {
		var s string
		if female {
			s = secondFemale.pick(r)
		} else {
			s = secondMale.pick(r)
		}
		if s != first {
			buf = append(buf, ' ')
			buf = append(buf, s...)
		}
	}
	n := 2
	if chance(r, 300) {
		n = 1
	} else if chance(r, 120) {
		n = 3
	}
	prev := -1
	for range n {
		k := surnamePick.pick(r)
		if k == prev {
			continue
		}
		prev = k
		s := &surnames[k]
		buf = append(buf, ' ')
		if s.pct > 0 && r.IntN(100) < s.pct {
			buf = append(buf, s.particle...)
			buf = append(buf, ' ')
		}
		buf = append(buf, s.s...)
		last = s.s
	}
	return string(buf), first, last
}

// foreignName is the name of a debtor who reads Spanish or English: an
// immigrant from a neighbouring country (two family names, as Spanish
// naming goes) or from an English-speaking one.
func foreignName(r *rand.Rand, firsts, lasts []string, surnames int) (name, first, last string) {
	first = firsts[r.IntN(len(firsts))]
	name = first
	for range surnames {
		last = lasts[r.IntN(len(lasts))]
		name += " " + last
	}
	return name, first, last
}

func companyName(r *rand.Rand, id taxid.ID) (name, first, last string) {
	// A MEI (individual micro-entrepreneur) is registered under its CNPJ
	// root and the owner's name: "12.345.678 José da Silva".
	if !id.Alphanumeric() && chance(r, 120) {
		owner, f, l := personName(r)
		n := id.Number
		return n[0:2] + "." + n[2:5] + "." + n[5:8] + " " + owner, f, l
	}
	trade, nm := trades.pick(r), bizNames.pick(r)
	suffix := bizSuffixes.pick(r)
	return trade + " " + nm + " " + suffix, trade, nm
}

func address(r *rand.Rand, c *city) domain.Address {
	a := domain.Address{
		City:         c.name,
		Municipality: c.code,
		UF:           c.uf,
		Country:      "BR",
		District:     districtList.pick(r),
	}
	a.Street = streetType.pick(r) + " " + streetName.pick(r)
	switch k := r.IntN(100); {
	case k < 2:
		a.Number = "S/N"
	case k < 65:
		a.Number = strconv.Itoa(between(r, 1, 400))
	default:
		a.Number = strconv.Itoa(between(r, 1, 4000))
	}
	a.Complement = complement(r)
	a.CEP = c.cep(r)
	return a
}

var complementKinds = newPicker([]int{60, 5, 3, 3, 14, 6, 2, 1, 2, 2, 2})

func complement(r *rand.Rand) string {
	n := func(lo, hi int) string { return strconv.Itoa(between(r, lo, hi)) }
	apto := func() string { return strconv.Itoa(between(r, 1, 22)*100 + between(r, 1, 8)) }
	switch complementKinds.pick(r) {
	case 1:
		return "Casa"
	case 2:
		return "Casa " + n(2, 5)
	case 3:
		return "Fundos"
	case 4:
		return "Apto " + apto()
	case 5:
		return "Bloco " + string(rune('A'+r.IntN(8))) + " Apto " + apto()
	case 6:
		return "Sala " + n(1, 40)
	case 7:
		return "Loja " + n(1, 12)
	case 8:
		return "Lote " + n(1, 40)
	case 9:
		return "Quadra " + n(1, 60) + " Lote " + n(1, 40)
	case 10:
		return "Térreo"
	}
	return ""
}

// contacts draws the debtor's phones, e-mail, WhatsApp and opt-outs, in
// the order and with the consent the importer gives them from the CSV:
// telefone, telefone2, celular, whatsapp, then email.
func (g *generator) contacts(rec *debtorRec, uf string, company bool, first, last string) {
	r := g.r
	pLand, pMobile, pMail := 220, 930, 650
	if company {
		pLand, pMobile, pMail = 700, 800, 850
	}
	if chance(r, pLand) {
		if n, err := phone.GenerateLandline(r, uf); err == nil {
			rec.landline = n.E164
		}
	}
	if chance(r, 100) {
		if n, err := phone.GenerateMobile(r, uf); err == nil {
			rec.phone2 = n.E164
		}
	}
	if chance(r, pMobile) {
		if n, err := phone.GenerateMobile(r, uf); err == nil {
			rec.mobile = n.E164
			rec.whatsapp = chance(r, 720)
		}
	}
	if chance(r, pMail) {
		rec.email = email(r, company, first, last)
	}

	// Opt-outs by channel, as the CSV's optout column lists them.
	var sms, voice, mail, wa bool
	sms, voice, mail, wa = chance(r, 30), chance(r, 20), chance(r, 40), chance(r, 20)
	if sms || voice || mail || wa {
		var b []byte
		for _, c := range []struct {
			on   bool
			name string
		}{{sms, "sms"}, {mail, "email"}, {wa, "whatsapp"}, {voice, "voice"}} {
			if c.on {
				if len(b) > 0 {
					b = append(b, ',')
				}
				b = append(b, c.name...)
			}
		}
		rec.optOut = string(b)
	}

	if g.csvOnly {
		return
	}
	// Sized exactly: contact points are large and this is most of the
	// bytes allocated per debtor.
	n := 0
	for _, v := range []string{rec.landline, rec.phone2, rec.mobile, rec.email} {
		if v != "" {
			n++
		}
	}
	if rec.whatsapp {
		n++
	}
	out := make([]domain.ContactPoint, 0, n)
	add := func(k domain.ContactKind, v string, optOut bool) {
		if v == "" {
			return
		}
		for _, p := range out {
			if p.Kind == k && p.Value == v {
				return
			}
		}
		cp := domain.ContactPoint{Kind: k, Value: v, Consent: domain.ConsentUnknown}
		if optOut {
			cp.Consent, cp.ConsentSource = domain.ConsentOptOut, "import"
		}
		out = append(out, cp)
	}
	// sms closes mobiles; voice closes every phone line.
	add(domain.Landline, rec.landline, voice)
	add(domain.Mobile, rec.phone2, sms || voice)
	add(domain.Mobile, rec.mobile, sms || voice)
	if rec.whatsapp {
		add(domain.WhatsApp, rec.mobile, wa)
	}
	add(domain.Email, rec.email, mail)
	rec.contacts = out
}

// email makes a mailbox from the name: "jose.conceicao87@gmail.example",
// "financeiro@padariaboavista.example".
func email(r *rand.Rand, company bool, first, last string) string {
	b := make([]byte, 0, 40)
	if company {
		if chance(r, 600) {
			b = append(b, []string{"financeiro", "contato", "adm", "comercial"}[r.IntN(4)]...)
			b = append(b, '@')
			b = appendFolded(b, first, false)
			b = appendFolded(b, last, false)
			b = append(b, ".example"...)
			return string(b)
		}
	}
	switch r.IntN(5) {
	case 0:
		b = appendFolded(b, first, false)
		b = append(b, '.')
		b = appendFolded(b, last, false)
	case 1:
		b = appendFolded(b, first, false)
		b = appendFolded(b, last, false)
	case 2:
		b = appendFolded(b, first, false)
		b = append(b, '_')
		b = appendFolded(b, last, false)
	case 3:
		b = appendFolded(b, first, true)
		b = appendFolded(b, last, false)
	default:
		b = appendFolded(b, last, false)
		b = append(b, '.')
		b = appendFolded(b, first, false)
	}
	if chance(r, 550) {
		b = strconv.AppendInt(b, int64(between(r, 1, 99)), 10)
	}
	b = append(b, '@')
	b = append(b, providers.pick(r)...)
	return string(b)
}

// appendFolded appends s in lower-case ASCII without spaces: accents
// dropped, as people write mailbox names. initial keeps only the first
// letter.
func appendFolded(b []byte, s string, initial bool) []byte {
	for _, c := range s {
		var o byte
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			o = byte(c)
		case c >= 'A' && c <= 'Z':
			o = byte(c) + 'a' - 'A'
		default:
			o = foldRune(c)
		}
		if o == 0 {
			continue
		}
		b = append(b, o)
		if initial {
			break
		}
	}
	return b
}

func foldRune(c rune) byte {
	switch c {
	case 'á', 'à', 'â', 'ã', 'ä', 'Á', 'À', 'Â', 'Ã':
		return 'a'
	case 'é', 'ê', 'è', 'É', 'Ê':
		return 'e'
	case 'í', 'ì', 'Í':
		return 'i'
	case 'ó', 'ô', 'õ', 'ö', 'Ó', 'Ô', 'Õ':
		return 'o'
	case 'ú', 'ü', 'Ú', 'Ü':
		return 'u'
	case 'ç', 'Ç':
		return 'c'
	case 'ñ', 'Ñ':
		return 'n'
	}
	return 0
}

// mulDiv returns m·num/den rounded half up. The generator's amounts
// (below 10⁹ centavos) times its factors (below 10⁹) fit in int64, so this
// avoids money.MulRat's big.Int on the hot path; anything larger goes
// through MulRat.
func mulDiv(m money.Money, num, den int64) money.Money {
	c := m.Cents()
	if c >= 0 && c < 1e9 && num >= 0 && num < 1e9 && den > 0 {
		return money.Cents((c*num + den/2) / den)
	}
	v, err := m.MulRat(num, den, money.HalfUp)
	if err != nil {
		return m
	}
	return v
}
