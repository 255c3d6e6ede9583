package policy

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/holiday"
	"github.com/regua/regua/internal/money"
)

// RuleInfo is what a decision reports about the rule behind a reason.
type RuleInfo struct {
	ID          string `json:"id"`
	Source      string `json:"source,omitempty"`
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
	// Floor marks a preset rule: a legal or product floor that only an
	// audited override can turn off.
	Floor bool `json:"floor,omitempty"`
}

type hourRule struct {
	RuleInfo
	channels ChannelSet
	ufMask   uint32   // Brazilian UFs, bit per holiday.UFs index
	regions  []string // other regions, upper case
	days     [7]dayMask
}

type holidayRule struct {
	RuleInfo
	channels ChannelSet
	kinds    holiday.KindMask
}

type capRule struct {
	RuleInfo
	channels      ChannelSet
	perChannel    bool
	otherChannels bool
	perDebt       bool
	conversations bool
	limit         int
	window        time.Duration // rolling window, or 0 when days is set
	days          int           // calendar days in the debtor's zone
	cond          *condition
}

type condition struct {
	segments               []string
	minOver, maxOver       money.Money
	hasMinOver, hasMaxOver bool
	minDPD, maxDPD         int
	minRec, maxRec         int
}

// Flag is a debtor flag a block rule watches.
type Flag uint8

// Flags that block.
const (
	FlagDispute Flag = iota + 1
	FlagAgreement
	FlagBankrupt
	FlagDeceased
	FlagRepresented
)

var flagNames = [...]string{"", "dispute", "agreement", "bankrupt", "deceased", "represented"}

type blockRule struct {
	RuleInfo
	flag     Flag
	channels ChannelSet
}

type cityExtra struct {
	ibge int
	set  *holiday.Set
}

// Policy is a compiled contact policy, immutable and safe for concurrent
// use. Build it with Compile (or Preset) once and call Decide many times.
type Policy struct {
	Name    string
	Version string
	Digest  string // content hash of the file it was compiled from
	Preset  string
	Country string // country whose holidays apply to debtors without one

	hours    []hourRule
	base     [numChannels][7]dayMask // AND of hour rules without regions, per channel
	regional []int                   // indexes of hour rules with regions
	holidays []holidayRule
	blockK   [numChannels]holiday.KindMask
	caps     []capRule
	blocks   []blockRule

	prefChannels, prefHours, notAtWork, requireAuth bool
	prefRule                                        RuleInfo
	work                                            [7]dayMask
	workChannels                                    ChannelSet

	comm       *holiday.Set
	extraAll   *holiday.Set
	extraUF    [27]*holiday.Set
	extraCity  []cityExtra
	bestHour   Clock
	spread     time.Duration
	horizon    int // days searched for the next allowed instant
	Overrides  []Override
	portfolios map[string]*Policy
}

// For returns the policy of a portfolio, or p itself when the portfolio
// has no section of its own.
func (p *Policy) For(portfolio string) *Policy {
	if q := p.portfolios[portfolio]; q != nil {
		return q
	}
	return p
}

