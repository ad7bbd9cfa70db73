// Package catalog keeps the streams, tables and persistent queries of the
// SQL layer, and analyzes statements against them: it resolves names,
// checks types and ksqlDB's rules, and compiles every expression, so that
// the planner that turns a query into a streamlib topology only has to
// follow instructions.
//
//	cat := catalog.New()
//	for _, stmt := range stmts { // from parser.Parse
//		a, err := cat.Analyze(stmt, props)
//		if err != nil {
//			return err // *catalog.Error: position, message, hint
//		}
//		// ... act on a: create the topic, build and start the topology ...
//		if err := cat.Apply(a); err != nil { // record it
//			return err
//		}
//	}
//
// Analyze returns an Analysis whose type says what the statement means:
// *CreateSource (register a stream or table), *CreateAsSelect and
// *InsertInto (start a persistent query), *Select (a push query, or a pull
// query with Pull set), *InsertValues (produce one record), *Drop,
// *Terminate, *Describe, *Show, *Explain and the rest. Analyze never
// changes the catalogue; Apply records what the engine did.
//
// # The rules
//
// The analyzer follows current ksqlDB and uses its messages where they
// are worth learning (see the tests in testdata/analyze):
//
//   - CREATE STREAM declares KEY columns, CREATE TABLE a PRIMARY KEY;
//     KAFKA_TOPIC and VALUE_FORMAT are required; the KAFKA key format holds
//     one column (a GROUP BY of several needs KEY_FORMAT='JSON').
//   - A persistent query's key is its source's key, or what it PARTITIONs
//     BY, GROUPs BY or joins ON, and the projection must contain it exactly
//     once ("Key missing from projection").
//   - A SELECT expression that is not aggregated must be in GROUP BY;
//     WINDOW needs GROUP BY; EMIT FINAL needs a windowed aggregation;
//     WINDOWSTART and WINDOWEND belong in the SELECT of a windowed
//     aggregation; a TABLE can only be aggregated with functions that can
//     undo (COUNT, SUM, AVG, COLLECT_LIST).
//   - Joins: stream-stream needs WITHIN; stream-table is INNER or LEFT with
//     the stream on the left, on the table's PRIMARY KEY; table-table joins
//     on primary keys (or a left column to the right's key, a foreign-key
//     join); both sides need the same number of partitions.
//   - A SELECT without EMIT CHANGES is a pull query, which reads a table
//     materialized by CREATE TABLE AS SELECT; on a stream it is the old KSQL
//     push query, rejected with the modern statement (ErrLegacy).
//
// # For the planner
//
// A *Query (in CreateAsSelect, InsertInto and Select) describes the
// topology to build. Every expression in it is compiled (package expr)
// against a fixed row layout, so the planner never looks at SQL:
//
//  1. Sources: read each SourceRef's topic with the source's KeyCodec and
//     ValueCodec (package format), and turn each record into an Input row
//     with SourceRef.Fill (a row is an expr.Row laid out as Query.Input;
//     a source's slots start at its Offset). A TABLE source is read as a
//     table: a tombstone deletes the row.
//  2. Joins, in order: Joins[i] joins the rows so far with Sources[i+1].
//     Re-key a side by its LeftKey or RightKey first when
//     RepartitionLeft/RepartitionRight says so. Kind says which join to
//     use (stream-stream with Within, stream-table, table-table, with
//     ForeignKey for a foreign-key join); Type is INNER, LEFT, RIGHT or
//     FULL. The joined row is the two sides' slots together (the missing
//     side of an outer join stays NULL), with the output timestamp in
//     RowtimeSlot.
//  3. Where keeps the rows for which it is TRUE.
//  4. With an Aggregation: re-key by its Keys when Repartition is set,
//     group (by Window, if any: Window.Size, Advance, Grace), and keep one
//     accumulator per group for each of Calls (their Args are evaluated on
//     the Input row; FromTable means an update undoes the old row first).
//     The aggregated row is laid out as Aggregation.Output: the key values,
//     the call results, then WINDOWSTART and WINDOWEND. Having filters it
//     (a key that stops matching gets a tombstone), and EMIT FINAL
//     (Query.Emit) suppresses updates until the window closes.
//     Without an aggregation, Repartition (PARTITION BY) re-keys the rows.
//  5. Projection computes the output columns from the last row (Output
//     after an aggregation, Input otherwise). For a persistent query the
//     columns marked Key (Query.Keys, in key order) form the record key and
//     the others the value, written with the sink's codecs
//     (CreateAsSelect.Sink, InsertInto.Target); Hidden columns are carried
//     by the windowed key instead. A push query emits every column, and
//     stops after Limit rows.
//
// The layout is tested the way a planner uses it in api_test.go, and
// Query.Explain prints the steps, which EXPLAIN can show next to the
// topology.
package catalog
