package system

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/domain"
)

// ANSI colours of the console.
const (
	reset  = "\033[0m"
	dim    = "\033[2m"
	red    = "\033[31m"
	green  = "\033[32m"
	yellow = "\033[33m"
	cyan   = "\033[36m"
)

// maxTracked bounds the orders the console remembers between their
// CREATED and final lines.
const maxTracked = 10000

// Console writes the feed's events to w as a compact live log, one line
// per order state and per email, until ctx ends or the feed closes:
//
//	12:00:01.204  g3fa-1    CREATED    2 × JUMPERS at 40.00     Jay Kreps (platinum)
//	12:00:01.231  g3fa-1    VALIDATED  in 27ms                  details ✓  fraud ✓  inventory ✓
//	12:00:01.236  g3fa-1    ✉ jay.kreps@example.com             order-g3fa-1.eml
//
// Times are when the system saw each event. It starts with the events the
// feed kept. Verdicts are not lines of their own: the final line shows those that
// arrived before it (· for one still to come). color adds ANSI colours.
func Console(ctx context.Context, feed *Feed, w io.Writer, color bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	recent, events := feed.Subscribe(ctx)
	c := &console{w: w, color: color, orders: map[string]*tracked{}}
	for _, e := range recent {
		c.print(e)
	}
	for e := range events {
		c.print(e)
	}
}

type tracked struct {
	created  time.Time
	verdicts map[domain.OrderValidationType]domain.OrderValidationResult
}

type console struct {
	w      io.Writer
	color  bool
	orders map[string]*tracked
}

func (c *console) paint(color, s string) string {
	if !c.color {
		return s
	}
	return color + s + reset
}

func (c *console) track(id string) *tracked {
	t := c.orders[id]
	if t == nil {
		if len(c.orders) >= maxTracked {
			clear(c.orders)
		}
		t = &tracked{verdicts: map[domain.OrderValidationType]domain.OrderValidationResult{}}
		c.orders[id] = t
	}
	return t
}

func (c *console) print(e Event) {
	seen := e.Seen
	if seen.IsZero() {
		seen = e.Time
	}
	at := c.paint(dim, seen.Local().Format("15:04:05.000"))
	id := fmt.Sprintf("%-9s", e.OrderID)
	switch e.Kind {
	case KindValidation:
		c.track(e.OrderID).verdicts[e.Check] = e.Result
	case KindOrder:
		if e.Order == nil {
			return
		}
		o := *e.Order
		t := c.track(o.ID)
		switch o.State {
		case domain.Created:
			t.created = seen
			what := fmt.Sprintf("%d × %s at %.2f", o.Quantity, o.Product, o.Price)
			fmt.Fprintf(c.w, "%s  %s %s  %-24s %s\n", at, id, c.paint(cyan, fmt.Sprintf("%-9s", o.State)), what, customerText(e.Customer, o.CustomerID))
		case domain.Validated, domain.Failed:
			color := green
			if o.State == domain.Failed {
				color = red
			}
			took := ""
			if !t.created.IsZero() {
				took = "in " + seen.Sub(t.created).Round(time.Millisecond).String()
			}
			fmt.Fprintf(c.w, "%s  %s %s  %-24s %s\n", at, id, c.paint(color, fmt.Sprintf("%-9s", o.State)), took, c.verdicts(t))
			delete(c.orders, o.ID)
		default:
			fmt.Fprintf(c.w, "%s  %s %-9s\n", at, id, o.State)
		}
	case KindEmail:
		to := c.paint(yellow, "✉ "+e.To)
		where := ""
		if e.Where != "" {
			where = filepath.Base(e.Where)
		}
		fmt.Fprintf(c.w, "%s  %s %s%s %s\n", at, id, to, strings.Repeat(" ", max(1, 35-len([]rune("✉ "+e.To)))), where)
	}
}

// checks in the order the console shows them, with their short names.
var checks = []struct {
	t    domain.OrderValidationType
	name string
}{{domain.OrderDetailsCheck, "details"}, {domain.FraudCheck, "fraud"}, {domain.InventoryCheck, "inventory"}}

func (c *console) verdicts(t *tracked) string {
	parts := make([]string, 0, len(checks))
	for _, ch := range checks {
		mark := c.paint(dim, "·")
		switch t.verdicts[ch.t] {
		case domain.Pass:
			mark = c.paint(green, "✓")
		case domain.Fail:
			mark = c.paint(red, "✗")
		}
		parts = append(parts, ch.name+" "+mark)
	}
	return strings.Join(parts, "  ")
}

func customerText(c *domain.Customer, id int64) string {
	if c == nil {
		return fmt.Sprintf("customer %d (unknown)", id)
	}
	return fmt.Sprintf("%s %s (%s)", c.FirstName, c.LastName, c.LevelOrDefault())
}
