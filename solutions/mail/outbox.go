package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/streamworkshop/workshop/solutions/email"
)

// OutboxConfig configures an Outbox.
type OutboxConfig struct {
	// Dir is the folder the messages go to, created if needed. Required.
	Dir string
	// From is the sender (DefaultFrom()).
	From *netmail.Address
	// Now is the clock of the Date header (time.Now).
	Now func() time.Time
}

// Outbox is an email.Emailer that writes every message as a file
// order-<id>.eml into a folder. A message written again for the same order
// replaces the file as a whole (write, then rename), so a reader never
// sees half a message.
type Outbox struct {
	dir  string
	from netmail.Address
	now  func() time.Time
}

// NewOutbox makes the folder and returns an Outbox writing into it.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	if cfg.Dir == "" {
		return nil, errors.New("mail: OutboxConfig.Dir is empty")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("mail: create outbox %s: %w", cfg.Dir, err)
	}
	o := &Outbox{dir: cfg.Dir, from: defaultFrom, now: time.Now}
	if cfg.From != nil {
		o.from = *cfg.From
	}
	if cfg.Now != nil {
		o.now = cfg.Now
	}
	return o, nil
}

// Dir returns the outbox's folder.
func (o *Outbox) Dir() string { return o.dir }

// Path returns the file the message of an order goes to.
func (o *Outbox) Path(orderID string) string {
	return filepath.Join(o.dir, "order-"+atomText(orderID)+".eml")
}

// SendEmail composes the message of e and writes it to its file.
func (o *Outbox) SendEmail(ctx context.Context, e email.Email) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: order %s: %w", e.Order.ID, err)
	}
	m, err := Compose(e, o.from, o.now())
	if err != nil {
		return err
	}
	path := o.Path(e.Order.ID)
	tmp, err := os.CreateTemp(o.dir, ".order-*.eml.tmp")
	if err != nil {
		return fmt.Errorf("mail: order %s: %w", e.Order.ID, err)
	}
	_, werr := tmp.Write(m.Bytes)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mail: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mail: write %s: %w", path, err)
	}
	return nil
}
