package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/solutions/mail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var date = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func paid(id string) email.Email {
	return email.Email{
		Order:    domain.Order{ID: id, CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 2, Price: 40},
		Payment:  domain.Payment{ID: "Payment:" + id, OrderID: id, Ccy: "CZK", Amount: 80},
		Customer: domain.Customer{ID: 1, FirstName: "Jay", LastName: "Kreps", Email: "jay@example.com", Level: domain.LevelPlatinum},
	}
}

// parsed is a message read back the way a mail program reads it.
type parsed struct {
	header netmail.Header
	body   string
}

func parse(t *testing.T, b []byte) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, "quoted-printable", m.Header.Get("Content-Transfer-Encoding"))
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	require.NoError(t, err)
	return parsed{m.Header, string(body)}
}

func TestCompose(t *testing.T) {
	m, err := mail.Compose(paid("7"), mail.DefaultFrom(), date)
	require.NoError(t, err)
	require.Equal(t, "shop@example.com", m.From)
	require.Equal(t, "jay@example.com", m.To)
	require.Equal(t, "order-7@example.com", m.ID)
	require.NotContains(t, string(bytes.ReplaceAll(m.Bytes, []byte("\r\n"), nil)), "\n", "every line ends in CRLF")

	p := parse(t, m.Bytes)
	subject, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, "Your order 7: 2 × JUMPERS", subject)
	to, err := p.header.AddressList("To")
	require.NoError(t, err)
	require.Equal(t, []*netmail.Address{{Name: "Jay Kreps", Address: "jay@example.com"}}, to)
	from, err := p.header.AddressList("From")
	require.NoError(t, err)
	require.Equal(t, "Stream Workshop Shop", from[0].Name)
	require.Equal(t, "<order-7@example.com>", p.header.Get("Message-Id"))
	d, err := p.header.Date()
	require.NoError(t, err)
	require.True(t, d.Equal(date))
	require.Contains(t, p.body, "Dear Jay,\r\n")
	require.Contains(t, p.body, "order 7: 2 × JUMPERS at 40.00 each, 80.00 in all.")
	require.Contains(t, p.body, "payment Payment:7 of 80.00 CZK")

	// An id with characters a Message-ID cannot hold still makes one.
	m, err = mail.Compose(paid("a:b"), mail.DefaultFrom(), date)
	require.NoError(t, err)
	require.Equal(t, "order-a_b@example.com", m.ID)

	e := paid("8")
	e.Customer.Email = ""
	_, err = mail.Compose(e, mail.DefaultFrom(), date)
	require.ErrorContains(t, err, "no email address")
	e.Customer.Email = "not an address"
	_, err = mail.Compose(e, mail.DefaultFrom(), date)
	require.Error(t, err)
}

func TestOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o, err := mail.NewOutbox(mail.OutboxConfig{Dir: dir, Now: func() time.Time { return date }})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, o.SendEmail(ctx, paid("7")))
	require.NoError(t, o.SendEmail(ctx, paid("8")))
	require.NoError(t, o.SendEmail(ctx, paid("7")), "delivered again, as at-least-once may")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"order-7.eml", "order-8.eml"}, names, "one file per order, nothing half-written left behind")
	b, err := os.ReadFile(o.Path("7"))
	require.NoError(t, err)
	require.Contains(t, parse(t, b).body, "order 7:")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, o.SendEmail(cancelled, paid("9")), context.Canceled)
	_, err = mail.NewOutbox(mail.OutboxConfig{})
	require.Error(t, err)
}

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on a free
// port of 127.0.0.1 that keeps what it receives.
type smtpServer struct {
	addr string
	user string // when set, AUTH PLAIN with password "secret" is required
	deny string // a recipient the server refuses

	mu       sync.Mutex
	received []received
}

type received struct {
	from, to string
	authed   bool
	tls      bool
	data     []byte
}

func startSMTP(t *testing.T, tlsConfig *tls.Config, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	if configure != nil {
		configure(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = tlsConfig
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		<-done
	})
	return s
}

type session struct {
	srv    *smtpServer
	conn   *smtp.Conn
	authed bool
	from   string
	to     string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.user || pass != "secret" {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.srv.deny {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.received = append(s.srv.received, received{from: s.from, to: s.to, authed: s.authed, tls: isTLS, data: b})
	return nil
}
func (s *session) Reset()        { s.from, s.to = "", "" }
func (s *session) Logout() error { return nil }

func (s *smtpServer) got() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

func TestSMTP(t *testing.T) {
	ctx := context.Background()
	t.Run("plain", func(t *testing.T) {
		srv := startSMTP(t, nil, nil)
		s, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr, Now: func() time.Time { return date }})
		require.NoError(t, err)
		require.NoError(t, s.SendEmail(ctx, paid("7")))
		got := srv.got()
		require.Len(t, got, 1)
		require.Equal(t, "shop@example.com", got[0].from)
		require.Equal(t, "jay@example.com", got[0].to)
		want, err := mail.Compose(paid("7"), mail.DefaultFrom(), date)
		require.NoError(t, err)
		require.Equal(t, string(want.Bytes), string(got[0].data), "the server gets the composed message, byte for byte")
	})
	t.Run("auth", func(t *testing.T) {
		srv := startSMTP(t, nil, func(s *smtpServer) { s.user = "shop" })
		s, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr, Username: "shop", Password: "secret"})
		require.NoError(t, err)
		require.NoError(t, s.SendEmail(ctx, paid("7")))
		require.True(t, srv.got()[0].authed)

		s, err = mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr, Username: "shop", Password: "wrong"})
		require.NoError(t, err)
		err = s.SendEmail(ctx, paid("8"))
		require.ErrorContains(t, err, "AUTH")
		require.ErrorContains(t, err, "order 8")
	})
	t.Run("starttls", func(t *testing.T) {
		serverTLS, clientTLS := testTLS(t)
		srv := startSMTP(t, serverTLS, func(s *smtpServer) { s.user = "shop" })
		s, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr, TLS: clientTLS, Username: "shop", Password: "secret"})
		require.NoError(t, err)
		require.NoError(t, s.SendEmail(ctx, paid("7")))
		require.True(t, srv.got()[0].tls, "the message went over TLS, since the server offered it")

		s, err = mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr}) // no CA for the server's certificate
		require.NoError(t, err)
		require.ErrorContains(t, s.SendEmail(ctx, paid("8")), "STARTTLS")
	})
	t.Run("refused recipient", func(t *testing.T) {
		srv := startSMTP(t, nil, func(s *smtpServer) { s.deny = "jay@example.com" })
		s, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.addr})
		require.NoError(t, err)
		err = s.SendEmail(ctx, paid("7"))
		require.ErrorContains(t, err, "RCPT TO jay@example.com")
		require.ErrorContains(t, err, "550")
		require.Empty(t, srv.got())
	})
	t.Run("no server", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		s, err := mail.NewSMTP(mail.SMTPConfig{Addr: addr})
		require.NoError(t, err)
		require.ErrorContains(t, s.SendEmail(ctx, paid("7")), "connect to SMTP server")
	})
	t.Run("bad address", func(t *testing.T) {
		_, err := mail.NewSMTP(mail.SMTPConfig{Addr: "no-port"})
		require.Error(t, err)
	})
}

// testTLS makes a self-signed certificate for 127.0.0.1 and the client
// configuration that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test SMTP server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}
