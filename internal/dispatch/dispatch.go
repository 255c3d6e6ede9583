// Package dispatch is the sending half of the daily engine: workers claim
// due attempts from the store's outbox under a lease, decide again with
// the contact policy at send time (the debtor may have paid, disputed or
// opted out since planning, and other contacts may have gone out), send
// through channel adapters within per-tenant rate limits, retry temporary
// failures with back-off, park permanent ones with the reason, and record
// the result and the timeline event once, in one transaction, under the
// claim's lease token. A worker that dies mid-batch leaves its attempts
// "sending" until the lease runs out; another worker then claims them and
// sends them again with the same idempotency key.
package dispatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/policy/adapt"
	"github.com/regua/regua/internal/store"
)

// Store is what dispatch needs of the store.
type Store interface {
	store.DispatchStore
	JourneyVersionByID(ctx context.Context, tenant domain.TenantID, id int64) (store.JourneyVersion, error)
}

// Options shape a dispatcher. Zero values take the defaults in brackets.
type Options struct {
	// Channels by channel name (sms, email, whatsapp, voice). Only these
	// channels are claimed; other attempts (agent tasks, letters, exports)
	// wait for their own workers.
	Channels map[string]channel.Channel
	Batch    int           // attempts per claim [500]
	Loops    int           // claim-decide-send loops per process [4]
	Sends    int           // sends in flight per loop [64]
	Lease    time.Duration // how long a claim holds [2m]
	MaxTries int           // tries before a temporary failure is parked [6]
	Backoff  time.Duration // first retry delay, doubled each try, ±20 % jitter [30s]
	MaxDelay time.Duration // retry delay ceiling [1h]
	Idle     time.Duration // pause when nothing is due [500ms]
	// Policy is the contact-policy preset for attempts made outside a
	// journey ["BR"]; journey attempts use their journey version's.
	Policy string
	Now    func() time.Time // the clock [time.Now]
	Log    *slog.Logger
	// Worker names this process in lease tokens and logs [random].
	Worker string
}

// Stats count what a dispatcher did.
type Stats struct {
	Claimed, Sent, Retried, Parked, Cancelled, Moved, Held, Deferred, Lost int
	// Batches is how many claims returned attempts; Time is the time spent
	// in each phase, summed over loops (so it may exceed the wall clock).
	Batches int
	Time    Timings
}

// Timings is where a dispatcher's time went, phase by phase: the store
// calls (claim, facts, limits, settle), the policy decisions and the sends.
type Timings struct {
	Claim, Facts, Decide, Limit, Send, Settle time.Duration
}

func (t Timings) String() string {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	return "claim " + ms(t.Claim) + ", facts " + ms(t.Facts) + ", decide " + ms(t.Decide) + ", limits " + ms(t.Limit) + ", send " + ms(t.Send) + ", settle " + ms(t.Settle)
}

func (s *Stats) add(o Stats) {
	s.Claimed += o.Claimed
	s.Sent += o.Sent
	s.Retried += o.Retried
	s.Parked += o.Parked
	s.Cancelled += o.Cancelled
	s.Moved += o.Moved
	s.Held += o.Held
	s.Deferred += o.Deferred
	s.Lost += o.Lost
	s.Batches += o.Batches
	s.Time.Claim += o.Time.Claim
	s.Time.Facts += o.Time.Facts
	s.Time.Decide += o.Time.Decide
	s.Time.Limit += o.Time.Limit
	s.Time.Send += o.Time.Send
	s.Time.Settle += o.Time.Settle
}

// Dispatcher runs the loops.
type Dispatcher struct {
	s        Store
	o        Options
	channels []string
	fallback *policy.Policy

	mu       sync.Mutex
	policies map[[2]int64]*policy.Policy // (tenant, journey version) → policy
	stats    Stats
	limits   map[domain.TenantID]map[string]float64
	limitsAt time.Time
	// limitsReading is set while one loop reads the limits.
	limitsReading bool
}

