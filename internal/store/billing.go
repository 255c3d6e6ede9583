package store

import (
	"context"
	"errors"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// BankAccount is a creditor's collection account (conta de cobrança) at its
// bank and its Pix receiving key: what boletos and BR Codes are made of.
// Wallet is the carteira (collection product), Agreement the convênio (Banco
// do Brasil) or código do beneficiário (Caixa, Santander).
type BankAccount struct {
	TenantID        domain.TenantID
	CreditorID      int64
	Bank            string // compensação code: 001, 033, 104, 237, 341
	Agency          string
	Account         string
	Wallet          string
	Agreement       string
	PixKey          string
	BeneficiaryName string
	BeneficiaryDoc  string
	City            string
	UpdatedAt       time.Time
}

// ChargeKind is how a charge is paid.
type ChargeKind string

const (
	ChargePix    ChargeKind = "pix"
	ChargeBoleto ChargeKind = "boleto"
)

// ChargeStatus is where a charge stands. A superseded charge was replaced
// by a newer one for the same amount (2ª via) and remains payable.
type ChargeStatus string

const (
	ChargeActive     ChargeStatus = "active"
	ChargeSuperseded ChargeStatus = "superseded"
	ChargeCancelled  ChargeStatus = "cancelled"
	ChargePaid       ChargeStatus = "paid"
)

// RefKind names what an open amount belongs to.
type RefKind string

const (
	RefInstallment          RefKind = "installment"
	RefAgreementInstallment RefKind = "agreement_installment"
)

// OpenAmount is something a debtor can be charged for: an installment's
// open part, or an agreement installment (which another part of Régua
// keeps; RefID is then its id and InstallmentID zero).
type OpenAmount struct {
	RefKind       RefKind
	RefID         int64
	DebtorID      int64
	DebtID        int64
	InstallmentID int64
	CreditorID    int64
	Contract      string
	Number        int
	Amount        money.Money
	DueDate       date.Date
}

// Charge is one PIX code or boleto issued for an open amount.
type Charge struct {
	ID            int64
	TenantID      domain.TenantID
	DebtorID      int64
	DebtID        int64
	RefKind       RefKind
	RefID         int64
	InstallmentID int64
	Kind          ChargeKind
	Amount        money.Money
	DueDate       date.Date
	Status        ChargeStatus
	TxID          string // Pix: the txid reconciliation matches on
	Bank          string // boleto
	OurNumber     string // boleto: nosso número without check digit
	Barcode       string // boleto: 44 digits
	Digitable     string // boleto: 47 digits
	BRCode        string // Pix copia e cola (also on a boleto híbrido)
	Location      string // dynamic Pix: the PSP's payload location
	SupersededBy  int64
	CreatedAt     time.Time
	PaidAt        time.Time
}

// BillingStore keeps bank accounts, nosso número sequences and charges.
type BillingStore interface {
	// SetBankAccount creates or replaces the creditor's account.
	SetBankAccount(ctx context.Context, tenant domain.TenantID, a BankAccount) error
	BankAccount(ctx context.Context, tenant domain.TenantID, creditorID int64) (BankAccount, error)
	// AllocateOurNumbers reserves n consecutive nosso números of a bank for
	// the tenant and returns the first. Numbers are never handed out twice.
	AllocateOurNumbers(ctx context.Context, tenant domain.TenantID, bank string, n int) (first int64, err error)
	// OpenAmounts lists the open installments of a debtor (installmentID
	// zero) or the one installment installmentID, with their creditor.
	OpenAmounts(ctx context.Context, tenant domain.TenantID, debtorID, installmentID int64) ([]OpenAmount, error)
	// SaveCharges inserts charges in one transaction; each marks the older
	// active charges of the same reference and kind superseded by it. It
	// fills in IDs.
	SaveCharges(ctx context.Context, tenant domain.TenantID, cs []Charge) error
	Charge(ctx context.Context, tenant domain.TenantID, id int64) (Charge, error)
	ChargesOfDebtor(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]Charge, error)
	// CancelCharge marks an active or superseded charge cancelled: a payment
	// of it then goes to the reconciliation queue.
	CancelCharge(ctx context.Context, tenant domain.TenantID, id int64) error
}

// Incoming is one payment as a source reports it, before matching. A batch
// holds payments of one source.
type Incoming struct {
	Source    domain.PaymentSource
	SourceRef string // unique per source: the idempotency key
	Amount    money.Money
	// Interest is the part of Amount the bank reports as interest and fine
	// for paying late: it belongs to the payment, not to an overpayment.
	Interest      money.Money
	PaidAt        time.Time
	TxID          string
	EndToEndID    string
	Bank          string
	OurNumber     string
	PayerDocument string
	PayerName     string
	DebtorID      int64 // when the source knows the debtor (manual entry, API)
	InstallmentID int64 // when the source names the installment
	// AgreementInstallmentID, when the source names an agreement
	// installment (its id, as OpenAmount.RefID).
	AgreementInstallmentID int64
}

