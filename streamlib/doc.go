// Package streamlib is a small Kafka Streams for Go: build a topology of
// streams, tables and state stores with a typed DSL or by hand, test it
// in memory with package testdriver, and run it on a Kafka cluster with
// package kafka.
//
// # Streams and tables
//
// A KStream is a sequence of events: two records with the same key are two
// facts. A KTable is a changelog read as a table: a record replaces the row
// of its key, and a tombstone (a record with no value) deletes it. A
// GlobalKTable is a table copied in full to every instance, for lookups by
// any key.
//
//	b := streamlib.NewBuilder()
//	orders := streamlib.Stream(b, "orders", serde.String(), serde.JSON[Order]())
//	created := orders.Filter(func(_ string, o Order) bool { return o.State == "CREATED" })
//	perCustomer := streamlib.GroupBy(created, func(_ string, o Order) int64 { return o.CustomerID })
//	counts := streamlib.Count(perCustomer, streamlib.Materialized("orders-per-customer"))
//	counts.ToStream().To("order-counts")
//	topo, err := b.Build()
//
// Operations that keep a stream's types are methods (Filter, Peek, Merge,
// Split, Repartition, To); operations that change them are functions
// (MapValues, Map, SelectKey, GroupBy, Count, Aggregate, the joins), because
// Go methods cannot add type parameters. A stream carries the serdes of its
// key and value; a type-changing operation picks serde.For of the new type,
// and WithSerdes overrides the choice.
//
// # Topologies, sub-topologies and tasks
//
// Build turns the DSL calls into a Topology: source nodes that read topics,
// processor nodes, sink nodes that write topics, and the state stores the
// processors use. When an operation needs records grouped by a new key
// (GroupBy after a key change, a join after SelectKey), the topology writes
// them through an internal repartition topic; that topic splits the graph
// into sub-topologies. Each sub-topology runs as one task per input
// partition. Topology.Describe prints the result in Kafka Streams' format:
//
//	Topologies:
//	   Sub-topology: 0
//	    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])
//	      --> KSTREAM-FILTER-0000000001
//	    ...
//
// # Time
//
// Every record has an event time in milliseconds (its Kafka timestamp, or
// what a TimestampExtractor reads from it). A task's stream time is the
// largest event time it has seen; it never goes back. Windows close, late
// records are dropped and suppressed results are emitted as stream time
// passes, so they wait for newer records, never for the wall clock.
//
// # Windows
//
// WindowedBy, SlidingWindowedBy and SessionWindowedBy cut a grouped stream
// into windows (package window defines them); WindowedCount,
// SlidingAggregate, SessionAggregate and the others aggregate per key and
// window into a table keyed by window.Windowed. Every window definition
// states its grace period: a window accepts records until stream time
// passes its end plus grace, then it closes and later records for it are
// dropped and counted (TaskMetrics.Dropped["late"]). By default every
// update is emitted; EmitFinal, or SuppressUntilWindowCloses on the result,
// emits one final result per window when it closes.
//
//	perMinute := streamlib.WindowedCount(
//		streamlib.WindowedBy(byCustomer, window.Tumbling(time.Minute, 10*time.Second)),
//		streamlib.EmitFinal())
//
// # Joins
//
// Join, LeftJoin and OuterJoin pair the records of two streams whose
// timestamps are close (window.JoinWindows); unmatched records of a left or
// outer join come out only when their window has closed. JoinTable and
// LeftJoinTable look each stream record up in a table; JoinGlobal and
// LeftJoinGlobal in a global table, by a key computed from the record.
// TableJoin, TableLeftJoin and TableOuterJoin keep a table of joined rows
// up to date as either side changes. Both sides of every join but the
// global ones must be co-partitioned; a stream whose key changed is
// repartitioned first. Output timestamps follow Kafka Streams: the later of
// the two records, the stream record's for table lookups.
//
// # State
//
// Aggregations, tables and joins keep their state in stores (package store):
// in memory unless Persistent is given (then on Pebble), each backed by a
// changelog topic from which a runtime restores it. Materialized names a
// store so that it can be queried; WithRetention keeps closed windows
// longer than closing needs.
//
// # Testing
//
// Package testdriver runs a topology in memory, synchronously: pipe records
// with the event times you choose, read the output topics and the stores.
// The Examples of this package run that way.
//
// # The Processor API
//
// Processor is the interface every node implements. Write one to do what
// the DSL cannot: keep a store of your own (Builder.AddStore), forward any
// number of records, schedule punctuations on stream or wall-clock time. A
// processor reports failure by returning an error; the task stops and the
// error reaches the caller with the node's name and the record's origin.
package streamlib
