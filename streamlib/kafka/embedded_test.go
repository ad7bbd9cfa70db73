package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker on
		// first use and never stops it.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
		// sarama's producer opens a circuit breaker per partition when a
		// broker is unreachable (TestCloseAfterTheClusterDied); its timer
		// sleeps ten seconds, then ends. Nothing can stop it sooner.
		goleak.IgnoreAnyFunction("github.com/eapache/go-resiliency/breaker.(*Breaker).timer"),
	)
}

// embeddedBroker starts an in-process cluster for one test.
func embeddedBroker(t *testing.T) broker {
	t.Helper()
	return broker{addrs: kafkatest.Embedded(t)}
}

func TestWordCount(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioWordCount(t, embeddedBroker(t), g, 1)
		})
		t.Run(g.String()+"/2 goroutines", func(t *testing.T) {
			scenarioWordCount(t, embeddedBroker(t), g, 2)
		})
		t.Run(g.String()+"/2 goroutines/persistent", func(t *testing.T) {
			scenarioWordCount(t, embeddedBroker(t), g, 2, streamlib.Persistent())
		})
	}
}

func TestTwoInstancesShareAndHandOverTasks(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioTwoInstances(t, embeddedBroker(t), g, 1)
		})
	}
	t.Run("exactly-once/2 goroutines/persistent", func(t *testing.T) {
		scenarioTwoInstances(t, embeddedBroker(t), kafka.ExactlyOnce, 2, streamlib.Persistent())
	})
}

func TestFailOnceThenRestart(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioFailOnce(t, embeddedBroker(t), g)
		})
		t.Run(g.String()+"/persistent", func(t *testing.T) {
			scenarioFailOnce(t, embeddedBroker(t), g, streamlib.Persistent())
		})
	}
}

func TestPoisonPill(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioPoisonPill(t, embeddedBroker(t), g)
		})
	}
}

func TestPersistentStoreRestartsFromCheckpoint(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioCheckpoint(t, embeddedBroker(t), g)
		})
	}
}

func TestStartErrors(t *testing.T) {
	scenarioStartErrors(t, embeddedBroker(t))
}

func TestGlobalTable(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioGlobalTable(t, embeddedBroker(t), g)
		})
	}
}

// TestCloseAfterTheClusterDied stops an application whose cluster went
// away with records still in flight: Close must return (the producer and
// group give up after their retries), never hang.
func TestCloseAfterTheClusterDied(t *testing.T) {
	c, err := embedded.Start(t.Context())
	require.NoError(t, err)
	defer c.Close()
	b := broker{addrs: c.Addrs()}
	in, out := b.topic(t, "lines", 2), b.topic(t, "counts", 2)
	app := start(t, wordCount(t, in, out), b.config(t, kafkatest.UniqueName(t, "dead")))
	waitRunning(t, app)
	recs, _ := lines(1000, "a", "b", "c")
	produce(t, b.addrs, in, recs...)
	eventually(t, "some records processed", func() bool { return app.Metrics().RecordsIn > 0 })
	c.Close()
	closed := make(chan error, 1)
	go func() { closed <- app.Close() }()
	select {
	case err := <-closed:
		t.Logf("Close returned %v in state %v", err, app.State())
	case <-time.After(waitTimeout):
		t.Fatalf("Close still waiting %v after the cluster died", waitTimeout)
	}
	require.Contains(t, []kafka.State{kafka.NotRunning, kafka.Error}, app.State())
}

// TestGroupUsedByAnotherConsumer starts the application while a plain
// consumer (range assignor) holds its group ID: the broker refuses the
// application's protocol, and the application stops with that error
// instead of retrying for ever.
func TestGroupUsedByAnotherConsumer(t *testing.T) {
	b := embeddedBroker(t)
	in, out := b.topic(t, "lines", 1), b.topic(t, "counts", 1)
	appID := kafkatest.UniqueName(t, "shared")
	cfg := kafkatest.ClientConfig()
	group, err := sarama.NewConsumerGroup(b.addrs, appID, cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	joined := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = group.Consume(ctx, []string{in}, setupHandler{joined})
	}()
	defer func() {
		cancel()
		<-done
		require.NoError(t, group.Close())
	}()
	<-joined

	app := start(t, wordCount(t, in, out), b.config(t, appID))
	select {
	case <-app.Done():
	case <-time.After(waitTimeout):
		t.Fatal("the application kept trying to join a group it cannot join")
	}
	require.ErrorIs(t, app.Err(), sarama.ErrInconsistentGroupProtocol)
}

// setupHandler signals when its member joined, then waits.
type setupHandler struct{ joined chan struct{} }

func (h setupHandler) Setup(sarama.ConsumerGroupSession) error {
	select {
	case <-h.joined:
	default:
		close(h.joined)
	}
	return nil
}
func (setupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (setupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, _ sarama.ConsumerGroupClaim) error {
	<-sess.Context().Done()
	return nil
}

func TestWindowStoreQuery(t *testing.T) {
	scenarioWindowQuery(t, embeddedBroker(t))
}

func TestProductionError(t *testing.T) {
	scenarioProductionError(t, embeddedBroker(t))
}

// TestOnlyGlobalTables runs a topology that has nothing but a global
// table: no tasks, no group; it runs once the table is read.
func TestOnlyGlobalTables(t *testing.T) {
	b := embeddedBroker(t)
	topic := b.topic(t, "products", 2)
	produce(t, b.addrs, topic, kv{"p1", "jumper"}, kv{"p2", "underpants"})
	bld := streamlib.NewBuilder()
	streamlib.GlobalTable(bld, topic, serde.String(), serde.String(), streamlib.Materialized("products"))
	topo, err := bld.Build()
	require.NoError(t, err)
	app := start(t, topo, b.config(t, kafkatest.UniqueName(t, "global-only")))
	waitRunning(t, app)
	products, err := kafka.KeyValueStore[string, string](app, "products")
	require.NoError(t, err)
	v, ok, err := products.Get("p2")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "underpants", v)
	closeApp(t, app)
}
