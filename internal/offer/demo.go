package offer

import (
	"bytes"
	_ "embed"
)

//go:embed demo_policies.json
var demoPolicies []byte

// DemoPolicies returns the offer policies of the demo tenant: a default for
// every debtor and a deeper discount for credit cards over 90 days late.
// The file is also the worked example of the policy format in docs/money.md.
func DemoPolicies() Set {
	set, err := ParsePolicies(bytes.NewReader(demoPolicies))
	if err != nil {
		panic("offer: embedded demo policies: " + err.Error())
	}
	return set
}

// DemoPoliciesJSON returns the demo policies as the policy file they are
// stored from.
func DemoPoliciesJSON() []byte { return bytes.Clone(demoPolicies) }
