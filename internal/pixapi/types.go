package pixapi

import "time"

// Field names below are the API Pix's own (bacen/pix-api, openapi.yaml);
// the Go names translate them. Timestamps are RFC 3339, dates ISO 8601
// (yyyy-mm-dd).

// Charge status (status da cobrança).
const (
	StatusActive          = "ATIVA"                           // may be paid
	StatusCompleted       = "CONCLUIDA"                       // paid
	StatusRemovedByUser   = "REMOVIDA_PELO_USUARIO_RECEBEDOR" // cancelled by the receiver (us)
	StatusRemovedByPSP    = "REMOVIDA_PELO_PSP"               // cancelled by the PSP
	RefundInProgress      = "EM_PROCESSAMENTO"
	RefundDone            = "DEVOLVIDO"
	RefundNotDone         = "NAO_REALIZADO"
	RefundNatureOriginal  = "ORIGINAL" // refund of the original payment
	RefundNatureWithdrawn = "RETIRADA" // refund of a Pix Saque/Troco amount
)

// Devedor is the debtor of a charge. Exactly one of CPF and CNPJ goes with
// the name; the address fields are for cobv only.
type Devedor struct {
	CPF        string `json:"cpf,omitempty"`
	CNPJ       string `json:"cnpj,omitempty"`
	Nome       string `json:"nome,omitempty"`
	Email      string `json:"email,omitempty"`
	Logradouro string `json:"logradouro,omitempty"`
	Cidade     string `json:"cidade,omitempty"`
	UF         string `json:"uf,omitempty"`
	CEP        string `json:"cep,omitempty"`
}

// Recebedor is the receiver as the PSP knows it (cobv responses).
type Recebedor struct {
	Nome         string `json:"nome,omitempty"`
	NomeFantasia string `json:"nomeFantasia,omitempty"`
	CNPJ         string `json:"cnpj,omitempty"`
	CPF          string `json:"cpf,omitempty"`
	Logradouro   string `json:"logradouro,omitempty"`
	Cidade       string `json:"cidade,omitempty"`
	UF           string `json:"uf,omitempty"`
	CEP          string `json:"cep,omitempty"`
}

// InfoAdicional is one name/value pair shown to the payer.
type InfoAdicional struct {
	Nome  string `json:"nome"`
	Valor string `json:"valor"`
}

// LocRef points a charge at a location created beforehand (POST /loc).
type LocRef struct {
	ID int64 `json:"id"`
}

// Loc is the location (payload URL) of a charge, what a dynamic BR Code
// carries.
type Loc struct {
	ID       int64     `json:"id"`
	Location string    `json:"location"`
	TipoCob  string    `json:"tipoCob"` // "cob" or "cobv"
	Criacao  time.Time `json:"criacao,omitzero"`
	// TxID of the charge the location serves, when linked (GET /loc/{id}).
	TxID string `json:"txid,omitempty"`
}

// LocRequest creates a location ahead of its charge (POST /loc).
type LocRequest struct {
	TipoCob string `json:"tipoCob"`
}

// LocQRCode is GET /loc/{id}/qrcode: the dynamic BR Code of the location
// and its QR image as a data URL (PNG, base64).
type LocQRCode struct {
	QRCode       string `json:"qrcode"`
	ImagemQRCode string `json:"imagemQrcode"`
}

// CobCalendario: expiracao is the lifetime in seconds from creation
// (default 86400).
type CobCalendario struct {
	Criacao   time.Time `json:"criacao,omitzero"`
	Expiracao int       `json:"expiracao,omitempty"`
}

// CobValor: modalidadeAlteracao 1 lets the payer change the amount.
type CobValor struct {
	Original            Decimal `json:"original"`
	ModalidadeAlteracao int     `json:"modalidadeAlteracao,omitempty"`
}

// CobRequest creates or replaces an immediate charge (cob):
// PUT /cob/{txid} or POST /cob.
type CobRequest struct {
	Calendario         *CobCalendario  `json:"calendario,omitempty"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Loc                *LocRef         `json:"loc,omitempty"`
	Valor              CobValor        `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
}