// Portfolios lists the portfolios with a section of their own.
func (p *Policy) Portfolios() []string {
	var out []string
	for k := range p.portfolios {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Rules lists every active rule with its source, for documentation and
// audit.
func (p *Policy) Rules() []RuleInfo {
	var out []RuleInfo
	for _, r := range p.hours {
		out = append(out, r.RuleInfo)
	}
	for _, r := range p.holidays {
		out = append(out, r.RuleInfo)
	}
	for _, r := range p.caps {
		out = append(out, r.RuleInfo)
	}
	for _, r := range p.blocks {
		out = append(out, r.RuleInfo)
	}
	if p.prefRule.ID != "" {
		out = append(out, p.prefRule)
	}
	return out
}

// Compile checks a policy file, merges it onto its preset and returns the
// compiled policy. Errors name the field at fault, e.g. "caps[1].window".
func Compile(f *File) (*Policy, error) {
	if f == nil {
		return nil, fmt.Errorf("policy: no file")
	}
	var base *File
	if f.Preset != "" {
		b, ok := presetFile(f.Preset)
		if !ok {
			return nil, fmt.Errorf("preset: unknown %q (want one of %s)", f.Preset, strings.Join(PresetNames(), ", "))
		}
		base = b
	}
	p, err := compileMerged(base, f, nil)
	if err != nil {
		return nil, err
	}
	if len(f.Portfolios) > 0 {
		p.portfolios = map[string]*Policy{}
		for name, pf := range f.Portfolios {
			if pf == nil {
				return nil, fmt.Errorf("portfolios.%s: empty", name)
			}
			if pf.Preset != "" || len(pf.Portfolios) > 0 {
				return nil, fmt.Errorf("portfolios.%s: a portfolio section cannot set preset or portfolios", name)
			}
			q, err := compileMerged(base, f, pf)
			if err != nil {
				return nil, fmt.Errorf("portfolios.%s.%w", name, err)
			}
			q.Name = p.Name + "/" + name
			p.portfolios[name] = q
		}
	}
	return p, nil
}

func compileMerged(base, f, portfolio *File) (*Policy, error) {
	p := &Policy{Name: f.Name, Version: f.Version, Digest: f.digest(), Preset: strings.ToUpper(f.Preset), bestHour: 10 * 60, spread: 90 * time.Minute, horizon: 400}
	if p.Name == "" {
		p.Name = "policy"
		if p.Preset != "" {
			p.Name = p.Preset
		}
	}
	if p.Version == "" {
		p.Version = "sha256:" + p.Digest
	}
	if base != nil {
		p.Country = presetCountry(p.Preset)
	}
	overrides := slices.Clone(f.Overrides)
	if portfolio != nil {
		overrides = append(overrides, portfolio.Overrides...)
	}
	disabled := map[string]bool{}
	baseIDs := map[string]bool{}
	if base != nil {
		for _, id := range base.ruleIDs() {
			baseIDs[id] = true
		}
	}
	for i, o := range overrides {
		field := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Rule == "":
			return nil, fmt.Errorf("%s.rule: empty", field)
		case !baseIDs[o.Rule]:
			return nil, fmt.Errorf("%s.rule: %q is not a rule of preset %q", field, o.Rule, f.Preset)
		case o.Action != "disable":
			return nil, fmt.Errorf("%s.action: %q (the only action is disable)", field, o.Action)
		case strings.TrimSpace(o.By) == "":
			return nil, fmt.Errorf("%s.by: loosening a preset needs the name of who decided", field)
		case strings.TrimSpace(o.Reason) == "":
			return nil, fmt.Errorf("%s.reason: loosening a preset needs the reason", field)
		}
		disabled[o.Rule] = true
	}
	p.Overrides = overrides
	seen := map[string]string{}
	layers := []struct {
		f     *File
		floor bool
		path  string
	}{{base, true, "preset " + f.Preset + ": "}, {f, false, ""}, {portfolio, false, ""}}
	for _, l := range layers {
		if l.f == nil {
			continue
		}
		if err := p.addLayer(l.f, l.floor, disabled, seen); err != nil {
			return nil, fmt.Errorf("%s%w", l.path, err)
		}
	}
	p.finish()
	return p, nil
}

func (f *File) ruleIDs() []string {
	var ids []string
	for _, r := range f.Hours {
		ids = append(ids, r.ID)
	}
	for _, r := range f.Holidays {
		ids = append(ids, r.ID)
	}
	for _, r := range f.Caps {
		ids = append(ids, r.ID)
	}
	for _, r := range f.Blocks {
		ids = append(ids, r.ID)
	}
	if f.Preferences != nil {
		ids = append(ids, f.Preset+".preferences")
	}
	return ids
}

func meta(m RuleMeta, floor bool, field string, seen map[string]string) (RuleInfo, error) {
	if strings.TrimSpace(m.ID) == "" {
		return RuleInfo{}, fmt.Errorf("%s.id: empty", field)
	}
	if prev, dup := seen[m.ID]; dup {
		return RuleInfo{}, fmt.Errorf("%s.id: %q already used by %s", field, m.ID, prev)
	}
	seen[m.ID] = field
	return RuleInfo{ID: m.ID, Source: m.Source, Unconfirmed: m.Unconfirmed, Floor: floor}, nil
}

func parseChannels(list []string, field string) (ChannelSet, error) {
	if len(list) == 0 {
		return AllChannels, nil
	}
	var s ChannelSet
	for i, c := range list {
		ch, err := ParseChannel(c)
		if err != nil {
			return 0, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		s |= 1 << ch
	}
	return s, nil
}

var dayKeys = map[string][]time.Weekday{
	"sun": {0}, "mon": {1}, "tue": {2}, "wed": {3}, "thu": {4}, "fri": {5}, "sat": {6},
	"mon-fri": {1, 2, 3, 4, 5}, "weekdays": {1, 2, 3, 4, 5}, "sat-sun": {6, 0}, "weekend": {6, 0},
	"mon-sat": {1, 2, 3, 4, 5, 6}, "all": {0, 1, 2, 3, 4, 5, 6},
}

// parseDays reads a days map into seven masks.
func parseDays(days map[string]string, field string) ([7]dayMask, error) {
	var out [7]dayMask
	var set [7]string
	keys := make([]string, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		wds, ok := dayKeys[strings.ToLower(k)]
		if !ok {
			return out, fmt.Errorf("%s.%s: unknown day (want mon…sun, mon-fri, mon-sat, sat-sun, weekdays, weekend or all)", field, k)
		}
		spans, err := parseSpans(days[k])
		if err != nil {
			return out, fmt.Errorf("%s.%s: %w", field, k, err)
		}
		for _, wd := range wds {
			if set[wd] != "" {
				return out, fmt.Errorf("%s.%s: %s already given by %q", field, k, wd, set[wd])
			}
			set[wd] = k
			for _, s := range spans {
				out[wd].setRange(s.From, s.To)
			}
		}
	}
	return out, nil
}

// parseSpans reads "09:00-12:00,13:00-18:00"; "" or "closed" is none.
func parseSpans(s string) ([]Span, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return nil, nil
	}
	var out []Span
	for _, part := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("%q: want HH:MM-HH:MM", part)
		}
		from, err := ParseClock(strings.TrimSpace(a))
		if err != nil {
			return nil, err
		}
		to, err := ParseClock(strings.TrimSpace(b))
		if err != nil {
			return nil, err
		}
		if to <= from {
			return nil, fmt.Errorf("%q: end is not after start", part)
		}
		out = append(out, Span{from, to})
	}
	return out, nil
}

