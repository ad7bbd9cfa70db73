//go:build integration

package kafkatest_test

import (
	"testing"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/internal/kafkatest"
)

// TestRealBroker runs the checks the embedded cluster passes in its unit
// tests against a real Apache Kafka, so the two are held to the same
// behaviour.
func TestRealBroker(t *testing.T) {
	addrs := kafkatest.Bootstrap(t)
	tests := []struct {
		name  string
		check func(testing.TB, []string)
	}{
		{"idempotent produce and consume", kafkatest.CheckRoundTrip},
		{"transactions and read_committed", kafkatest.CheckTransactions},
		{"consumer group shares partitions", kafkatest.CheckGroupSharing},
		{"consumer group with cooperative-sticky", func(t testing.TB, addrs []string) {
			kafkatest.CheckGroupSharingWith(t, addrs, sarama.NewBalanceStrategyCooperativeSticky())
		}},
		{"consume-transform-produce in transactions", kafkatest.CheckConsumeTransformProduce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, addrs)
		})
	}
}
