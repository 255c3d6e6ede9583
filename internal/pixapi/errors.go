package pixapi

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is an error response of the API Pix: RFC 7807 problem+json with
// the API's list of violations. Type ends in the error's name, such as
// "https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida".
type Problem struct {
	Type          string     `json:"type"`
	Title         string     `json:"title"`
	Status        int        `json:"status"`
	Detail        string     `json:"detail,omitempty"`
	CorrelationID string     `json:"correlationId,omitempty"`
	Violacoes     []Violacao `json:"violacoes,omitempty"`

	// Method and Path of the request that failed, filled by the client.
	Method string `json:"-"`
	Path   string `json:"-"`
}

// Violacao names a property of the request that broke a rule.
type Violacao struct {
	Razao       string `json:"razao"`
	Propriedade string `json:"propriedade,omitempty"`
	Valor       string `json:"valor,omitempty"`
}

// ErrorTypeBase prefixes every Problem.Type of the API Pix.
const ErrorTypeBase = "https://pix.bcb.gov.br/api/v2/error/"

// Name is the error's name from Type ("CobNaoEncontrado").
func (p *Problem) Name() string {
	return p.Type[strings.LastIndexByte(p.Type, '/')+1:]
}

func (p *Problem) Error() string {
	var b strings.Builder
	if p.Method != "" {
		fmt.Fprintf(&b, "pix api %s %s: ", p.Method, p.Path)
	}
	fmt.Fprintf(&b, "%d %s", p.Status, p.Name())
	if p.Title != "" {
		b.WriteString(": " + p.Title)
	}
	if p.Detail != "" {
		b.WriteString(" (" + p.Detail + ")")
	}
	for _, v := range p.Violacoes {
		b.WriteString("; " + v.Razao)
		if v.Propriedade != "" {
			b.WriteString(" [" + v.Propriedade + "]")
		}
	}
	return b.String()
}

// Classes of failure a caller acts on, matched with errors.Is against a
// *Problem by its HTTP status.
var (
	ErrInvalid      = errors.New("pix api: invalid request")     // 400: fix the request
	ErrUnauthorized = errors.New("pix api: not authenticated")   // 401: credentials or certificate
	ErrForbidden    = errors.New("pix api: access denied")       // 403: scope or contract
	ErrNotFound     = errors.New("pix api: not found")           // 404
	ErrConflict     = errors.New("pix api: conflict")            // 409
	ErrGone         = errors.New("pix api: permanently removed") // 410
	ErrUnavailable  = errors.New("pix api: service unavailable") // 5xx: retry later
)

// Is lets errors.Is(err, ErrNotFound) and friends classify a Problem.
func (p *Problem) Is(target error) bool {
	switch target {
	case ErrInvalid:
		return p.Status == 400
	case ErrUnauthorized:
		return p.Status == 401
	case ErrForbidden:
		return p.Status == 403
	case ErrNotFound:
		return p.Status == 404
	case ErrConflict:
		return p.Status == 409
	case ErrGone:
		return p.Status == 410
	case ErrUnavailable:
		return p.Status >= 500
	}
	return false
}

// NewProblem builds a Problem of the API's error name with a title, for
// servers speaking the API.
func NewProblem(status int, name, title string, violacoes ...Violacao) *Problem {
	return &Problem{Type: ErrorTypeBase + name, Title: title, Status: status, Violacoes: violacoes}
}