// New checks o and returns a dispatcher.
func New(s Store, o Options) (*Dispatcher, error) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Loops <= 0 {
		o.Loops = 4
	}
	if o.Sends <= 0 {
		o.Sends = 64
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.MaxTries <= 0 {
		o.MaxTries = 6
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = time.Hour
	}
	if o.Idle <= 0 {
		o.Idle = 500 * time.Millisecond
	}
	if o.Policy == "" {
		o.Policy = "BR"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Worker == "" {
		o.Worker = "w" + randomHex(4)
	}
	d := &Dispatcher{s: s, o: o, policies: map[[2]int64]*policy.Policy{}}
	for name, ch := range o.Channels {
		if ch == nil {
			return nil, fmt.Errorf("dispatch: channel %s: no adapter", name)
		}
		if _, err := policy.ParseChannel(name); err != nil {
			return nil, fmt.Errorf("dispatch: %w", err)
		}
		d.channels = append(d.channels, name)
	}
	sort.Strings(d.channels)
	var err error
	if d.fallback, err = policy.Preset(o.Policy); err != nil {
		return nil, fmt.Errorf("dispatch: policy: %w", err)
	}
	return d, nil
}

// Stats returns the counts so far.
func (d *Dispatcher) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Run runs the loops until ctx ends. Store errors are logged and retried
// after a pause: a worker outlives a database restart.
func (d *Dispatcher) Run(ctx context.Context) error {
	if len(d.channels) == 0 {
		d.o.Log.Warn("dispatch: no channels configured; nothing will be sent")
		<-ctx.Done()
		return ctx.Err()
	}
	d.o.Log.Info("dispatch started", "id", d.o.Worker, "channels", strings.Join(d.channels, ","), "loops", d.o.Loops, "batch", d.o.Batch)
	var wg sync.WaitGroup
	for i := 0; i < d.o.Loops; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, err := d.RunOnce(ctx)
				if err != nil && ctx.Err() == nil {
					d.o.Log.Error("dispatch batch", "err", err)
				}
				if n == 0 || err != nil {
					// Spread idle polls so loops do not claim in lockstep.
					sleep(ctx, d.o.Idle/2+time.Duration(mrand.Int64N(int64(d.o.Idle))))
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// RunOnce claims one batch and carries it through; it returns how many
// attempts it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	token := d.o.Worker + "-" + randomHex(8)
	now := d.o.Now().UTC()
	t0 := time.Now()
	claimed, err := d.s.ClaimAttempts(ctx, store.Claim{Now: now, Lease: d.o.Lease, Limit: d.o.Batch, Token: token, Channels: d.channels})
	var st Stats
	st.Time.Claim = time.Since(t0)
	if err != nil || len(claimed) == 0 {
		d.mu.Lock()
		d.stats.add(st)
		d.mu.Unlock()
		return 0, err
	}
	// From here on the batch is finished even if ctx ends: what was sent
	// must be recorded (a kill -9 is the lease's business, not this).
	bctx := context.WithoutCancel(ctx)
	pauses, err := d.s.Pauses(bctx, 0)
	if err != nil {
		return len(claimed), err
	}
	paused := map[string]bool{}
	for _, p := range pauses {
		paused[fmt.Sprintf("%d/%s/%s", p.TenantID, p.Scope, p.Value)] = true
	}
	byTenant := map[domain.TenantID][]store.Claimed{}
	var tenants []domain.TenantID
	for _, c := range claimed {
		if _, ok := byTenant[c.TenantID]; !ok {
			tenants = append(tenants, c.TenantID)
		}
		byTenant[c.TenantID] = append(byTenant[c.TenantID], c)
	}
	// Keep the lease while the batch runs, so that a slow provider does
	// not let another worker take the batch over and send it twice.
	stopExtend := make(chan struct{})
	extended := make(chan struct{})
	go func() {
		defer close(extended)
		tick := time.NewTicker(d.o.Lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-stopExtend:
				return
			case <-tick.C:
				until := d.o.Now().UTC().Add(d.o.Lease)
				for _, t := range tenants {
					if _, err := d.s.ExtendLease(bctx, t, token, until); err != nil {
						d.o.Log.Warn("dispatch: extend lease", "tenant", t, "err", err)
					}
				}
			}
		}
	}()
	defer func() { close(stopExtend); <-extended }()
	st.Claimed = len(claimed)
	st.Batches = 1
	var firstErr error
	for _, t := range tenants {
		s, err := d.tenantBatch(bctx, t, token, byTenant[t], paused)
		st.add(s)
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	d.mu.Lock()
	d.stats.add(st)
	d.mu.Unlock()
	d.o.Log.Debug("dispatch batch", "claimed", st.Claimed, "sent", st.Sent, "retry", st.Retried, "parked", st.Parked, "cancelled", st.Cancelled,
		"moved", st.Moved, "held", st.Held, "deferred", st.Deferred, "lost", st.Lost, "tenants", len(tenants))
	return len(claimed), firstErr
}

// work is one claimed attempt on its way.
type work struct {
	a   store.Attempt
	p   journey.Payload
	ch  policy.Channel
	dec json.RawMessage
	out store.Settled
}

func (d *Dispatcher) tenantBatch(ctx context.Context, tenant domain.TenantID, token string, cs []store.Claimed, paused map[string]bool) (Stats, error) {
	now := d.o.Now().UTC()
	var st Stats
	as := make([]store.Attempt, len(cs))
	for i := range cs {
		as[i] = cs[i].Attempt
	}
	t0 := time.Now()
	facts, err := d.s.SendFacts(ctx, tenant, as, token, now.Add(-8*24*time.Hour))
	st.Time.Facts = time.Since(t0)
	if err != nil {
		// Leave the batch to its lease: another try will read the facts.
		return st, err
	}
	ws := make([]*work, len(as))
	hist := map[int64][]policy.Attempt{}
	for debtor, hs := range facts.History {
		for _, h := range hs {
			if c, err := policy.ParseChannel(h.Channel); err == nil {
				hist[debtor] = append(hist[debtor], policy.Attempt{ID: strconv.FormatInt(h.AttemptID, 10), At: h.At, Channel: c, Debt: strconv.FormatInt(h.DebtID, 10), Outcome: policy.Attempted})
			}
		}
	}
	for i := range as {
		w := &work{a: as[i]}
		w.out.ID = w.a.ID
		ws[i] = w
		d.decide(ctx, tenant, w, &facts, hist, paused, now)
		if w.out.Status == store.AttemptSent {
			// Later attempts of the batch count this one in their caps.
			hist[w.a.DebtorID] = append(hist[w.a.DebtorID], policy.Attempt{ID: strconv.FormatInt(w.a.ID, 10), At: now, Channel: w.ch, Debt: strconv.FormatInt(w.a.DebtID, 10), Outcome: policy.Attempted})
		}
	}
	t1 := time.Now()
	st.Time.Decide = t1.Sub(t0) - st.Time.Facts
	d.limit(ctx, tenant, ws, now)
	t2 := time.Now()
	st.Time.Limit = t2.Sub(t1)
	d.send(ctx, tenant, ws)
	t3 := time.Now()
	st.Time.Send = t3.Sub(t2)
	out := make([]store.Settled, len(ws))
	for i, w := range ws {
		out[i] = w.out
		switch w.out.Status {
		case store.AttemptSent:
			st.Sent++
		case store.AttemptFailed:
			st.Retried++
		case store.AttemptParked:
			st.Parked++
		case store.AttemptCancelled:
			st.Cancelled++
		case store.AttemptHeld:
			st.Held++
		case store.AttemptPlanned:
			if w.out.Error == deferredNote {
				st.Deferred++
			} else {
				st.Moved++
			}
		}
	}
	changed, err := d.s.SettleAttempts(ctx, tenant, token, d.o.Now().UTC(), out)
	st.Time.Settle = time.Since(t3)
	if err != nil {
		return st, err
	}
	if lost := len(out) - len(changed); lost > 0 {
		// Our lease ran out and another worker took these over: it
		// records them, we do not.
		st.Lost = lost
		d.o.Log.Warn("dispatch: lease lost before settling", "tenant", tenant, "attempts", lost)
	}
	return st, nil
}

const deferredNote = "rate limit: deferred"

// decide fills w.out for attempts that will not be sent, and marks the
// sendable ones with status sent (provisionally: send confirms it).
func (d *Dispatcher) decide(ctx context.Context, tenant domain.TenantID, w *work, f *store.SendFacts, hist map[int64][]policy.Attempt, paused map[string]bool, now time.Time) {
	a := &w.a
	stop := func(status store.AttemptStatus, why string, event bool) {
		w.out.Status, w.out.Error = status, why
		if event {
			w.out.Event = d.event(a, &w.p, domain.EventAttempt, why, "")
		}
	}
	if a.Tries > d.o.MaxTries+2 {
		// Claimed again and again without a result: its workers die on
		// it (or outlive their lease). Stop before it takes more down.
		stop(store.AttemptParked, fmt.Sprintf("claimed %d times without a result (worker crash or lease too short)", a.Tries), true)
		return
	}
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &w.p); err != nil {
			stop(store.AttemptParked, "payload: "+err.Error(), true)
			return
		}
	}
	if len(paused) > 0 && (paused[fmt.Sprintf("%d/%s/%s", tenant, store.PauseChannel, a.Channel)] || (w.p.Journey != "" && paused[fmt.Sprintf("%d/%s/%s", tenant, store.PauseJourney, w.p.Journey)])) {
		w.out.Status = store.AttemptHeld
		return
	}
	ch, err := policy.ParseChannel(a.Channel)
	if err != nil {
		stop(store.AttemptParked, err.Error(), true)
		return
	}
	w.ch = ch
	var pol *policy.Policy
	if a.EnrolmentID != 0 {
		e, ok := f.Enrolments[a.EnrolmentID]
		if !ok {
			stop(store.AttemptCancelled, fmt.Sprintf("enrolment %d: not found", a.EnrolmentID), false)
			return
		}
		if e.State != store.EnrolActive {
			stop(store.AttemptCancelled, "enrolment "+string(e.State)+" before sending", false)
			return
		}
		if pol, err = d.policyOf(ctx, tenant, e.VersionID); err != nil {
			// Unreadable journey version: retry later rather than send
			// without a policy.
			w.out.Status, w.out.Error, w.out.DueAt = store.AttemptFailed, err.Error(), now.Add(d.backoff(a.Tries))
			return
		}
	} else {
		pol = d.fallback
	}
	debtor := f.Debtors[a.DebtorID]
	if debtor == nil {
		stop(store.AttemptCancelled, fmt.Sprintf("debtor %d: not found", a.DebtorID), false)
		return
	}
	var debt *domain.Debt
	if a.DebtID != 0 {
		if debt = f.Debts[a.DebtID]; debt == nil {
			stop(store.AttemptCancelled, fmt.Sprintf("debt %d: not found", a.DebtID), false)
			return
		}
		if debt.Status == domain.DebtSettled || debt.Status == domain.DebtWrittenOff {
			stop(store.AttemptCancelled, "debt "+string(debt.Status)+" before sending", true)
			return
		}
	}
	contacts := f.Contacts[a.DebtorID]
	if w.p.Receipt != nil && w.p.To == "" {
		if missing, ok := w.p.Receipt.Resolve(f.Receipts); !ok {
			stop(store.AttemptParked, fmt.Sprintf("receipt: payment %d not found", missing), true)
			return
		}
		c, ok := receiptContact(a.Channel, contacts)
		if !ok {
			stop(store.AttemptCancelled, "receipt: no contact point on "+a.Channel+" that has not opted out", true)
			return
		}
		r := journey.RenderReceipt(debtor.Locale, a.Channel, *w.p.Receipt, domain.Zone(debtor.TimeZone))
		w.p.To, w.p.ContactID, w.p.Locale, w.p.Message = c.Value, c.ID, r.Locale, &r
	}
	if w.p.ContactID != 0 {
		found := false
		for _, c := range contacts {
			if c.ID == w.p.ContactID {
				found = true
				if c.Consent == domain.ConsentOptOut {
					stop(store.AttemptCancelled, "contact point opted out before sending", true)
					return
				}
			}
		}
		if !found {
			stop(store.AttemptCancelled, "contact point removed before sending", true)
			return
		}
	}
	if w.p.To == "" {
		stop(store.AttemptParked, "payload: no address to send to", true)
		return
	}
	pd := adapt.Debtor(debtor, contacts)
	if err := pd.Resolve(); err != nil {
		pd.Zone = ""
		pd.Resolve()
	}
	if debt != nil {
		loc := pd.Loc
		if loc == nil {
			loc = time.UTC
		}
		asOf := date.Of(now.In(loc))
		ins := f.Installs[debt.ID]
		for i := range ins {
			adapt.AddInstallment(&pd, debt, &ins[i], asOf)
		}
	}
	h := hist[a.DebtorID]
	if w.p.Receipt != nil {
		// A receipt answers the debtor's own payment: it is no collection
		// contact, so the frequency caps do not hold it back (quiet hours,
		// holidays and opt-outs still do).
		h = nil
	}
	dec := policy.DecideDebt(pol, &pd, ch, strconv.FormatInt(a.DebtID, 10), h, now)
	// Its own encoder, called directly: json.Marshal would parse the
	// result again to validate and compact it.
	w.dec, _ = dec.MarshalJSON()
	w.out.Decision = w.dec
	switch {
	case dec.Allowed:
		w.out.Status = store.AttemptSent
	case dec.Never || dec.Next.IsZero():
		stop(store.AttemptCancelled, "policy at send time: "+reasons(&dec), true)
	default:
		// Not now: the policy names the next allowed instant (quiet
		// hours reached while the queue drained, a cap filled by a
		// contact since planning).
		w.out.Status, w.out.DueAt, w.out.Error = store.AttemptPlanned, dec.Next, "policy at send time: "+reasons(&dec)
	}
}

