package demo

import (
	"math/big"

	"github.com/regua/regua/internal/domain"
)

// Product codes, as the import file's produto column holds them.
const (
	ProductCreditCard   = "credit_card"
	ProductPersonalLoan = "personal_loan"
	ProductTelecom      = "telecom"
	ProductUtilities    = "utilities"
	ProductRetail       = "retail"
	ProductEducation    = "education"
)

// scheduleKind is how a product's installments come about.
type scheduleKind uint8

const (
	// bills: one bill a month with its own amount (card invoices, phone
	// and energy bills). The debt is the account; after a few unpaid
	// bills the service is cut or the card blocked, so no more come.
	bills scheduleKind = iota
	// priceTable: a loan repaid in equal instalments with interest
	// (Tabela Price): instalment = principal · i / (1 − (1+i)^−n).
	priceTable
	// split: a purchase or a semester split into equal parts, no interest.
	split
)

// product describes one product line of the demo portfolio.
type product struct {
	code      string
	portfolio string
	kind      scheduleKind
	// amount is the bill amount (bills) or the principal (priceTable,
	// split), in centavos.
	amount *quantiles
	// counts draws the number of installments (priceTable, split).
	counts  picker
	countOf []int
	// rates draws the monthly rate in basis points (priceTable).
	rates   picker
	rateOf  []int
	maxBill int // bills: unpaid bills before the service stops
	prefix  string
	// reasons draws a delay reason among those that make sense for the
	// product (a wrong delivery needs something delivered).
	reasons list
}

// Weights of each product for people and for companies, in the order of
// products below.
var (
	personProductWeights  = []int{26, 15, 20, 14, 17, 8}
	companyProductWeights = []int{10, 15, 32, 30, 13, 0}
)

// Delay reasons with their weights; creditor faults are added per product.
var commonReasons = []weighted{
	{string(domain.ReasonUnemployment), 30}, {string(domain.ReasonIncomeDrop), 25},
	{string(domain.ReasonIllness), 8}, {string(domain.ReasonOverindebted), 10},
	{string(domain.ReasonForgot), 8}, {string(domain.ReasonNoBill), 5},
	{string(domain.ReasonDisagrees), 4}, {string(domain.ReasonFraud), 1}, {string(domain.ReasonOther), 2},
}

func reasonsWith(extra ...weighted) list {
	return newList(append(append([]weighted(nil), commonReasons...), extra...))
}

var products = []*product{
	{
		code: ProductCreditCard, portfolio: PortfolioCards, kind: bills,
		amount:  lognormal(42000, 1.0, 2000, 6_000_000),
		maxBill: 2, prefix: "CC",
		reasons: reasonsWith(weighted{string(domain.ReasonBillingError), 4}),
	},
	{
		code: ProductPersonalLoan, portfolio: PortfolioLoans, kind: priceTable,
		amount:  lognormal(350000, 0.9, 30000, 20_000_000),
		countOf: []int{6, 10, 12, 18, 24, 36, 48}, counts: newPicker([]int{10, 6, 20, 10, 25, 15, 14}),
		rateOf: []int{249, 299, 349, 399, 499, 599, 799}, rates: newPicker([]int{8, 12, 15, 20, 20, 15, 10}),
		prefix:  "EP",
		reasons: reasonsWith(),
	},
	{
		code: ProductTelecom, portfolio: PortfolioTelecom, kind: bills,
		amount:  lognormal(11000, 0.55, 2990, 300_000),
		maxBill: 3, prefix: "TEL",
		reasons: reasonsWith(weighted{string(domain.ReasonBillingError), 6}, weighted{string(domain.ReasonServiceNotGiven), 3}),
	},
	{
		code: ProductUtilities, portfolio: PortfolioUtilities, kind: bills,
		amount:  lognormal(16500, 0.6, 1500, 800_000),
		maxBill: 3, prefix: "UC",
		reasons: reasonsWith(weighted{string(domain.ReasonBillingError), 6}),
	},
	{
		code: ProductRetail, portfolio: PortfolioRetail, kind: split,
		amount:  lognormal(110000, 0.8, 5000, 2_500_000),
		countOf: []int{1, 3, 4, 5, 6, 8, 10, 12, 18, 24}, counts: newPicker([]int{5, 10, 8, 10, 12, 8, 20, 20, 5, 2}),
		prefix:  "CRD",
		reasons: reasonsWith(weighted{string(domain.ReasonWrongDelivery), 4}, weighted{string(domain.ReasonDefective), 4}),
	},
	{
		code: ProductEducation, portfolio: PortfolioEducation, kind: split,
		amount:  lognormal(85000, 0.45, 25000, 900_000), // one month's tuition
		countOf: []int{6, 12}, counts: newPicker([]int{8, 2}),
		prefix:  "MAT",
		reasons: reasonsWith(weighted{string(domain.ReasonServiceNotGiven), 3}, weighted{string(domain.ReasonBillingError), 3}),
	},
}

var (
	personProducts  = newPicker(personProductWeights)
	companyProducts = newPicker(companyProductWeights)
)

// priceFactor holds i/(1−(1+i)^−n) · 10⁹, rounded, for every rate and
// count of the priceTable products: computed exactly once with big.Rat so
// that instalments are the same on every platform.
var priceFactor = map[[2]int]int64{}

func init() {
	for _, p := range products {
		if p.kind != priceTable {
			continue
		}
		for _, bp := range p.rateOf {
			for _, n := range p.countOf {
				priceFactor[[2]int{bp, n}] = annuityFactor(bp, n)
			}
		}
	}
}

func annuityFactor(bp, n int) int64 {
	i := big.NewRat(int64(bp), 10000)
	onePlus := new(big.Rat).Add(big.NewRat(1, 1), i)
	pow := big.NewRat(1, 1)
	for range n {
		pow.Mul(pow, onePlus)
	}
	// i / (1 − 1/pow) = i·pow / (pow − 1)
	num := new(big.Rat).Mul(i, pow)
	den := new(big.Rat).Sub(pow, big.NewRat(1, 1))
	f := new(big.Rat).Quo(num, den)
	f.Mul(f, big.NewRat(1_000_000_000, 1))
	q, r := new(big.Int).QuoRem(f.Num(), f.Denom(), new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(f.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}
