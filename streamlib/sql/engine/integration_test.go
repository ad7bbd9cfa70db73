//go:build integration

package engine_test

import (
	"testing"

	"github.com/streamworkshop/workshop/internal/kafkatest"
)

// TestKafkaRuntimeIntegration runs the embedded scenario on a real Apache
// Kafka (KAFKA_BOOTSTRAP_SERVERS, or a container).
func TestKafkaRuntimeIntegration(t *testing.T) {
	scenarioKafka(t, kafkatest.Bootstrap(t))
}