// ParseWindow reads a duration with an optional day unit: "168h", "7d",
// "2d12h", "90m".
func ParseWindow(s string) (time.Duration, error) {
	var total time.Duration
	rest := strings.TrimSpace(s)
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 3660 {
			return 0, fmt.Errorf("%q: want e.g. 7d, 168h or 2d12h", s)
		}
		total = time.Duration(n) * 24 * time.Hour
		rest = rest[i+1:]
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("%q: want e.g. 7d, 168h or 2d12h", s)
		}
		total += d
	}
	if total <= 0 {
		return 0, fmt.Errorf("%q: must be positive", s)
	}
	return total, nil
}

func (p *Policy) addLayer(f *File, floor bool, disabled map[string]bool, seen map[string]string) error {
	for i, r := range f.Hours {
		field := fmt.Sprintf("hours[%d]", i)
		info, err := meta(r.RuleMeta, floor, field, seen)
		if err != nil {
			return err
		}
		if disabled[r.ID] {
			continue
		}
		h := hourRule{RuleInfo: info}
		if h.channels, err = parseChannels(r.Channels, field+".channels"); err != nil {
			return err
		}
		for j, reg := range r.Regions {
			if k := holiday.UFIndex(reg); k >= 0 && (p.Country == "" || p.Country == "BR") {
				h.ufMask |= 1 << k
			} else if strings.TrimSpace(reg) != "" {
				h.regions = append(h.regions, strings.ToUpper(strings.TrimSpace(reg)))
			} else {
				return fmt.Errorf("%s.regions[%d]: empty", field, j)
			}
		}
		if r.Days == nil {
			return fmt.Errorf("%s.days: missing (a rule with no days closes every day)", field)
		}
		if h.days, err = parseDays(r.Days, field+".days"); err != nil {
			return err
		}
		p.hours = append(p.hours, h)
	}
	for i, r := range f.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		info, err := meta(r.RuleMeta, floor, field, seen)
		if err != nil {
			return err
		}
		if disabled[r.ID] {
			continue
		}
		h := holidayRule{RuleInfo: info}
		if h.channels, err = parseChannels(r.Channels, field+".channels"); err != nil {
			return err
		}
		if len(r.Kinds) == 0 {
			return fmt.Errorf("%s.kinds: empty", field)
		}
		for j, k := range r.Kinds {
			kind, err := holiday.ParseKind(k)
			if err != nil {
				return fmt.Errorf("%s.kinds[%d]: %w", field, j, err)
			}
			h.kinds |= holiday.MaskOf(kind)
		}
		p.holidays = append(p.holidays, h)
	}
	for i, r := range f.Caps {
		field := fmt.Sprintf("caps[%d]", i)
		info, err := meta(r.RuleMeta, floor, field, seen)
		if err != nil {
			return err
		}
		if disabled[r.ID] {
			continue
		}
		c := capRule{RuleInfo: info, perChannel: r.PerChannel, otherChannels: r.OtherChannels, limit: r.Limit, days: r.Days}
		if r.PerChannel && r.OtherChannels {
			return fmt.Errorf("%s: per_channel and other_channels exclude each other", field)
		}
		if c.channels, err = parseChannels(r.Channels, field+".channels"); err != nil {
			return err
		}
		switch r.Scope {
		case "", "debtor":
		case "debt":
			c.perDebt = true
		default:
			return fmt.Errorf("%s.scope: %q (want debtor or debt)", field, r.Scope)
		}
		switch r.Count {
		case "", "attempts":
		case "conversations":
			c.conversations = true
		default:
			return fmt.Errorf("%s.count: %q (want attempts or conversations)", field, r.Count)
		}
		if r.Limit < 1 || r.Limit > maxCapLimit {
			return fmt.Errorf("%s.limit: %d (want 1…%d)", field, r.Limit, maxCapLimit)
		}
		switch {
		case r.Window != "" && r.Days != 0:
			return fmt.Errorf("%s: give window or days, not both", field)
		case r.Window != "":
			if c.window, err = ParseWindow(r.Window); err != nil {
				return fmt.Errorf("%s.window: %w", field, err)
			}
		case r.Days < 0 || r.Days > 366:
			return fmt.Errorf("%s.days: %d (want 1…366)", field, r.Days)
		case r.Days == 0:
			return fmt.Errorf("%s.window: missing (give window or days)", field)
		}
		if r.When != nil {
			if c.cond, err = compileCond(r.When, field+".when"); err != nil {
				return err
			}
		}
		p.caps = append(p.caps, c)
	}
	for i, r := range f.Blocks {
		field := fmt.Sprintf("blocks[%d]", i)
		info, err := meta(r.RuleMeta, floor, field, seen)
		if err != nil {
			return err
		}
		if disabled[r.ID] {
			continue
		}
		b := blockRule{RuleInfo: info}
		for k, n := range flagNames {
			if k > 0 && n == r.Flag {
				b.flag = Flag(k)
			}
		}
		if b.flag == 0 {
			return fmt.Errorf("%s.flag: %q (want dispute, agreement, bankrupt, deceased or represented)", field, r.Flag)
		}
		if b.channels, err = parseChannels(r.Channels, field+".channels"); err != nil {
			return err
		}
		p.blocks = append(p.blocks, b)
	}
	if pc := f.Preferences; pc != nil {
		id := p.Preset + ".preferences"
		if !floor {
			id = "preferences"
		}
		if !(floor && disabled[id]) {
			on := func(b *bool, cur bool) bool { return cur || (b != nil && *b) }
			p.prefChannels = on(pc.Channels, p.prefChannels)
			p.prefHours = on(pc.Hours, p.prefHours)
			p.notAtWork = on(pc.NotAtWork, p.notAtWork)
			p.requireAuth = on(pc.RequireAuthorized, p.requireAuth)
			if floor || p.prefRule.ID == "" {
				p.prefRule = RuleInfo{ID: id, Source: "the debtor's stated preferences", Floor: floor}
			}
			if pc.WorkHours != nil {
				w, err := parseDays(pc.WorkHours, "preferences.work_hours")
				if err != nil {
					return err
				}
				if p.workChannels != 0 && !floor { // a tenant may widen work hours (tighter), not narrow them
					for d := range w {
						for j := range w[d] {
							w[d][j] |= p.work[d][j]
						}
					}
				}
				p.work = w
			}
			if pc.NotAtWorkChannels != nil {
				cs, err := parseChannels(pc.NotAtWorkChannels, "preferences.not_at_work_channels")
				if err != nil {
					return err
				}
				p.workChannels |= cs
			}
		}
	}
	var comm []*holiday.Rule
	for i, r := range f.Commemorative {
		if r == nil {
			return fmt.Errorf("commemorative[%d]: null", i)
		}
		c := *r
		c.Kind = holiday.Commemorative
		comm = append(comm, &c)
	}
	if len(comm) > 0 {
		all := comm
		if p.comm != nil {
			all = append(slices.Clone(p.comm.Rules), comm...)
		}
		s, err := holiday.NewSet("commemorative", all)
		if err != nil {
			return fmt.Errorf("commemorative: %w", err)
		}
		p.comm = s
	}
	if err := p.addExtras(f.ExtraHolidays); err != nil {
		return err
	}
	if b := f.BestHour; b != nil {
		if b.Default != "" {
			c, err := ParseClock(b.Default)
			if err != nil {
				return fmt.Errorf("best_hour.default: %w", err)
			}
			p.bestHour = c
		}
		if b.Spread != "" {
			d, err := ParseWindow(b.Spread)
			if err != nil || d > 12*time.Hour {
				return fmt.Errorf("best_hour.spread: %q (want a duration up to 12h)", b.Spread)
			}
			p.spread = d
		}
	}
	return nil
}