// receiptContact is the debtor's address for a receipt on channel: the
// preferred contact point of that kind, else the first, never one that
// opted out.
func receiptContact(ch string, cs []domain.ContactPoint) (domain.ContactPoint, bool) {
	kind := map[string]domain.ContactKind{"email": domain.Email, "sms": domain.Mobile, "whatsapp": domain.WhatsApp}[ch]
	var best domain.ContactPoint
	found := false
	for _, c := range cs {
		if c.Kind != kind || c.Consent == domain.ConsentOptOut || kind == "" {
			continue
		}
		if !found || (c.Preferred && !best.Preferred) {
			best, found = c, true
		}
	}
	return best, found
}

func reasons(dec *policy.Decision) string {
	var parts []string
	for _, r := range dec.Reasons() {
		parts = append(parts, r.Code.String()+" ("+r.Rule+")")
	}
	if len(parts) == 0 {
		return "denied"
	}
	return strings.Join(parts, ", ")
}

func (d *Dispatcher) policyOf(ctx context.Context, tenant domain.TenantID, version int64) (*policy.Policy, error) {
	key := [2]int64{int64(tenant), version}
	d.mu.Lock()
	p, ok := d.policies[key]
	d.mu.Unlock()
	if ok {
		return p, nil
	}
	jv, err := d.s.JourneyVersionByID(ctx, tenant, version)
	if err != nil {
		return nil, fmt.Errorf("journey version %d: %w", version, err)
	}
	j, err := journey.CompileBytes(jv.Definition)
	if err != nil {
		return nil, fmt.Errorf("journey version %d: %w", version, err)
	}
	d.mu.Lock()
	d.policies[key] = j.Policy
	d.mu.Unlock()
	return j.Policy, nil
}

