package orderdetails

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// waitFor bounds how long a test waits for the validator to write what it
// expects. On an embedded broker a validation takes milliseconds.
const waitFor = 2 * time.Second

// env is one test's world: a fresh in-process Kafka with empty orders and
// order-validations topics, and a producer that plays the orders service.
type env struct {
	cluster *embedded.Cluster
	orders  sarama.SyncProducer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	cluster, err := embedded.Start(ctx,
		embedded.WithTopic(domain.OrdersTopicName, 1),
		embedded.WithTopic(domain.OrderValidationsTopicName, 1))
	if err != nil {
		t.Fatalf("start the embedded Kafka cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_8_0_0
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	p, err := sarama.NewSyncProducer(cluster.Addrs(), cfg)
	if err != nil {
		t.Fatalf("start the test's order producer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return &env{cluster: cluster, orders: p}
}

// send writes orders to the orders topic, keyed by id, as the orders service
// does.
func (e *env) send(t *testing.T, orders ...domain.Order) {
	t.Helper()
	topic := domain.OrdersTopic()
	for _, o := range orders {
		value, err := topic.ValueSerde().Serialize(o)
		if err != nil {
			t.Fatalf("encode order %s: %v", o.ID, err)
		}
		if _, _, err := e.orders.SendMessage(&sarama.ProducerMessage{
			Topic: topic.Name(), Key: sarama.StringEncoder(o.ID), Value: sarama.ByteEncoder(value),
		}); err != nil {
			t.Fatalf("write order %s: %v", o.ID, err)
		}
	}
}

// running is a Validator whose Run goroutine the test owns.
type running struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned; err is then set
	err    error
}

// start runs a Validator on the cluster until stop or the end of the test.
func (e *env) start(t *testing.T, transactional bool) *running {
	t.Helper()
	v, err := New(Config{
		Brokers:       e.cluster.Addrs(),
		Transactional: transactional,
		Timeout:       2 * time.Second,
		Logger:        slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("Run panicked: %v", p)
			}
		}()
		r.err = v.Run(ctx)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits until it returns. Calling it again is harmless.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("Run did not return within 5s after its context was cancelled")
	}
}

// stoppedEarly reports why Run returned, if it did.
func (r *running) stoppedEarly() (error, bool) {
	select {
	case <-r.done:
		return r.err, true
	default:
		return nil, false
	}
}

// waitForSubscription asks the broker, until it knows, what the validator's
// member of the consumer group DefaultGroupID subscribed to and which
// partitions it was given. If the validator stops, or has not joined within
// waitFor, it fails the test with explain(the error Run returned).
func (e *env) waitForSubscription(t *testing.T, r *running, explain func(error) string) (topics []string, assigned map[string][]int32) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_8_0_0
	admin, err := sarama.NewClusterAdmin(e.cluster.Addrs(), cfg)
	if err != nil {
		t.Fatalf("connect an admin client: %v", err)
	}
	defer func() { _ = admin.Close() }()
	deadline := time.Now().Add(waitFor)
	for {
		groups, err := admin.DescribeConsumerGroups([]string{DefaultGroupID})
		if err != nil {
			t.Fatalf("describe group %s: %v", DefaultGroupID, err)
		}
		for _, g := range groups {
			if g.State != "Stable" {
				continue // still joining: the assignment is not settled
			}
			for _, m := range g.Members {
				meta, err := m.GetMemberMetadata()
				if err != nil {
					t.Fatalf("group %s, member %s: read its subscription: %v", DefaultGroupID, m.MemberId, err)
				}
				as, err := m.GetMemberAssignment()
				if err != nil {
					t.Fatalf("group %s, member %s: read its assignment: %v", DefaultGroupID, m.MemberId, err)
				}
				if meta != nil && as != nil {
					return meta.Topics, as.Topics
				}
			}
		}
		if err, stopped := r.stoppedEarly(); stopped {
			t.Fatalf("%s", explain(err))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s (waited %v)", explain(errors.New("nothing yet: Run is still running")), waitFor)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// validation is one record of order-validations.
type validation struct {
	Key   string
	Value domain.OrderValidation
}

// waitUntil reads order-validations from the start (as a read-committed
// consumer, so aborted transactions never show) until done says the records
// read so far are enough, and returns them. If that takes longer than
// waitFor, or the validator stops, it fails the test with explain(records).
func (e *env) waitUntil(t *testing.T, r *running, done func([]validation) bool, explain func([]validation) string) []validation {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_8_0_0
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	cfg.Consumer.MaxWaitTime = 20 * time.Millisecond
	cfg.Consumer.Return.Errors = true
	consumer, err := sarama.NewConsumer(e.cluster.Addrs(), cfg)
	if err != nil {
		t.Fatalf("connect a reader: %v", err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition(domain.OrderValidationsTopicName, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatalf("read %s: %v", domain.OrderValidationsTopicName, err)
	}
	defer func() { _ = pc.Close() }()

	var got []validation
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !done(got) {
		select {
		case m := <-pc.Messages():
			v, err := domain.OrderValidationsTopic().ValueSerde().Deserialize(m.Value)
			if err != nil {
				t.Fatalf("%s holds a record that is not an OrderValidation in JSON: %q: %v", domain.OrderValidationsTopicName, m.Value, err)
			}
			got = append(got, validation{Key: string(m.Key), Value: v})
		case err := <-pc.Errors():
			t.Fatalf("read %s: %v", domain.OrderValidationsTopicName, err)
		case <-tick.C:
			if err, stopped := r.stoppedEarly(); stopped {
				t.Fatalf("%s\nThe validator stopped before that: Run returned %v", explain(got), err)
			}
		case <-deadline.C:
			t.Fatalf("%s (waited %v)", explain(got), waitFor)
		}
	}
	return got
}

// keys returns the keys of vs, in order.
func keys(vs []validation) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Key)
	}
	return out
}

// has reports whether a validation for order id has been read.
func has(id string) func([]validation) bool {
	return func(vs []validation) bool { return slices.Contains(keys(vs), id) }
}

// count reports whether at least n validations have been read.
func count(n int) func([]validation) bool {
	return func(vs []validation) bool { return len(vs) >= n }
}

// missing names the orders of ids that have no validation in vs.
func missing(vs []validation, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(keys(vs), id) {
			out = append(out, id)
		}
	}
	return out
}

// order returns a CREATED order.
func order(id string, product domain.Product, quantity int32, price float64) domain.Order {
	return domain.Order{ID: id, CustomerID: 0, State: domain.Created, Product: product, Quantity: quantity, Price: price}
}

// modes are the two ways the validator runs: commit offsets itself
// (at least once), or in transactions (exactly once).
func modes() []mode {
	return []mode{{"at least once", false}, {"transactional", true}}
}

type mode struct {
	name          string
	transactional bool
}
