// Package billing issues what a debtor pays with: a PIX charge (a static BR
// Code with a txid, or a dynamic cob/cobv at the creditor's PSP through the
// API Pix) and a boleto (barcode and linha digitável laid out for the
// creditor's bank, with a nosso número from the tenant's sequence), for any
// open amount — an installment's open part or an agreement installment.
// Issuing again for the same amount (2ª via, reissue) supersedes the older
// charge of the same kind, which stays payable; reconciliation sends a
// payment of a superseded charge to the supervisor's queue.
package billing

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/boletopdf"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/store"
)

// Store is what issuing reads and writes.
type Store interface {
	store.BillingStore
	Debtor(ctx context.Context, tenant domain.TenantID, id int64) (domain.Debtor, error)
}

// PSP creates dynamic charges; a *pixapi.Client is one.
type PSP interface {
	CreateCob(ctx context.Context, txid string, req pixapi.CobRequest) (*pixapi.Cob, error)
	CreateCobV(ctx context.Context, txid string, req pixapi.CobVRequest) (*pixapi.CobV, error)
}

// Issuer issues charges for a tenant's open amounts.
type Issuer struct {
	Store Store
	// PSP, when set, makes PIX charges dynamic (cob, or cobv when the
	// amount has a due date ahead); otherwise they are static BR Codes.
	PSP PSP
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// GraceDays is how far ahead a boleto for an overdue amount falls due
	// (3 when zero): a fresh boleto must not be born late.
	GraceDays int
	// PixExpiry is a cob's lifetime (24 h when zero).
	PixExpiry time.Duration
	// Verify, when set with PSP, fetches the payload of every dynamic
	// charge from its location as a payer's bank would, checks the PSP's
	// signature, and compares txid and amount with what was asked before
	// the charge is saved: a PSP (or a location) that would show the
	// debtor something else is caught at issue time, not by the debtor.
	Verify *pixapi.PayloadVerifier
}

// Request asks for charges for one open amount.
type Request struct {
	Open        store.OpenAmount
	Pix, Boleto bool
	Description string // shown to the payer; "Contrato C parcela N" when empty
}

// Issued is what one request produced.
type Issued struct {
	Open   store.OpenAmount
	Pix    *store.Charge
	Boleto *store.Charge
	// FreeField is the boleto's campo livre with the nosso número as
	// printed; Account is the creditor's bank account it was made for.
	FreeField boleto.FreeField
	Account   store.BankAccount
}

