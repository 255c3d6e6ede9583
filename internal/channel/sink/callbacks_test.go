package sink_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/callback"
	"github.com/regua/regua/internal/channel/sink"
)

func TestCallbacks(t *testing.T) {
	secret := []byte("s3cret")
	var mu sync.Mutex
	got := map[string][]string{} // reference → statuses
	refs := map[string]string{}  // reference → provider ref
	tries := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !callback.Verify(secret, body, r.Header.Get(callback.SignatureHeader)) {
			t.Errorf("bad signature on %s", body)
			w.WriteHeader(401)
			return
		}
		rep, err := callback.Parse(body)
		if err != nil {
			t.Errorf("unparseable callback %s: %v", body, err)
			w.WriteHeader(400)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		// The first try of each callback is refused as if the send were
		// not recorded yet: the sink must try again.
		k := rep.Reference + rep.Status
		if tries[k]++; tries[k] == 1 {
			w.WriteHeader(404)
			return
		}
		got[rep.Reference] = append(got[rep.Reference], rep.Status)
		refs[rep.Reference] = rep.ProviderRef
	}))
	defer hook.Close()

	sk := sink.New(0)
	sk.SetCallbacks(sink.Callbacks{URL: hook.URL, Secret: secret, Delay: 5 * time.Millisecond, ReadPercent: 50})
	srv := httptest.NewServer(sk)
	defer srv.Close()
	h := channel.NewHTTP("sink", srv.URL)
	ids := map[string]string{}
	const n = 40
	for i := 0; i < n; i++ {
		to := "+5511987654321"
		if i == 3 {
			to = "bounce+5511987654321"
		}
		m := channel.Message{Channel: "sms", To: to, Body: "x", IdempotencyKey: fmt.Sprintf("k-%d", i), Reference: fmt.Sprintf("rg-1-a%d", i+1)}
		id, err := h.Send(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		ids[m.Reference] = id
		if i == 5 { // a re-send of the same key: no second set of callbacks
			if _, err := h.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
		}
	}
	sk.WaitCallbacks()
	reads := 0
	for i := 0; i < n; i++ {
		ref := fmt.Sprintf("rg-1-a%d", i+1)
		want := []string{"delivered"}
		switch {
		case i == 3:
			want = []string{"failed"}
		case sink.Reads(fmt.Sprintf("k-%d", i), 50):
			want = append(want, "read")
			reads++
		}
		if fmt.Sprint(got[ref]) != fmt.Sprint(want) || refs[ref] != ids[ref] {
			t.Errorf("%s: %v (provider ref %s), want %v (%s)", ref, got[ref], refs[ref], want, ids[ref])
		}
	}
	if reads < n/4 || reads > 3*n/4 {
		t.Errorf("%d of %d read at 50%%", reads, n)
	}
	st := sk.Stats()
	if st.Callbacks != int64(n+reads) || st.CallbacksFailed != 0 {
		t.Errorf("stats: %+v, want %d callbacks", st, n+reads)
	}
}

func TestCallbacksGiveUp(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }))
	defer hook.Close()
	sk := sink.New(0)
	sk.SetCallbacks(sink.Callbacks{URL: hook.URL, Secret: []byte("wrong"), Delay: time.Millisecond})
	srv := httptest.NewServer(sk)
	defer srv.Close()
	if _, err := channel.NewHTTP("sink", srv.URL).Send(context.Background(), channel.Message{Channel: "sms", To: "+5511987654321", IdempotencyKey: "k"}); err != nil {
		t.Fatal(err)
	}
	sk.WaitCallbacks()
	if st := sk.Stats(); st.Callbacks != 0 || st.CallbacksFailed != 1 {
		t.Errorf("a refused signature is not retried: %+v", st)
	}
}
