package channel_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/sink"
)

func TestHTTPClassifiesAnswers(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		ref       string
		permanent bool
		failed    bool
	}{
		{200, `{"id":"m-1"}`, "m-1", false, false},
		{201, `{"id":"m-2","duplicate":true}`, "m-2", false, false},
		{200, `{}`, "", false, true}, // no id: cannot be recorded, retry
		{400, `{"error":"bad body"}`, "", true, true},
		{422, `{"error":"invalid number"}`, "", true, true},
		{404, ``, "", true, true},
		{408, ``, "", false, true},
		{409, ``, "", false, true},
		{429, `{"error":"slow down"}`, "", false, true},
		{500, ``, "", false, true},
		{503, `{"error":"busy"}`, "", false, true},
	}
	for _, tt := range tests {
		var gotKey, gotAuth, gotPath string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotKey, gotAuth, gotPath = r.Header.Get("Idempotency-Key"), r.Header.Get("Authorization"), r.URL.Path
			w.WriteHeader(tt.status)
			w.Write([]byte(tt.body))
		}))
		h := channel.NewHTTP("p", srv.URL+"/")
		h.Token = "secret"
		ref, err := h.Send(context.Background(), channel.Message{Channel: "sms", To: "+5511987654321", Body: "oi", IdempotencyKey: "k-1"})
		srv.Close()
		if ref != tt.ref || (err != nil) != tt.failed || channel.IsPermanent(err) != tt.permanent {
			t.Errorf("HTTP %d %s: ref %q err %v (permanent %v)", tt.status, tt.body, ref, err, channel.IsPermanent(err))
		}
		if gotKey != "k-1" || gotAuth != "Bearer secret" || gotPath != "/v1/sms/messages" {
			t.Errorf("request: key %q auth %q path %q", gotKey, gotAuth, gotPath)
		}
		if tt.status == 422 && !strings.Contains(err.Error(), "invalid number") {
			t.Errorf("provider reason lost: %v", err)
		}
	}
	// Transport failure: temporary.
	h := channel.NewHTTP("p", "http://127.0.0.1:1")
	h.Client.Timeout = time.Second
	if _, err := h.Send(context.Background(), channel.Message{Channel: "sms", To: "x", IdempotencyKey: "k"}); err == nil || channel.IsPermanent(err) {
		t.Errorf("unreachable provider: %v", err)
	}
	var ce *channel.Error
	if !errors.As(channel.Permanent("x", errors.New("y")), &ce) || !ce.Permanent {
		t.Error("Permanent does not build a permanent Error")
	}
	if channel.IsPermanent(errors.New("plain")) {
		t.Error("unclassified errors must count as temporary")
	}
}

func TestSinkDedupesAndFails(t *testing.T) {
	sk := sink.New(10)
	sk.FailFirst = 1
	srv := httptest.NewServer(sk)
	defer srv.Close()
	h := channel.NewHTTP("sink", srv.URL)
	m := channel.Message{Channel: "whatsapp", To: "+5511987654321", Template: "lembrete", Params: map[string]string{"1": "José"}, IdempotencyKey: "k-1"}
	if _, err := h.Send(context.Background(), m); err == nil || channel.IsPermanent(err) {
		t.Fatalf("first try should fail temporarily: %v", err)
	}
	ref1, err := h.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	ref2, err := h.Send(context.Background(), m)
	if err != nil || ref2 != ref1 {
		t.Fatalf("repeat: %q %v, want %q", ref2, err, ref1)
	}
	// The same key on another channel is another message.
	m.Channel = "sms"
	sk.FailFirst = 0
	if ref3, err := h.Send(context.Background(), m); err != nil || ref3 == ref1 {
		t.Errorf("other channel: %q %v", ref3, err)
	}
	m.To = "invalid-1"
	m.IdempotencyKey = "k-2"
	if _, err := h.Send(context.Background(), m); !channel.IsPermanent(err) {
		t.Errorf("invalid recipient: %v", err)
	}
	st := sk.Stats()
	if st.Requests != 5 || st.Unique != 2 || st.Duplicates != 1 || st.ByChannel["whatsapp"] != 1 || st.ByChannel["sms"] != 1 {
		t.Errorf("stats %+v", st)
	}
	msgs := sk.Messages()
	if len(msgs) != 2 || msgs[0].Template != "lembrete" || msgs[0].Params["1"] != "José" || msgs[0].ID != ref1 {
		t.Errorf("messages %+v", msgs)
	}
	resp, err := http.Get(srv.URL + "/v1/stats")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stats endpoint: %v", err)
	}
	resp.Body.Close()
}

// FuzzSink feeds the sink arbitrary requests: it must answer every one
// with a status and never accept a message without recipient and key.
func FuzzSink(f *testing.F) {
	f.Add("/v1/sms/messages", "k", `{"to":"+5511987654321","body":"oi"}`)
	f.Add("/v1/email/messages", "", `{"to":"a@b.c","idempotency_key":"x"}`)
	f.Add("/v1/fax/messages", "k", `{}`)
	f.Add("/v1/sms/messages", "k", `{"to":`)
	f.Add("/", "", ``)
	f.Fuzz(func(t *testing.T, path, key, body string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		sk := sink.New(5)
		req := httptest.NewRequest(http.MethodPost, "http://sink"+"/", strings.NewReader(body))
		req.URL.Path = path
		if key != "" && !strings.ContainsAny(key, "\r\n\x00") {
			req.Header.Set("Idempotency-Key", key)
		}
		w := httptest.NewRecorder()
		sk.ServeHTTP(w, req)
		if w.Code == 0 {
			t.Fatal("no status")
		}
		for _, m := range sk.Messages() {
			if m.To == "" || m.IdempotencyKey == "" || m.ID == "" {
				t.Fatalf("accepted %+v", m)
			}
		}
	})
}
