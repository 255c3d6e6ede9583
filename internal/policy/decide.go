package policy

import (
	"time"

	"github.com/regua/regua/internal/holiday"
)

// Decide says whether debtor d may be contacted on channel ch at instant
// at, given the earlier contacts h. When not, the decision carries the
// reasons and the next allowed instant. Per-debt caps count all of h as
// one debt; use DecideDebt to name the debt.
//
// Decide does not allocate when d.Loc is set and h is any order.
func Decide(p *Policy, d *Debtor, ch Channel, h []Attempt, at time.Time) Decision {
	var dec Decision
	p.decide(&dec, d, ch, "", h, at, true)
	return dec
}

// DecideDebt is Decide for a contact about one debt: per-debt caps count
// only the history of that debt.
func DecideDebt(p *Policy, d *Debtor, ch Channel, debt string, h []Attempt, at time.Time) Decision {
	var dec Decision
	p.decide(&dec, d, ch, debt, h, at, true)
	return dec
}

// DecideInto is DecideDebt writing into dec, for loops that reuse one
// Decision.
func (p *Policy) DecideInto(dec *Decision, d *Debtor, ch Channel, debt string, h []Attempt, at time.Time) {
	// Reset only the header: reasons past n are never read, and zeroing
	// the whole array would cost more than the decision's bookkeeping.
	dec.Allowed, dec.Never, dec.Next, dec.Zone, dec.n, dec.Dropped = false, false, time.Time{}, "", 0, 0
	p.decide(dec, d, ch, debt, h, at, true)
}

// env is the per-decision view of the debtor's place and preferences.
type env struct {
	p      *Policy
	d      *Debtor
	ch     Channel
	loc    *time.Location
	cal    holiday.Calendar
	ufIdx  int
	extraU *holiday.Set
	extraC *holiday.Set
	pref   dayMask
	prefOn bool
	workOn bool

	atDate holiday.Date
	// times of the history in Unix nanoseconds, computed once per decision
	// so that caps compare integers.
	hn   [maxHistFast]int64
	nh   int
	mids [4]struct {
		date holiday.Date
		t    int64
	}
	nmids int
}

// maxHistFast is how many history entries get their times precomputed;
// longer histories still work, converting the rest on the fly.
const maxHistFast = 48

func (e *env) nanos(h []Attempt, i int) int64 {
	if i < e.nh {
		return e.hn[i]
	}
	return h[i].At.UnixNano()
}

// midnight returns the first instant of a local date, memoised per decision.
func (e *env) midnight(d holiday.Date) int64 {
	for i := 0; i < e.nmids; i++ {
		if e.mids[i].date == d {
			return e.mids[i].t
		}
	}
	t := localMidnight(e.loc, d).UnixNano()
	if e.nmids < len(e.mids) {
		e.mids[e.nmids].date, e.mids[e.nmids].t = d, t
		e.nmids++
	}
	return t
}

