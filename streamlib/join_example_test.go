package streamlib_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// Orders and payments are both keyed by order id. A payment made within a
// minute of its order (before or after) completes it.
func ExampleJoin() {
	b := streamlib.NewBuilder()
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	payments := streamlib.Stream(b, "payments", serde.String(), serde.String())
	paid := streamlib.Join(orders, payments, func(orderID, order, payment string) string {
		return order + " paid by " + payment
	}, window.JoinWithin(time.Minute, 0))
	paid.To("paid-orders")

	run(b,
		in{"orders", "o1", "2 books", 0},
		in{"payments", "o1", "card", at(30 * time.Second)}, // within a minute: joins
		in{"orders", "o2", "1 pen", at(40 * time.Second)},
		in{"payments", "o2", "cash", at(2 * time.Minute)}, // 80 s later: too late
	)
	// Output:
	// paid-orders o1: 2 books paid by card @30000
}

// A left join emits an order without a payment only once its window has
// closed: when stream time (moved by any newer record of either stream) is
// past the order's time plus the window plus the grace period.
func ExampleLeftJoin() {
	b := streamlib.NewBuilder()
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	payments := streamlib.Stream(b, "payments", serde.String(), serde.String())
	streamlib.LeftJoin(orders, payments, func(_ string, order string, payment *string) string {
		if payment == nil {
			return order + " unpaid"
		}
		return order + " paid by " + *payment
	}, window.JoinWithin(time.Minute, 10*time.Second)).To("orders-checked")

	run(b,
		in{"orders", "o1", "2 books", 0},
		in{"orders", "o2", "1 pen", at(50 * time.Second)},
		in{"payments", "o2", "cash", at(55 * time.Second)},
		// 71 s is past 0 + 60 s + 10 s of grace: o1's window is closed.
		in{"orders", "o3", "a lamp", at(71 * time.Second)},
	)
	// Output:
	// orders-checked o2: 1 pen paid by cash @55000
	// orders-checked o1: 2 books unpaid @0
}

// Each order looks up its customer's current row; customer updates emit
// nothing by themselves.
func ExampleJoinTable() {
	b := streamlib.NewBuilder()
	customers := streamlib.Table(b, "customers", serde.String(), serde.String())
	orders := streamlib.Stream(b, "orders-by-customer", serde.String(), serde.String())
	streamlib.LeftJoinTable(orders, customers, func(customerID, order string, name *string) string {
		if name == nil {
			return order + " for unknown customer " + customerID
		}
		return order + " for " + *name
	}).To("enriched-orders")

	run(b,
		in{"orders-by-customer", "c1", "o1", 1},
		in{"customers", "c1", "Ada", 2},
		in{"orders-by-customer", "c1", "o2", 3},
	)
	// Output:
	// enriched-orders c1: o1 for unknown customer c1 @1
	// enriched-orders c1: o2 for Ada @3
}

// A global table is looked up by a key computed from each record, here the
// customer id inside an order keyed by order id. No repartitioning needed.
func ExampleJoinGlobal() {
	b := streamlib.NewBuilder()
	levels := streamlib.GlobalTable(b, "customer-levels", serde.String(), serde.String())
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String()) // value: "<customer>/<item>"
	customerOf := func(_ string, order string) string { c, _, _ := strings.Cut(order, "/"); return c }
	streamlib.JoinGlobal(orders, levels, customerOf, func(orderID, order, level string) string {
		return order + " (" + level + ")"
	}).To("orders-with-level")

	run(b,
		in{"customer-levels", "c1", "gold", 1},
		in{"orders", "o1", "c1/book", 2},
		in{"orders", "o2", "c2/pen", 3}, // no such customer: nothing
	)
	// Output:
	// orders-with-level o1: c1/book (gold) @2
}

// A table-table join follows both tables: updates re-join, deletions on
// either side delete the joined row (nil value: a tombstone).
func ExampleTableJoin() {
	b := streamlib.NewBuilder()
	stock := streamlib.Table(b, "stock", serde.String(), serde.String())
	prices := streamlib.Table(b, "prices", serde.String(), serde.String())
	streamlib.TableJoin(stock, prices, func(product, qty, price string) string {
		return qty + " at " + price
	}).ToStream().To("offers")

	run(b,
		in{"stock", "p1", "3", 1},
		in{"prices", "p1", "$5", 2},
		in{"stock", "p1", "2", 3},
		in{"prices", "p1", "", 4}, // empty value: a tombstone
	)
	// Output:
	// offers p1: 3 at $5 @2
	// offers p1: 2 at $5 @3
	// offers p1: <nil> @4
}

// in is an input record for run; an empty value is a tombstone.
type in struct {
	topic, key, value string
	ts                int64
}

func at(d time.Duration) int64 { return d.Milliseconds() }

// run builds the topology and processes the inputs in order in one task,
// printing what the sinks write. Tests use package testdriver instead.
func run(b *streamlib.Builder, inputs ...in) {
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	var global *streamlib.GlobalTask
	if global, err = topo.NewGlobalTask(streamlib.GlobalTaskConfig{ApplicationID: "example"}); err != nil {
		fmt.Println(err)
		return
	}
	cfg := streamlib.TaskConfig{ApplicationID: "example", Collector: printer{}}
	if global != nil {
		defer global.Close()
		cfg.GlobalStores = global.Stores()
	}
	task, err := topo.NewTask(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer task.Close()
	for _, r := range inputs {
		raw := &streamlib.RawRecord{Topic: r.topic, Key: []byte(r.key), Timestamp: r.ts}
		if r.value != "" {
			raw.Value = []byte(r.value)
		}
		p := task.Process
		if global != nil && slices.Contains(global.Topics(), r.topic) {
			p = global.Process
		}
		if err := p(ctx, raw); err != nil {
			fmt.Println(err)
			return
		}
	}
}

type printer struct{}

func (printer) Send(_ context.Context, r streamlib.OutgoingRecord) error {
	v := "<nil>"
	if r.Value != nil {
		v = string(r.Value)
	}
	fmt.Printf("%s %s: %s @%d\n", r.Topic, r.Key, v, r.Timestamp)
	return nil
}
