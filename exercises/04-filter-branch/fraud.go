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
	// TODO 4.1: keep only the orders that were just created (State is
	// domain.Created). The aggregator (exercise 05) writes every order
	// back to orders as VALIDATED or FAILED; counting those again would
	// add each order to its customer's total twice. A filter drops the
	// records a predicate rejects.
	return orders
}

// sessionTotals sums the value of each customer's orders per session. For
// every order it emits the customer's session, keyed by customer id and
// window, with the order and the session's total so far.
func sessionTotals(orders streamlib.KStream[string, domain.Order]) streamlib.KStream[window.Windowed[int64], domain.OrderValue] {
	// TODO 4.2: aggregate each customer's orders per session.
	//   1. Group the orders by customer (the key becomes CustomerID;
	//      streamlib repartitions by the new key for you).
	//   2. Cut each customer's orders into sessions that end after
	//      SessionGap without an order: window.Sessions(SessionGap, 0).
	//   3. Aggregate each session into a domain.OrderValue: start from the
	//      zero OrderValue; adding an order keeps that order and adds its
	//      value (Order.Value: quantity × price) to the total. When an
	//      order joins sessions, they merge: merging two OrderValues adds
	//      their totals and keeps the later one's order.
	//      Materialized(TotalsStore) names the store, for queries.
	//   4. Turn the table of totals back into a stream: one record per
	//      update, with a tombstone for each session merged away.
	return notYet[string, domain.Order, window.Windowed[int64], domain.OrderValue](orders, "4.2")
}

// verdicts turns each order's session total into the fraud check's
// validation of that order.
func verdicts(totals streamlib.KStream[string, domain.OrderValue]) streamlib.KStream[string, domain.OrderValidation] {
	// TODO 4.3: branch the totals. Split the stream into a branch of the
	// totals at or above domain.FraudLimit and a default branch of the
	// rest (Split, Branch, Default: the branches come back in a map, keyed
	// by the split's name followed by the branch's name). Turn each
	// branch's totals into domain.OrderValidations of the total's order,
	// with check domain.FraudCheck and result domain.Fail or domain.Pass,
	// and merge the two branches back into one stream.
	return notYet[string, domain.OrderValue, string, domain.OrderValidation](totals, "4.3")
}

// notYet stands in for the stream a TODO builds: it reads s and emits
// nothing, so that the rest of the topology runs while you work. Replace
// each call with your code; once none is left, delete notYet.
func notYet[K, V, KR, VR any](s streamlib.KStream[K, V], todo string) streamlib.KStream[KR, VR] {
	return streamlib.FlatMap(s, func(K, V) []streamlib.KeyValue[KR, VR] { return nil }, streamlib.Named("TODO-"+todo))
}
