// Package embedded runs a Kafka cluster inside the current process, for
// tests, demos and the workshop's exercises: no Java, no Docker, no setup.
//
// The brokers speak the real Kafka wire protocol on 127.0.0.1, so any
// Kafka client connects to them as it would to Apache Kafka. They come from
// kfake (github.com/twmb/franz-go/pkg/kfake), which keeps every log in
// memory. What this project relies on works with sarama against it, and is
// checked in this package's tests:
//
//   - producing and consuming, including idempotent producers;
//   - transactions: a read_committed consumer sees committed records only,
//     a read_uncommitted one sees aborted records too;
//   - consumer groups: members share a topic's partitions and rebalance
//     when one joins or leaves, with the eager range strategy (sarama's
//     default) and with cooperative-sticky;
//   - consume-transform-produce in transactions that also commit the input
//     offsets (sarama's AddOffsetsToTxnWithGroupMetadata), the basis of
//     exactly-once processing;
//   - topics created on first use, as a default Apache Kafka broker does.
//
// # Starting a cluster
//
//	cluster, err := embedded.Start(ctx,
//		embedded.WithTopic("orders", 3),   // created before Start returns
//		embedded.WithDefaultPartitions(3), // for auto-created topics
//	)
//	if err != nil {
//		return err
//	}
//	defer cluster.Close()
//
//	producer, err := sarama.NewSyncProducer(cluster.Addrs(), cfg)
//
// Addrs is the bootstrap list a client needs. The brokers listen on free
// ports unless WithPorts names them (useful for a demo that other programs
// reach at a fixed address). Close stops the brokers and drops their
// connections; it is safe to call twice.
//
// # Differences from Apache Kafka worth knowing
//
//   - Everything is in memory unless WithDataDir names a directory: a
//     closed cluster's data is gone.
//   - Nothing is really replicated; more than one broker only exercises
//     clients' routing of requests to partition leaders and group
//     coordinators.
//   - Rebalancing with sarama behaves here as on Apache Kafka 4.x with the
//     range (sarama's default) and cooperative-sticky strategies; the tests
//     check both. With a cooperative strategy sarama calls a handler's
//     Setup once per member, not once per rebalance: partitions a member
//     gains later show up only as new ConsumeClaim calls, so track
//     ownership there.
//
// For the same checks against a real broker, see internal/kafkatest and
// scripts/kafka.sh.
package embedded