// ChargeMatch is a charge found for an incoming payment, with what its
// installment (or agreement installment: RefKind RefAgreementInstallment)
// still owes at match time and its status. Of the charge, what matching needs is read: not its
// due date, barcode, linha digitável, BR Code, location or times.
type ChargeMatch struct {
	Charge
	Open              money.Money
	InstallmentStatus domain.InstallmentStatus
}

// Candidates is what a batch's payments may match, as read inside the
// booking transaction.
type Candidates struct {
	ByTxID      map[string]ChargeMatch // by txid
	ByOurNumber map[string]ChargeMatch // by bank + "/" + nosso número
	// OpenByDebtor holds open installments of debtors named by document or
	// id among the payments that matched no charge.
	OpenByDebtor map[int64][]OpenAmount
	DebtorByDoc  map[string]int64
	// Installments named by payments (Incoming.InstallmentID).
	Installments map[int64]OpenAmount
	// AgreementInstallments named by payments (Incoming.
	// AgreementInstallmentID), RefKind RefAgreementInstallment.
	AgreementInstallments map[int64]OpenAmount
	// ClosedAgreement holds, by agreement installment id, the status of
	// its agreement when that is no longer active (broken, settled):
	// such an installment takes no payment by itself.
	ClosedAgreement map[int64]string
}

// QueueReason says why a payment did not book by itself.
type QueueReason string

const (
	QueuePartial     QueueReason = "partial"      // less than the open amount
	QueueOverpaid    QueueReason = "overpaid"     // more: the rest is kept as credit
	QueueSuperseded  QueueReason = "superseded"   // paid an older charge after a newer one was issued
	QueueCancelled   QueueReason = "cancelled"    // paid a cancelled charge
	QueueUnknown     QueueReason = "unknown"      // matched nothing
	QueueAmbiguous   QueueReason = "ambiguous"    // matched several installments equally well
	QueuePaidAlready QueueReason = "paid_already" // its installment was already paid
)

// Decision is what reconciliation does with one incoming payment: book an
// amount on an installment or agreement installment, queue (some of) it,
// keep a credit, or several.
type Decision struct {
	ChargeID      int64
	DebtorID      int64
	DebtID        int64
	InstallmentID int64
	// AgreementInstallmentID is set instead of InstallmentID when the
	// payment is for an agreement installment: Book is then booked on it as
	// NegotiationStore.ApplyAgreementPayment books (DebtID is zero).
	AgreementInstallmentID int64
	Book                   money.Money // booked on InstallmentID or AgreementInstallmentID
	Credit                 money.Money // kept on DebtorID
	Queue                  QueueReason
	QueueAmount            money.Money
	Detail                 string
}

// Classifier decides for each payment of a batch (index-aligned).
type Classifier func(in []Incoming, c Candidates) []Decision

// ReconcileOutcome says what a batch did.
type ReconcileOutcome struct {
	Duplicates   int // already known by (source, source ref): nothing done
	Booked       int // payments booked on installments
	BookedAmount money.Money
	Queued       int
	Credited     money.Money
	PaidOff      int // installments that became paid
	Cancelled    int // attempts cancelled
	Receipts     int // receipt messages planned
	// Agreements are the agreements booked on (each once): whether one is
	// now settled, and whether the debtor kept a promise, is the
	// negotiation's rules to say after the batch commits.
	Agreements []AgreementPaid
	// Debtors are the debtors of the payments booked on installments (not
	// agreement installments), each once with the latest paid-at booked
	// for them: whether one kept a pending promise is decided after the
	// batch commits. It is per batch: the totals of Reconciler.Book and
	// ReturnFile leave it empty (a large file would hold every debtor).
	Debtors []DebtorPaid
	// New tells per incoming payment whether it was new (not a duplicate).
	New []bool
}

// DebtorPaid names a debtor a batch booked payments of installments for and
// the latest payment date booked.
type DebtorPaid struct {
	DebtorID int64
	PaidAt   time.Time
}

// AgreementPaid names an agreement a batch booked on, its debtor and the
// latest payment date booked on it.
type AgreementPaid struct {
	AgreementID int64
	DebtorID    int64
	PaidAt      time.Time
}

