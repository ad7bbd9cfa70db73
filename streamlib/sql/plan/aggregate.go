package plan

import (
	"context"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// aggregate adds GROUP BY: re-key, group (by window), fold the aggregate
// calls, then HAVING, the projection and the sink.
func (bd *builder) aggregate(cur flow, sink Sink, storeName string) error {
	q := bd.q
	agg := q.Aggregation
	calls := agg.Calls
	args := func(c *catalog.AggregateCall, row Row) []any {
		out := make([]any, len(c.Args))
		for i, a := range c.Args {
			out[i] = bd.value(a, row, "the arguments of "+c.Func.Name())
		}
		return out
	}
	initAcc := func() Row {
		acc := make(Row, len(calls))
		for i, c := range calls {
			acc[i] = c.Func.Init()
		}
		return acc
	}
	// step folds one row into (a copy of) the accumulators; a call that
	// fails keeps its accumulator, as ksqlDB skips the value.
	step := func(row Row, acc Row, undo bool) Row {
		next := make(Row, len(calls))
		for i, c := range calls {
			var n any
			var err error
			if undo {
				n, err = c.Func.Undo(acc[i], args(c, row))
			} else {
				n, err = c.Func.Add(acc[i], args(c, row))
			}
			if err != nil {
				bd.fail(c.Text, err)
				n = acc[i]
			}
			next[i] = n
		}
		return next
	}
	merge := func(_ Row, a, b Row) Row {
		out := make(Row, len(calls))
		for i, c := range calls {
			m, err := c.Func.Merge(a[i], b[i])
			if err != nil {
				bd.fail(c.Text, err)
				m = a[i]
			}
			out[i] = m
		}
		return out
	}
	groupKey := func(row Row) Row {
		key := make(Row, len(agg.Keys))
		for i, k := range agg.Keys {
			key[i] = bd.value(k, row, "GROUP BY")
		}
		return key
	}

	if agg.FromTable {
		t := cur.t.Filter(func(_ Row, v Row) bool { return !hasNull(groupKey(v)) }, streamlib.Named("GROUPBY-KEYED"))
		g := streamlib.TableGroupBy(t, func(_ Row, v Row) (Row, Row) { return groupKey(v), v }, streamlib.Named("GROUPBY"))
		out := streamlib.TableAggregate(g, initAcc,
			func(_ Row, v Row, acc Row) Row { return step(v, acc, false) },
			func(_ Row, v Row, acc Row) Row { return step(v, acc, true) },
			streamlib.Named("AGGREGATE"), streamlib.Materialized("AGGREGATE-STORE"))
		return finishAggregate(bd, out, func(k Row) (Row, []any) { return k, nil }, sink, storeName)
	}

	s := cur.s
	if agg.Repartition {
		s = bd.rekey(s, agg.Keys, bd.internal, true, "GROUP BY", "GROUPBY-REKEY")
	} else {
		s = bd.dropNullKeys(s, cur.keySerde, "GROUPBY-KEYED")
	}
	g := streamlib.GroupByKey(s, streamlib.Named("GROUPBY"))
	aggOpts := []streamlib.Option{streamlib.Named("AGGREGATE"), streamlib.Materialized("AGGREGATE-STORE")}
	add := func(_ Row, v Row, acc Row) Row { return step(v, acc, false) }
	w := q.Window
	if w == nil {
		out := streamlib.Aggregate(g, initAcc, add, aggOpts...)
		return finishAggregate(bd, out, func(k Row) (Row, []any) { return k, nil }, sink, storeName)
	}
	opts := aggOpts
	if w.Retention > 0 {
		opts = append(opts, streamlib.WithRetention(w.Retention))
	}
	bounds := func(k window.Windowed[Row]) (Row, []any) {
		return k.Key, []any{k.Window.Start, k.Window.End}
	}
	var out streamlib.KTable[window.Windowed[Row], Row]
	if w.Type == ast.Session {
		sw := streamlib.SessionWindowedBy(g, window.Sessions(w.Size, w.Grace))
		out = streamlib.SessionAggregate(sw, initAcc, add, merge, opts...)
	} else {
		tw := streamlib.WindowedBy(g, window.TimeWindows{Size: w.Size, Advance: w.Advance, Grace: w.Grace})
		out = streamlib.WindowedAggregate(tw, initAcc, add, opts...)
	}
	if q.Emit == ast.EmitFinal {
		out = streamlib.SuppressUntilWindowCloses(out, streamlib.Named("EMIT-FINAL"))
	}
	return finishAggregate(bd, out, bounds, sink, storeName)
}

// finishAggregate turns the accumulators of each group into the
// aggregated row (Aggregation.Output), filters it with HAVING, and writes
// the projection to the sink, keyed by the group key (and window).
func finishAggregate[K any](bd *builder, t streamlib.KTable[K, Row], split func(K) (Row, []any), sink Sink, storeName string) error {
	agg := bd.q.Aggregation
	nkeys, ncalls := len(agg.Keys), len(agg.Calls)
	width := len(agg.Output.Columns)
	rows := streamlib.TableMapValues(t, func(k K, acc Row) Row {
		key, win := split(k)
		row := make(Row, width)
		copy(row, key)
		for i, c := range agg.Calls {
			row[nkeys+i] = c.Func.Result(acc[i])
		}
		if win != nil && width >= nkeys+ncalls+2 {
			row[nkeys+ncalls], row[nkeys+ncalls+1] = win[0], win[1]
		}
		return row
	}, streamlib.Named("AGGREGATE-RESULT"))
	if h := agg.Having; h != nil {
		rows = rows.Filter(func(_ K, v Row) bool { return bd.test(h, v, "HAVING") }, streamlib.Named("HAVING"))
	}
	// The sink's key is the group key, then the window bounds.
	keyed := streamlib.Process(rows.ToStream(streamlib.Named("AGGREGATE-CHANGES")), streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[Row, Row], r streamlib.Record[K, Row]) error {
		key, win := split(r.Key)
		if win != nil {
			key = append(append(Row{}, key...), win...)
		}
		out := streamlib.Record[Row, Row]{Key: key, Value: r.Value, Timestamp: r.Timestamp, Headers: r.Headers, Tombstone: r.Tombstone}
		return pctx.Forward(ctx, out)
	}), nil, streamlib.Named("RESULT-KEY")).WithSerdes(bd.internal, bd.internal)
	return bd.finish(keyed, sink, storeName, agg.Output)
}