// CobPatch revises a cob (PATCH /cob/{txid}); nil fields stay as they are.
// Setting Status to StatusRemovedByUser cancels the charge and must come
// alone.
type CobPatch struct {
	Calendario         *CobCalendario  `json:"calendario,omitempty"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Loc                *LocRef         `json:"loc,omitempty"`
	Status             string          `json:"status,omitempty"`
	Valor              *CobValor       `json:"valor,omitempty"`
	SolicitacaoPagador *string         `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
}

// Cob is an immediate charge as the PSP returns it.
type Cob struct {
	TxID               string          `json:"txid"`
	Revisao            int             `json:"revisao"`
	Calendario         CobCalendario   `json:"calendario"`
	Loc                *Loc            `json:"loc,omitempty"`
	Location           string          `json:"location,omitempty"`
	Status             string          `json:"status"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Valor              CobValor        `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
	PixCopiaECola      string          `json:"pixCopiaECola,omitempty"`
	Pix                []Pix           `json:"pix,omitempty"`
}

// CobVCalendario: the due date, and how many calendar days after it the
// charge may still be paid (validadeAposVencimento, default 30).
type CobVCalendario struct {
	Criacao                time.Time `json:"criacao,omitzero"`
	DataDeVencimento       string    `json:"dataDeVencimento,omitempty"`
	ValidadeAposVencimento *int      `json:"validadeAposVencimento,omitempty"`
}

// Modalities of the cobv value components (Manual de Padrões para
// Iniciação do Pix, Annex III, 3).
const (
	MultaValorFixo  Modalidade = 1 // fine: fixed amount
	MultaPercentual Modalidade = 2 // fine: percent of the original

	JurosValorDiasCorridos       Modalidade = 1 // interest: amount per calendar day
	JurosPercDiaDiasCorridos     Modalidade = 2 // percent a day, calendar days
	JurosPercMesDiasCorridos     Modalidade = 3 // percent a month (30 days)
	JurosPercAnoDiasCorridos     Modalidade = 4 // percent a year (360 days)
	JurosValorDiasUteis          Modalidade = 5 // amount per business day
	JurosPercDiaDiasUteis        Modalidade = 6 // percent a business day
	JurosPercMesDiasUteis        Modalidade = 7 // percent a month (21 business days)
	JurosPercAnoDiasUteis        Modalidade = 8 // percent a year (252 business days)
	AbatimentoValorFixo          Modalidade = 1 // rebate: fixed amount
	AbatimentoPercentual         Modalidade = 2 // rebate: percent of the original
	DescontoValorFixoAteData     Modalidade = 1 // discount: amount until a date
	DescontoPercentualAteData    Modalidade = 2 // discount: percent until a date
	DescontoValorDiaCorrido      Modalidade = 3 // amount per calendar day paid early
	DescontoValorDiaUtil         Modalidade = 4 // amount per business day paid early
	DescontoPercentualDiaCorrido Modalidade = 5 // percent per calendar day paid early
	DescontoPercentualDiaUtil    Modalidade = 6 // percent per business day paid early
)

// Componente is a fine (multa), interest (juros) or rebate (abatimento):
// a modality and an amount or percentage.
type Componente struct {
	Modalidade Modalidade `json:"modalidade"`
	ValorPerc  Decimal    `json:"valorPerc"`
}

// DescontoDataFixa is a discount valid until a date (inclusive).
type DescontoDataFixa struct {
	Data      string  `json:"data"`
	ValorPerc Decimal `json:"valorPerc"`
}

// Desconto is either up to three fixed-date discounts (modalities 1, 2)
// or a per-day early-payment discount (3 to 6).
type Desconto struct {
	Modalidade       Modalidade         `json:"modalidade"`
	DescontoDataFixa []DescontoDataFixa `json:"descontoDataFixa,omitempty"`
	ValorPerc        Decimal            `json:"valorPerc,omitzero"`
}

// CobVValor is the original amount and what changes it by payment date.
type CobVValor struct {
	Original   Decimal     `json:"original"`
	Multa      *Componente `json:"multa,omitempty"`
	Juros      *Componente `json:"juros,omitempty"`
	Abatimento *Componente `json:"abatimento,omitempty"`
	Desconto   *Desconto   `json:"desconto,omitempty"`
}

