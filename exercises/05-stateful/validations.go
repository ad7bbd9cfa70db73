package validations

import (
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// ApplicationID is the aggregator's application ID on Kafka: it names its
// consumer group and prefixes its internal topics.
const ApplicationID = "ValidationsAggregatorService"

// Names of the aggregator's stores, for interactive queries.
const (
	// PassCountsStore is the session store of the PASS verdicts per order.
	PassCountsStore = "pass-counts"
	// FailCountsStore is the key-value store of the FAIL verdicts per order.
	FailCountsStore = "fail-counts"
)

// ValidationWindow bounds the time the validators have: an order's
// verdicts count together while none is more than ValidationWindow after
// the previous one, and the result joins the order only within
// ValidationWindow of it.
const ValidationWindow = 5 * time.Minute

// Topology returns the aggregator's topology (see Build).
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}

// Build adds the validations aggregator to b. It reads the validators'
// verdicts from order-validations and the new orders from orders, and
// writes each order back to orders once: VALIDATED when
// domain.NumberOfRules verdicts passed, FAILED when any failed.
func Build(b *streamlib.Builder) {
	ordersTopic, validationsTopic := domain.OrdersTopic(), domain.OrderValidationsTopic()
	// The aggregator writes to orders too: only the new orders matter here,
	// or it would read its own results back as work to do.
	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde()).
		Filter(func(_ string, o domain.Order) bool { return o.State == domain.Created }, streamlib.Named("new-orders"))
	validations := streamlib.Stream(b, validationsTopic.Name(), validationsTopic.KeySerde(), validationsTopic.ValueSerde())

	// When a verdict joins a session, the aggregation deletes the
	// sessions it replaced: tombstones, which carry no count. Drop them, and
	// key each count by its order id alone.
	counts := streamlib.MapRecord(passCounts(validations),
		func(r streamlib.Record[window.Windowed[string], int64]) (streamlib.Record[string, int64], bool) {
			if r.Tombstone {
				return streamlib.Record[string, int64]{}, false
			}
			return streamlib.WithKeyValue(r, r.Key.Key, r.Value), true
		}, streamlib.Named("pass-counts-by-order"))

	validated(counts, orders).
		WithSerdes(ordersTopic.KeySerde(), ordersTopic.ValueSerde()).
		To(ordersTopic.Name(), streamlib.Named("validated-to-orders"))
	failed(validations, orders).
		WithSerdes(ordersTopic.KeySerde(), ordersTopic.ValueSerde()).
		To(ordersTopic.Name(), streamlib.Named("failed-to-orders"))
}

// passCounts counts the PASS verdicts of each order, per session of
// verdicts. It emits every update of a session's count, keyed by order id
// and session, and a tombstone for each session merged away.
func passCounts(validations streamlib.KStream[string, domain.OrderValidation]) streamlib.KStream[window.Windowed[string], int64] {
	// TODO 5.1: count the PASS verdicts of each order, per session.
	//   1. Group the validations by their key, the order id: it is the
	//      key already, so nothing is repartitioned.
	//   2. Cut each order's validations into sessions that end after
	//      ValidationWindow without a verdict: window.Sessions(ValidationWindow, 0).
	//   3. Aggregate each session into an int64: start at 0, add 1 for a
	//      domain.Pass verdict and nothing for any other; two sessions
	//      that merge add their counts. Materialized(PassCountsStore)
	//      names the store, for queries.
	//   4. Turn the table of counts back into a stream of its updates.
	return notYet[string, domain.OrderValidation, window.Windowed[string], int64](validations, "5.1")
}

// validated emits the order, VALIDATED, when its count of PASS verdicts
// reaches domain.NumberOfRules within ValidationWindow of the order.
func validated(counts streamlib.KStream[string, int64], orders streamlib.KStream[string, domain.Order]) streamlib.KStream[string, domain.Order] {
	// TODO 5.2: keep the count that reaches domain.NumberOfRules: exactly
	// that count, so that a verdict sent twice (validators write at least
	// once) cannot validate the order again. Join it with orders, by order
	// id, within ValidationWindow either way (window.JoinWithin, no
	// grace), into the order with state domain.Validated.
	return notYet[string, int64, string, domain.Order](counts, "5.2")
}

// failed emits the order, FAILED, on its first FAIL verdict within
// ValidationWindow of the order; further FAILs of the order emit nothing.
func failed(validations streamlib.KStream[string, domain.OrderValidation], orders streamlib.KStream[string, domain.Order]) streamlib.KStream[string, domain.Order] {
	// TODO 5.3: keep the FAIL verdicts, and of those only the first of
	// each order: count the FAILs per order (group by key, count), turn
	// the counts back into a stream and keep the count of 1. Join it
	// with orders within ValidationWindow, like 5.2, into the order with
	// state domain.Failed. Materialized(FailCountsStore) names the store
	// of the counts.
	return notYet[string, domain.OrderValidation, string, domain.Order](validations, "5.3")
}

// notYet stands in for the stream a TODO builds: it reads s and emits
// nothing, so that the rest of the topology runs while you work. Replace
// each call with your code; once none is left, delete notYet.
func notYet[K, V, KR, VR any](s streamlib.KStream[K, V], todo string) streamlib.KStream[KR, VR] {
	return streamlib.FlatMap(s, func(K, V) []streamlib.KeyValue[KR, VR] { return nil }, streamlib.Named("TODO-"+todo))
}
