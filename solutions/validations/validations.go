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
	// Step 5.1: group by order id, cut into 5-minute sessions, count PASS.
	sessions := streamlib.SessionWindowedBy(streamlib.GroupByKey(validations), window.Sessions(ValidationWindow, 0))
	counts := streamlib.SessionAggregate(sessions,
		func() int64 { return 0 },
		func(_ string, v domain.OrderValidation, n int64) int64 {
			if v.ValidationResult == domain.Pass {
				return n + 1
			}
			return n
		},
		func(_ string, a, b int64) int64 { return a + b },
		streamlib.Named("count-passes"), streamlib.Materialized(PassCountsStore))
	return counts.ToStream(streamlib.Named("pass-counts-stream"))
}

// validated emits the order, VALIDATED, when its count of PASS verdicts
// reaches domain.NumberOfRules within ValidationWindow of the order.
func validated(counts streamlib.KStream[string, int64], orders streamlib.KStream[string, domain.Order]) streamlib.KStream[string, domain.Order] {
	// Step 5.2: the count that reaches the number of rules, joined back
	// to its order.
	complete := counts.Filter(func(_ string, n int64) bool { return n == domain.NumberOfRules },
		streamlib.Named("all-rules-passed"))
	return streamlib.Join(complete, orders, func(_ string, _ int64, o domain.Order) domain.Order {
		return o.WithState(domain.Validated)
	}, window.JoinWithin(ValidationWindow, 0), streamlib.Named("validated-orders"))
}

// failed emits the order, FAILED, on its first FAIL verdict within
// ValidationWindow of the order; further FAILs of the order emit nothing.
func failed(validations streamlib.KStream[string, domain.OrderValidation], orders streamlib.KStream[string, domain.Order]) streamlib.KStream[string, domain.Order] {
	// Step 5.3: the first FAIL of each order, joined back to its order.
	fails := validations.Filter(func(_ string, v domain.OrderValidation) bool { return v.ValidationResult == domain.Fail },
		streamlib.Named("fails"))
	failCounts := streamlib.Count(streamlib.GroupByKey(fails), streamlib.Named("count-fails"), streamlib.Materialized(FailCountsStore))
	firstFails := failCounts.ToStream(streamlib.Named("fail-counts-stream")).
		Filter(func(_ string, n int64) bool { return n == 1 }, streamlib.Named("first-fails"))
	return streamlib.Join(firstFails, orders, func(_ string, _ int64, o domain.Order) domain.Order {
		return o.WithState(domain.Failed)
	}, window.JoinWithin(ValidationWindow, 0), streamlib.Named("failed-orders"))
}