// CobVRequest creates or replaces a charge with due date (cobv):
// PUT /cobv/{txid}.
type CobVRequest struct {
	Calendario         CobVCalendario  `json:"calendario"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Loc                *LocRef         `json:"loc,omitempty"`
	Valor              CobVValor       `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
}

// CobVPatch revises a cobv (PATCH /cobv/{txid}).
type CobVPatch struct {
	Calendario         *CobVCalendario `json:"calendario,omitempty"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Loc                *LocRef         `json:"loc,omitempty"`
	Status             string          `json:"status,omitempty"`
	Valor              *CobVValor      `json:"valor,omitempty"`
	SolicitacaoPagador *string         `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
}

// CobV is a charge with due date as the PSP returns it.
type CobV struct {
	TxID               string          `json:"txid"`
	Revisao            int             `json:"revisao"`
	Calendario         CobVCalendario  `json:"calendario"`
	Loc                *Loc            `json:"loc,omitempty"`
	Status             string          `json:"status"`
	Devedor            *Devedor        `json:"devedor,omitempty"`
	Recebedor          *Recebedor      `json:"recebedor,omitempty"`
	Valor              CobVValor       `json:"valor"`
	Chave              string          `json:"chave"`
	SolicitacaoPagador string          `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional `json:"infoAdicionais,omitempty"`
	PixCopiaECola      string          `json:"pixCopiaECola,omitempty"`
	Pix                []Pix           `json:"pix,omitempty"`
}

// Pix is a received payment. EndToEndID identifies it across the whole
// Pix system (32 characters, "E" + payer PSP's ISPB + timestamp + serial).
type Pix struct {
	EndToEndID  string      `json:"endToEndId"`
	TxID        string      `json:"txid,omitempty"`
	Valor       Decimal     `json:"valor"`
	Chave       string      `json:"chave,omitempty"`
	Horario     time.Time   `json:"horario"`
	InfoPagador string      `json:"infoPagador,omitempty"`
	Devolucoes  []Devolucao `json:"devolucoes,omitempty"`
}

// RefundRequest asks for a refund (devolução) of a received Pix.
type RefundRequest struct {
	Valor     Decimal `json:"valor"`
	Natureza  string  `json:"natureza,omitempty"`
	Descricao string  `json:"descricao,omitempty"`
}

// Devolucao is a refund of a received Pix.
type Devolucao struct {
	ID        string        `json:"id"`
	RtrID     string        `json:"rtrId"`
	Valor     Decimal       `json:"valor"`
	Natureza  string        `json:"natureza,omitempty"`
	Descricao string        `json:"descricao,omitempty"`
	Horario   HorarioRefund `json:"horario"`
	Status    string        `json:"status"`
	Motivo    string        `json:"motivo,omitempty"`
}

// HorarioRefund holds when a refund was asked for and settled.
type HorarioRefund struct {
	Solicitacao time.Time `json:"solicitacao,omitzero"`
	Liquidacao  time.Time `json:"liquidacao,omitzero"`
}

// Webhook is the URL the PSP posts received Pix of a key to. The PSP adds
// "/pix" to it when posting.
type Webhook struct {
	WebhookURL string    `json:"webhookUrl"`
	Chave      string    `json:"chave,omitempty"`
	Criacao    time.Time `json:"criacao,omitzero"`
}

// WebhookPayload is the body of the PSP's POST {webhookUrl}/pix.
type WebhookPayload struct {
	Pix []Pix `json:"pix"`
}

// Paginacao is the paging block of list answers.
type Paginacao struct {
	PaginaAtual            int `json:"paginaAtual"`
	ItensPorPagina         int `json:"itensPorPagina"`
	QuantidadeDePaginas    int `json:"quantidadeDePaginas"`
	QuantidadeTotalDeItens int `json:"quantidadeTotalDeItens"`
}

// PixList is one page of GET /pix.
type PixList struct {
	Parametros struct {
		Inicio    time.Time `json:"inicio"`
		Fim       time.Time `json:"fim"`
		Paginacao Paginacao `json:"paginacao"`
	} `json:"parametros"`
	Pix []Pix `json:"pix"`
}