func (is *Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

// Issue makes the charges of every request and saves them in one
// transaction; nosso números are allocated per bank in one step, so a bulk
// issue of a million boletos costs one sequence update per bank.
func (is *Issuer) Issue(ctx context.Context, tenant domain.TenantID, reqs []Request) ([]Issued, error) {
	out := make([]Issued, len(reqs))
	accounts := map[int64]store.BankAccount{}
	needNN := map[string]int{}
	for i, r := range reqs {
		if r.Open.Amount <= 0 {
			return nil, fmt.Errorf("issue %s %d: nothing open", r.Open.RefKind, r.Open.RefID)
		}
		if !r.Pix && !r.Boleto {
			return nil, fmt.Errorf("issue %s %d: ask for pix, boleto or both", r.Open.RefKind, r.Open.RefID)
		}
		a, ok := accounts[r.Open.CreditorID]
		if !ok {
			var err error
			if a, err = is.Store.BankAccount(ctx, tenant, r.Open.CreditorID); err != nil {
				return nil, fmt.Errorf("issue for creditor %d: %w (set it with `regua charge account`)", r.Open.CreditorID, err)
			}
			accounts[r.Open.CreditorID] = a
		}
		if r.Boleto {
			if a.Bank == "" {
				return nil, fmt.Errorf("issue boleto for creditor %d: the bank account has no bank", r.Open.CreditorID)
			}
			needNN[a.Bank]++
		}
		if r.Pix && a.PixKey == "" && is.PSP == nil {
			return nil, fmt.Errorf("issue pix for creditor %d: the account has no Pix key", r.Open.CreditorID)
		}
		out[i] = Issued{Open: r.Open, Account: a}
	}
	next := map[string]int64{}
	for bank, n := range needNN {
		first, err := is.Store.AllocateOurNumbers(ctx, tenant, bank, n)
		if err != nil {
			return nil, err
		}
		next[bank] = first
	}
	today := date.Of(is.now().In(saoPaulo))
	debtors := map[int64]domain.Debtor{}
	var charges []store.Charge
	for i, r := range reqs {
		a := out[i].Account
		o := r.Open
		desc := r.Description
		if desc == "" && o.Contract != "" {
			desc = fmt.Sprintf("Contrato %s parcela %d", o.Contract, o.Number)
		}
		base := store.Charge{DebtorID: o.DebtorID, DebtID: o.DebtID, RefKind: o.RefKind, RefID: o.RefID, InstallmentID: o.InstallmentID, Amount: o.Amount}
		if r.Pix {
			c := base
			c.Kind = store.ChargePix
			c.DueDate = o.DueDate
			if is.PSP != nil {
				d, err := is.debtor(ctx, tenant, o.DebtorID, debtors)
				if err != nil {
					return nil, err
				}
				if err := is.dynamic(ctx, &c, a, d, desc, today); err != nil {
					return nil, err
				}
			} else {
				c.TxID = txid(pix.MaxTxIDLen)
				code, err := pix.Encode(pix.Code{Key: a.PixKey, Amount: o.Amount, Name: fold(a.BeneficiaryName, pix.MaxNameLen), City: fold(a.City, pix.MaxCityLen), TxID: c.TxID, Description: fold(desc, 40)})
				if err != nil {
					return nil, fmt.Errorf("pix for %s %d: %w", o.RefKind, o.RefID, err)
				}
				c.BRCode = code
			}
			charges = append(charges, c)
			out[i].Pix = &charges[len(charges)-1]
		}
		if r.Boleto {
			c := base
			c.Kind = store.ChargeBoleto
			due := o.DueDate
			grace := is.GraceDays
			if grace == 0 {
				grace = 3
			}
			if due.IsZero() || due.Before(today) {
				due = today.AddDays(grace)
			}
			c.DueDate = due
			nn := next[a.Bank]
			next[a.Bank]++
			ff, err := boleto.EncodeFreeField(boleto.Account{Bank: a.Bank, Agency: a.Agency, Account: a.Account, Wallet: a.Wallet, Agreement: a.Agreement, OurNumber: strconv.FormatInt(nn, 10)})
			if err != nil {
				return nil, fmt.Errorf("boleto for %s %d: %w", o.RefKind, o.RefID, err)
			}
			bc, err := boleto.NewBarcode(a.Bank, due.In(time.UTC), o.Amount, ff.Digits)
			if err != nil {
				return nil, fmt.Errorf("boleto for %s %d: %w", o.RefKind, o.RefID, err)
			}
			c.Bank, c.OurNumber, c.Barcode, c.Digitable = a.Bank, ff.OurNumber, bc.String(), bc.Digitable()
			if out[i].Pix != nil {
				c.BRCode = out[i].Pix.BRCode // boleto híbrido
			}
			out[i].FreeField = ff
			charges = append(charges, c)
			out[i].Boleto = &charges[len(charges)-1]
		}
	}
	// charges may have grown after pointers were taken: point again.
	k := 0
	for i, r := range reqs {
		if r.Pix {
			out[i].Pix = &charges[k]
			k++
		}
		if r.Boleto {
			out[i].Boleto = &charges[k]
			k++
		}
	}
	if err := is.Store.SaveCharges(ctx, tenant, charges); err != nil {
		return nil, err
	}
	return out, nil
}

var saoPaulo = domain.Zone(domain.HomeZone)

func (is *Issuer) debtor(ctx context.Context, tenant domain.TenantID, id int64, cache map[int64]domain.Debtor) (domain.Debtor, error) {
	if d, ok := cache[id]; ok {
		return d, nil
	}
	d, err := is.Store.Debtor(ctx, tenant, id)
	if err != nil {
		return d, fmt.Errorf("debtor %d: %w", id, err)
	}
	cache[id] = d
	return d, nil
}

// dynamic creates the charge at the PSP: cobv when the amount falls due
// ahead (the PSP then computes fine and interest after it), cob otherwise.
func (is *Issuer) dynamic(ctx context.Context, c *store.Charge, a store.BankAccount, d domain.Debtor, desc string, today date.Date) error {
	c.TxID = txid(32)
	v, err := pixapi.FromMoney(c.Amount)
	if err != nil {
		return err
	}
	dev := &pixapi.Devedor{Nome: fold(d.Name, 140)}
	if len(d.Document) == 11 {
		dev.CPF = d.Document
	} else {
		dev.CNPJ = d.Document
	}
	if !c.DueDate.IsZero() && !c.DueDate.Before(today) {
		cv, err := is.PSP.CreateCobV(ctx, c.TxID, pixapi.CobVRequest{Calendario: pixapi.CobVCalendario{DataDeVencimento: c.DueDate.String()}, Devedor: dev,
			Valor: pixapi.CobVValor{Original: v}, Chave: a.PixKey, SolicitacaoPagador: desc})
		if err != nil {
			return fmt.Errorf("cobv %s: %w", c.TxID, err)
		}
		c.BRCode = cv.PixCopiaECola
		if cv.Loc != nil {
			c.Location = cv.Loc.Location
		}
	} else {
		exp := int(is.PixExpiry / time.Second)
		if exp <= 0 {
			exp = 86400
		}
		cob, err := is.PSP.CreateCob(ctx, c.TxID, pixapi.CobRequest{Calendario: &pixapi.CobCalendario{Expiracao: exp}, Devedor: dev,
			Valor: pixapi.CobValor{Original: v}, Chave: a.PixKey, SolicitacaoPagador: desc})
		if err != nil {
			return fmt.Errorf("cob %s: %w", c.TxID, err)
		}
		c.BRCode, c.Location = cob.PixCopiaECola, cob.Location
		if c.Location == "" && cob.Loc != nil {
			c.Location = cob.Loc.Location
		}
	}
	if c.BRCode == "" && c.Location != "" {
		code, err := pix.Encode(pix.Code{URL: strings.TrimPrefix(c.Location, "https://"), Name: fold(a.BeneficiaryName, pix.MaxNameLen), City: fold(a.City, pix.MaxCityLen)})
		if err != nil {
			return fmt.Errorf("BR Code of %s: %w", c.Location, err)
		}
		c.BRCode = code
	}
	// The copia e cola must be the dynamic code of this very location: no
	// key and no amount of its own, which a payer's bank would ignore.
	code, err := pix.Decode(c.BRCode)
	if err != nil {
		return fmt.Errorf("charge %s: the PSP's copia e cola: %w", c.TxID, err)
	}
	if code.Kind != pix.Dynamic || c.Location != "" && code.URL != strings.TrimPrefix(c.Location, "https://") {
		return fmt.Errorf("charge %s: the PSP's copia e cola is not the dynamic code of location %s", c.TxID, c.Location)
	}
	if c.Location == "" {
		c.Location = code.URL
	}
	if is.Verify != nil {
		got, err := is.Verify.Fetch(ctx, c.Location, pixapi.PayloadQuery{PaymentDate: is.now().In(saoPaulo)})
		if err != nil {
			return fmt.Errorf("charge %s: %w", c.TxID, err)
		}
		if err := got.Check(pixapi.Expect{TxID: c.TxID, Amount: c.Amount, Payable: true}); err != nil {
			return fmt.Errorf("charge %s: %w", c.TxID, err)
		}
	}
	return nil
}

const txidAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// txid draws a random txid of n letters and digits: unguessable, so that
// nobody can pay into someone else's charge by guessing, and unique
// (the store's unique index catches the impossible collision).
func txid(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = txidAlphabet[int(b[i])%len(txidAlphabet)]
	}
	return string(b)
}

