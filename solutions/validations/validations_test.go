package validations_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/validations"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// The tutorial's case, plus duplicates and a validation that comes too
// late: each order is written back once, VALIDATED or FAILED.
func TestAggregator(t *testing.T) {
	topo, err := validations.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	ot, vt := domain.OrdersTopic(), domain.OrderValidationsTopic()
	orders := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	verdicts := testdriver.InputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde())
	out := testdriver.OutputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())

	order := func(id string) domain.Order {
		return domain.Order{ID: id, CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 1}
	}
	verdict := func(id string, check domain.OrderValidationType, result domain.OrderValidationResult, at time.Duration) {
		verdicts.PipeAt(id, domain.OrderValidation{OrderID: id, CheckType: check, ValidationResult: result}, at.Milliseconds())
	}
	for _, id := range []string{"0", "1", "2"} {
		orders.PipeAt(id, order(id), 0)
	}
	// Order 0: three passes, then a duplicate.
	verdict("0", domain.FraudCheck, domain.Pass, time.Second)
	verdict("0", domain.InventoryCheck, domain.Pass, 2*time.Second)
	verdict("0", domain.OrderDetailsCheck, domain.Pass, 3*time.Second)
	verdict("0", domain.OrderDetailsCheck, domain.Pass, 4*time.Second)
	// Order 1: two failures.
	verdict("1", domain.FraudCheck, domain.Pass, 5*time.Second)
	verdict("1", domain.OrderDetailsCheck, domain.Fail, 6*time.Second)
	verdict("1", domain.InventoryCheck, domain.Fail, 7*time.Second)
	// Order 2: the third pass comes six minutes after the order.
	verdict("2", domain.FraudCheck, domain.Pass, 2*time.Minute)
	verdict("2", domain.InventoryCheck, domain.Pass, 4*time.Minute)
	verdict("2", domain.OrderDetailsCheck, domain.Pass, 6*time.Minute)

	var got []string
	for _, o := range out.ReadValues() {
		got = append(got, o.ID+" "+string(o.State))
	}
	require.Equal(t, []string{"0 VALIDATED", "1 FAILED"}, got)
}
