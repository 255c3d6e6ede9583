package policy

// ConductRule is a constraint on what a collection message may say or how
// it must identify itself. The engine does not enforce these (Decide is
// about when and how often); the template linter and channel adapters read
// them from the policy so that every preset carries its whole legal floor.
type ConductRule struct {
	ID      string `json:"id"`
	Summary string `json:"summary"` // English paraphrase, not the law's text
	Source  string `json:"source"`
	// Check names what a linter or adapter must verify: "no-threat",
	// "no-ridicule", "no-false-statement", "creditor-identity",
	// "opt-out-statement", "no-third-party", "caller-id", "no-reason-question".
	Check string `json:"check"`
}

var conduct = map[string][]ConductRule{
	"BR": {
		{"BR.cdc42", "In collecting a debt the consumer may not be exposed to ridicule nor put under any constraint or threat.", "CDC (Lei 8.078/1990) art. 42 caput", "no-threat"},
		{"BR.cdc42.ridicule", "No message may expose the debtor to ridicule (e.g. telling third parties about the debt).", "CDC art. 42 caput", "no-ridicule"},
		{"BR.cdc42a", "Every collection document shows the supplier's name, address and CPF/CNPJ.", "CDC art. 42-A (Lei 12.039/2009)", "creditor-identity"},
		{"BR.cdc71", "No threat, coercion, physical or moral constraint, false, incorrect or misleading statement, nor any procedure that interferes with the consumer's work, rest or leisure (a crime: 3 months to 1 year of detention and a fine).", "CDC art. 71", "no-false-statement"},
	},
	"US": {
		{"US.1006.6e", "Every electronic communication (e-mail, text) includes a clear and conspicuous, reasonable and simple way to opt out of further electronic messages to that address.", "12 CFR 1006.6(e)", "opt-out-statement"},
		{"US.1006.14", "No conduct whose natural consequence is to harass, oppress or abuse, including threats of violence and obscene or profane language.", "12 CFR 1006.14", "no-threat"},
		{"US.1006.18", "No false, deceptive or misleading representation.", "12 CFR 1006.18", "no-false-statement"},
		{"US.1006.6d", "No communication with third parties about the debt, beyond the exceptions of the rule.", "12 CFR 1006.6(d)", "no-third-party"},
	},
	"MX": {
		{"MX.callerid", "No private or hidden numbers: the caller must be identifiable.", "CONDUSEF despachos de cobranza rules (DOF 7 Oct 2014)", "caller-id"},
		{"MX.threat", "No threats, offences or intimidation of the debtor, family or co-workers; no names resembling public institutions; no fake judicial documents.", "CONDUSEF despachos de cobranza rules (DOF 7 Oct 2014)", "no-threat"},
		{"MX.thirdparty", "No collection from third parties, references or beneficiaries (joint obligors and guarantors excepted); no blacklists or posters.", "CONDUSEF despachos de cobranza rules (DOF 7 Oct 2014)", "no-third-party"},
	},
	"CO": {
		{"CO.reason", "The collector may not ask why the debtor defaulted.", "Ley 2300 de 2023 (as summarised by tower-consulting.com; article not re-read)", "no-reason-question"},
		{"CO.thirdparty", "No contact with references or third parties.", "Ley 2300 de 2023 (as summarised by eltiempo.com)", "no-third-party"},
	},
	"CL": {
		{"CL.judicial", "No documents that look like judicial writs.", "Ley 19.496 art. 37 (Ley 21.320)", "no-false-statement"},
		{"CL.thirdparty", "No telling third parties about the default; no harm to home privacy or the debtor's job.", "Ley 19.496 art. 37 (Ley 21.320)", "no-third-party"},
	},
	"ES": {
		{"ES.identity", "Calls identify the company and the purpose of the call.", "TRLGDCU art. 96.2 (Ley 3/2014)", "creditor-identity"},
	},
	"PT": {},
}

// Conduct returns the conduct constraints of the policy's preset (none for
// a policy without a preset).
func (p *Policy) Conduct() []ConductRule { return conduct[p.Preset] }
