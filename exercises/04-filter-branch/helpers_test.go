package fraud

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
func order(id string, customer int64, quantity int32, price float64) domain.Order {
	return domain.Order{ID: id, CustomerID: customer, State: domain.Created, Product: domain.Jumpers, Quantity: quantity, Price: price}
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

// service is the whole fraud topology on a fresh test driver.
type service struct {
	topo        *streamlib.Topology
	orders      *testdriver.Input[string, domain.Order]
	validations *testdriver.Output[string, domain.OrderValidation]
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
		validations: testdriver.OutputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde()),
	}
}

// verdict is a validation as the tests compare them: key and value.
type verdict struct {
	Key   string
	Value domain.OrderValidation
}

func pass(id string) verdict {
	return verdict{id, domain.OrderValidation{OrderID: id, CheckType: domain.FraudCheck, ValidationResult: domain.Pass}}
}

func fail(id string) verdict {
	return verdict{id, domain.OrderValidation{OrderID: id, CheckType: domain.FraudCheck, ValidationResult: domain.Fail}}
}

// String shows a verdict as "7 FAIL", or in full when it is not a fraud
// check of the order it is keyed by.
func (v verdict) String() string {
	if v.Value.OrderID == v.Key && v.Value.CheckType == domain.FraudCheck {
		return fmt.Sprintf("%s %s", v.Key, v.Value.ValidationResult)
	}
	return fmt.Sprintf("key %q: %+v", v.Key, v.Value)
}

// show lists verdicts, for failure messages.
func show(vs []verdict) string {
	if len(vs) == 0 {
		return "nothing"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// read returns every validation the topology wrote since the last read.
func (s *service) read() []verdict {
	var out []verdict
	for _, kv := range s.validations.ReadKeyValues() {
		out = append(out, verdict{kv.Key, kv.Value})
	}
	return out
}

// describeOrders lists orders briefly, for failure messages.
func describeOrders(os []domain.Order, times []time.Duration) string {
	if len(os) == 0 {
		return "nothing"
	}
	var parts []string
	for i, o := range os {
		s := fmt.Sprintf("%s (customer %d, %d × %.2f", o.ID, o.CustomerID, o.Quantity, o.Price)
		if o.State != domain.Created {
			s += ", " + string(o.State)
		}
		if times != nil {
			s += fmt.Sprintf(", at %v", times[i])
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}
