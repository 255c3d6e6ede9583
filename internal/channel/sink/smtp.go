package sink

import (
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/regua/regua/internal/channel"
)

// ServeSMTP accepts e-mail on ln for the same records as the HTTP API:
// the Message-ID is the idempotency key, a recipient starting with
// "invalid" is refused for good (550), and FailFirst answers 451 at DATA.
// It returns when ln is closed.
func (s *Sink) ServeSMTP(ln net.Listener) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "sink.regua.invalid"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 1 << 20
	srv.MaxRecipients = 1
	err := srv.Serve(ln)
	if errors.Is(err, net.ErrClosed) || errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

type smtpSession struct {
	s    *Sink
	from string
	to   string
}

func (x *smtpSession) Reset()        { x.from, x.to = "", "" }
func (x *smtpSession) Logout() error { return nil }

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "invalid") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox: " + to}
	}
	x.to = to
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	s := x.s
	s.requests.Add(1)
	msg, err := mail.ReadMessage(r)
	if err != nil {
		io.Copy(io.Discard, r)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message: " + err.Error()}
	}
	id := strings.Trim(msg.Header.Get("Message-Id"), "<> ")
	if id == "" {
		io.Copy(io.Discard, msg.Body)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message-ID: missing"}
	}
	var body []byte
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body, err = io.ReadAll(quotedprintable.NewReader(msg.Body))
	} else {
		body, err = io.ReadAll(msg.Body)
	}
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "body: " + err.Error()}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	key, _, _ := strings.Cut(id, "@")
	m := channel.Message{Channel: "email", To: x.to, Subject: subject, Body: strings.TrimRight(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n"),
		Locale: msg.Header.Get("Content-Language"), IdempotencyKey: key, Reference: msg.Header.Get("X-Regua-Reference")}
	if _, _, busy := s.accept("email", m); busy {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "busy, try later"}
	}
	return nil
}
