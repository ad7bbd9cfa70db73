// Package engine executes the streaming SQL of package sql: it keeps the
// catalogue of streams and tables, starts a persistent query for every
// CREATE ... AS SELECT and INSERT INTO ... SELECT, answers push and pull
// queries, and runs all of it on a Runtime.
//
//	rt, err := engine.NewKafkaRuntime(engine.KafkaConfig{BootstrapServers: addrs})
//	e := engine.New(rt)
//	defer e.Close()
//	_, err = e.Execute(ctx, `
//		CREATE STREAM orders (id STRING KEY, customerid BIGINT, price DOUBLE)
//		  WITH (kafka_topic='orders', value_format='JSON', partitions=3);
//		CREATE TABLE spend AS
//		  SELECT customerid, SUM(price) AS total FROM orders GROUP BY customerid;`)
//	rows, err := e.Query(ctx, "SELECT * FROM spend WHERE customerid = 7;") // a pull query
//
// # Statements
//
// Execute runs a script and ExecuteStatement one parsed statement; each
// returns a Result: a Message for what changed ("Created query with ID
// CTAS_SPEND_2"), a Text table for SHOW, DESCRIBE and EXPLAIN, Rows for a
// SELECT. A statement that fails returns an *Error wrapping the parser's
// *parser.Error (position, expected tokens, hint) or the analyzer's
// *catalog.Error (which wraps catalog.ErrInvalid, ErrNotFound, ...); the
// old KSQL forms are rejected with the modern statement in the message.
//
// What each statement does:
//
//   - CREATE STREAM/TABLE registers a source over a topic, creating the
//     topic when PARTITIONS is given (a missing topic without PARTITIONS
//     is an error, as in ksqlDB).
//   - CREATE STREAM/TABLE AS SELECT creates the sink topic and starts a
//     persistent query with a ksqlDB-style id (CSAS_<SINK>_<n>,
//     CTAS_<SINK>_<n>); INSERT INTO ... SELECT starts INSERTQUERY_<n>.
//     The query reads from where auto.offset.reset says (SET it to
//     'earliest' to read what the topics already hold).
//   - INSERT INTO ... VALUES produces one record, at ROWTIME if given.
//   - SELECT ... EMIT CHANGES is a push query: a transient query whose
//     rows arrive on Rows until its LIMIT, Rows.Close or the context's
//     end. A SELECT without EMIT on a table written by CREATE TABLE AS
//     SELECT is a pull query, answered from the rows the table's query
//     keeps (a key lookup when WHERE pins the key, a scan otherwise).
//   - SHOW STREAMS/TABLES/QUERIES/TOPICS/PROPERTIES/FUNCTIONS, DESCRIBE
//     [EXTENDED] (with each writing query's status and processing
//     errors), EXPLAIN (the logical plan and the compiled topology's
//     Describe), DROP [DELETE TOPIC] and TERMINATE act on the catalogue
//     and the registry.
//
// # Runtimes
//
// A Runtime holds the topics and runs topologies. NewKafkaRuntime runs
// every query as a streamlib/kafka application (the embedded broker of
// package embedded in tests and demos, a real cluster in production);
// package sqltest runs them on the streamlib test driver, synchronously,
// for tests. The engine is the same on both.
//
// # For a shell
//
// An interactive shell executes what the user types with Execute, prints
// Result.Message and Result.Text as they are, and prints a SELECT's rows
// as they come: Rows.Columns names them, Rows.Next waits for each, and
// FormatRows or FormatValue render them. Cancelling the context of a push
// query (Ctrl-C) ends it.
package engine