// backoff is the delay before try n+1: Backoff·2^(n-1), capped, ±20 %.
func (d *Dispatcher) backoff(tries int) time.Duration {
	b := float64(d.o.Backoff) * math.Pow(2, float64(max(tries-1, 0)))
	b = math.Min(b, float64(d.o.MaxDelay))
	return time.Duration(b * (0.8 + 0.4*mrand.Float64()))
}

// limit takes rate-limit tokens for the sendable attempts, per channel,
// and defers what the buckets cannot give now, spread over the time the
// buckets need to refill.
func (d *Dispatcher) limit(ctx context.Context, tenant domain.TenantID, ws []*work, now time.Time) {
	lim := d.limitsFor(ctx, tenant, now)
	if len(lim) == 0 {
		return
	}
	byCh := map[string][]*work{}
	for _, w := range ws {
		if w.out.Status == store.AttemptSent {
			byCh[w.a.Channel] = append(byCh[w.a.Channel], w)
		}
	}
	for ch, list := range byCh {
		var keys []string
		rate := math.Inf(1)
		for _, k := range []string{"channel:" + ch, "provider:" + d.o.Channels[ch].Name()} {
			if r, ok := lim[k]; ok {
				keys = append(keys, k)
				rate = math.Min(rate, r)
			}
		}
		if len(keys) == 0 {
			continue
		}
		got, wait, err := d.s.TakeTokens(ctx, tenant, keys, len(list), now)
		if err != nil {
			d.o.Log.Error("dispatch: rate limit", "tenant", tenant, "channel", ch, "err", err)
			got = 0
			wait = time.Second
		}
		for i, w := range list[got:] {
			w.out.Status, w.out.Error = store.AttemptPlanned, deferredNote
			w.out.DueAt = now.Add(wait + time.Duration(float64(i)/rate*float64(time.Second)))
			w.out.Decision = nil
		}
	}
}

