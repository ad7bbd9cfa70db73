package fraud_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/fraud"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// The tutorial's eight orders, and a customer whose session ends.
func TestFraudCheck(t *testing.T) {
	topo, err := fraud.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	ot, vt := domain.OrdersTopic(), domain.OrderValidationsTopic()
	in := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	out := testdriver.OutputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde())

	type order struct {
		id       string
		customer int64
		quantity int32
		price    float64
		at       time.Duration
		want     domain.OrderValidationResult
	}
	orders := []order{
		{"0", 0, 3, 5, 0, domain.Pass}, {"1", 0, 1, 75, time.Second, domain.Pass},
		{"2", 1, 1, 75, 2 * time.Second, domain.Pass}, {"3", 1, 1, 75, 3 * time.Second, domain.Pass}, {"4", 1, 50, 75, 4 * time.Second, domain.Fail},
		{"5", 2, 10, 100, 5 * time.Second, domain.Pass}, {"6", 2, 10, 100, 6 * time.Second, domain.Fail}, {"7", 2, 1, 5, 7 * time.Second, domain.Fail},
		// Customer 3 pauses for 61 minutes: a new session, from zero.
		{"8", 3, 15, 100, 8 * time.Second, domain.Pass}, {"9", 3, 10, 100, 61*time.Minute + 8*time.Second, domain.Pass},
	}
	var want []domain.OrderValidation
	for _, o := range orders {
		in.PipeAt(o.id, domain.Order{ID: o.id, CustomerID: o.customer, State: domain.Created, Product: domain.Jumpers, Quantity: o.quantity, Price: o.price}, o.at.Milliseconds())
		want = append(want, domain.OrderValidation{OrderID: o.id, CheckType: domain.FraudCheck, ValidationResult: o.want})
	}
	// A VALIDATED copy of an order is not checked again.
	in.PipeAt("9", domain.Order{ID: "9", CustomerID: 3, State: domain.Validated, Product: domain.Jumpers, Quantity: 10, Price: 100}, (62 * time.Minute).Milliseconds())
	require.Empty(t, cmp.Diff(want, out.ReadValues()))

	// The running totals can be queried. Customer 3's first session closed
	// an hour (gap + grace) after it ended and has left the store, as in
	// Kafka Streams, whose session stores keep sessions for gap + grace.
	var totals []float64
	for kv, err := range testdriver.SessionStore[int64, domain.OrderValue](d, fraud.TotalsStore).Fetch(3) {
		require.NoError(t, err)
		totals = append(totals, kv.Value.Value)
	}
	require.Equal(t, []float64{1000}, totals, "customer 3's open session")
	totals = nil
	for kv, err := range testdriver.SessionStore[int64, domain.OrderValue](d, fraud.TotalsStore).Fetch(2) {
		require.NoError(t, err)
		totals = append(totals, kv.Value.Value)
	}
	require.Empty(t, totals, "customer 2's session closed too")
}
