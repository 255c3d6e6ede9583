package demo

import (
	"math/rand/v2"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/taxid"
)

// Fixture is what `regua demo` creates before loading the generated rows:
// one tenant (a collection agency), the creditors whose portfolios it
// works, and people to log in as.
type Fixture struct {
	Tenant    string
	Creditors []Creditor
	Users     []User
	// Password is the demo users' password, printed by `regua demo`.
	Password string
}

// Creditor is a demo creditor with its portfolios.
type Creditor struct {
	ExtID      string
	Name       string
	Document   string // CNPJ, digits
	Portfolios []Portfolio
}

// Portfolio is a demo portfolio and the products whose debts go into it.
type Portfolio struct {
	ExtID    string // the value of Row.Portfolio
	Name     string
	Products []string
}

// User is a demo login.
type User struct {
	Email  string
	Name   string
	Role   domain.Role
	Locale string
}

// DemoPassword is the password of every demo user. It is public by design:
// the demo database holds nothing but generated data.
const DemoPassword = "regua-demo-2026"

// Portfolio external ids, one per product line.
const (
	PortfolioCards     = "horizonte-cartoes"
	PortfolioLoans     = "horizonte-emprestimos"
	PortfolioTelecom   = "conecta-telecom"
	PortfolioUtilities = "energia-vale"
	PortfolioRetail    = "magazine-central"
	PortfolioEducation = "aurora-mensalidades"
)

// Users returns the demo tenant, creditors, portfolios and logins. It is
// the same on every call; creditor CNPJs are valid numbers drawn from a
// fixed seed. E-mails use the reserved .example domain.
func Users() Fixture {
	r := rand.New(rand.NewPCG(0x5e9a, 0xc0b7a))
	cnpj := func() string { return taxid.GenerateCNPJ(r).Number }
	return Fixture{
		Tenant: "Régua Demo Assessoria de Cobrança",
		Creditors: []Creditor{
			{ExtID: "banco-horizonte", Name: "Banco Horizonte S.A.", Document: cnpj(), Portfolios: []Portfolio{
				{ExtID: PortfolioCards, Name: "Banco Horizonte — Cartão de crédito", Products: []string{ProductCreditCard}},
				{ExtID: PortfolioLoans, Name: "Banco Horizonte — Empréstimo pessoal", Products: []string{ProductPersonalLoan}},
			}},
			{ExtID: "conecta-telecom", Name: "Conecta Telecom S.A.", Document: cnpj(), Portfolios: []Portfolio{
				{ExtID: PortfolioTelecom, Name: "Conecta Telecom — Móvel, fixo e banda larga", Products: []string{ProductTelecom}},
			}},
			{ExtID: "energia-vale", Name: "Energia Vale Distribuidora S.A.", Document: cnpj(), Portfolios: []Portfolio{
				{ExtID: PortfolioUtilities, Name: "Energia Vale — Contas de energia", Products: []string{ProductUtilities}},
			}},
			{ExtID: "magazine-central", Name: "Magazine Central Ltda", Document: cnpj(), Portfolios: []Portfolio{
				{ExtID: PortfolioRetail, Name: "Magazine Central — Crediário", Products: []string{ProductRetail}},
			}},
			{ExtID: "faculdade-aurora", Name: "Faculdade Aurora", Document: cnpj(), Portfolios: []Portfolio{
				{ExtID: PortfolioEducation, Name: "Faculdade Aurora — Mensalidades", Products: []string{ProductEducation}},
			}},
		},
		Users: []User{
			{Email: "admin@regua.example", Name: "Carla Menezes", Role: domain.RoleAdmin, Locale: "pt-BR"},
			{Email: "supervisor@regua.example", Name: "Roberto Siqueira", Role: domain.RoleSupervisor, Locale: "pt-BR"},
			{Email: "agente@regua.example", Name: "Juliana Prado", Role: domain.RoleAgent, Locale: "pt-BR"},
			{Email: "agente.es@regua.example", Name: "Lucía Fernández", Role: domain.RoleAgent, Locale: "es"},
			{Email: "agent.en@regua.example", Name: "Emma Clarke", Role: domain.RoleAgent, Locale: "en"},
		},
		Password: DemoPassword,
	}
}
