// Package sink is a local stand-in for messaging providers: an HTTP server
// speaking the JSON API of channel.HTTP for every channel (sms, whatsapp,
// voice, email), that records what it receives, answers a repeated
// idempotency key with the first message's id (as providers that take
// keys do), and can be told to fail, so that dispatch is tested and
// benchmarked against a real network peer.
package sink

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/regua/regua/internal/channel"
)

// Received is one accepted message.
type Received struct {
	ID string `json:"id"`
	channel.Message
}

// Sink records messages. The zero value is not usable; call New.
type Sink struct {
	mu       sync.Mutex
	byKey    map[string]string // channel + idempotency key → id
	msgs     []Received
	keep     int
	requests atomic.Int64
	dups     atomic.Int64
	seq      atomic.Int64
	// Log, when set, gets one JSON line per accepted message.
	Log io.Writer
	// FailFirst makes the first n requests of each idempotency key answer
	// 503 (temporary), to exercise retries.
	FailFirst int
	tries     map[string]int
	cbs       *callbacker // status callbacks (SetCallbacks); nil: none
}

// New returns a sink keeping up to keep messages in memory (0: 10,000);
// counts cover every message whatever keep is.
func New(keep int) *Sink {
	if keep <= 0 {
		keep = 10000
	}
	return &Sink{byKey: map[string]string{}, keep: keep, tries: map[string]int{}}
}

// Stats are the sink's counters.
type Stats struct {
	Requests   int64            `json:"requests"`
	Unique     int              `json:"unique"`     // distinct messages (by idempotency key)
	Duplicates int64            `json:"duplicates"` // requests repeating a key already accepted
	ByChannel  map[string]int64 `json:"by_channel"`
	// Status callbacks posted (taken by Régua) and given up.
	Callbacks       int64 `json:"callbacks"`
	CallbacksFailed int64 `json:"callbacks_failed"`
}

// Stats returns the counters.
func (s *Sink) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Requests: s.requests.Load(), Unique: len(s.byKey), Duplicates: s.dups.Load(), ByChannel: map[string]int64{}}
	if s.cbs != nil {
		st.Callbacks, st.CallbacksFailed = s.cbs.sent.Load(), s.cbs.failed.Load()
	}
	for k := range s.byKey {
		ch, _, _ := strings.Cut(k, "\x00")
		st.ByChannel[ch]++
	}
	return st
}

// Messages returns the messages kept, oldest first.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Keys returns every accepted idempotency key with its channel.
func (s *Sink) Keys() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.byKey))
	for k, id := range s.byKey {
		out[k] = id
	}
	return out
}

func answer(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

var channels = map[string]bool{"sms": true, "whatsapp": true, "voice": true, "email": true}

// ServeHTTP serves POST /v1/{channel}/messages and GET /v1/stats.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/v1/stats" {
		answer(w, 200, s.Stats())
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 3 || parts[0] != "v1" || parts[2] != "messages" {
		answer(w, 404, map[string]string{"error": "not found: " + r.URL.Path})
		return
	}
	if r.Method != http.MethodPost {
		answer(w, 405, map[string]string{"error": "use POST"})
		return
	}
	ch := parts[1]
	if !channels[ch] {
		answer(w, 404, map[string]string{"error": "unknown channel " + ch})
		return
	}
	s.requests.Add(1)
	var m channel.Message
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil {
		answer(w, 400, map[string]string{"error": "body: " + err.Error()})
		return
	}
	m.Channel = ch
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		m.IdempotencyKey = k
	}
	switch {
	case m.To == "":
		answer(w, 422, map[string]string{"error": "to: empty"})
		return
	case strings.HasPrefix(m.To, "invalid"):
		// A recipient the provider refuses for good (permanent failure).
		answer(w, 422, map[string]string{"error": "to: invalid recipient " + m.To})
		return
	case m.IdempotencyKey == "":
		answer(w, 422, map[string]string{"error": "Idempotency-Key: missing"})
		return
	}
	id, dup, busy := s.accept(ch, m)
	if busy {
		answer(w, 503, map[string]string{"error": "provider busy, try later"})
		return
	}
	answer(w, 200, map[string]any{"id": id, "duplicate": dup})
}

// accept records m once per (channel, idempotency key): a repeated key
// gets the first id back with dup set; busy is a programmed temporary
// failure (FailFirst).
func (s *Sink) accept(ch string, m channel.Message) (id string, dup, busy bool) {
	key := ch + "\x00" + m.IdempotencyKey
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.FailFirst > 0 && s.tries[key] < s.FailFirst {
		s.tries[key]++
		return "", false, true
	}
	if id, ok := s.byKey[key]; ok {
		s.dups.Add(1)
		return id, true, false
	}
	id = fmt.Sprintf("sink-%s-%d", ch, s.seq.Add(1))
	s.byKey[key] = id
	rec := Received{ID: id, Message: m}
	if len(s.msgs) < s.keep {
		s.msgs = append(s.msgs, rec)
	}
	if s.Log != nil {
		b, _ := json.Marshal(rec)
		s.Log.Write(append(b, '\n'))
	}
	if s.cbs != nil {
		s.cbs.schedule(id, m)
	}
	return id, false, false
}
