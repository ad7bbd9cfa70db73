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
// Compiling an analyzed query to a topology, the interactive shell and the
// SQL test runner are the next steps; package catalog documents the
// contract they build on.
package sql
