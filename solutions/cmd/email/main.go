// Command email runs the email service: it joins orders with their
// payments and customers, emails the customer of every paid order, and
// routes every order to the topic of its customer's level.
//
//	go run ./solutions/cmd/email --bootstrap-servers localhost:9092 --outbox ./outbox
//	go run ./solutions/cmd/email --smtp-addr localhost:1025   # Mailpit
//
// Each message goes to the outbox folder as an .eml file (--outbox
// [OUTBOX], default <state dir>/outbox); with --smtp-addr [SMTP_ADDR] it
// is also sent to that SMTP server (--smtp-user [SMTP_USER],
// --smtp-password [SMTP_PASSWORD]); --mail-from [MAIL_FROM] sets the
// sender. The Kafka and service flags are those of every command (see
// solutions/cmd/fraud).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"path/filepath"

	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/solutions/mail"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(platform.Env(name)); ok {
		return v
	}
	return def
}

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "email-service", ":8094")
	outbox := flag.String("outbox", env("outbox", ""), "folder of the .eml files, default <state dir>/outbox (env OUTBOX)")
	smtpAddr := flag.String("smtp-addr", env("smtp-addr", ""), "SMTP server host:port, empty for none (env SMTP_ADDR)")
	smtpUser := flag.String("smtp-user", env("smtp-user", ""), "SMTP user (env SMTP_USER)")
	smtpPassword := flag.String("smtp-password", env("smtp-password", ""), "SMTP password (env SMTP_PASSWORD)")
	defaultFrom := mail.DefaultFrom()
	from := flag.String("mail-from", env("mail-from", defaultFrom.String()), "sender of the emails (env MAIL_FROM)")
	flag.Parse()
	platform.Main("email", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		sender, err := netmail.ParseAddress(*from)
		if err != nil {
			return fmt.Errorf("--mail-from %q: %w", *from, err)
		}
		if *outbox == "" {
			*outbox = filepath.Join(svc.StateDir, "outbox")
		}
		box, err := mail.NewOutbox(mail.OutboxConfig{Dir: *outbox, From: sender})
		if err != nil {
			return err
		}
		var smtp *mail.SMTP
		if *smtpAddr != "" {
			smtp, err = mail.NewSMTP(mail.SMTPConfig{Addr: *smtpAddr, From: sender, Username: *smtpUser, Password: *smtpPassword})
			if err != nil {
				return err
			}
		}
		log.Info("emails go to the outbox", "dir", *outbox, "smtp", *smtpAddr)
		topo, err := email.Topology(deliver(box, smtp, log))
		if err != nil {
			return err
		}
		cfg, err := svc.Config(email.ApplicationID, log)
		if err != nil {
			return err
		}
		app, err := kafka.New(topo, cfg)
		if err != nil {
			return err
		}
		return platform.RunApp(ctx, app, svc.Listen, nil, log)
	})
}

// deliver writes every email to the outbox and, when smtp is set, sends
// it too; a mail server that is down is logged, not fatal: the outbox has
// the message.
func deliver(box *mail.Outbox, smtp *mail.SMTP, log *slog.Logger) email.Emailer {
	return email.EmailerFunc(func(ctx context.Context, e email.Email) error {
		if err := box.SendEmail(ctx, e); err != nil {
			return err
		}
		if smtp != nil {
			if err := smtp.SendEmail(ctx, e); err != nil {
				log.Warn("email not sent over SMTP; it is in the outbox", "order", e.Order.ID, "err", err)
				return nil
			}
		}
		log.Info("emailed", "order", e.Order.ID, "to", e.Customer.Email, "file", box.Path(e.Order.ID))
		return nil
	})
}
