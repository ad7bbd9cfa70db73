// Package sqltest runs the streaming SQL engine on the streamlib test
// driver, and runs SQL test files against it: the conformance suite of
// package sql, and any suite written the same way.
//
// # The runtime
//
// Runtime is an engine.Runtime in memory: every query runs on its own
// testdriver.Driver, every topic is a log that feeds the drivers reading
// it, and a record a query writes flows on to the queries that read its
// sink, all before Produce returns. NewEngine gives a test an engine on
// one, reading from the earliest offset:
//
//	e, rt := sqltest.NewEngine(t)
//	_, err := e.Execute(ctx, `
//		CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
//		CREATE STREAM big AS SELECT id, price FROM orders WHERE price > 10;
//		INSERT INTO orders (id, price) VALUES ('o1', 12.5);`)
//	recs := rt.Records("BIG") // the record is there already
//
// # Test files
//
// A test file is SQL with directives in --@ comments, in the spirit of
// ksqlDB's SQL tests. Each --@test: starts a case that runs on a fresh
// engine; --@ksqldb: says which ksqlDB behaviour the case mirrors. The
// statements run in order: INSERT INTO ... VALUES feeds the inputs
// (ROWTIME sets a record's timestamp), --@tombstone: deletes a key, and
// the test statements check the outputs:
//
//	--@test: having deletes the groups that stop matching
//	--@ksqldb: HAVING ... (QTT having.json "table having")
//	CREATE STREAM payments (id STRING KEY, account STRING, amount BIGINT)
//	  WITH (kafka_topic='payments', value_format='JSON');
//	CREATE TABLE big AS SELECT account, SUM(amount) AS total FROM payments
//	  GROUP BY account HAVING SUM(amount) > 100;
//	INSERT INTO payments (id, account, amount) VALUES ('p1', 'b', 150);
//	INSERT INTO payments (id, account, amount) VALUES ('p2', 'b', -60);
//	ASSERT VALUES big (account, total) VALUES ('b', 150);
//	ASSERT NULL VALUES big (account) KEY ('b');
//
// ASSERT VALUES source (columns) VALUES (values) reads the next record of
// the source's topic and compares it with the row INSERT would write with
// the same columns: the key and every value column (those not named must
// be NULL), ROWTIME when named, and the window bounds WINDOWSTART and
// WINDOWEND of a windowed key when named. ASSERT NULL VALUES source
// (key columns) KEY (values) expects a tombstone for the key. ASSERT
// STREAM|TABLE name (columns) WITH (...) checks a source's schema and
// properties. When a case ends, every source an assertion read must have
// no records left: the assertions list the outputs exactly, in order.
//
// --@expected.error: text makes the case expect a failing statement whose
// error contains the text; the statements after it do not run.
//
// The expected outputs are written by hand from ksqlDB's documented
// behaviour, so there is nothing to regenerate: a failing case is a
// difference between the engine and ksqlDB, or a mistake in the case.
package sqltest