// limitsFor returns the tenant's bucket rates, read at most once a second
// (by one loop; the others keep using the last read meanwhile).
func (d *Dispatcher) limitsFor(ctx context.Context, tenant domain.TenantID, now time.Time) map[string]float64 {
	d.mu.Lock()
	if d.limits != nil && (d.limitsReading || time.Since(d.limitsAt) <= time.Second) {
		defer d.mu.Unlock()
		return d.limits[tenant]
	}
	d.limitsReading = true
	d.mu.Unlock()
	ls, err := d.s.Limits(ctx, 0)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.limitsReading = false
	if err != nil {
		d.o.Log.Error("dispatch: read rate limits", "err", err)
		return d.limits[tenant]
	}
	d.limits = map[domain.TenantID]map[string]float64{}
	for _, l := range ls {
		if d.limits[l.TenantID] == nil {
			d.limits[l.TenantID] = map[string]float64{}
		}
		d.limits[l.TenantID][l.Key] = l.Rate
	}
	d.limitsAt = time.Now()
	return d.limits[tenant]
}

// send sends the sendable attempts with up to Sends in flight and settles
// each by its result.
func (d *Dispatcher) send(ctx context.Context, tenant domain.TenantID, ws []*work) {
	var todo []*work
	for _, w := range ws {
		if w.out.Status == store.AttemptSent {
			todo = append(todo, w)
		}
	}
	// A fixed set of senders taking the next attempt in turn: each grows
	// its stack for the HTTP client once, not once per message.
	next := make(chan *work)
	var wg sync.WaitGroup
	for range min(d.o.Sends, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range next {
				d.sendOne(ctx, tenant, w)
			}
		}()
	}
	for _, w := range todo {
		next <- w
	}
	close(next)
	wg.Wait()
}

