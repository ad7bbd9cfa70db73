package inventory

import (
	"fmt"
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

// order returns a CREATED order.
func order(id string, customer int64, product domain.Product, quantity int32) domain.Order {
	return domain.Order{ID: id, CustomerID: customer, State: domain.Created, Product: product, Quantity: quantity, Price: 1}
}

// verdict is a validation as the tests compare them.
type verdict struct {
	Key   string
	Value domain.OrderValidation
}

// String shows a verdict as "7 FAIL", or in full when it is not an
// inventory check of the order it is keyed by.
func (v verdict) String() string {
	if v.Value.OrderID == v.Key && v.Value.CheckType == domain.InventoryCheck {
		return fmt.Sprintf("%s %s", v.Key, v.Value.ValidationResult)
	}
	return fmt.Sprintf("key %q: %+v", v.Key, v.Value)
}

func pass(id string) verdict {
	return verdict{id, domain.OrderValidation{OrderID: id, CheckType: domain.InventoryCheck, ValidationResult: domain.Pass}}
}

func fail(id string) verdict {
	return verdict{id, domain.OrderValidation{OrderID: id, CheckType: domain.InventoryCheck, ValidationResult: domain.Fail}}
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

// readVerdicts reads every validation written since the last read.
func readVerdicts(out *testdriver.Output[string, domain.OrderValidation]) []verdict {
	var got []verdict
	for _, kv := range out.ReadKeyValues() {
		got = append(got, verdict{kv.Key, kv.Value})
	}
	return got
}

// stock is one row of warehouse-inventory.
type stock struct {
	product domain.Product
	count   int32
}

func describeStock(rows []stock) string {
	if len(rows) == 0 {
		return "no stock rows"
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %d", r.product, r.count))
	}
	return "stock " + strings.Join(parts, ", ")
}

func describeOrders(os []domain.Order) string {
	var parts []string
	for _, o := range os {
		parts = append(parts, fmt.Sprintf("%s (%d %s)", o.ID, o.Quantity, o.Product))
	}
	return "orders " + strings.Join(parts, ", ")
}

// topology returns the service's topology, failing the test with a message
// that names TODO 6.1 when the store is missing.
func topology(t *testing.T) *streamlib.Topology {
	t.Helper()
	if ReservedStock() == nil {
		t.Fatalf("ReservedStock() = nil, so the topology has no store of reserved stock\n" +
			"TODO 6.1: return the builder of a persistent key-value store named ReservedStockStore, from products to int64.")
	}
	topo, err := Topology()
	if err != nil {
		t.Fatalf("Topology() error: %v\nTODO 6.1: is the store ReservedStock returns named ReservedStockStore (%q)?", err, ReservedStockStore)
	}
	return topo
}

// service is the whole inventory topology on a test driver.
type service struct {
	topo        *streamlib.Topology
	d           *testdriver.Driver
	stock       *testdriver.Input[domain.Product, int32]
	orders      *testdriver.Input[string, domain.Order]
	validations *testdriver.Output[string, domain.OrderValidation]
}

func startService(t *testing.T, opts ...testdriver.Option) *service {
	t.Helper()
	topo := topology(t)
	d := testdriver.New(t, topo, opts...)
	st, ot, vt := domain.WarehouseInventoryTopic(), domain.OrdersTopic(), domain.OrderValidationsTopic()
	return &service{
		topo:        topo,
		d:           d,
		stock:       testdriver.InputTopic(d, st.Name(), st.KeySerde(), st.ValueSerde()),
		orders:      testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde()),
		validations: testdriver.OutputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde()),
	}
}

// pipe sends the stock rows, then the orders, and returns the verdicts. A
// processing error fails the test with the TODO it comes from.
func (s *service) pipe(t *testing.T, rows []stock, orders []domain.Order) []verdict {
	t.Helper()
	for i, r := range rows {
		s.stock.PipeAt(r.product, r.count, at(time.Duration(i)*time.Millisecond))
	}
	for i, o := range orders {
		err := s.orders.TryPipeRecord(streamlib.Record[string, domain.Order]{Key: o.ID, Value: o, Timestamp: at(time.Second + time.Duration(i)*time.Second)})
		if err != nil {
			t.Fatalf("processing order %s (%d %s) failed: %v", o.ID, o.Quantity, o.Product, err)
		}
	}
	return readVerdicts(s.validations)
}

// changelog reads what the store of reserved stock wrote to its changelog
// topic since the last read, with the keys as text.
func (s *service) changelog(t *testing.T) []streamlib.KeyValue[string, int64] {
	t.Helper()
	if _, ok := s.topo.ChangelogTopic(ReservedStockStore); !ok {
		t.Fatalf("the store %s has no changelog topic\nTODO 6.1: leave logging on (do not pass store.WithoutLogging()): "+
			"the changelog is how another instance, or this one after losing its disk, rebuilds the store.", ReservedStockStore)
	}
	out := testdriver.OutputTopic(s.d, s.d.ChangelogTopic(ReservedStockStore), serde.String(), serde.Int64())
	return out.ReadKeyValues()
}
