package policy

import (
	"github.com/regua/regua/internal/holiday"
	"slices"
	"strings"
)

// Sources cited by the presets. Where the law's own text could not be
// read, the rule is marked unconfirmed and docs/policy.md says so.
const (
	srcSeeds        = "Régua seeds (product floor): never before 9h or after 21h, never on weekends, holidays or commemorative dates, no harassment; consistent with CDC (Lei 8.078/1990) art. 42 (no constraint or threat in collection) and art. 71 (no interference with the consumer's work, rest or leisure)"
	srcSP           = "Lei SP 15.426/2014 (DOE 23 May 2014): collection calls Mon–Fri 08h–20h, Sat 08h–14h, none on Sundays and holidays"
	srcAL           = "Lei AL 7.782/2016: collection calls and SMS Mon–Fri 08h–20h, Sat 08h–14h, none on Sundays and holidays"
	srcAM           = "Amazonas state law on collection and sales calls, Mon–Fri 08h–18h, Sat 08h–14h (reported by amnews.com.br; law number not confirmed)"
	srcHolidaysBR   = "Régua seeds (no contact on holidays); holidays per Lei 662/1949 (as amended by Lei 10.607/2002), Lei 6.802/1980, Lei 9.093/1995, Lei 14.759/2023, state and municipal laws cited in internal/holiday/data/br.json"
	srcCommBR       = "Régua seeds: no contact on commemorative dates (list configurable per tenant)"
	srcCapsBR       = "Régua default against harassment (CDC art. 42 and art. 71); no federal numeric limit found (compliance.md §1)"
	srcRegF6b       = "12 CFR 1006.6(b)(1)(i) (Regulation F): before 8:00 a.m. and after 9:00 p.m. local time at the consumer's location is inconvenient"
	srcRegF14a      = "12 CFR 1006.14(b)(2)(i)(A): more than seven telephone calls within seven consecutive days about a particular debt"
	srcRegF14b      = "12 CFR 1006.14(b)(2)(i)(B): a telephone call within seven consecutive days after a telephone conversation about the debt (the conversation date is day one)"
	srcRegF6b2      = "12 CFR 1006.6(b)(2): no communication with a consumer known to be represented by an attorney about the debt"
	srcUSDispute    = "15 U.S.C. 1692g(b) (FDCPA): after a written dispute within the validation period, collection stops until verification is mailed"
	srcUSStay       = "11 U.S.C. 362(a)(6): the automatic stay bars acts to collect a pre-petition debt"
	srcMX           = "CONDUSEF, Disposiciones de carácter general aplicables a las entidades financieras y despachos de cobranza (DOF 7 Oct 2014): collection contact only 07:00–22:00 in the debtor's time zone"
	srcCO           = "Ley 2300 de 2023 art. 3 (\"Dejen de fregar\"): Mon–Fri 07:00–19:00, Sat 08:00–15:00, no Sundays or holidays; only channels the consumer authorised; at most one contact a day"
	srcCOWeek       = "Ley 2300 de 2023 art. 3: once contact is made, not through several channels in the same week (read here as a rolling 7 days; whether the week is a calendar week is not confirmed)"
	srcCLHours      = "Ley 19.496 art. 37 as amended by Ley 21.320 (DO 20 Apr 2021), with the business days and hours of art. 59 CPC (SERNAC): Mon–Sat 08:00–20:00, not on holidays"
	srcCLCalls      = "Ley 19.496 art. 37 (Ley 21.320): more than one phone contact or visit a week is forbidden"
	srcCLOther      = "Ley 19.496 art. 37 (Ley 21.320): other channels at most twice a week, at least two days apart"
	srcES           = "TRLGDCU (RDL 1/2007) art. 96.2 as amended by Ley 3/2014: commercial calls never before 9:00 or after 21:00, nor on weekends or holidays; whether it covers collection calls is not confirmed"
	srcPT           = "No Portuguese statute on collection contact hours found; Régua default (business days 09:00–21:00, no holidays)"
	srcBlockDefault = "Régua default: collection pauses on a dispute (contestação), while an agreement is in force, on insolvency, on death and when a lawyer represents the debtor"
)

func blocks(prefix string) []BlockRule {
	var out []BlockRule
	for _, f := range []string{"dispute", "agreement", "bankrupt", "deceased", "represented"} {
		out = append(out, BlockRule{RuleMeta: RuleMeta{ID: prefix + ".block." + f, Source: srcBlockDefault}, Flag: f})
	}
	return out
}

var truth = true

