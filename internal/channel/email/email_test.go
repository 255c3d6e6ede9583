package email_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/email"
	"github.com/regua/regua/internal/channel/sink"
)

func TestSMTPToSink(t *testing.T) {
	sk := sink.New(10)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go sk.ServeSMTP(ln)
	defer ln.Close()
	s := email.New("smtp-sink", ln.Addr().String(), "cobranca@credor.example")
	ctx := context.Background()
	m := channel.Message{Channel: "email", To: "jose@example.com", Locale: "pt-BR", Subject: "Lembrete: sua parcela vence amanhã",
		Body: "Olá, José.\nSua parcela de R$ 1.500,00 vence em 25/11. Código PIX: 00020126…", IdempotencyKey: "rg-1-42-d-1-2026-11-25", Reference: "rg-1-a7"}
	ref, err := s.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if ref != "<rg-1-42-d-1-2026-11-25@credor.example>" {
		t.Errorf("ref %q", ref)
	}
	got := sk.Messages()
	if len(got) != 1 || got[0].Subject != m.Subject || got[0].Body != m.Body || got[0].To != m.To || got[0].IdempotencyKey != m.IdempotencyKey || got[0].Reference != "rg-1-a7" || got[0].Locale != "pt-BR" {
		t.Fatalf("sink got %+v", got)
	}
	// The same attempt again: the same message, not a new one.
	if _, err := s.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if st := sk.Stats(); st.Unique != 1 || st.Duplicates != 1 {
		t.Errorf("stats %+v", st)
	}
	tests := []struct {
		to        string
		failFirst int
		permanent bool
	}{
		{"invalid-box@example.com", 0, true},
		{"not an address", 0, true},
		{"maria@example.com", 1, false},
	}
	for i, tt := range tests {
		sk.FailFirst = tt.failFirst
		m.To, m.IdempotencyKey = tt.to, "k-"+string(rune('a'+i))
		_, err := s.Send(ctx, m)
		if err == nil || channel.IsPermanent(err) != tt.permanent {
			t.Errorf("%s: %v (permanent %v)", tt.to, err, channel.IsPermanent(err))
		}
	}
	// After the programmed 451, the retry goes through.
	if _, err := s.Send(ctx, m); err != nil {
		t.Errorf("retry: %v", err)
	}
	ln.Close()
	if _, err := s.Send(ctx, m); err == nil || channel.IsPermanent(err) || !strings.Contains(err.Error(), "connect") {
		t.Errorf("closed server: %v", err)
	}
}

var testTime = mustTime()

func mustTime() time.Time { return time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC) }

func TestComposeIsSafe(t *testing.T) {
	s := email.New("p", "x:25", "a@b.example")
	raw := string(s.Compose(channel.Message{To: "c@d.example", Subject: "Olá\r\nBcc: evil@x", Body: "linha 1\nlinha 2 çã", IdempotencyKey: "k<1>\r\n"}, testTime))
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	if strings.Contains(head, "\nBcc:") || strings.Count(head, "Message-ID: <k-1---@b.example>") != 1 || strings.Count(head, "\r\n") != 7 {
		t.Errorf("header injection or bad Message-ID:\n%s", head)
	}
}