func (d *Dispatcher) message(tenant domain.TenantID, w *work) channel.Message {
	m := channel.Message{Channel: w.a.Channel, To: w.p.To, Locale: w.p.Locale, Template: w.a.Template, IdempotencyKey: w.p.IdempotencyKey,
		Reference: "rg-" + strconv.FormatInt(int64(tenant), 10) + "-a" + strconv.FormatInt(w.a.ID, 10)}
	if m.IdempotencyKey == "" {
		// Attempts made outside journeys: the attempt id is stable across tries.
		m.IdempotencyKey = m.Reference
	}
	if r := w.p.Message; r != nil {
		m.Subject, m.Body = r.Subject, r.Body
		if r.WhatsApp != "" {
			m.Template = r.WhatsApp
		}
		if len(r.Params) > 0 {
			m.Params = make(map[string]string, len(r.Params))
			for i, p := range r.Params {
				m.Params[strconv.Itoa(i+1)] = p
			}
		}
	} else if w.p.Task != nil {
		m.Body = w.p.Task.Script
	}
	return m
}

func (d *Dispatcher) sendOne(ctx context.Context, tenant domain.TenantID, w *work) {
	ch := d.o.Channels[w.a.Channel]
	m := d.message(tenant, w)
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	ref, err := ch.Send(sctx, m)
	cancel()
	now := d.o.Now().UTC()
	switch {
	case err == nil:
		w.out.Status, w.out.ProviderRef, w.out.Error = store.AttemptSent, ref, ""
		w.out.Event = d.event(&w.a, &w.p, domain.EventContacted, "", ref)
		w.out.Event.At = now
	case channel.IsPermanent(err):
		w.out.Status, w.out.Error = store.AttemptParked, "provider "+ch.Name()+": "+err.Error()
		w.out.Event = d.event(&w.a, &w.p, domain.EventAttempt, w.out.Error, "")
	case w.a.Tries >= d.o.MaxTries:
		w.out.Status, w.out.Error = store.AttemptParked, fmt.Sprintf("gave up after %d tries: provider %s: %v", w.a.Tries, ch.Name(), err)
		w.out.Event = d.event(&w.a, &w.p, domain.EventAttempt, w.out.Error, "")
	default:
		w.out.Status, w.out.Error, w.out.DueAt = store.AttemptFailed, "provider "+ch.Name()+": "+err.Error(), now.Add(d.backoff(w.a.Tries))
	}
}