// maxCapLimit bounds cap limits so that Decide can keep the newest
// contacts of a window on the stack.
const maxCapLimit = 64

func compileCond(c *Condition, field string) (*condition, error) {
	out := &condition{segments: c.Segments, minDPD: -1, maxDPD: -1, minRec: -1, maxRec: -1}
	if c.MinOverdue != "" {
		m, err := money.Parse(c.MinOverdue)
		if err != nil {
			return nil, fmt.Errorf("%s.min_overdue: %w", field, err)
		}
		out.minOver, out.hasMinOver = m, true
	}
	if c.MaxOverdue != "" {
		m, err := money.Parse(c.MaxOverdue)
		if err != nil {
			return nil, fmt.Errorf("%s.max_overdue: %w", field, err)
		}
		out.maxOver, out.hasMaxOver = m, true
	}
	for _, x := range []struct {
		v    *int
		dst  *int
		name string
	}{{c.MinDPD, &out.minDPD, "min_dpd"}, {c.MaxDPD, &out.maxDPD, "max_dpd"}, {c.MinRecurrence, &out.minRec, "min_recurrence"}, {c.MaxRecurrence, &out.maxRec, "max_recurrence"}} {
		if x.v != nil {
			if *x.v < 0 {
				return nil, fmt.Errorf("%s.%s: %d is negative", field, x.name, *x.v)
			}
			*x.dst = *x.v
		}
	}
	return out, nil
}

