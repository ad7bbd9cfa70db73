// Package kafkatest gives tests a Kafka broker to talk to, and shared
// checks that prove a broker serves what this project needs.
//
// Unit tests use [Embedded]: an in-process cluster (package
// streamlib/embedded) that needs nothing installed. Integration tests,
// built with the tag "integration", use [Bootstrap], which finds a real
// Apache Kafka in this order:
//
//  1. KAFKA_BOOTSTRAP_SERVERS, a comma-separated list of host:port
//     (for example a broker started with scripts/kafka.sh);
//  2. a throwaway apache/kafka container through testcontainers-go, when a
//     Docker engine answers;
//  3. otherwise the test is skipped, and the skip message says how to get
//     a broker.
//
// A typical integration test:
//
//	//go:build integration
//
//	func TestOrdersOnKafka(t *testing.T) {
//		addrs := kafkatest.Bootstrap(t)
//		topic := kafkatest.UniqueName(t, "orders")
//		kafkatest.CreateTopic(t, addrs, topic, 3)
//		// ... produce, run the topology, assert on its output
//	}
//
// Run it with
//
//	bash scripts/kafka.sh start
//	KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 go test -tags integration ./...
//	bash scripts/kafka.sh stop
//
// Every test must use its own topics and groups ([UniqueName]): a real
// broker outlives the test run, and tests may run in parallel.
//
// The Check functions are the client features the runtime depends on:
// idempotent produce ([CheckRoundTrip]), transactions with read_committed
// ([CheckTransactions]), consumer groups sharing and handing back
// partitions ([CheckGroupSharing], [CheckGroupSharingWith]), and the
// exactly-once loop that commits input offsets inside the output's
// transaction ([CheckConsumeTransformProduce]). They run against the
// embedded cluster in its unit tests and against a real broker in this
// package's integration test, so the embedded cluster is held to what a
// real broker does. [ClientConfig] is the sarama configuration they use.
package kafkatest