// eventData is what a dispatch event keeps: enough to find the attempt
// and explain it, no message text (it may hold personal data).
type eventData struct {
	Attempt     int64  `json:"attempt"`
	Channel     string `json:"channel"`
	Template    string `json:"template,omitempty"`
	Journey     string `json:"journey,omitempty"`
	Step        string `json:"step,omitempty"`
	Variant     string `json:"variant,omitempty"`
	ProviderRef string `json:"provider_ref,omitempty"`
	Tries       int    `json:"tries"`
	Why         string `json:"why,omitempty"`
}

// Summaries are written in pt-BR like the other timeline events; the
// data lets a page write its own line in the viewer's language.
var channelLabel = map[string]string{"sms": "SMS", "email": "E-mail", "whatsapp": "WhatsApp", "voice": "Ligação do robô"}

func (d *Dispatcher) event(a *store.Attempt, p *journey.Payload, kind domain.EventKind, why, ref string) *domain.Event {
	label := channelLabel[a.Channel]
	if label == "" {
		label = a.Channel
	}
	var summary string
	if kind == domain.EventContacted {
		summary = label + " enviado"
	} else {
		summary = label + " não enviado: " + why
	}
	if p.Step != "" {
		summary += " (" + p.Journey + " · " + p.Step + ")"
	}
	data, _ := json.Marshal(eventData{Attempt: a.ID, Channel: a.Channel, Template: a.Template, Journey: p.Journey, Step: p.Step, Variant: a.Variant, ProviderRef: ref, Tries: a.Tries, Why: why})
	return &domain.Event{TenantID: a.TenantID, DebtorID: a.DebtorID, DebtID: a.DebtID, Kind: kind, Actor: "dispatch", Summary: summary, Data: data}
}
