package system_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/solutions/system"
	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker and never stops it.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
		// sarama's circuit breaker times out on its own after a failed request.
		goleak.IgnoreAnyFunction("github.com/eapache/go-resiliency/breaker.(*Breaker).timer"),
		// bleve's analysis workers belong to the package, started when it loads.
		goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"),
	)
}

// embeddedEnv starts a cluster for one test; CreateTopics runs in Start.
func embeddedEnv(t *testing.T) env {
	t.Helper()
	c, err := embedded.Start(t.Context())
	require.NoError(t, err)
	t.Cleanup(c.Close)
	require.NoError(t, system.CreateTopics(context.Background(), c.Addrs(), nil, 0))
	return env{brokers: c.Addrs()}
}

func TestEndToEnd(t *testing.T) { runEndToEnd(t, embeddedEnv(t), system.Config{}) }

// TestEndToEndExactlyOnce runs the same with every service in
// transactions: the aggregator's results reach the orders service only
// once their transaction commits.
func TestEndToEndExactlyOnce(t *testing.T) {
	runEndToEnd(t, embeddedEnv(t), system.Config{Guarantee: kafka.ExactlyOnce})
}

func TestForwarding(t *testing.T) { runForwarding(t, embeddedEnv(t)) }