func (c *condition) match(s *Segment) bool {
	if c == nil {
		return true
	}
	if len(c.segments) > 0 {
		ok := false
		for _, n := range c.segments {
			if n == s.Name {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return (!c.hasMinOver || s.Overdue >= c.minOver) && (!c.hasMaxOver || s.Overdue <= c.maxOver) &&
		(c.minDPD < 0 || s.DaysPastDue >= c.minDPD) && (c.maxDPD < 0 || s.DaysPastDue <= c.maxDPD) &&
		(c.minRec < 0 || s.Recurrence >= c.minRec) && (c.maxRec < 0 || s.Recurrence <= c.maxRec)
}

func (p *Policy) addExtras(list []ExtraHoliday) error {
	type group struct {
		rules []*holiday.Rule
	}
	all := []*holiday.Rule{}
	byUF := map[int][]*holiday.Rule{}
	byCity := map[int][]*holiday.Rule{}
	for i, e := range list {
		field := fmt.Sprintf("extra_holidays[%d]", i)
		r := e.Rule
		scope, arg, _ := strings.Cut(e.Scope, ":")
		switch scope {
		case "all":
			if r.Kind == 0 {
				r.Kind = holiday.National
			}
			all = append(all, &r)
		case "uf":
			k := holiday.UFIndex(arg)
			if k < 0 {
				return fmt.Errorf("%s.scope: unknown UF %q", field, arg)
			}
			if r.Kind == 0 {
				r.Kind = holiday.State
			}
			byUF[k] = append(byUF[k], &r)
		case "city":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1000000 || n > 9999999 {
				return fmt.Errorf("%s.scope: %q: want city:<7-digit IBGE code>", field, e.Scope)
			}
			if r.Kind == 0 {
				r.Kind = holiday.Municipal
			}
			byCity[n] = append(byCity[n], &r)
		default:
			return fmt.Errorf("%s.scope: %q (want all, uf:<UF> or city:<IBGE code>)", field, e.Scope)
		}
	}
	var err error
	if len(all) > 0 {
		if p.extraAll != nil {
			all = append(slices.Clone(p.extraAll.Rules), all...)
		}
		if p.extraAll, err = holiday.NewSet("tenant", all); err != nil {
			return fmt.Errorf("extra_holidays: %w", err)
		}
	}
	for k, rules := range byUF {
		if p.extraUF[k] != nil {
			rules = append(slices.Clone(p.extraUF[k].Rules), rules...)
		}
		if p.extraUF[k], err = holiday.NewSet("tenant BR-"+holiday.UFs[k], rules); err != nil {
			return fmt.Errorf("extra_holidays: %w", err)
		}
	}
	for n, rules := range byCity {
		i, found := slices.BinarySearchFunc(p.extraCity, n, func(c cityExtra, k int) int { return c.ibge - k })
		if found {
			rules = append(slices.Clone(p.extraCity[i].set.Rules), rules...)
		}
		s, err := holiday.NewSet("tenant "+strconv.Itoa(n), rules)
		if err != nil {
			return fmt.Errorf("extra_holidays: %w", err)
		}
		if found {
			p.extraCity[i].set = s
		} else {
			p.extraCity = slices.Insert(p.extraCity, i, cityExtra{n, s})
		}
	}
	return nil
}

// finish precomputes the per-channel tables Decide reads.
func (p *Policy) finish() {
	for ch := Channel(1); ch < numChannels; ch++ {
		for wd := range 7 {
			p.base[ch][wd].setRange(0, 1440)
		}
	}
	for i, h := range p.hours {
		if h.ufMask != 0 || len(h.regions) > 0 {
			p.regional = append(p.regional, i)
			continue
		}
		for ch := Channel(1); ch < numChannels; ch++ {
			if h.channels.Has(ch) {
				for wd := range 7 {
					p.base[ch][wd].and(&h.days[wd])
				}
			}
		}
	}
	for _, h := range p.holidays {
		for ch := Channel(1); ch < numChannels; ch++ {
			if h.channels.Has(ch) {
				p.blockK[ch] |= h.kinds
			}
		}
	}
	if p.workChannels == 0 {
		p.workChannels = 1<<Voice | 1<<Call
	}
	empty := true
	for _, d := range p.work {
		if !d.empty() {
			empty = false
		}
	}
	if empty { // default work hours: Monday–Friday 08:00–18:00
		for wd := 1; wd <= 5; wd++ {
			p.work[wd].setRange(8*60, 18*60)
		}
	}
}

// Holidays lists the days of a year that the policy knows for a place:
// the embedded calendars plus the policy's commemorative dates and tenant
// holidays, sorted by date. Whether each closes a channel depends on the
// policy's holiday rules.
func (p *Policy) Holidays(country, uf string, city, year int) []holiday.Holiday {
	if country == "" {
		country = p.Country
	}
	out := holiday.Resolve(country, uf, city).Year(year)
	out = append(out, p.comm.Year(year)...)
	out = append(out, p.extraAll.Year(year)...)
	if k := holiday.UFIndex(uf); k >= 0 {
		out = append(out, p.extraUF[k].Year(year)...)
	}
	for _, c := range p.extraCity {
		if c.ibge == city {
			out = append(out, c.set.Year(year)...)
		}
	}
	slices.SortStableFunc(out, func(a, b holiday.Holiday) int { return int(a.Date - b.Date) })
	return out
}
