// Package testdriver runs a topology in memory, synchronously and
// deterministically: the Go counterpart of Kafka Streams'
// TopologyTestDriver.
//
// A test pipes typed records into the topology's input topics, each with the
// event time it chooses, and reads what the topology wrote:
//
//	d := testdriver.New(t, topo)
//	in := testdriver.InputTopic(d, "orders", serde.String(), serde.JSON[Order]())
//	out := testdriver.OutputTopic(d, "order-validations", serde.String(), serde.JSON[Validation]())
//	in.PipeAt("order-1", order, 1_000)
//	got := out.ReadValues()
//
// Every Pipe returns only after the record and everything it caused
// downstream (repartition topics included) have been processed, so there is
// nothing to wait for. The driver runs all sub-topologies in one task with one
// partition per topic, like Kafka Streams' driver; stores are available with
// KeyValueStore, WindowStore and SessionStore, and changelogs can be read as
// output topics (Driver.ChangelogTopic).
//
// Stream time moves only with the timestamps of piped records. Wall-clock
// time starts at a fixed instant and moves only with AdvanceWallClock, which
// fires wall-clock punctuations.
//
// Mistakes fail the test with a message that lists the topology's topics:
// piping into a topic it does not read, or reading one it never writes.
package testdriver