// fold makes s plain ASCII of at most n characters for BR Code fields.
func fold(s string, n int) string {
	f, err := pix.FoldASCII(s)
	if err != nil {
		var b strings.Builder
		for _, r := range s {
			if r < 128 {
				b.WriteRune(r)
			}
		}
		f = b.String()
	}
	if len(f) > n {
		f = strings.TrimSpace(f[:n])
	}
	return f
}

// PDF writes the boleto of iss as a PDF page, with the PIX QR code when
// the boleto carries one (boleto híbrido).
func PDF(w io.Writer, iss Issued, d domain.Debtor, now time.Time) error {
	if iss.Boleto == nil {
		return fmt.Errorf("pdf: no boleto was issued")
	}
	bc, err := boleto.NewBarcode(iss.Boleto.Bank, iss.Boleto.DueDate.In(time.UTC), iss.Boleto.Amount, iss.Boleto.Barcode[19:])
	if err != nil {
		return err
	}
	a := iss.Account
	agency := a.Agency + " / " + a.Account
	if a.Agency == "" {
		agency = a.Agreement // convênio (Banco do Brasil) or código do beneficiário
	}
	addr := strings.TrimSpace(strings.Join(nonEmpty(d.Address.Street, d.Address.Number, d.Address.District, d.Address.City+"/"+d.Address.UF, d.Address.CEP), ", "))
	doc := boletopdf.Document{
		Barcode: bc, OurNumber: iss.FreeField.Display, AgencyCode: agency, Wallet: a.Wallet,
		Beneficiary:    boletopdf.Party{Name: a.BeneficiaryName, Document: a.BeneficiaryDoc, Address: a.City},
		Payer:          boletopdf.Party{Name: d.Name, Document: d.Document, Address: addr},
		DocumentNumber: fmt.Sprintf("%s-%d", iss.Open.Contract, iss.Open.Number), Species: "DM", Accept: "N",
		IssueDate: now, ProcessDate: now, PaymentPlace: "Pagável em qualquer banco ou por Pix",
		Instructions: []string{"2ª via emitida pela Régua. Não receber após 30 dias do vencimento."},
		PIX:          iss.Boleto.BRCode,
	}
	return boletopdf.Render(w, doc)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.Trim(s, " /,"); s != "" {
			out = append(out, s)
		}
	}
	return out
}
