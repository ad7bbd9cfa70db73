package orderdetails_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/orderdetails"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// The exercise suite (exercises/02-event-driven) checks the lesson; these
// tests check what the service does around it.

func TestMain(m *testing.M) {
	// go-metrics, which sarama uses, runs one process-wide ticker goroutine.
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"))
}

func TestNewNeedsBrokers(t *testing.T) {
	_, err := orderdetails.New(orderdetails.Config{})
	require.ErrorContains(t, err, "Brokers")
}

func TestSkipsRecordsThatAreNotOrders(t *testing.T) {
	for _, transactional := range []bool{false, true} {
		t.Run(map[bool]string{false: "at least once", true: "transactional"}[transactional], func(t *testing.T) {
			cluster := startCluster(t)
			write(t, cluster, domain.OrdersTopicName, "junk", "this is not an order")
			order, err := domain.OrdersTopic().ValueSerde().Serialize(domain.Order{
				ID: "1", State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 1,
			})
			require.NoError(t, err)
			write(t, cluster, domain.OrdersTopicName, "1", string(order))

			stop := run(t, cluster, transactional)
			got := readValidations(t, cluster, 1)
			require.NoError(t, stop())
			want := []domain.OrderValidation{{OrderID: "1", CheckType: domain.OrderDetailsCheck, ValidationResult: domain.Pass}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("validations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunFailsWithoutCluster(t *testing.T) {
	cluster := startCluster(t)
	addrs := cluster.Addrs()
	cluster.Close()
	v, err := orderdetails.New(orderdetails.Config{Brokers: addrs, Timeout: time.Second, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.Error(t, v.Run(t.Context()))
}

func startCluster(t *testing.T) *embedded.Cluster {
	t.Helper()
	c, err := embedded.Start(t.Context(),
		embedded.WithTopic(domain.OrdersTopicName, 1),
		embedded.WithTopic(domain.OrderValidationsTopicName, 1))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// run starts a validator; stop cancels it and returns Run's error.
func run(t *testing.T, c *embedded.Cluster, transactional bool) (stop func() error) {
	t.Helper()
	v, err := orderdetails.New(orderdetails.Config{
		Brokers: c.Addrs(), Transactional: transactional, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

func write(t *testing.T, c *embedded.Cluster, topic, key, value string) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	p, err := sarama.NewSyncProducer(c.Addrs(), cfg)
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Close()) }()
	_, _, err = p.SendMessage(&sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(key), Value: sarama.StringEncoder(value)})
	require.NoError(t, err)
}

// readValidations reads n committed validations, polling up to 5 s.
func readValidations(t *testing.T, c *embedded.Cluster, n int) []domain.OrderValidation {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	cfg.Consumer.MaxWaitTime = 20 * time.Millisecond
	consumer, err := sarama.NewConsumer(c.Addrs(), cfg)
	require.NoError(t, err)
	defer func() { require.NoError(t, consumer.Close()) }()
	pc, err := consumer.ConsumePartition(domain.OrderValidationsTopicName, 0, sarama.OffsetOldest)
	require.NoError(t, err)
	defer func() { require.NoError(t, pc.Close()) }()
	var out []domain.OrderValidation
	deadline := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			v, err := domain.OrderValidationsTopic().ValueSerde().Deserialize(m.Value)
			require.NoError(t, err)
			out = append(out, v)
		case <-deadline:
			t.Fatalf("read %d of %d validations in 5s: %v", len(out), n, out)
		}
	}
	return out
}
