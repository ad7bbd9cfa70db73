//go:build integration

package kafka_test

import (
	"testing"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// The scenarios of the embedded-broker tests, against a real Apache Kafka
// (KAFKA_BOOTSTRAP_SERVERS, a testcontainers broker, or a skip: see
// kafkatest.Bootstrap). Run them with
//
//	export KAFKA_BOOTSTRAP_SERVERS=$(bash scripts/kafka.sh start)
//	go test -tags integration ./streamlib/kafka/...

func realBroker(t *testing.T) broker {
	t.Helper()
	return broker{addrs: kafkatest.Bootstrap(t)}
}

var guarantees = []kafka.Guarantee{kafka.AtLeastOnce, kafka.ExactlyOnce}

func TestRealWordCount(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioWordCount(t, b, g, 1) })
		t.Run(g.String()+"/2 goroutines", func(t *testing.T) { scenarioWordCount(t, b, g, 2) })
		t.Run(g.String()+"/2 goroutines/persistent", func(t *testing.T) { scenarioWordCount(t, b, g, 2, streamlib.Persistent()) })
	}
}

func TestRealTwoInstancesShareAndHandOverTasks(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioTwoInstances(t, b, g, 1) })
	}
	t.Run("exactly-once/2 goroutines/persistent", func(t *testing.T) {
		scenarioTwoInstances(t, b, kafka.ExactlyOnce, 2, streamlib.Persistent())
	})
}

func TestRealFailOnceThenRestart(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioFailOnce(t, b, g) })
		t.Run(g.String()+"/persistent", func(t *testing.T) { scenarioFailOnce(t, b, g, streamlib.Persistent()) })
	}
}

func TestRealPoisonPill(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioPoisonPill(t, b, g) })
	}
}

func TestRealPersistentStoreRestartsFromCheckpoint(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioCheckpoint(t, b, g) })
	}
}

func TestRealStartErrors(t *testing.T) {
	scenarioStartErrors(t, realBroker(t))
}

func TestRealGlobalTable(t *testing.T) {
	b := realBroker(t)
	for _, g := range guarantees {
		t.Run(g.String(), func(t *testing.T) { scenarioGlobalTable(t, b, g) })
	}
}

func TestRealWindowStoreQuery(t *testing.T) {
	scenarioWindowQuery(t, realBroker(t))
}

func TestRealProductionError(t *testing.T) {
	scenarioProductionError(t, realBroker(t))
}