// QueueItem is one payment in the reconciliation queue.
type QueueItem struct {
	ID            int64
	TenantID      domain.TenantID
	Source        domain.PaymentSource
	SourceRef     string
	Reason        QueueReason
	Amount        money.Money // what is left to decide
	Received      money.Money // what the payer paid
	PaidAt        time.Time
	ChargeID      int64
	DebtorID      int64
	InstallmentID int64 // suggested or booked installment
	// AgreementInstallmentID is the suggested or booked agreement
	// installment, for payments of agreement charges.
	AgreementInstallmentID int64
	PaymentID              int64 // when part of it was booked
	TxID                   string
	EndToEndID             string
	Bank                   string
	OurNumber              string
	PayerDocument          string
	PayerName              string
	Detail                 string
	Status                 string // open, assigned, refunded, credited
	Resolution             string
	ResolvedBy             string
	ResolvedAt             time.Time
	CreatedAt              time.Time
}

// Resolution is how a supervisor works a queue item.
type Resolution struct {
	Action        string // "assign", "refund", "credit"
	InstallmentID int64  // assign: the installment to book on
	// AgreementInstallmentID, instead of InstallmentID: assign books on
	// this agreement installment as ApplyAgreementPayment does (any excess
	// to the agreement's next installments).
	AgreementInstallmentID int64
	DebtorID               int64 // credit: the debtor, when the item has none
	Note                   string
	Actor                  string
}

// ReturnFile is one bank return file being or having been booked.
type ReturnFile struct {
	FileID     string
	Name       string
	Bank       string
	Records    int
	Booked     int
	Queued     int
	Status     string // processing, done
	StartedAt  time.Time
	FinishedAt time.Time
}

// PartitionedReconciler is a ReconcileStore that can book the parts of a
// batch at once, each in its own transaction on its own connection, when
// no two parts share a debtor: every row a payment's booking writes
// (installments, charges, agreements, credits, attempts, receipts) is its
// debtor's, so such parts never touch the same row.
type PartitionedReconciler interface {
	// SplitByDebtor splits a batch into n parts by the debtor each payment
	// would be booked or queued for (debtor id modulo n; payments of no
	// known debtor in part 0; a payment twice in the part of its first),
	// keeping their order. It writes nothing, and returns the batch whole
	// when the store books one batch at a time (SQLite has one writer) or
	// cannot tell the debtors cheaply.
	SplitByDebtor(ctx context.Context, tenant domain.TenantID, in []Incoming, n int) ([][]Incoming, error)
	// BookParts books the parts of a batch split by SplitByDebtor, at once
	// where the store can, a result per part (zero for an empty part).
	// Other bookings of the tenant wait for the parts, which do not wait
	// for each other. A part that finds a payment of another part's debtor
	// (a charge issued since the split) books nothing and fails with
	// ErrPartChanged: the caller books the batch whole then.
	BookParts(ctx context.Context, tenant domain.TenantID, parts [][]Incoming, classify Classifier) []PartResult
}

// PartResult is what booking one part of a batch did.
type PartResult struct {
	Outcome ReconcileOutcome
	Err     error
}

// ErrPartChanged says that a part of a batch split by debtor would book
// for a debtor of another part.
var ErrPartChanged = errors.New("a payment's debtor is not of its part of the batch")

// ReconcileStore books matched payments set-based and keeps the queue.
type ReconcileStore interface {
	// Reconcile books one batch in one transaction: payments already known
	// by (source, source ref) are skipped, the rest are matched against
	// charges and open installments (and agreement installments), classify
	// decides, and the decisions are applied: payments booked (with "paid"
	// events), installments updated, charges of paid installments marked
	// paid, live attempts of their debts cancelled, receipts planned,
	// credits kept and queue items written. Bookings on agreement
	// installments are made as ApplyAgreementPayment makes them, in the same
	// transaction, and reported in ReconcileOutcome.Agreements.
	Reconcile(ctx context.Context, tenant domain.TenantID, in []Incoming, classify Classifier) (ReconcileOutcome, error)
	QueueItems(ctx context.Context, tenant domain.TenantID, status string, limit int) ([]QueueItem, error)
	QueueItem(ctx context.Context, tenant domain.TenantID, id int64) (QueueItem, error)
	// ResolveQueueItem closes an open item: assign books its amount on an
	// installment, credit keeps it on the debtor, refund records that the
	// money went back (the caller asked the PSP first).
	ResolveQueueItem(ctx context.Context, tenant domain.TenantID, id int64, r Resolution) (QueueItem, error)
	// DebtorCredit is the debtor's credit balance.
	DebtorCredit(ctx context.Context, tenant domain.TenantID, debtorID int64) (money.Money, error)
	// StartReturnFile registers a file by its identity; started is false
	// when the file was booked completely before (then nothing is to do).
	StartReturnFile(ctx context.Context, tenant domain.TenantID, f ReturnFile) (started bool, prev ReturnFile, err error)
	FinishReturnFile(ctx context.Context, tenant domain.TenantID, f ReturnFile) error
}
