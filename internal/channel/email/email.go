// Package email sends e-mail messages over SMTP: the e-mail channel's
// adapter behind channel.Channel. The attempt's idempotency key becomes the
// Message-ID, so a message re-sent after a crash is recognisably the same
// one (receivers and the local sink drop the repeat).
package email

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/regua/regua/internal/channel"
)

// SMTP is an adapter for an SMTP submission server (no TLS or AUTH yet:
// a relay on a trusted network, or the local sink).
type SMTP struct {
	Provider string
	Addr     string // host:port
	From     string // envelope and header sender, e.g. cobranca@credor.com.br
	Domain   string // right-hand side of Message-IDs (default: From's domain)
	Timeout  time.Duration
}

// New returns an adapter for the server at addr sending as from.
func New(provider, addr, from string) *SMTP {
	return &SMTP{Provider: provider, Addr: addr, From: from, Timeout: 30 * time.Second}
}

func (s *SMTP) Name() string { return s.Provider }

// MessageID is the Message-ID of an attempt's message.
func (s *SMTP) MessageID(key string) string {
	dom := s.Domain
	if dom == "" {
		if i := strings.LastIndexByte(s.From, '@'); i >= 0 {
			dom = s.From[i+1:]
		} else {
			dom = "regua.invalid"
		}
	}
	// Keys are ASCII without personal data; keep Message-ID syntax safe.
	safe := strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f && !strings.ContainsRune("<>@\\\"()[],;:", r) {
			return r
		}
		return '-'
	}, key)
	return "<" + safe + "@" + dom + ">"
}

// Compose writes the RFC 5322 message: UTF-8 text, quoted-printable body,
// RFC 2047 subject.
func (s *SMTP) Compose(m channel.Message, at time.Time) []byte {
	var b strings.Builder
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", s.From)
	h("To", m.To)
	h("Subject", mime.QEncoding.Encode("utf-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject)))
	h("Date", at.Format(time.RFC1123Z))
	h("Message-ID", s.MessageID(m.IdempotencyKey))
	if m.Reference != "" && !strings.ContainsAny(m.Reference, "\r\n") {
		h("X-Regua-Reference", m.Reference)
	}
	if m.Locale != "" && !strings.ContainsAny(m.Locale, "\r\n") {
		h("Content-Language", m.Locale)
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")
	return []byte(b.String())
}

// Send delivers one message in one SMTP session. 5xx replies are
// permanent failures, 4xx and connection errors temporary.
func (s *SMTP) Send(ctx context.Context, m channel.Message) (string, error) {
	if m.To == "" || strings.ContainsAny(m.To, "\r\n<>") || !strings.Contains(m.To, "@") {
		return "", channel.Permanent("address", fmt.Errorf("not an e-mail address: %q", m.To))
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return "", channel.Temporary("connect", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("regua"); err != nil {
		return "", classify("EHLO", err)
	}
	if err := c.Mail(s.From, nil); err != nil {
		return "", classify("MAIL FROM", err)
	}
	if err := c.Rcpt(m.To, nil); err != nil {
		return "", classify("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return "", classify("DATA", err)
	}
	if _, err := w.Write(s.Compose(m, time.Now())); err != nil {
		return "", classify("DATA", err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", classify("DATA", err)
	}
	c.Quit()
	// The server's queue id when it gives one ("250 2.0.0 OK: queued as
	// X"), else our Message-ID.
	if resp != nil && resp.StatusText != "" {
		if i := strings.LastIndex(resp.StatusText, "queued as "); i >= 0 {
			return strings.TrimSpace(resp.StatusText[i+len("queued as "):]), nil
		}
	}
	return s.MessageID(m.IdempotencyKey), nil
}

func classify(stage string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		code := fmt.Sprintf("smtp %d at %s", se.Code, stage)
		if se.Code >= 500 {
			return channel.Permanent(code, errors.New(se.Message))
		}
		return channel.Temporary(code, errors.New(se.Message))
	}
	return channel.Temporary(stage, err)
}
