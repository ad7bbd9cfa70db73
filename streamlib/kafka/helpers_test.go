package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// waitTimeout bounds every wait for a result. Healthy runs take well
// under a second per wait on the embedded broker; a real broker's first
// group join takes a few seconds.
const waitTimeout = 60 * time.Second

// broker is what a scenario needs from a cluster: the embedded one in the
// unit tests, a real Apache Kafka in the integration tests.
type broker struct {
	addrs []string
}

// topic creates a uniquely named topic for t.
func (b broker) topic(t testing.TB, prefix string, partitions int32) string {
	t.Helper()
	name := kafkatest.UniqueName(t, prefix)
	kafkatest.CreateTopic(t, b.addrs, name, partitions)
	return name
}

// config returns an application config for t: a unique application ID, a
// fresh state directory, short heartbeats so rebalances are quick, and
// logs at warning level and above on stderr when STREAMLIB_TEST_LOG is set.
func (b broker) config(t testing.TB, appID string) kafka.Config {
	t.Helper()
	level := slog.LevelError + 4
	if v := os.Getenv("STREAMLIB_TEST_LOG"); v != "" {
		level = slog.LevelWarn
		if v == "debug" {
			level = slog.LevelDebug
		} else if v == "info" {
			level = slog.LevelInfo
		}
	}
	return kafka.Config{
		ApplicationID:    appID,
		BootstrapServers: b.addrs,
		StateDir:         t.TempDir(),
		CommitInterval:   100 * time.Millisecond,
		Logger:           slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("test", t.Name()),
		Sarama: func(c *sarama.Config) {
			c.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond
			c.Consumer.Group.Session.Timeout = 6 * time.Second
			c.Consumer.Group.Rebalance.Timeout = 10 * time.Second
			c.Consumer.Group.Rebalance.Retry.Backoff = 100 * time.Millisecond
		},
	}
}

// start starts an application and closes it when the test ends, failing
// the test if it stopped with an unexpected error.
func start(t testing.TB, topo *streamlib.Topology, cfg kafka.Config) *kafka.Application {
	t.Helper()
	app, err := kafka.New(topo, cfg)
	require.NoError(t, err, "kafka.New")
	require.NoError(t, app.Start(t.Context()), "Start")
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// waitRunning waits until app runs.
func waitRunning(t testing.TB, apps ...*kafka.Application) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for _, app := range apps {
		require.NoError(t, app.WaitRunning(ctx), "wait for the application to run")
	}
}

// kv is a record's key and value as strings.
type kv struct{ Key, Value string }

// produce writes records keyed by Key with the murmur2 partitioner, as the
// application expects of its producers.
func produce(t testing.TB, addrs []string, topic string, records ...kv) {
	t.Helper()
	cfg := kafkatest.ClientConfig()
	cfg.Producer.Partitioner = sarama.NewMurmur2Partitioner
	p, err := sarama.NewSyncProducer(addrs, cfg)
	require.NoError(t, err, "producer")
	defer p.Close()
	msgs := make([]*sarama.ProducerMessage, len(records))
	for i, r := range records {
		msgs[i] = &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(r.Key), Value: sarama.ByteEncoder(r.Value)}
	}
	require.NoError(t, p.SendMessages(msgs), "produce %d records to %s", len(records), topic)
}

// consumed is a record read back from a topic.
type consumed struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   map[string]string
}

// collector reads every partition of a topic from the beginning, in the
// background, until stopped.
type collector struct {
	mu   sync.Mutex
	recs []consumed
	errs []error
	stop func()
}

// collect starts reading topic with the given isolation level.
func collect(t testing.TB, addrs []string, topic string, isolation sarama.IsolationLevel) *collector {
	t.Helper()
	cfg := kafkatest.ClientConfig()
	cfg.Consumer.IsolationLevel = isolation
	c, err := sarama.NewConsumer(addrs, cfg)
	require.NoError(t, err, "consumer")
	parts, err := c.Partitions(topic)
	require.NoError(t, err, "partitions of %s", topic)
	col := &collector{}
	var wg sync.WaitGroup
	var pcs []sarama.PartitionConsumer
	for _, p := range parts {
		// A topic just created may not have its leaders everywhere yet.
		var pc sarama.PartitionConsumer
		deadline := time.Now().Add(waitTimeout)
		for {
			pc, err = c.ConsumePartition(topic, p, sarama.OffsetOldest)
			if err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		require.NoError(t, err, "consume %s/%d", topic, p)
		pcs = append(pcs, pc)
		wg.Go(func() {
			for m := range pc.Messages() {
				h := map[string]string{}
				for _, rh := range m.Headers {
					h[string(rh.Key)] = string(rh.Value)
				}
				col.mu.Lock()
				col.recs = append(col.recs, consumed{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Headers: h})
				col.mu.Unlock()
			}
		})
		wg.Go(func() {
			for err := range pc.Errors() {
				col.mu.Lock()
				col.errs = append(col.errs, err)
				col.mu.Unlock()
			}
		})
	}
	var once sync.Once
	col.stop = func() {
		once.Do(func() {
			for _, pc := range pcs {
				pc.AsyncClose()
			}
			wg.Wait()
			_ = c.Close()
		})
	}
	t.Cleanup(col.stop)
	return col
}

func (c *collector) records() []consumed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.recs)
}

// waitFor polls cond over the collected records until it holds, the
// application fails, or the deadline passes.
func (c *collector) waitFor(t testing.TB, what string, cond func([]consumed) bool, apps ...*kafka.Application) []consumed {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		recs := c.records()
		if cond(recs) {
			return recs
		}
		for _, app := range apps {
			if err := app.Err(); err != nil {
				t.Fatalf("waiting for %s: the application failed: %v", what, err)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not there after %v; %d records read: %s", what, waitTimeout, len(recs), describe(recs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func describe(recs []consumed) string {
	var sb strings.Builder
	for i, r := range recs {
		if i == 20 {
			fmt.Fprintf(&sb, "... (%d more)", len(recs)-20)
			break
		}
		fmt.Fprintf(&sb, "[%d@%d %q=%x] ", r.Partition, r.Offset, r.Key, r.Value)
	}
	return sb.String()
}

// latestInt64 returns the last value of each key, read as big-endian int64.
func latestInt64(t testing.TB, recs []consumed) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	slices.SortStableFunc(recs, func(a, b consumed) int { return int(a.Offset - b.Offset) })
	for _, r := range recs {
		v, err := serde.Int64().Deserialize(r.Value)
		require.NoError(t, err, "value of %q", r.Key)
		out[string(r.Key)] = v
	}
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not true after %v", what, waitTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// closeApp closes app and requires a clean stop.
func closeApp(t testing.TB, app *kafka.Application) {
	t.Helper()
	err := app.Close()
	if err != nil && !errors.Is(err, context.Canceled) {
		require.NoError(t, err, "close application")
	}
}
