//go:build integration

package system_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/solutions/system"
)

// realEnv empties the order system's topics on a real Apache Kafka (their
// names are fixed, and the broker outlives the test) and gives the test
// application IDs of its own, so no committed offset or changelog of an
// earlier run applies.
func realEnv(t *testing.T) env {
	t.Helper()
	brokers := kafkatest.Bootstrap(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, system.ResetTopics(ctx, brokers, nil, 0))
	return env{brokers: brokers, prefix: fmt.Sprintf("it%x-", time.Now().UnixNano())}
}

func TestEndToEndOnKafka(t *testing.T) { runEndToEnd(t, realEnv(t), system.Config{}) }

func TestForwardingOnKafka(t *testing.T) { runForwarding(t, realEnv(t)) }
