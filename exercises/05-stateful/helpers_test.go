package validations

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// t0 is the time of the first record of every test: 2024-01-01 00:00 UTC.
var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// at returns the timestamp d after t0, in milliseconds.
func at(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

// order returns a CREATED order.
func order(id string, product domain.Product) domain.Order {
	return domain.Order{ID: id, CustomerID: 2, State: domain.Created, Product: product, Quantity: 1, Price: 10}
}

// verdict returns a validation of order id.
func verdict(id string, check domain.OrderValidationType, result domain.OrderValidationResult) domain.OrderValidation {
	return domain.OrderValidation{OrderID: id, CheckType: check, ValidationResult: result}
}

// passes returns n PASS verdicts of order id, one of each check (repeating).
func passes(id string, n int) []domain.OrderValidation {
	var out []domain.OrderValidation
	for i := range n {
		out = append(out, verdict(id, domain.ValidationTypes()[i%3], domain.Pass))
	}
	return out
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

// event is one record piped into a test: an order, a validation or (for
// TestValidated) a count, at a time after t0.
type event struct {
	order      *domain.Order
	validation *domain.OrderValidation
	count      *countOf
	at         time.Duration
}

// countOf is a count of PASS verdicts of an order.
type countOf struct {
	id string
	n  int64
}

func (e event) String() string {
	switch {
	case e.order != nil:
		return fmt.Sprintf("order %s at %v", e.order.ID, e.at)
	case e.validation != nil:
		return fmt.Sprintf("%s %s of order %s at %v", e.validation.CheckType, e.validation.ValidationResult, e.validation.OrderID, e.at)
	default:
		return fmt.Sprintf("count %d of order %s at %v", e.count.n, e.count.id, e.at)
	}
}

func describe(es []event) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// service is the whole aggregator on a fresh test driver.
type service struct {
	topo        *streamlib.Topology
	orders      *testdriver.Input[string, domain.Order]
	validations *testdriver.Input[string, domain.OrderValidation]
	out         *testdriver.Output[string, domain.Order]
}

func startService(t *testing.T) *service {
	t.Helper()
	topo, err := Topology()
	if err != nil {
		t.Fatalf("Topology() error: %v", err)
	}
	d := testdriver.New(t, topo)
	ot, vt := domain.OrdersTopic(), domain.OrderValidationsTopic()
	return &service{
		topo:        topo,
		orders:      testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde()),
		validations: testdriver.InputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde()),
		out:         testdriver.OutputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde()),
	}
}

// pipe sends the events to the service in order.
func (s *service) pipe(es []event) {
	for _, e := range es {
		switch {
		case e.order != nil:
			s.orders.PipeAt(e.order.ID, *e.order, at(e.at))
		case e.validation != nil:
			s.validations.PipeAt(e.validation.OrderID, *e.validation, at(e.at))
		}
	}
}

// results reads what the service wrote to orders, as "0 VALIDATED" and the
// like, checking that each is the input order with only its state changed.
func (s *service) results(t *testing.T, created map[string]domain.Order) []string {
	t.Helper()
	var out []string
	for _, kv := range s.out.ReadKeyValues() {
		o := kv.Value
		if want, ok := created[o.ID]; !ok || o.WithState(domain.Created) != want || kv.Key != o.ID {
			t.Errorf("the aggregator wrote %+v under key %q to %s: want one of the new orders, keyed by its id, with only its state changed",
				o, kv.Key, domain.OrdersTopicName)
		}
		out = append(out, fmt.Sprintf("%s %s", o.ID, o.State))
	}
	return out
}

// results of a single step: orders as "0 VALIDATED".
func states(os []domain.Order) []string {
	var out []string
	for _, o := range os {
		out = append(out, fmt.Sprintf("%s %s", o.ID, o.State))
	}
	return out
}

// show lists results, for failure messages.
func show(rs []string) string {
	if len(rs) == 0 {
		return "nothing"
	}
	return "[" + strings.Join(rs, ", ") + "]"
}

func o(x domain.Order, d time.Duration) event           { return event{order: &x, at: d} }
func v(x domain.OrderValidation, d time.Duration) event { return event{validation: &x, at: d} }
func c(id string, n int64, d time.Duration) event       { return event{count: &countOf{id, n}, at: d} }

// vs returns one event per validation, a second apart from start.
func vs(start time.Duration, xs ...domain.OrderValidation) []event {
	out := make([]event, len(xs))
	for i, x := range xs {
		out[i] = v(x, start+time.Duration(i)*time.Second)
	}
	return out
}

// seq joins lists of events.
func seq(parts ...[]event) []event { return slices.Concat(parts...) }
