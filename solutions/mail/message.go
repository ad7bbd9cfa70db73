package mail

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/solutions/email"
)

// defaultFrom is the sender of messages when no other is configured.
var defaultFrom = netmail.Address{Name: "Stream Workshop Shop", Address: "shop@example.com"}

// DefaultFrom returns the sender used when a configuration names none:
// "Stream Workshop Shop" <shop@example.com>.
func DefaultFrom() netmail.Address { return defaultFrom }

// Message is a composed email: its envelope and its bytes.
type Message struct {
	// From is the sender's address (the SMTP envelope sender).
	From string
	// To is the recipient's address.
	To string
	// ID is the Message-ID, without angle brackets.
	ID string
	// Subject is the subject line, unencoded.
	Subject string
	// Bytes is the whole message, headers and body, with CRLF line ends.
	Bytes []byte
}

// Compose writes the message that tells a customer their order is paid.
// from is the sender; date is the Date header.
func Compose(e email.Email, from netmail.Address, date time.Time) (Message, error) {
	if e.Customer.Email == "" {
		return Message{}, fmt.Errorf("mail: order %s: customer %d has no email address", e.Order.ID, e.Customer.ID)
	}
	to, err := netmail.ParseAddress(e.Customer.Email)
	if err != nil {
		return Message{}, fmt.Errorf("mail: order %s: customer %d's address %q: %w", e.Order.ID, e.Customer.ID, e.Customer.Email, err)
	}
	to.Name = strings.TrimSpace(e.Customer.FirstName + " " + e.Customer.LastName)
	domain := "example.com"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	o, p := e.Order, e.Payment
	m := Message{
		From:    from.Address,
		To:      to.Address,
		ID:      "order-" + atomText(o.ID) + "@" + domain,
		Subject: fmt.Sprintf("Your order %s: %d × %s", o.ID, o.Quantity, o.Product),
	}

	var body bytes.Buffer
	name := e.Customer.FirstName
	if name == "" {
		name = to.Name
	}
	fmt.Fprintf(&body, "Dear %s,\n\n", name)
	fmt.Fprintf(&body, "thank you for your order %s: %d × %s at %.2f each, %.2f in all.\n", o.ID, o.Quantity, o.Product, o.Price, o.Value())
	fmt.Fprintf(&body, "We have your payment %s of %.2f %s.\n\n", p.ID, p.Amount, p.Ccy)
	fmt.Fprintf(&body, "We are checking the order now (its details, our stock, and our fraud rules);\n")
	fmt.Fprintf(&body, "you can follow it at /v1/orders/%s/validated.\n\n", o.ID)
	fmt.Fprintf(&body, "As a %s customer you are served by our %s desk.\n\n", e.Customer.LevelOrDefault(), e.Customer.LevelOrDefault())
	fmt.Fprintf(&body, "The shop\n")

	var msg bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&msg, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", "<"+m.ID+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	header("X-Order-Id", atomText(o.ID))
	msg.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&msg)
	if _, err := qp.Write(bytes.ReplaceAll(body.Bytes(), []byte("\n"), []byte("\r\n"))); err != nil {
		return Message{}, fmt.Errorf("mail: encode the body of order %s: %w", o.ID, err)
	}
	if err := qp.Close(); err != nil {
		return Message{}, fmt.Errorf("mail: encode the body of order %s: %w", o.ID, err)
	}
	m.Bytes = msg.Bytes()
	return m, nil
}

// atomText keeps the characters of s that may stand in a Message-ID or a
// file name as they are, and turns others into '_'.
func atomText(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
