// Package cnab reads and writes the bank files of boleto collection in the
// FEBRABAN CNAB layouts: the retorno (return file: what happened to each
// boleto — entrada confirmada, liquidação, baixa, rejeição) and the remessa
// (remittance: the boletos to register). CNAB 240 has a file header, batches
// (lotes) with a header, detail segments and a trailer, and a file trailer;
// CNAB 400 has a header, detail records and a trailer. Lines are fixed-width
// Latin-1 text.
//
// Reading is all or nothing: a line of the wrong length, an unknown record
// type, a broken sequence or a trailer whose counts or totals disagree with
// the file refuses the whole file with an error that names the line, the
// positions and the field. Process validates a file completely before it
// hands out a single record, in bounded memory, so a caller that books
// inside the callback never books part of a bad file. FileInfo.ID, a hash of
// the records' content, lets the caller refuse the same file twice.
package cnab

import (
	"fmt"

	"github.com/regua/regua/internal/money"
)

// Layout is the record width of a CNAB file.
type Layout int

const (
	CNAB240 Layout = 240
	CNAB400 Layout = 400
)

// Kind tells a return file from a remittance.
type Kind string

const (
	Return     Kind = "retorno"
	Remittance Kind = "remessa"
)

// Occurrence is the common meaning of a bank's occurrence code (código de
// movimento / ocorrência); the raw code stays in Record.Code.
type Occurrence string

const (
	EntryConfirmed       Occurrence = "entry_confirmed"       // entrada confirmada: boleto registered
	EntryRejected        Occurrence = "entry_rejected"        // entrada rejeitada: see Reasons
	Settled              Occurrence = "settled"               // liquidação: paid
	WrittenOff           Occurrence = "written_off"           // baixa: no longer payable, not paid
	InstructionConfirmed Occurrence = "instruction_confirmed" // change of due date, rebate… accepted
	InstructionRejected  Occurrence = "instruction_rejected"  // an instruction was refused
	Protest              Occurrence = "protest"               // protesto events
	Fee                  Occurrence = "fee"                   // tarifas and costs debited
	Registration         Occurrence = "registration"          // a remittance record (entrada de título)
	Other                Occurrence = "other"
)

// Record is one boleto event of a return file (CNAB 240: a T segment with
// its U segment; CNAB 400: a type 1 detail) or one boleto of a remittance
// (CNAB 240: P with Q; CNAB 400: type 1). Dates are YYYY-MM-DD, empty when
// the bank left them blank or zero.
type Record struct {
	Line           int         `json:"line"`
	Layout         Layout      `json:"layout"`
	Bank           string      `json:"bank"`
	Batch          int         `json:"batch,omitempty"`
	Code           string      `json:"code"`
	Occurrence     Occurrence  `json:"occurrence"`
	Description    string      `json:"description,omitempty"`
	Reasons        []string    `json:"reasons,omitempty"`
	OurNumber      string      `json:"our_number"`
	OurNumberRaw   string      `json:"our_number_raw,omitempty"`
	DocumentNumber string      `json:"document_number,omitempty"`
	CompanyUse     string      `json:"company_use,omitempty"`
	Wallet         string      `json:"wallet,omitempty"`
	DueDate        string      `json:"due_date,omitempty"`
	OccurrenceDate string      `json:"occurrence_date,omitempty"`
	CreditDate     string      `json:"credit_date,omitempty"`
	FaceValue      money.Money `json:"face_value"`
	PaidAmount     money.Money `json:"paid_amount"`
	NetAmount      money.Money `json:"net_amount"`
	Interest       money.Money `json:"interest"`
	Discount       money.Money `json:"discount"`
	Rebate         money.Money `json:"rebate"`
	IOF            money.Money `json:"iof"`
	Fee            money.Money `json:"fee"`
	PayerDocument  string      `json:"payer_document,omitempty"`
	PayerName      string      `json:"payer_name,omitempty"`
}

// FileInfo describes a whole file once it has been read.
type FileInfo struct {
	ID          string      `json:"id"` // hex SHA-256 of the lines' content (terminators excluded)
	Layout      Layout      `json:"layout"`
	Kind        Kind        `json:"kind"`
	Bank        string      `json:"bank"`
	CompanyName string      `json:"company_name,omitempty"`
	CompanyDoc  string      `json:"company_document,omitempty"`
	Generated   string      `json:"generated,omitempty"` // YYYY-MM-DD
	Sequence    int         `json:"sequence,omitempty"`  // NSA / remittance number
	Lines       int         `json:"lines"`
	Batches     int         `json:"batches,omitempty"`
	Records     int         `json:"records"`
	Total       money.Money `json:"total_face_value"`
	TotalPaid   money.Money `json:"total_paid"`
}

// Error names the line, the positions (1-based, inclusive) and the field
// that made a file unacceptable.
type Error struct {
	Line     int
	From, To int
	Field    string
	Msg      string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("cnab: line %d", e.Line)
	if e.From > 0 {
		if e.To > e.From {
			s += fmt.Sprintf(", positions %03d-%03d", e.From, e.To)
		} else {
			s += fmt.Sprintf(", position %03d", e.From)
		}
	}
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	return s + ": " + e.Msg + "; nothing of this file was accepted"
}

func errAt(line, from, to int, field, format string, a ...any) error {
	return &Error{Line: line, From: from, To: to, Field: field, Msg: fmt.Sprintf(format, a...)}
}
