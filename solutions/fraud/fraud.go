package fraud

import (
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// ApplicationID is the fraud service's application ID on Kafka: it names its
// consumer group and prefixes its internal topics.
const ApplicationID = "FraudService"

// TotalsStore is the session store of the customers' running totals.
const TotalsStore = "fraud-totals"

// SessionGap is how long a customer must be idle for their running total to
// start again from zero.
const SessionGap = time.Hour

// Topology returns the fraud service's topology (see Build).
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}

// Build adds the fraud check to b. It reads orders and writes one
// validation per new order to order-validations: FAIL when the customer's
// orders of the current session, this one included, are worth
// domain.FraudLimit or more; PASS otherwise. A session is a run of orders
// of one customer with no gap longer than SessionGap.
func Build(b *streamlib.Builder) {
	ordersTopic, validationsTopic := domain.OrdersTopic(), domain.OrderValidationsTopic()
	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde())

	totals := sessionTotals(newOrders(orders))

	// When an order joins a session, the aggregation deletes
	// the sessions it replaced: tombstones, which carry no total. Drop them,
	// and key each total by the order that made it.
	byOrder := streamlib.MapRecord(totals,
		func(r streamlib.Record[window.Windowed[int64], domain.OrderValue]) (streamlib.Record[string, domain.OrderValue], bool) {
			if r.Tombstone {
				return streamlib.Record[string, domain.OrderValue]{}, false
			}
			return streamlib.WithKeyValue(r, r.Value.Order.ID, r.Value), true
		}, streamlib.Named("totals-by-order"))

	verdicts(byOrder).
		WithSerdes(validationsTopic.KeySerde(), validationsTopic.ValueSerde()).
		To(validationsTopic.Name(), streamlib.Named("to-order-validations"))
}

// newOrders keeps the orders that were just created.
func newOrders(orders streamlib.KStream[string, domain.Order]) streamlib.KStream[string, domain.Order] {
	// Step 4.1: keep CREATED orders.
	return orders.Filter(func(_ string, o domain.Order) bool { return o.State == domain.Created },
		streamlib.Named("new-orders"))
}

// sessionTotals sums the value of each customer's orders per session. For
// every order it emits the customer's session, keyed by customer id and
// window, with the order and the session's total so far.
func sessionTotals(orders streamlib.KStream[string, domain.Order]) streamlib.KStream[window.Windowed[int64], domain.OrderValue] {
	// Step 4.2: group by customer, cut into sessions, sum the values.
	byCustomer := streamlib.GroupBy(orders, func(_ string, o domain.Order) int64 { return o.CustomerID },
		streamlib.Named("orders-by-customer"))
	sessions := streamlib.SessionWindowedBy(byCustomer, window.Sessions(SessionGap, 0))
	totals := streamlib.SessionAggregate(sessions,
		func() domain.OrderValue { return domain.OrderValue{} },
		func(_ int64, o domain.Order, total domain.OrderValue) domain.OrderValue {
			return domain.OrderValue{Order: o, Value: total.Value + o.Value()}
		},
		func(_ int64, a, b domain.OrderValue) domain.OrderValue {
			return domain.OrderValue{Order: b.Order, Value: a.Value + b.Value}
		},
		streamlib.Named("session-totals"), streamlib.Materialized(TotalsStore))
	return totals.ToStream(streamlib.Named("session-totals-stream"))
}

// verdicts turns each order's session total into the fraud check's
// validation of that order.
func verdicts(totals streamlib.KStream[string, domain.OrderValue]) streamlib.KStream[string, domain.OrderValidation] {
	// Step 4.3: branch on the limit, one verdict per branch.
	branches := totals.Split(streamlib.Named("fraud-")).
		Branch("above-limit", func(_ string, v domain.OrderValue) bool { return v.Value >= domain.FraudLimit }).
		Default("below-limit")
	verdict := func(result domain.OrderValidationResult) func(string, domain.OrderValue) domain.OrderValidation {
		return func(_ string, v domain.OrderValue) domain.OrderValidation {
			return domain.OrderValidation{OrderID: v.Order.ID, CheckType: domain.FraudCheck, ValidationResult: result}
		}
	}
	failed := streamlib.MapValues(branches["fraud-above-limit"], verdict(domain.Fail), streamlib.Named("fail"))
	passed := streamlib.MapValues(branches["fraud-below-limit"], verdict(domain.Pass), streamlib.Named("pass"))
	return failed.Merge(passed, streamlib.Named("verdicts"))
}
