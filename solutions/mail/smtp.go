package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/smtp"
	"time"

	"github.com/streamworkshop/workshop/solutions/email"
)

// DefaultSMTPTimeout bounds one delivery when the context has no deadline.
const DefaultSMTPTimeout = 10 * time.Second

// SMTPConfig configures an SMTP sender.
type SMTPConfig struct {
	// Addr is the server's host:port, such as localhost:1025 (Mailpit).
	// Required.
	Addr string
	// From is the sender (DefaultFrom()).
	From *netmail.Address
	// Username and Password, when Username is set, authenticate with
	// PLAIN. net/smtp sends them only over TLS, or to localhost.
	Username, Password string
	// TLS configures STARTTLS, which is used whenever the server offers
	// it (a config with ServerName set to the host when nil).
	TLS *tls.Config
	// Hello is the name this client gives in EHLO ("localhost").
	Hello string
	// Timeout bounds one delivery when the context has no deadline
	// (DefaultSMTPTimeout).
	Timeout time.Duration
	// Now is the clock of the Date header (time.Now).
	Now func() time.Time
}

// SMTP is an email.Emailer that hands every message to an SMTP server,
// one connection per message.
type SMTP struct {
	cfg  SMTPConfig
	host string
	from netmail.Address
}

// NewSMTP checks cfg and returns a sender. It does not connect.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP address %q: %w", cfg.Addr, err)
	}
	if cfg.Hello == "" {
		cfg.Hello = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSMTPTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &SMTP{cfg: cfg, host: host, from: defaultFrom}
	if cfg.From != nil {
		s.from = *cfg.From
	}
	return s, nil
}

// SendEmail composes the message of e and delivers it to the server. The
// error names the order and the server's reply when the server refuses.
func (s *SMTP) SendEmail(ctx context.Context, e email.Email) error {
	m, err := Compose(e, s.from, s.cfg.Now())
	if err != nil {
		return err
	}
	if err := s.Send(ctx, m); err != nil {
		return fmt.Errorf("mail: order %s: %w", e.Order.ID, err)
	}
	return nil
}

// Send delivers a composed message.
func (s *SMTP) Send(ctx context.Context, m Message) (err error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("connect to SMTP server %s: %w", s.cfg.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return fmt.Errorf("SMTP server %s: %w", s.cfg.Addr, err)
	}
	// The connection's deadline bounds every step; a cancelled context
	// must end them too.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("SMTP server %s: greeting: %w", s.cfg.Addr, err)
	}
	defer func() {
		if err != nil {
			_ = c.Close()
		}
	}()
	step := func(what string, err error) error {
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			err = errors.Join(err, ctx.Err())
		}
		return fmt.Errorf("SMTP server %s: %s: %w", s.cfg.Addr, what, err)
	}
	if err := step("EHLO", c.Hello(s.cfg.Hello)); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := s.cfg.TLS
		if tc == nil {
			tc = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
		}
		if err := step("STARTTLS", c.StartTLS(tc)); err != nil {
			return err
		}
	}
	if s.cfg.Username != "" {
		if err := step("AUTH", c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host))); err != nil {
			return err
		}
	}
	if err := step("MAIL FROM", c.Mail(m.From)); err != nil {
		return err
	}
	if err := step("RCPT TO "+m.To, c.Rcpt(m.To)); err != nil {
		return err
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return err
	}
	if _, err := w.Write(m.Bytes); err != nil {
		return step("DATA", err)
	}
	if err := step("end of DATA", w.Close()); err != nil {
		return err
	}
	return step("QUIT", c.Quit())
}
