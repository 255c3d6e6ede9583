package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/geo"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/taxid"
)

var testAsOf = date.New(2026, 11, 24)

// collect returns every row of opts.
func collect(t testing.TB, opts Options) []Row {
	t.Helper()
	var rows []Row
	if err := Generate(opts, func(r Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

// rowHash hashes every field of the rows, Line excepted when noLine.
func rowHash(rows []Row, noLine bool) string {
	h := sha256.New()
	for _, r := range rows {
		if noLine {
			r.Line = 0
		}
		writeRow(h, r)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func writeRow(h hash.Hash, r Row) { fmt.Fprintf(h, "%+v\n", r) }

func csvHash(t *testing.T, opts Options) (string, int) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, opts); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	return fmt.Sprintf("%x", sum), b.Len()
}

func TestDeterminism(t *testing.T) {
	opts := Options{Seed: 7, Debtors: 300, AsOf: testAsOf}
	a, b := collect(t, opts), collect(t, opts)
	if len(a) == 0 || rowHash(a, false) != rowHash(b, false) {
		t.Fatalf("same seed, different rows (%d vs %d rows)", len(a), len(b))
	}
	other := collect(t, Options{Seed: 8, Debtors: 300, AsOf: testAsOf})
	if rowHash(a, false) == rowHash(other, false) {
		t.Error("seeds 7 and 8 gave the same rows")
	}
	if a[0].Debtor.Document == other[0].Debtor.Document || a[0].Debtor.ExtID == other[0].Debtor.ExtID {
		t.Error("seeds 7 and 8 start with the same debtor")
	}

	h1, n1 := csvHash(t, opts)
	h2, _ := csvHash(t, opts)
	h3, _ := csvHash(t, Options{Seed: 8, Debtors: 300, AsOf: testAsOf})
	if h1 != h2 || n1 == 0 {
		t.Error("same seed, different CSV")
	}
	if h1 == h3 {
		t.Error("seeds 7 and 8 gave the same CSV")
	}

	// The number of workers changes nothing (2,500 debtors: several chunks).
	big := Options{Seed: 5, Debtors: 2500, AsOf: testAsOf}
	one, many := big, big
	one.Workers, many.Workers = 1, 3
	if rowHash(collect(t, one), false) != rowHash(collect(t, many), false) {
		t.Error("1 and 3 workers gave different rows")
	}
	if h1, _ := csvHash(t, one); h1 != func() string { h, _ := csvHash(t, many); return h }() {
		t.Error("1 and 3 workers gave different CSV")
	}

	// Rows cuts the output at exactly that many rows, a prefix of the whole.
	for _, limit := range []int{1, 500, 900} {
		cut := collect(t, Options{Seed: 7, Rows: limit, AsOf: testAsOf, Workers: 2})
		if len(cut) != limit || rowHash(cut, false) != rowHash(a[:limit], false) {
			t.Errorf("Rows %d gave %d rows, or not the first ones", limit, len(cut))
		}
		var full, part bytes.Buffer
		WriteCSV(&full, opts)
		if err := WriteCSV(&part, Options{Seed: 7, Rows: limit, AsOf: testAsOf, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(part.String(), "\n"); n != limit+1 || !strings.HasPrefix(full.String(), part.String()) {
			t.Errorf("CSV with Rows %d has %d lines, or is not a prefix", limit, n)
		}
	}

	// Debtor i is the same whether generated alone or in a bigger run.
	head := collect(t, Options{Seed: 7, Debtors: 120, AsOf: testAsOf})
	tail := collect(t, Options{Seed: 7, First: 120, Debtors: 180, AsOf: testAsOf})
	if got, want := rowHash(append(head, tail...), true), rowHash(a, true); got != want {
		t.Error("debtors [0,120) + [120,300) differ from [0,300)")
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Debtors: -1}, {First: -5, Debtors: 1}, {First: maxDebtors, Debtors: 1}, {Rows: -1}} {
		if err := Generate(o, func(Row) error { return nil }); !errors.Is(err, ErrOptions) {
			t.Errorf("Generate(%+v) = %v, want ErrOptions", o, err)
		}
		if err := WriteCSV(io.Discard, o); !errors.Is(err, ErrOptions) {
			t.Errorf("WriteCSV(%+v) = %v, want ErrOptions", o, err)
		}
	}
	// A zero AsOf means today: every row still has a due date around it.
	rows := collect(t, Options{Seed: 1, Debtors: 5})
	if len(rows) == 0 || rows[0].Installment.DueDate.IsZero() {
		t.Fatal("no rows with a zero AsOf")
	}
	// Zero debtors: nothing, and a CSV with only the header.
	if rows := collect(t, Options{Seed: 1, AsOf: testAsOf}); len(rows) != 0 {
		t.Errorf("0 debtors gave %d rows", len(rows))
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, Options{Seed: 1, AsOf: testAsOf}); err != nil || b.String() != strings.Join(Header, ";")+"\n" {
		t.Errorf("empty CSV = %q, %v", b.String(), err)
	}
	// emit's error stops generation and comes back as is.
	stop := errors.New("stop")
	n := 0
	err := Generate(Options{Seed: 1, Debtors: 50, AsOf: testAsOf}, func(Row) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("Generate with failing emit = %v after %d rows", err, n)
	}
	// The same with workers: the error stops them and comes back.
	n = 0
	err = Generate(Options{Seed: 1, Debtors: 5000, AsOf: testAsOf, Workers: 3}, func(Row) error {
		if n++; n == 4000 {
			return stop
		}
		return nil
	})
	if err != stop || n != 4000 {
		t.Errorf("parallel Generate with failing emit = %v after %d rows", err, n)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteCSVError(t *testing.T) {
	err := WriteCSV(failWriter{}, Options{Seed: 1, Debtors: 3000, AsOf: testAsOf})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteCSV to a failing writer = %v", err)
	}
}

// stats is what the validity test measures over a sample.
type stats struct {
	rows, debtors, debts, companies, nonPT int
	alphanumeric                           int
	ufs                                    map[string]int
	products                               map[string]int
	dpd                                    map[string]int // of debts, by bucket
	zones                                  map[string]int
	reasons                                map[domain.DelayReason]int
	disputed, creditorFault, partial       int
	latePayments, onTimePayments           int
	optOut                                 map[domain.ContactKind]int
	kinds                                  map[domain.ContactKind]int
	portfolio                              map[string]string // product → portfolio
}

func bucket(d int) string {
	switch {
	case d == 0:
		return "current"
	case d <= 30:
		return "1-30"
	case d <= 90:
		return "31-90"
	case d <= 180:
		return "91-180"
	case d <= 360:
		return "181-360"
	}
	return "361+"
}

// TestValidity checks every row of a 10,000-debtor sample against the
// rules of the domain (valid documents, DDD of the UF, CEP and IBGE code
// of the UF, coherent installments and payments), then the shape of the
// portfolio against bands.
func TestValidity(t *testing.T) {
	const n = 10000
	s := stats{
		ufs: map[string]int{}, products: map[string]int{}, dpd: map[string]int{}, zones: map[string]int{},
		reasons: map[domain.DelayReason]int{}, optOut: map[domain.ContactKind]int{}, kinds: map[domain.ContactKind]int{},
		portfolio: map[string]string{},
	}
	seenDebtor := map[string]bool{}
	seenContract := map[string]bool{}
	var (
		cur      Row
		prevNum  int
		debtDPD  int
		errCount int
	)
	fail := func(r Row, format string, args ...any) {
		t.Helper()
		if errCount++; errCount <= 20 {
			t.Errorf("line %d (%s, %s): %s", r.Line, r.Debtor.ExtID, r.Debt.ContractNumber, fmt.Sprintf(format, args...))
		}
	}
	endDebt := func() {
		if cur.Debt.ContractNumber != "" {
			s.dpd[bucket(debtDPD)]++
		}
	}
	line := 2
	err := Generate(Options{Seed: 42, Debtors: n, AsOf: testAsOf}, func(r Row) error {
		s.rows++
		if r.Line != line {
			fail(r, "Line %d, want %d", r.Line, line)
		}
		line++
		d := &r.Debtor
		if d.ExtID != cur.Debtor.ExtID {
			if seenDebtor[d.ExtID] {
				fail(r, "debtor %s comes back after other debtors", d.ExtID)
			}
			seenDebtor[d.ExtID] = true
			s.debtors++
			checkDebtor(t, r, &s, fail)
		} else if !sameDebtor(d, &cur.Debtor) {
			fail(r, "debtor fields change between rows of one debtor")
		}
		if r.Debt.ContractNumber != cur.Debt.ContractNumber {
			endDebt()
			if seenContract[r.Debt.ContractNumber] {
				fail(r, "contract %s repeats", r.Debt.ContractNumber)
			}
			seenContract[r.Debt.ContractNumber] = true
			s.debts++
			s.products[r.Debt.Product]++
			s.reasons[r.Debt.DelayReason]++
			if r.Disputed {
				s.disputed++
			}
			if r.Debt.DelayReason.CreditorFault() {
				s.creditorFault++
			}
			if p, ok := s.portfolio[r.Debt.Product]; ok && p != r.Portfolio {
				fail(r, "product %s in portfolios %s and %s", r.Debt.Product, p, r.Portfolio)
			}
			s.portfolio[r.Debt.Product] = r.Portfolio
			prevNum, debtDPD = 0, 0
		} else if r.Debt != cur.Debt {
			fail(r, "debt fields change between rows of one debt")
		}
		checkInstallment(r, prevNum, fail, &s)
		prevNum = r.Installment.Number
		debtDPD = max(debtDPD, r.Installment.DPD(testAsOf))
		cur = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	endDebt()
	t.Logf("%d debtors, %d debts, %d rows; products %v; DPD %v; reasons %v; opt-outs %v; zones %v",
		s.debtors, s.debts, s.rows, s.products, s.dpd, s.reasons, s.optOut, s.zones)

	if s.debtors != n {
		t.Errorf("%d debtors, want %d", s.debtors, n)
	}
	if len(s.ufs) != 27 {
		t.Errorf("%d UFs in %d debtors, want all 27: %v", len(s.ufs), n, s.ufs)
	}
	if s.alphanumeric == 0 {
		t.Error("no alphanumeric CNPJ as of November 2026")
	}
	if len(s.zones) < 7 {
		t.Errorf("only %d time zones: %v", len(s.zones), s.zones)
	}
	share := func(part, whole int) float64 { return float64(part) / float64(whole) }
	band := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want within [%.3f, %.3f]", what, got, lo, hi)
		}
	}
	band("rows per debtor", share(s.rows, n), 2.5, 3.5)
	band("SP share of debtors", share(s.ufs["SP"], n), 0.19, 0.25)
	band("company share", share(s.companies, n), 0.04, 0.08)
	band("non-pt-BR share", share(s.nonPT, n), 0.005, 0.03)
	for p, want := range map[string]float64{
		ProductCreditCard: 0.25, ProductPersonalLoan: 0.15, ProductTelecom: 0.21,
		ProductUtilities: 0.15, ProductRetail: 0.17, ProductEducation: 0.075,
	} {
		band("share of "+p, share(s.products[p], s.debts), want-0.03, want+0.03)
	}
	for b, want := range map[string]float64{
		"current": 0.10, "1-30": 0.43, "31-90": 0.33, "91-180": 0.09, "181-360": 0.035, "361+": 0.015,
	} {
		band("share of debts at DPD "+b, share(s.dpd[b], s.debts), want*0.6, want*1.4+0.005)
	}
	band("share of debts with a delay reason", 1-share(s.reasons[domain.ReasonNone], s.debts), 0.2, 0.35)
	band("share of disputed debts", share(s.disputed, s.debts), 0.005, 0.05)
	band("share of debts with a creditor fault", share(s.creditorFault, s.debts), 0.005, 0.05)
	band("share of partial installments", share(s.partial, s.rows), 0.005, 0.05)
	// Late payments: the recurrence history of a fifth of the debtors, and
	// partial payments of overdue installments.
	band("share of payments made after the due date", share(s.latePayments, s.latePayments+s.onTimePayments), 0.3, 0.75)
	for _, k := range []domain.ContactKind{domain.Mobile, domain.Landline, domain.Email, domain.WhatsApp} {
		if s.optOut[k] == 0 {
			t.Errorf("no opt-out on %s", k)
		}
		if s.kinds[k] == 0 {
			t.Errorf("no %s contact", k)
		}
	}
	if len(s.portfolio) != len(products) {
		t.Errorf("portfolios by product: %v", s.portfolio)
	}
}

// Before July 2026 no CNPJ is alphanumeric.
func TestNoAlphanumericCNPJBefore2026(t *testing.T) {
	err := Generate(Options{Seed: 42, Debtors: 10000, AsOf: date.New(2025, 6, 30)}, func(r Row) error {
		if id, err := taxid.Parse(r.Debtor.Document); err != nil || id.Alphanumeric() {
			t.Fatalf("line %d: document %s (%v) as of 2025", r.Line, r.Debtor.Document, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sameDebtor(a, b *domain.Debtor) bool { return *a == *b }

func checkDebtor(t *testing.T, r Row, s *stats, fail func(Row, string, ...any)) {
	d := &r.Debtor
	id, err := taxid.Parse(d.Document)
	switch {
	case err != nil:
		fail(r, "document %q: %v", d.Document, err)
	case id.Number != d.Document:
		fail(r, "document %q not normalized (%q)", d.Document, id.Number)
	case (id.Kind == taxid.CNPJ) != (d.Kind == domain.Company):
		fail(r, "document kind %v for a %s", id.Kind, d.Kind)
	}
	if id.Alphanumeric() {
		s.alphanumeric++
	}
	if d.Kind == domain.Company {
		s.companies++
		if !d.Birth.IsZero() {
			fail(r, "company with a birth date")
		}
	} else {
		age := d.Birth.DaysUntil(testAsOf) / 365
		if age < 18 || age > 95 {
			fail(r, "age %d", age)
		}
	}
	if d.Name == "" || strings.Contains(d.Name, "  ") || strings.TrimSpace(d.Name) != d.Name {
		fail(r, "name %q", d.Name)
	}
	if d.Locale != "pt-BR" {
		s.nonPT++
		if d.Locale != "es" && d.Locale != "en" {
			fail(r, "locale %q", d.Locale)
		}
	}
	a := &d.Address
	s.ufs[a.UF]++
	if a.Country != "BR" || a.Street == "" || a.Number == "" || a.District == "" || a.City == "" {
		fail(r, "incomplete address %+v", a)
	}
	if code, uf, err := geo.ParseMunicipalityCode(a.Municipality); err != nil || uf != a.UF || code != a.Municipality {
		fail(r, "municipality %q of %s: %v (uf %s)", a.Municipality, a.UF, err, uf)
	}
	if m, ok := geo.LookupMunicipality(a.Municipality); !ok || m.Name != a.City {
		fail(r, "municipality %s is not %s", a.Municipality, a.City)
	}
	if cep, err := geo.CheckCEP(a.UF, a.CEP); err != nil || cep != a.CEP {
		fail(r, "CEP %q of %s: %v", a.CEP, a.UF, err)
	}
	if zone, err := geo.ZoneName(a.UF, a.Municipality); err != nil || zone != d.TimeZone || d.ZoneSet {
		fail(r, "time zone %q (set %v), geo says %q, %v", d.TimeZone, d.ZoneSet, zone, err)
	}
	s.zones[d.TimeZone]++
	mobiles := map[string]bool{}
	for _, c := range r.Contacts {
		s.kinds[c.Kind]++
		if c.Consent == domain.ConsentOptOut {
			s.optOut[c.Kind]++
			if c.ConsentSource != "import" {
				fail(r, "opt-out without source: %+v", c)
			}
		} else if c.Consent != domain.ConsentUnknown {
			fail(r, "consent %q", c.Consent)
		}
		switch c.Kind {
		case domain.Email:
			if strings.Count(c.Value, "@") != 1 || !strings.HasSuffix(c.Value, ".example") || strings.ToLower(c.Value) != c.Value {
				fail(r, "e-mail %q", c.Value)
			}
			continue
		case domain.Mobile:
			mobiles[c.Value] = true
		case domain.WhatsApp:
			if !mobiles[c.Value] {
				fail(r, "WhatsApp %s is not one of the debtor's mobiles", c.Value)
			}
		}
		n, err := phone.Parse(c.Value)
		switch {
		case err != nil:
			fail(r, "phone %q: %v", c.Value, err)
		case n.E164 != c.Value:
			fail(r, "phone %q not E.164", c.Value)
		case n.UF != a.UF:
			fail(r, "phone %s has DDD %s of %s, debtor lives in %s", c.Value, n.DDD, n.UF, a.UF)
		case (n.Kind == phone.Mobile) != (c.Kind != domain.Landline):
			fail(r, "phone %s is %v, contact says %s", c.Value, n.Kind, c.Kind)
		}
	}
}

func checkInstallment(r Row, prevNum int, fail func(Row, string, ...any), s *stats) {
	in := &r.Installment
	d := &r.Debt
	if in.Number <= prevNum {
		fail(r, "installment %d after %d", in.Number, prevNum)
	}
	if !d.OriginDate.Before(in.DueDate) {
		fail(r, "origin %s not before due %s", d.OriginDate, in.DueDate)
	}
	if d.OriginDate.After(testAsOf) {
		fail(r, "origin %s after as-of", d.OriginDate)
	}
	if in.Amount <= 0 || in.Paid < 0 || in.Paid > in.Amount {
		fail(r, "amount %s paid %s", in.Amount, in.Paid)
	}
	if in.Status != domain.StatusFor(in.Amount, in.Paid) {
		fail(r, "status %s for %s paid of %s", in.Status, in.Paid, in.Amount)
	}
	if in.Status == domain.InstallmentPartial {
		s.partial++
	}
	if d.Status != domain.DebtOpen || !d.DelayReason.Valid() {
		fail(r, "debt status %q reason %q", d.Status, d.DelayReason)
	}
	if d.OriginalPrincipal <= 0 {
		fail(r, "original principal %s", d.OriginalPrincipal)
	}
	var paid money.Money
	loc, err := geo.Location(r.Debtor.TimeZone)
	if err != nil {
		fail(r, "zone %s: %v", r.Debtor.TimeZone, err)
		return
	}
	for _, p := range r.Payments {
		paid += p.Amount
		paidOn := date.Of(p.PaidAt.In(loc))
		if h := p.PaidAt.In(loc).Hour(); h < 8 || h > 21 {
			fail(r, "paid at %s local", p.PaidAt.In(loc))
		}
		if !paidOn.Before(testAsOf.AddDays(1)) || p.Source != domain.PaidImport || !strings.HasPrefix(p.SourceRef, d.ContractNumber+"/"+strconv.Itoa(in.Number)+"/") {
			fail(r, "payment %+v", p)
		}
		if paidOn.After(in.DueDate) {
			s.latePayments++
		} else {
			s.onTimePayments++
		}
	}
	if paid != in.Paid {
		fail(r, "payments sum to %s, installment paid %s", paid, in.Paid)
	}
	if r.Disputed && d.DelayReason == domain.ReasonNone {
		fail(r, "disputed without a reason")
	}
}

// TestCSV reads WriteCSV's output back with encoding/csv and checks every
// field against the row Generate gives for that line.
func TestCSV(t *testing.T) {
	opts := Options{Seed: 3, Debtors: 400, AsOf: testAsOf}
	rows := collect(t, opts)
	var b bytes.Buffer
	if err := WriteCSV(&b, opts); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if strings.HasPrefix(text, "\ufeff") || strings.Contains(text, "\r") {
		t.Error("CSV has a BOM or CR line ends")
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ';'
	cr.FieldsPerRecord = len(Header)
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ";") != strings.Join(Header, ";") {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs)-1 != len(rows) {
		t.Fatalf("%d CSV lines, %d rows", len(recs)-1, len(rows))
	}
	col := map[string]int{}
	for i, h := range Header {
		col[h] = i
	}
	styles := map[string]bool{}
	for i, rec := range recs[1:] {
		r := rows[i]
		get := func(name string) string { return rec[col[name]] }
		bad := func(name, want string) {
			t.Errorf("line %d %s = %q, want %s", r.Line, name, get(name), want)
		}
		if get("id_cliente") != r.Debtor.ExtID {
			bad("id_cliente", r.Debtor.ExtID)
		}
		if id, err := taxid.Parse(get("cpf_cnpj")); err != nil || id.Number != r.Debtor.Document {
			bad("cpf_cnpj", r.Debtor.Document)
		}
		if get("nome") != r.Debtor.Name {
			bad("nome", r.Debtor.Name)
		}
		if want := r.Debtor.Birth.Format("pt-BR"); get("data_nascimento") != want {
			bad("data_nascimento", want)
		}
		// Phones as the importer reads them: kind from the number, the
		// whatsapp column as WhatsApp, e-mail last.
		var contacts []domain.ContactPoint
		for _, name := range []string{"telefone", "telefone2", "celular", "whatsapp"} {
			v := get(name)
			if v == "" {
				continue
			}
			switch {
			case strings.HasPrefix(v, "("):
				styles["national"] = true
			case strings.HasPrefix(v, "+55 "):
				styles["international"] = true
			default:
				styles["digits"] = true
			}
			n, err := phone.Parse(v)
			if err != nil {
				bad(name, "a phone")
				continue
			}
			k := domain.Landline
			if name == "whatsapp" {
				k = domain.WhatsApp
			} else if n.Kind == phone.Mobile {
				k = domain.Mobile
			}
			contacts = appendContact(contacts, k, n.E164)
		}
		if v := get("email"); v != "" {
			contacts = appendContact(contacts, domain.Email, v)
		}
		closes := map[domain.ContactKind]bool{}
		for _, ch := range strings.Split(get("optout"), ",") {
			switch ch {
			case "sms":
				closes[domain.Mobile] = true
			case "voice":
				closes[domain.Mobile], closes[domain.Landline] = true, true
			case "email":
				closes[domain.Email] = true
			case "whatsapp":
				closes[domain.WhatsApp] = true
			case "":
			default:
				bad("optout", "sms,email,whatsapp,voice")
			}
		}
		for k := range contacts {
			if closes[contacts[k].Kind] {
				contacts[k].Consent, contacts[k].ConsentSource = domain.ConsentOptOut, "import"
			}
		}
		if fmt.Sprint(contacts) != fmt.Sprint(r.Contacts) {
			t.Errorf("line %d contacts from CSV %v, rows have %v", r.Line, contacts, r.Contacts)
		}
		a := r.Debtor.Address
		for name, want := range map[string]string{
			"logradouro": a.Street, "numero": a.Number, "complemento": a.Complement, "bairro": a.District,
			"cidade": a.City, "cod_ibge": a.Municipality, "uf": a.UF, "idioma": r.Debtor.Locale, "fuso_horario": "",
			"contrato": r.Debt.ContractNumber, "produto": r.Debt.Product, "data_origem": r.Debt.OriginDate.Format("pt-BR"),
			"parcela": strconv.Itoa(r.Installment.Number), "vencimento": r.Installment.DueDate.Format("pt-BR"),
			"motivo_atraso": string(r.Debt.DelayReason),
		} {
			if get(name) != want {
				bad(name, strconv.Quote(want))
			}
		}
		if cep, err := geo.ParseCEP(get("cep")); err != nil || cep != a.CEP {
			bad("cep", a.CEP)
		}
		for name, want := range map[string]money.Money{
			"valor_original": r.Debt.OriginalPrincipal, "valor_parcela": r.Installment.Amount, "valor_pago": r.Installment.Paid,
		} {
			v := get(name)
			if v == "" && name == "valor_pago" {
				v = "0,00"
			}
			if !decimalComma(v) {
				bad(name, "digits, a comma and two decimals")
			} else if m, err := money.Parse(v); err != nil || m != want {
				bad(name, want.String())
			}
		}
	}
	if len(styles) != 3 {
		t.Errorf("phone styles seen: %v, want national, digits and international", styles)
	}
}

func appendContact(out []domain.ContactPoint, k domain.ContactKind, v string) []domain.ContactPoint {
	for _, c := range out {
		if c.Kind == k && c.Value == v {
			return out
		}
	}
	return append(out, domain.ContactPoint{Kind: k, Value: v, Consent: domain.ConsentUnknown})
}

// decimalComma reports whether s is "1234,56": digits, a comma, two digits.
func decimalComma(s string) bool {
	i := strings.IndexByte(s, ',')
	if i < 1 || len(s)-i != 3 {
		return false
	}
	for j := 0; j < len(s); j++ {
		if j != i && (s[j] < '0' || s[j] > '9') {
			return false
		}
	}
	return true
}

func TestUsers(t *testing.T) {
	f := Users()
	if f.Tenant == "" || f.Password == "" || len(f.Password) < 12 {
		t.Errorf("tenant %q password %q", f.Tenant, f.Password)
	}
	if fmt.Sprint(Users()) != fmt.Sprint(f) {
		t.Error("Users changes between calls")
	}
	byProduct := map[string]string{}
	ext := map[string]bool{}
	for _, c := range f.Creditors {
		if id, err := taxid.ParseAs(taxid.CNPJ, c.Document); err != nil || id.Number != c.Document {
			t.Errorf("creditor %s CNPJ %q: %v", c.Name, c.Document, err)
		}
		if ext[c.ExtID] {
			t.Errorf("creditor ext id %s repeats", c.ExtID)
		}
		ext[c.ExtID] = true
		for _, p := range c.Portfolios {
			if ext[p.ExtID] && p.ExtID != c.ExtID {
				t.Errorf("portfolio ext id %s repeats", p.ExtID)
			}
			for _, prod := range p.Products {
				if _, dup := byProduct[prod]; dup {
					t.Errorf("product %s in two portfolios", prod)
				}
				byProduct[prod] = p.ExtID
			}
		}
	}
	for _, p := range products {
		if byProduct[p.code] != p.portfolio {
			t.Errorf("product %s goes to %q, fixture says %q", p.code, p.portfolio, byProduct[p.code])
		}
	}
	roles := map[domain.Role]int{}
	emails := map[string]bool{}
	for _, u := range f.Users {
		roles[u.Role]++
		if emails[u.Email] || !strings.HasSuffix(u.Email, ".example") || u.Name == "" {
			t.Errorf("user %+v", u)
		}
		emails[u.Email] = true
		if u.Locale != "pt-BR" && u.Locale != "es" && u.Locale != "en" {
			t.Errorf("user %s locale %q", u.Email, u.Locale)
		}
	}
	for _, r := range []domain.Role{domain.RoleAdmin, domain.RoleSupervisor, domain.RoleAgent} {
		if roles[r] == 0 {
			t.Errorf("no demo user with role %s", r)
		}
	}
}

func TestLognormal(t *testing.T) {
	q := lognormal(10000, 0.8, 500, 1_000_000)
	if q[0] != 500 || q[quantileSteps] != 1_000_000 {
		t.Errorf("ends %d, %d", q[0], q[quantileSteps])
	}
	if q[quantileSteps/2] != 10000 {
		t.Errorf("median %d, want 10000", q[quantileSteps/2])
	}
	for i := 1; i <= quantileSteps; i++ {
		if q[i] < q[i-1] {
			t.Fatalf("quantiles fall at %d: %d < %d", i, q[i], q[i-1])
		}
	}
}

func TestAnnuityFactor(t *testing.T) {
	for _, tt := range []struct {
		bp, n int
		want  int64
	}{
		{100, 12, 88_848_789},   // 1% a month, 12 months: 0.0888487887
		{500, 1, 1_050_000_000}, // one installment: principal plus a month's interest
		{299, 24, 58_983_827},   // 2.99% a month, 24 months: 0.0589838
	} {
		if got := annuityFactor(tt.bp, tt.n); got != tt.want {
			t.Errorf("annuityFactor(%d, %d) = %d, want %d", tt.bp, tt.n, got, tt.want)
		}
	}
}

func TestMulDiv(t *testing.T) {
	for _, tt := range []struct {
		m        money.Money
		num, den int64
		want     money.Money
	}{
		{1000, 1, 3, 333}, {1000, 2, 3, 667}, {5, 1, 2, 3}, {350000, 58_983_827, 1_000_000_000, 20644},
		{money.Cents(5e12), 3, 7, money.Cents(2142857142857)}, // big amounts take MulRat
	} {
		if got := mulDiv(tt.m, tt.num, tt.den); got != tt.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", tt.m, tt.num, tt.den, got, tt.want)
		}
	}
}

// peakHeap generates opts' rows, forcing a collection every 2,000 rows and
// returning the largest live heap seen.
func peakHeap(t *testing.T, opts Options) uint64 {
	t.Helper()
	var peak uint64
	var ms runtime.MemStats
	n := 0
	err := Generate(opts, func(Row) error {
		if n++; n%2000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return peak
}

// TestBoundedMemory: generating four times the debtors does not grow the
// live heap (a million debtors stream in the same memory as a thousand).
func TestBoundedMemory(t *testing.T) {
	small := peakHeap(t, Options{Seed: 9, Debtors: 4000, AsOf: testAsOf, Workers: 2})
	big := peakHeap(t, Options{Seed: 9, Debtors: 16000, AsOf: testAsOf, Workers: 2})
	t.Logf("peak live heap: %d KiB at 4,000 debtors, %d KiB at 16,000", small>>10, big>>10)
	if big > small+4<<20 {
		t.Errorf("live heap grew from %d KiB to %d KiB with 4× the debtors", small>>10, big>>10)
	}
}

// TestAsOfEdges: month ends, a leap day and a year's turn place due dates,
// origins and payments as on any other day.
func TestAsOfEdges(t *testing.T) {
	for _, asOf := range []date.Date{
		date.New(2024, 2, 29), date.New(2026, 1, 31), date.New(2026, 12, 31), date.New(2027, 1, 1), date.New(2026, 3, 1),
	} {
		current, overdue := 0, 0
		err := Generate(Options{Seed: 2, Debtors: 1500, AsOf: asOf}, func(r Row) error {
			in, d := r.Installment, r.Debt
			if !d.OriginDate.Before(in.DueDate) || d.OriginDate.After(asOf) {
				t.Fatalf("as of %s, line %d: origin %s, due %s", asOf, r.Line, d.OriginDate, in.DueDate)
			}
			if in.DueDate.Day() > 28 {
				t.Fatalf("as of %s, line %d: due on day %d", asOf, r.Line, in.DueDate.Day())
			}
			for _, p := range r.Payments {
				if date.Of(p.PaidAt).After(asOf.AddDays(1)) {
					t.Fatalf("as of %s, line %d: paid at %s", asOf, r.Line, p.PaidAt)
				}
			}
			if in.DPD(asOf) > 0 {
				overdue++
			} else if in.Open() > 0 {
				current++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if current == 0 || overdue == 0 {
			t.Errorf("as of %s: %d open not yet due, %d overdue", asOf, current, overdue)
		}
	}
}
