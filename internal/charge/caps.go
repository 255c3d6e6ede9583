package charge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/money"
)

// Caps are the legal limits on late charges in one jurisdiction and kind of
// contract. A nil limit means none is known; Terms.Validate refuses terms
// above a limit with an error that names the rule and its source.
type Caps struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Source string `json:"source"`
	// FineMax caps the late fine as a share of the installment.
	FineMax *rate.Rate `json:"fine_max,omitempty"`
	// InterestMaxMonthly caps default interest per month.
	InterestMaxMonthly *rate.Rate `json:"interest_max_monthly,omitempty"`
	// InterestMaxYearly caps default interest as an effective yearly rate
	// (Colombia's usury rate, certified monthly).
	InterestMaxYearly *rate.Rate `json:"interest_max_yearly,omitempty"`
	// InterestOverContractMax caps default interest at the contract's
	// remuneratory rate plus this many yearly points (Spain).
	InterestOverContractMax *rate.Rate `json:"interest_over_contract_max,omitempty"`
	// ChargesMaxOfOriginal caps all charges together (interest, fine, fees,
	// correction) as a share of the original amount (Brazilian card debt).
	ChargesMaxOfOriginal *rate.Rate `json:"charges_max_of_original,omitempty"`
	// NoFees forbids charges other than fine, interest and correction.
	NoFees bool `json:"no_fees,omitempty"`
	// NoFineWithInterest forbids a late fee where moratory interest runs.
	NoFineWithInterest bool `json:"no_fine_with_interest,omitempty"`
	// CollectionFeeUF, when positive, is the value of one UF and
	// turns on Chile's tiered cap on collection fees (see ChileCollectionFeeCap).
	CollectionFeeUF money.Money `json:"collection_fee_uf,omitempty"`
}

func ratePtr(s string) *rate.Rate { r := rate.MustParse(s); return &r }

// presets are the caps this package knows with their sources (see
// docs/money.md and /work/shared/reference/compliance.md); a tenant can
// always pass its own Caps.
var presets = map[string]Caps{
	"none": {ID: "none", Name: "no statutory caps", Source: "—"},
	"br-consumer": {ID: "br-consumer", Name: "Brazil, consumer contract",
		Source:  "CDC (Lei 8.078/1990) art. 52 §1º, wording of Lei 9.298/1996; Decreto 2.181/1997 art. 22 XIX",
		FineMax: ratePtr("2%")},
	"br-bank": {ID: "br-bank", Name: "Brazil, bank contract with a consumer",
		Source:  "CDC art. 52 §1º (fine 2%); Súmula 379 STJ (mora interest up to 1% a.m.); Res. CMN 4.882/2020 (no charges beyond remuneratory interest, fine and mora interest)",
		FineMax: ratePtr("2%"), InterestMaxMonthly: ratePtr("1%am"), NoFees: true},
	"br-card": {ID: "br-card", Name: "Brazil, credit-card revolving or instalment balance",
		Source:  "Lei 14.690/2023 and Res. CMN 5.112/2023 (interest and charges at most 100% of the original debt, from January 2024); CDC art. 52 §1º; Súmula 379 STJ; Res. CMN 4.882/2020",
		FineMax: ratePtr("2%"), InterestMaxMonthly: ratePtr("1%am"), ChargesMaxOfOriginal: ratePtr("100%"), NoFees: true},
	"mx": {ID: "mx", Name: "Mexico, bank credit",
		Source:             "Banxico Circular 22/2010: no late-payment fee in a period in which moratory interest is charged",
		NoFineWithInterest: true},
	"es": {ID: "es", Name: "Spain, consumer loan",
		Source:                  "Tribunal Supremo STS 265/2015 (22 Apr 2015): default interest more than 2 points above the remuneratory rate is abusive",
		InterestOverContractMax: ratePtr("2%aa")},
}

// Preset returns the caps with this id. Presets whose number changes by
// decree take it after a colon: "co:25,02%EA" is Colombia with the usury rate
// Superfinanciera certified for the month (1.5 × the bank current interest),
// and "cl:39.500,00" is Chile with the value of one UF in pesos.
func Preset(id string) (Caps, error) {
	name, arg, hasArg := strings.Cut(strings.ToLower(strings.TrimSpace(id)), ":")
	switch name {
	case "co":
		if !hasArg {
			return Caps{}, fmt.Errorf("caps %q: Colombia needs the month's certified usury rate, e.g. co:25,02%%EA", id)
		}
		r, err := rate.Parse(arg)
		if err != nil || r.Period() != rate.Yearly {
			return Caps{}, fmt.Errorf("caps %q: usury rate must be yearly effective like 25,02%%EA", id)
		}
		return Caps{ID: "co", Name: "Colombia, consumer credit",
			Source:            "Usury cap 1.5 × IBC certified monthly by Superfinanciera (e.g. 25.02% EA for Dec 2025); applies to remuneratory and moratory interest",
			InterestMaxYearly: &r}, nil
	case "cl":
		if !hasArg {
			return Caps{}, fmt.Errorf("caps %q: Chile needs the value of one UF, e.g. cl:39.500,00", id)
		}
		uf, err := money.Parse(arg)
		if err != nil || uf <= 0 {
			return Caps{}, fmt.Errorf("caps %q: UF value must be a positive amount", id)
		}
		return Caps{ID: "cl", Name: "Chile, consumer credit",
			Source:          "Ley 19.496 art. 37 (Ley 21.320); SERNAC: collection fees 9% up to 10 UF, 6% from 10 to 50 UF, 3% above, only after 20 days late",
			CollectionFeeUF: uf}, nil
	}
	if hasArg {
		return Caps{}, fmt.Errorf("caps %q: preset %q takes no argument", id, name)
	}
	c, ok := presets[name]
	if !ok {
		return Caps{}, fmt.Errorf("caps %q: unknown preset; known: %s, co:<usury%%EA>, cl:<UF>", id, strings.Join(PresetIDs(), ", "))
	}
	return c, nil
}

// PresetIDs lists the presets that take no argument.
func PresetIDs() []string {
	out := make([]string, 0, len(presets))
	for k := range presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// UnmarshalJSON reads either a preset id ("br-consumer", "co:25,02%EA")
// or the caps object itself.
func (c *Caps) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		p, err := Preset(id)
		if err != nil {
			return err
		}
		*c = p
		return nil
	}
	type plain Caps // without this method
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("caps: %w", err)
	}
	*c = Caps(p)
	return nil
}

// ChileCollectionFeeCap returns the most a Chilean creditor may charge as
// collection fee on amount, given the UF value: 9% of the part up to 10 UF,
// 6% of the part from 10 to 50 UF and 3% above; zero until 20 days late.
func ChileCollectionFeeCap(amount, uf money.Money, daysLate int) (money.Money, error) {
	if daysLate <= 20 || amount <= 0 {
		return 0, nil
	}
	tiers := []struct {
		upToUF int64
		pct    int64
	}{{10, 9}, {50, 6}, {-1, 3}}
	var total, lower money.Money
	for _, t := range tiers {
		upper := amount
		if t.upToUF > 0 {
			u, err := uf.MulRat(t.upToUF, 1, money.Down)
			if err != nil {
				return 0, err
			}
			if u < upper {
				upper = u
			}
		}
		if upper > lower {
			part, err := (upper - lower).MulRat(t.pct, 100, money.Down)
			if err != nil {
				return 0, err
			}
			total += part
			lower = upper
		}
	}
	return total, nil
}
