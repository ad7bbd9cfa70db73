package kafka_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker on
		// first use and never stops it.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
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
			scenarioWordCount(t, embeddedBroker(t), g)
		})
	}
}

func TestTwoInstancesShareAndHandOverTasks(t *testing.T) {
	for _, g := range []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce} {
		t.Run(g.String(), func(t *testing.T) {
			scenarioTwoInstances(t, embeddedBroker(t), g)
		})
	}
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
