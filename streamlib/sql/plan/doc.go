// Package plan compiles an analyzed query (package catalog) into a
// streamlib topology, the way ksqlDB builds a Kafka Streams topology for
// each query.
//
//	a, _ := cat.Analyze(stmt, props) // a *catalog.CreateAsSelect
//	p, err := plan.Build(a.Query, plan.Sink{Target: a.Sink}, plan.Options{})
//	fmt.Print(p.Topology.Describe())
//
// Rows flow as Row values through the topology, laid out as the analysis
// says:
//
//  1. Each source topic is read with its key and value formats and every
//     record becomes an Input row (the source's columns, ROWTIME,
//     ROWPARTITION, ROWOFFSET); a TABLE source becomes a table of such
//     rows (KStream.ToTable), so a tombstone deletes its key.
//  2. Joins: a stream joins a table with JoinTable or LeftJoinTable, after
//     re-keying the stream by the join expression when it is not its key
//     (the records go through a repartition topic, in the table's key
//     format, so they meet the table's rows); two streams join WITHIN a
//     window (Join, LeftJoin, OuterJoin); two tables on their keys
//     (TableJoin and friends). Records whose join key is NULL are dropped.
//  3. WHERE filters; on a table a row that stops matching is deleted.
//  4. GROUP BY re-keys by the grouping expressions (dropping NULL keys),
//     groups by window if there is one, and folds the aggregate functions
//     of package expr into a Row of accumulators; a TABLE input undoes the
//     old row before adding the new. EMIT FINAL suppresses each window's
//     updates until it closes. HAVING filters the aggregated rows, and a
//     group that stops matching is deleted (a tombstone), while one that
//     never matched emits nothing.
//  5. PARTITION BY re-keys a stream.
//  6. The projection computes the output columns. A persistent query
//     writes the key columns to the record key and the others to the
//     value, in the sink's formats (a windowed key in Kafka Streams'
//     windowed layout); a push query hands every column to a function.
//
// Expressions that fail on a row (a division by zero, a bad CAST) give
// NULL and are reported to Options.OnError, as ksqlDB reports them to its
// processing log.
package plan