func presetBR() *File {
	return &File{
		Name: "BR", Version: "preset-BR-2026.11", Preset: "BR",
		Hours: []HoursRule{
			{RuleMeta: RuleMeta{ID: "BR.hours", Source: srcSeeds}, Days: map[string]string{"mon-fri": "09:00-21:00"}},
			{RuleMeta: RuleMeta{ID: "BR-SP.calls", Source: srcSP}, Channels: []string{"voice", "call"}, Regions: []string{"SP"}, Days: map[string]string{"mon-fri": "08:00-20:00", "sat": "08:00-14:00"}},
			{RuleMeta: RuleMeta{ID: "BR-AL.calls", Source: srcAL}, Channels: []string{"voice", "call", "sms"}, Regions: []string{"AL"}, Days: map[string]string{"mon-fri": "08:00-20:00", "sat": "08:00-14:00"}},
			{RuleMeta: RuleMeta{ID: "BR-AM.calls", Source: srcAM, Unconfirmed: true}, Channels: []string{"voice", "call"}, Regions: []string{"AM"}, Days: map[string]string{"mon-fri": "08:00-18:00", "sat": "08:00-14:00"}},
		},
		Holidays: []HolidayRule{
			{RuleMeta: RuleMeta{ID: "BR.holidays", Source: srcHolidaysBR}, Kinds: []string{"national", "state", "municipal", "optional"}},
			{RuleMeta: RuleMeta{ID: "BR.commemorative", Source: srcCommBR}, Kinds: []string{"commemorative"}},
		},
		Commemorative: []*holiday.Rule{
			{Name: "Véspera de Natal", When: "12-24", Source: srcCommBR},
			{Name: "Véspera de Ano Novo", When: "12-31", Source: srcCommBR},
			{Name: "Dia das Mães", When: "2nd sun may", Source: srcCommBR},
			{Name: "Dia dos Pais", When: "2nd sun aug", Source: srcCommBR},
		},
		Caps: []CapRule{
			{RuleMeta: RuleMeta{ID: "BR.cap.day", Source: srcCapsBR}, Limit: 3, Days: 1},
			{RuleMeta: RuleMeta{ID: "BR.cap.channel-day", Source: srcCapsBR}, PerChannel: true, Limit: 1, Days: 1},
			{RuleMeta: RuleMeta{ID: "BR.cap.calls-week", Source: srcCapsBR}, Channels: []string{"voice", "call"}, Limit: 6, Window: "7d"},
			{RuleMeta: RuleMeta{ID: "BR.cap.small-debt-week", Source: srcCapsBR + "; seeds: frequency by amount"}, Limit: 3, Window: "7d", When: &Condition{MaxOverdue: "100.00"}},
			{RuleMeta: RuleMeta{ID: "BR.cap.first-time-week", Source: srcCapsBR + "; seeds: frequency by recurrence"}, Limit: 4, Window: "7d", When: &Condition{MaxRecurrence: intp(0)}},
			{RuleMeta: RuleMeta{ID: "BR.cooldown.conversation", Source: srcCapsBR}, Channels: []string{"voice", "call", "whatsapp", "sms"}, Count: "conversations", Limit: 1, Window: "48h"},
		},
		Blocks:      blocks("BR"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

func intp(i int) *int { return &i }

func presetUS() *File {
	return &File{
		Name: "US", Version: "preset-US-2026.11", Preset: "US",
		Hours: []HoursRule{{RuleMeta: RuleMeta{ID: "US.hours", Source: srcRegF6b}, Days: map[string]string{"all": "08:00-21:00"}}},
		Caps: []CapRule{
			{RuleMeta: RuleMeta{ID: "US.7in7", Source: srcRegF14a}, Channels: []string{"voice", "call"}, Scope: "debt", Limit: 7, Days: 7},
			{RuleMeta: RuleMeta{ID: "US.post-conversation", Source: srcRegF14b}, Channels: []string{"voice", "call"}, Scope: "debt", Count: "conversations", Limit: 1, Days: 7},
		},
		Blocks: []BlockRule{
			{RuleMeta: RuleMeta{ID: "US.block.represented", Source: srcRegF6b2}, Flag: "represented"},
			{RuleMeta: RuleMeta{ID: "US.block.dispute", Source: srcUSDispute}, Flag: "dispute"},
			{RuleMeta: RuleMeta{ID: "US.block.bankrupt", Source: srcUSStay}, Flag: "bankrupt"},
			{RuleMeta: RuleMeta{ID: "US.block.deceased", Source: srcBlockDefault}, Flag: "deceased"},
			{RuleMeta: RuleMeta{ID: "US.block.agreement", Source: srcBlockDefault}, Flag: "agreement"},
		},
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

func presetMX() *File {
	return &File{
		Name: "MX", Version: "preset-MX-2026.11", Preset: "MX",
		Hours:       []HoursRule{{RuleMeta: RuleMeta{ID: "MX.hours", Source: srcMX}, Days: map[string]string{"all": "07:00-22:00"}}},
		Blocks:      blocks("MX"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

func presetCO() *File {
	return &File{
		Name: "CO", Version: "preset-CO-2026.11", Preset: "CO",
		Hours:    []HoursRule{{RuleMeta: RuleMeta{ID: "CO.hours", Source: srcCO}, Days: map[string]string{"mon-fri": "07:00-19:00", "sat": "08:00-15:00"}}},
		Holidays: []HolidayRule{{RuleMeta: RuleMeta{ID: "CO.holidays", Source: srcCO}, Kinds: []string{"national"}}},
		Caps: []CapRule{
			{RuleMeta: RuleMeta{ID: "CO.cap.day", Source: srcCO}, Limit: 1, Days: 1},
			{RuleMeta: RuleMeta{ID: "CO.cap.one-channel-week", Source: srcCOWeek, Unconfirmed: true}, OtherChannels: true, Limit: 1, Window: "7d"},
		},
		Blocks:      blocks("CO"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth, RequireAuthorized: &truth},
	}
}

func presetCL() *File {
	return &File{
		Name: "CL", Version: "preset-CL-2026.11", Preset: "CL",
		Hours:    []HoursRule{{RuleMeta: RuleMeta{ID: "CL.hours", Source: srcCLHours}, Days: map[string]string{"mon-sat": "08:00-20:00"}}},
		Holidays: []HolidayRule{{RuleMeta: RuleMeta{ID: "CL.holidays", Source: srcCLHours}, Kinds: []string{"national"}}},
		Caps: []CapRule{
			{RuleMeta: RuleMeta{ID: "CL.cap.calls-week", Source: srcCLCalls}, Channels: []string{"voice", "call"}, Limit: 1, Window: "7d"},
			{RuleMeta: RuleMeta{ID: "CL.cap.other-week", Source: srcCLOther}, Channels: []string{"sms", "email", "whatsapp", "letter"}, Limit: 2, Window: "7d"},
			{RuleMeta: RuleMeta{ID: "CL.cap.other-spacing", Source: srcCLOther}, Channels: []string{"sms", "email", "whatsapp", "letter"}, Limit: 1, Window: "2d"},
		},
		Blocks:      blocks("CL"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

func presetES() *File {
	return &File{
		Name: "ES", Version: "preset-ES-2026.11", Preset: "ES",
		Hours:       []HoursRule{{RuleMeta: RuleMeta{ID: "ES.hours", Source: srcES, Unconfirmed: true}, Days: map[string]string{"mon-fri": "09:00-21:00"}}},
		Holidays:    []HolidayRule{{RuleMeta: RuleMeta{ID: "ES.holidays", Source: srcES, Unconfirmed: true}, Kinds: []string{"national", "state", "municipal"}}},
		Blocks:      blocks("ES"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

func presetPT() *File {
	return &File{
		Name: "PT", Version: "preset-PT-2026.11", Preset: "PT",
		Hours:       []HoursRule{{RuleMeta: RuleMeta{ID: "PT.hours", Source: srcPT, Unconfirmed: true}, Days: map[string]string{"mon-fri": "09:00-21:00"}}},
		Holidays:    []HolidayRule{{RuleMeta: RuleMeta{ID: "PT.holidays", Source: srcPT, Unconfirmed: true}, Kinds: []string{"national", "state", "municipal"}}},
		Blocks:      blocks("PT"),
		Preferences: &PreferencesConfig{Channels: &truth, Hours: &truth, NotAtWork: &truth},
	}
}

var presets = map[string]func() *File{"BR": presetBR, "US": presetUS, "MX": presetMX, "CO": presetCO, "CL": presetCL, "ES": presetES, "PT": presetPT}

// PresetNames lists the jurisdiction presets.
func PresetNames() []string {
	var out []string
	for k := range presets {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func presetFile(name string) (*File, bool) {
	f, ok := presets[strings.ToUpper(name)]
	if !ok {
		return nil, false
	}
	return f(), true
}

func presetCountry(name string) string { return strings.ToUpper(name) }

// Preset compiles a jurisdiction preset as is.
func Preset(name string) (*Policy, error) {
	return Compile(&File{Preset: strings.ToUpper(name), Name: strings.ToUpper(name), Version: "preset-" + strings.ToUpper(name) + "-2026.11"})
}

// PresetFile returns a copy of a preset's rules as a policy file, for
// documentation and as a starting point.
func PresetFile(name string) (*File, bool) { return presetFile(name) }
