package email

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// t0 is the time of the first record of every test: 2024-01-01 00:00 UTC.
var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// at returns the timestamp d after t0, in milliseconds.
func at(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

// The tutorial's data: Franz Kafka, a gold customer, orders three pairs of
// underpants and pays for them.
var (
	franz    = domain.Customer{ID: 15, FirstName: "Franz", LastName: "Kafka", Email: "frans@thedarkside.net", Address: "oppression street, prague, cze", Level: domain.LevelGold}
	order0   = domain.Order{ID: "0", CustomerID: 15, State: domain.Created, Product: domain.Underpants, Quantity: 3, Price: 5}
	payment0 = domain.Payment{ID: "Payment:1234", OrderID: "0", Ccy: "CZK", Amount: 1000}
)

// customer returns a customer of the given level.
func customer(id int64, level string) domain.Customer {
	return domain.Customer{ID: id, FirstName: "Customer", LastName: fmt.Sprint(id), Email: fmt.Sprintf("c%d@example.com", id), Level: level}
}

// order returns a new order of customer c.
func order(id string, c int64) domain.Order {
	return domain.Order{ID: id, CustomerID: c, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 10}
}

// payment returns the payment of order id.
func payment(id string) domain.Payment {
	return domain.Payment{ID: "Payment:" + id, OrderID: id, Ccy: "EUR", Amount: 10}
}

// build builds the topology b describes, failing the test with Build's
// error: a mistake in the DSL calls shows there.
func build(t *testing.T, b *streamlib.Builder) *streamlib.Topology {
	t.Helper()
	topo, err := b.Build()
	if err != nil {
		t.Fatalf("the topology does not build: %v", err)
	}
	return topo
}

// placeholderRE finds the nodes notYet adds.
var placeholderRE = regexp.MustCompile(`TODO-(\d+\.\d+)`)

// unfinished names the TODOs whose notYet placeholder is still in topo, as
// a sentence to add to a failure ("" when there is none).
func unfinished(topo *streamlib.Topology) string {
	var todos []string
	for _, m := range placeholderRE.FindAllStringSubmatch(topo.Describe(), -1) {
		if !slices.Contains(todos, m[1]) {
			todos = append(todos, m[1])
		}
	}
	if len(todos) == 0 {
		return ""
	}
	slices.Sort(todos)
	if len(todos) == 1 {
		return fmt.Sprintf("\n(The topology still holds the placeholder of TODO %s, which emits nothing: replace the notYet call with your code.)", todos[0])
	}
	return fmt.Sprintf("\n(The topology still holds the placeholders of TODOs %s, which emit nothing: replace the notYet calls with your code.)",
		strings.Join(todos, " and "))
}

// outbox is an Emailer that keeps what it is given.
type outbox struct{ sent []Email }

func (o *outbox) SendEmail(_ context.Context, e Email) error {
	o.sent = append(o.sent, e)
	return nil
}

// service is the whole email topology on a fresh test driver.
type service struct {
	topo      *streamlib.Topology
	d         *testdriver.Driver
	orders    *testdriver.Input[string, domain.Order]
	payments  *testdriver.Input[string, domain.Payment]
	customers *testdriver.Input[int64, domain.Customer]
	outbox    *outbox
}

func startService(t *testing.T) *service {
	t.Helper()
	box := &outbox{}
	topo, err := Topology(box)
	if err != nil {
		t.Fatalf("Topology() error: %v", err)
	}
	d := testdriver.New(t, topo)
	ot, pt, ct := domain.OrdersTopic(), domain.PaymentsTopic(), domain.CustomersTopic()
	return &service{
		topo:      topo,
		d:         d,
		orders:    testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde()),
		payments:  testdriver.InputTopic(d, pt.Name(), pt.KeySerde(), pt.ValueSerde()),
		customers: testdriver.InputTopic(d, ct.Name(), ct.KeySerde(), ct.ValueSerde()),
		outbox:    box,
	}
}

// emailSerde reads and writes Emails on the topics of the tests of single
// steps.
func emailSerde() serde.Serde[Email] { return serde.JSON[Email]() }

// describeEmails lists emails briefly, for failure messages.
func describeEmails(es []Email) string {
	if len(es) == 0 {
		return "no email"
	}
	var parts []string
	for _, e := range es {
		c := "no customer"
		if e.Customer != (domain.Customer{}) {
			c = fmt.Sprintf("customer %d %s %s", e.Customer.ID, e.Customer.FirstName, e.Customer.LastName)
		}
		parts = append(parts, fmt.Sprintf("{order %q of customer %d, payment %q, %s}", e.Order.ID, e.Order.CustomerID, e.Payment.ID, c))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// keysOf returns the keys of kvs, in order.
func keysOf[K, V any](kvs []streamlib.KeyValue[K, V]) []K {
	out := make([]K, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Key
	}
	return out
}

// describeEnriched lists enriched orders briefly, for failure messages.
func describeEnriched(es []domain.OrderEnriched) string {
	if len(es) == 0 {
		return "no order"
	}
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("{order %q of customer %d, level %q}", e.ID, e.CustomerID, e.CustomerLevel))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// describeTopics lists the order ids on each topic, for failure messages.
func describeTopics(topics map[string][]domain.OrderEnriched) string {
	if len(topics) == 0 {
		return "nothing"
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(topics)) {
		var ids []string
		for _, e := range topics[name] {
			ids = append(ids, e.ID)
		}
		parts = append(parts, fmt.Sprintf("%s: %s", name, strings.Join(ids, " ")))
	}
	return "{" + strings.Join(parts, "; ") + "}"
}

// details shows a diff of what came out, unless nothing came out: then the
// want/got line has said it all.
func details(diff string, got int) string {
	if got == 0 {
		return ""
	}
	return "\n(-want +got):\n" + diff
}
