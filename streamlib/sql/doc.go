// Package sql is the home of a ksqlDB-style streaming SQL layer for
// streamlib: statements over Kafka topics, compiled to streamlib
// topologies.
//
// The layer is built from the packages below it, each usable on its own:
//
//	parser   SQL text → syntax tree (package ast), with precise errors and
//	         rewrites of old KSQL forms
//	ast      the syntax tree, and a printer that round-trips it
//	types    SQL types and the Go values that represent them
//	expr     compiled expressions, scalar and aggregate functions
//	format   rows ⇄ record bytes: JSON, KAFKA, DELIMITED
//	catalog  streams, tables and queries; the analyzer that checks a
//	         statement and describes the topology it needs
//	plan     an analyzed query compiled to a streamlib topology
//	engine   executes statements: the catalogue, the query registry,
//	         push and pull queries, on Kafka or the test driver
//	sqltest  the engine on the streamlib test driver, and the runner of
//	         SQL test files (the conformance suite in sqltest/testdata)
//
// A statement goes through them in order:
//
//	stmt, err := parser.ParseStatement(`CREATE STREAM orders_enriched AS
//		SELECT c.id AS customerid, c.name, o.product, o.price
//		FROM orders o LEFT JOIN customers c ON o.customerid = c.id
//		EMIT CHANGES;`)
//	a, err := cat.Analyze(stmt, props) // *catalog.CreateAsSelect
//	// a.Query: sources, join, projection, key; a.Sink: the new stream
//
// Package plan compiles the analysis to a topology, and package engine
// does all of it for each statement of a script:
//
//	e := engine.New(rt) // rt: engine.NewKafkaRuntime(...), or sqltest.NewRuntime(t)
//	results, err := e.Execute(ctx, script)
//	rows, err := e.Query(ctx, "SELECT * FROM orders_enriched EMIT CHANGES LIMIT 5;")
//
// # Semantics
//
// The engine follows current ksqlDB (see the conformance suite for the
// behaviours it pins, each with the ksqlDB behaviour it mirrors), on top of
// streamlib's Kafka Streams semantics. Where they differ:
//
//   - A stream-stream LEFT or OUTER join emits an unmatched record when its
//     window closes, also without a GRACE PERIOD (then after ksqlDB's
//     default of 24 hours); old ksqlDB emitted it at once.
//   - Records are processed one at a time with no cache, so every update
//     is emitted, as in ksqlDB's tests (cache.max.bytes.buffering=0).
//   - Formats: JSON, KAFKA, DELIMITED and NONE; AVRO, PROTOBUF and JSON_SR
//     are rejected, and so are foreign-key table-table joins.
package sql