func (e *env) init(p *Policy, d *Debtor, ch Channel, loc *time.Location) {
	e.p, e.d, e.ch, e.loc, e.ufIdx = p, d, ch, loc, holiday.UFIndex(d.UF)
	if d.placeOK {
		e.cal = d.place
	} else {
		country := d.Country
		if country == "" {
			country = p.Country
		}
		e.cal = holiday.Resolve(country, d.UF, d.City)
	}
	if e.ufIdx >= 0 {
		e.extraU = p.extraUF[e.ufIdx]
	}
	if d.City != 0 && len(p.extraCity) > 0 {
		lo, hi := 0, len(p.extraCity)
		for lo < hi {
			m := (lo + hi) / 2
			if p.extraCity[m].ibge < d.City {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(p.extraCity) && p.extraCity[lo].ibge == d.City {
			e.extraC = p.extraCity[lo].set
		}
	}
	if p.prefHours && len(d.Prefs.Hours) > 0 {
		e.prefOn = true
		for _, s := range d.Prefs.Hours {
			from, to := max(s.From, 0), min(s.To, 1440)
			if to > from {
				e.pref.setRange(from, to)
			}
		}
	}
	e.workOn = p.notAtWork && d.Prefs.NotAtWork && p.workChannels.Has(ch)
}

func (e *env) kinds(date holiday.Date) holiday.KindMask {
	return e.cal.Kinds(date) | e.p.comm.Kinds(date) | e.p.extraAll.Kinds(date) | e.extraU.Kinds(date) | e.extraC.Kinds(date)
}

func (e *env) regionMatch(h *hourRule) bool {
	if e.ufIdx >= 0 && h.ufMask&(1<<e.ufIdx) != 0 {
		return true
	}
	for _, r := range h.regions {
		if len(r) == len(e.d.UF) && equalFold(r, e.d.UF) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 32
		}
		if 'a' <= y && y <= 'z' {
			y -= 32
		}
		if x != y {
			return false
		}
	}
	return true
}

// dayMask is the open minutes of a weekday for this debtor and channel.
func (e *env) dayMask(wd time.Weekday) dayMask {
	m := e.p.base[e.ch][wd]
	for _, i := range e.p.regional {
		h := &e.p.hours[i]
		if h.channels.Has(e.ch) && e.regionMatch(h) {
			m.and(&h.days[wd])
		}
	}
	if e.prefOn {
		m.and(&e.pref)
	}
	if e.workOn {
		m.andNot(&e.p.work[wd])
	}
	return m
}

func (p *Policy) decide(dec *Decision, d *Debtor, ch Channel, debt string, h []Attempt, at time.Time, withNext bool) {
	dec.At, dec.Channel, dec.Debt, dec.Debtor = at, ch, debt, d.ID
	dec.Policy, dec.PolicyVersion = p.Name, p.Version
	loc, err := d.location()
	if err != nil {
		dec.Never = true
		dec.add(Reason{Code: CodeNoZone})
		return
	}
	dec.Zone = loc.String()
	var e env
	e.init(p, d, ch, loc)

	// Hard stops: nothing but a change in the debtor's data lifts them.
	for _, c := range d.OptOuts {
		if c == ch {
			dec.add(Reason{Code: CodeOptOut, Rule: "opt-out", Source: "the debtor's opt-out on this channel", Channel: ch})
			dec.Never = true
			break
		}
	}
	for i := range p.blocks {
		b := &p.blocks[i]
		if !b.channels.Has(ch) || !flagSet(&d.Flags, b.flag) {
			continue
		}
		dec.add(Reason{Code: CodeDispute + Code(b.flag-FlagDispute), Rule: b.ID, Source: b.Source, Unconfirmed: b.Unconfirmed})
		dec.Never = true
	}
	if p.prefChannels || p.requireAuth {
		listed := false
		for _, c := range d.Prefs.Channels {
			if c == ch {
				listed = true
				break
			}
		}
		if !listed && (len(d.Prefs.Channels) > 0 || p.requireAuth) {
			dec.add(Reason{Code: CodePrefChannel, Rule: p.prefRule.ID, Source: p.prefRule.Source, Channel: ch})
			dec.Never = true
		}
	}

	// Frequency caps: the latest instant at which every cap has room again.
	release := at
	date, minute, _ := localOf(at, loc)
	e.atDate = date
	if len(p.caps) > 0 {
		e.nh = min(len(h), maxHistFast)
		for i := 0; i < e.nh; i++ {
			e.hn[i] = h[i].At.UnixNano()
		}
	}
	for i := range p.caps {
		c := &p.caps[i]
		if !c.channels.Has(ch) || !c.cond.match(&d.Segment) {
			continue
		}
		if r, ok := e.capCheck(c, debt, h, at); ok {
			dec.add(r)
			if r.Until.After(release) {
				release = r.Until
			}
		}
	}

	// The calendar at the instant itself.
	wd := date.Weekday()
	if k := e.kinds(date); k&p.blockK[ch] != 0 {
		e.holidayReasons(dec, date, k)
	}
	for i := range p.hours {
		hr := &p.hours[i]
		if !hr.channels.Has(ch) || ((hr.ufMask != 0 || len(hr.regions) > 0) && !e.regionMatch(hr)) {
			continue
		}
		dm := &hr.days[wd]
		if dm.has(minute) {
			continue
		}
		r := Reason{Code: CodeQuietHours, Rule: hr.ID, Source: hr.Source, Unconfirmed: hr.Unconfirmed}
		switch {
		case dm.empty() && (wd == time.Saturday || wd == time.Sunday):
			r.Code = CodeWeekend
		case dm.empty():
			r.Code = CodeClosedDay
		default:
			r.open, r.hasOpen = dm.spanAround(minute)
		}
		dec.add(r)
	}
	if e.prefOn && !e.pref.has(minute) {
		r := Reason{Code: CodePrefHours, Rule: p.prefRule.ID, Source: p.prefRule.Source}
		r.open, r.hasOpen = e.pref.spanAround(minute)
		dec.add(r)
	}
	if e.workOn && p.work[wd].has(minute) {
		r := Reason{Code: CodeNotAtWork, Rule: p.prefRule.ID, Source: p.prefRule.Source}
		r.open, r.hasOpen = p.work[wd].spanAround(minute)
		dec.add(r)
	}

	if dec.n == 0 && dec.Dropped == 0 {
		dec.Allowed = true
		return
	}
	if dec.Never || !withNext {
		return
	}
	next, ok := e.nextOpen(release)
	if !ok {
		dec.Never = true
		dec.add(Reason{Code: CodeNoSlot})
		return
	}
	dec.Next = next
}

func flagSet(f *Flags, k Flag) bool {
	switch k {
	case FlagDispute:
		return f.Dispute
	case FlagAgreement:
		return f.Agreement
	case FlagBankrupt:
		return f.Bankrupt
	case FlagDeceased:
		return f.Deceased
	case FlagRepresented:
		return f.Represented
	}
	return false
}

func (e *env) holidayReasons(dec *Decision, date holiday.Date, k holiday.KindMask) {
	for _, s := range [...]*holiday.Set{e.cal.Country, e.cal.State, e.cal.City, e.p.comm, e.p.extraAll, e.extraU, e.extraC} {
		if !s.Has(date) {
			continue
		}
		for _, hd := range s.On(date) {
			kind := hd.Rule.Kind
			if !e.p.blockK[e.ch].Has(kind) {
				continue
			}
			for i := range e.p.holidays {
				hr := &e.p.holidays[i]
				if !hr.channels.Has(e.ch) || !hr.kinds.Has(kind) {
					continue
				}
				r := Reason{Code: CodeHoliday, Rule: hr.ID, Source: hd.Rule.Source, Unconfirmed: hd.Rule.Unconfirmed, Holiday: hd.Rule.Name, Kind: kind, date: date, hasDate: true}
				if kind == holiday.Commemorative {
					r.Code = CodeCommemorative
				}
				dec.add(r)
				break
			}
		}
	}
}

// capCheck counts the contacts a cap sees in its window ending at `at`.
// When the count has reached the limit it returns the reason, whose Until
// is the instant the oldest counted contact that matters leaves the window.
func (e *env) capCheck(c *capRule, debt string, h []Attempt, at time.Time) (Reason, bool) {
	now := at.UnixNano()
	rolling := c.window > 0
	var start int64 // rolling: contacts after start count; calendar: at or after
	if rolling {
		start = now - int64(c.window)
	} else {
		start = e.midnight(e.atDate - holiday.Date(c.days-1))
	}
	// newest[0] is the newest counted contact; keep the `limit` newest.
	var newest [maxCapLimit]int32
	n, count := 0, 0
	for i := range h {
		t := e.nanos(h, i)
		if t > now || t < start || (rolling && t == start) {
			continue
		}
		a := &h[i]
		if c.perChannel {
			if a.Channel != e.ch {
				continue
			}
		} else if c.otherChannels {
			if a.Channel == e.ch || !c.channels.Has(a.Channel) {
				continue
			}
		} else if !c.channels.Has(a.Channel) {
			continue
		}
		if c.conversations {
			if a.Outcome != Conversation {
				continue
			}
		} else if a.Inbound || (a.Outcome != Attempted && a.Outcome != Conversation) {
			continue
		}
		if c.perDebt && debt != "" && a.Debt != debt {
			continue
		}
		count++
		// insert i into newest, ordered by time descending, capped at limit
		j := n
		if j == c.limit {
			if t <= e.nanos(h, int(newest[j-1])) {
				continue
			}
			j--
		} else {
			n++
		}
		for j > 0 && t > e.nanos(h, int(newest[j-1])) {
			newest[j] = newest[j-1]
			j--
		}
		newest[j] = int32(i)
	}
	if count < c.limit {
		return Reason{}, false
	}
	oldest := h[newest[c.limit-1]].At
	var until time.Time
	if rolling {
		until = oldest.Add(c.window).In(e.loc)
	} else {
		od, _, _ := localOf(oldest, e.loc)
		until = time.Unix(0, e.midnight(od+holiday.Date(c.days))).In(e.loc)
	}
	r := Reason{Code: CodeCap, Rule: c.ID, Source: c.Source, Unconfirmed: c.Unconfirmed, Limit: c.limit, Count: count, Window: c.window, Days: c.days, Until: until}
	if c.conversations {
		r.Code = CodeCooldown
	}
	for k := 0; k < n && k < maxAttemptRefs; k++ {
		r.Attempts[k] = h[newest[k]].ID
	}
	return r, true
}

// nextOpen finds the first instant ≥ start open on the calendar (hours,
// holidays, preferences). Caps need no re-check: counts only fall as time
// moves forward, and start is already past every cap's release.
func (e *env) nextOpen(start time.Time) (time.Time, bool) {
	date0, min0, exact := localOf(start, e.loc)
	var masks [7]dayMask
	var have uint8
	block := e.p.blockK[e.ch]
	for i := 0; i <= e.p.horizon; i++ {
		date := date0 + holiday.Date(i)
		if block != 0 && e.kinds(date)&block != 0 {
			continue
		}
		wd := date.Weekday()
		if have&(1<<wd) == 0 {
			masks[wd] = e.dayMask(wd)
			have |= 1 << wd
		}
		m := &masks[wd]
		from := 0
		if i == 0 {
			if m.has(min0) {
				return start, true
			}
			from = min0 + 1
			_ = exact
		}
		for k := m.next(from); k >= 0; k = m.next(k + 1) {
			if t, ok := instantOf(e.loc, date, k, start); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
