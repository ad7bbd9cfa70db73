// Package mail delivers the email service's messages (see package
// solutions/email): Compose writes the message of an order as a plain-text
// email (RFC 5322, MIME, UTF-8), and two email.Emailer implementations
// deliver it:
//
//   - Outbox writes each message as an .eml file into a folder, one file
//     per order, which any mail program opens. It is the default: nothing
//     to install, and a person can read what was sent.
//   - SMTP hands each message to a mail server (Mailpit in docker compose,
//     whose web page shows what arrived), with STARTTLS when the server
//     offers it and PLAIN authentication when a user is set.
//
// Either is the Emailer of the email topology:
//
//	outbox, err := mail.NewOutbox(mail.OutboxConfig{Dir: "outbox"})
//	topo, err := email.Topology(outbox)
//
//	smtp, err := mail.NewSMTP(mail.SMTPConfig{Addr: "localhost:1025"})
//	topo, err := email.Topology(smtp)
//
// Each message has a Message-ID made from its order id, and the outbox
// names the file after the order: when at-least-once processing delivers
// an email twice, the outbox keeps one file and a mail program shows one
// message.
package mail
