package plan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// ErrUnsupported reports a query the planner cannot build although the
// analyzer accepted it (a foreign-key join, say).
var ErrUnsupported = errors.New("not supported by the planner")

// Sink says where a query's results go: to the topic of a stream or table
// (a persistent query) or to a function (a push query).
type Sink struct {
	// Target is the stream or table a persistent query writes: the sink
	// of CREATE ... AS SELECT, or the target of INSERT INTO ... SELECT.
	Target *catalog.Source
	// Store, when set for a persistent query with a TABLE result, names a
	// key-value store that keeps the result's current rows for pull
	// queries (see Plan.Store).
	Store string
	// Emit receives every result of a push query, in order. It runs on
	// the task's goroutine: it must not block for long.
	Emit func(ctx context.Context, r Result) error
}

// Result is one output row of a push query.
type Result struct {
	// Values holds every column of the projection, in order.
	Values Row
	// Timestamp is the record's event time in milliseconds.
	Timestamp int64
}

// Options tune a plan.
type Options struct {
	// OnError receives the processing errors of single rows: an
	// expression that failed (a division by zero, a failed CAST) counts as
	// NULL and is reported here, as ksqlDB reports it to its processing
	// log. Nil ignores them. It may be called from several goroutines.
	OnError func(err error)
}

// Plan is a query compiled to a topology.
type Plan struct {
	// Query is the analyzed query.
	Query    *catalog.Query
	Topology *streamlib.Topology
	// SourceTopics are the topics the query reads; SinkTopic the one it
	// writes (empty for a push query).
	SourceTopics []string
	SinkTopic    string
	// Store names the store of the result's rows (Sink.Store), a
	// store.KeyValueStore[Row, Row]: the key is the sink's key columns
	// (then WINDOWSTART and WINDOWEND for a windowed table), the value is
	// the sink's value columns followed by the row's ROWTIME.
	Store string
}

// Build compiles an analyzed query into a topology that writes its results
// to sink. The query comes from catalog.Catalog.Analyze: the Query of a
// *catalog.CreateAsSelect, *catalog.InsertInto or *catalog.Select.
func Build(q *catalog.Query, sink Sink, opts Options) (*Plan, error) {
	if (sink.Target == nil) == (sink.Emit == nil) {
		return nil, errors.New("plan: a sink needs exactly one of Target and Emit")
	}
	bd := &builder{q: q, b: streamlib.NewBuilder(), width: len(q.Input.Columns), onError: opts.OnError, internal: RowSerde()}
	if bd.onError == nil {
		bd.onError = func(error) {}
	}
	p := &Plan{Query: q}
	for _, s := range q.Sources {
		p.SourceTopics = append(p.SourceTopics, s.Source.Topic)
	}
	if sink.Target != nil {
		p.SinkTopic = sink.Target.Topic
		if q.ResultType == catalog.Table {
			p.Store = sink.Store
		}
	}
	if err := bd.build(sink, p.Store); err != nil {
		return nil, err
	}
	topo, err := bd.b.Build()
	if err != nil {
		return nil, fmt.Errorf("plan: build topology: %w", err)
	}
	p.Topology = topo
	return p, nil
}

// builder compiles one query.
type builder struct {
	q        *catalog.Query
	b        *streamlib.Builder
	width    int
	onError  func(error)
	internal serde.Serde[Row]
}

// flow is the query's rows at some step: a stream or a table of Input
// rows, keyed by the current key.
type flow struct {
	s     streamlib.KStream[Row, Row]
	t     streamlib.KTable[Row, Row]
	table bool
	// keySerde writes the current key; keyFormat is its format ("" for the
	// internal one).
	keySerde  serde.Serde[Row]
	keyFormat format.Format
}

func (bd *builder) build(sink Sink, storeName string) error {
	cur, err := bd.source(bd.q.Sources[0])
	if err != nil {
		return err
	}
	for i, j := range bd.q.Joins {
		if cur, err = bd.join(i, j, cur); err != nil {
			return err
		}
	}
	if w := bd.q.Where; w != nil {
		pred := func(_ Row, v Row) bool { return bd.test(w, v, "WHERE") }
		if cur.table {
			cur.t = cur.t.Filter(pred, streamlib.Named("WHERE"))
		} else {
			cur.s = cur.s.Filter(pred, streamlib.Named("WHERE"))
		}
	}
	if bd.q.Aggregation != nil {
		return bd.aggregate(cur, sink, storeName)
	}
	if cur.table {
		out := cur.t.ToStream(streamlib.Named("TABLE-CHANGES"))
		return bd.finish(out.WithSerdes(cur.keySerde, bd.internal), sink, storeName, bd.q.Input)
	}
	s := cur.s
	if rp := bd.q.Repartition; rp != nil {
		s = bd.rekey(s, rp.Keys, bd.internal, false, "PARTITION BY", "PARTITION-BY")
	}
	return bd.finish(s, sink, storeName, bd.q.Input)
}

// fail reports a processing error of one row.
func (bd *builder) fail(what string, err error) {
	bd.onError(fmt.Errorf("%s: %w", what, err))
}

// value evaluates e over row; an error counts as NULL.
func (bd *builder) value(e expr.Expr, row Row, what string) any {
	v, err := eval(e, row)
	if err != nil {
		bd.fail(what+" "+e.String(), err)
		return nil
	}
	return v
}

// test evaluates a condition; only TRUE passes.
func (bd *builder) test(e expr.Expr, row Row, what string) bool {
	return bd.value(e, row, what) == true
}

func hasNull(key Row) bool {
	for _, v := range key {
		if v == nil {
			return true
		}
	}
	return false
}

// source reads one source of the query as a flow of Input rows.
func (bd *builder) source(ref *catalog.SourceRef) (flow, error) {
	src := ref.Source
	ks, err := KeySerde(src)
	if err != nil {
		return flow{}, err
	}
	vs, err := ValueSerde(src)
	if err != nil {
		return flow{}, err
	}
	var opts []streamlib.Option
	if src.Timestamp != "" {
		ext, err := timestampExtractor(src, ks, vs, bd.onError)
		if err != nil {
			return flow{}, err
		}
		opts = append(opts, streamlib.WithTimestampExtractor(ext))
	}
	alias := nodeName(ref.Alias)
	opts = append(opts, streamlib.Named(alias+"-SOURCE"))
	raw := streamlib.Stream(bd.b, src.Topic, ks, vs, opts...)
	isTable := src.Type == catalog.Table
	width := bd.width
	rows := streamlib.ProcessValues(raw, streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[Row, Row], r streamlib.Record[Row, Row]) error {
		key := r.Key
		meta := catalog.RecordMeta{Timestamp: r.Timestamp}
		if src.Window != nil && len(key) >= 2 {
			n := len(key) - 2
			meta.WindowStart, _ = key[n].(int64)
			meta.WindowEnd, _ = key[n+1].(int64)
			key = key[:n]
		}
		if isTable && (len(src.Key()) > 0 && (len(key) == 0 || hasNull(key))) {
			pctx.Dropped("null-key")
			return nil
		}
		if r.Tombstone {
			if !isTable {
				pctx.Dropped("null-value")
				return nil
			}
			return pctx.Forward(ctx, r)
		}
		if md, ok := pctx.RecordMetadata(); ok {
			meta.Partition, meta.Offset = md.Partition, md.Offset
		}
		row := make(Row, width)
		ref.Fill(expr.Row(row), key, r.Value, meta)
		return pctx.Forward(ctx, streamlib.WithValue(r, row))
	}), nil, streamlib.Named(alias+"-ROWS")).WithSerdes(ks, bd.internal)
	f := flow{s: rows, keySerde: ks, keyFormat: src.KeyFormat}
	if isTable {
		f.t, f.table = rows.ToTable(streamlib.Named(alias+"-TABLE"), streamlib.Materialized(alias+"-TABLE-STORE")), true
	}
	return f, nil
}

// rekey gives each record the key computed by keys (NULL when an
// expression fails). With dropNull, records whose new key has a NULL are
// dropped, as joins and GROUP BY do.
func (bd *builder) rekey(s streamlib.KStream[Row, Row], keys []expr.Expr, ks serde.Serde[Row], dropNull bool, what, name string) streamlib.KStream[Row, Row] {
	return streamlib.Process(s, streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[Row, Row], r streamlib.Record[Row, Row]) error {
		if r.Tombstone {
			return nil
		}
		key := make(Row, len(keys))
		for i, k := range keys {
			key[i] = bd.value(k, r.Value, what)
		}
		if dropNull && hasNull(key) {
			pctx.Dropped("null-key")
			return nil
		}
		return pctx.Forward(ctx, streamlib.WithKeyValue(r, key, r.Value))
	}), nil, streamlib.Named(name)).WithSerdes(ks, bd.internal)
}

// dropNullKeys drops the records whose key has a NULL.
func (bd *builder) dropNullKeys(s streamlib.KStream[Row, Row], ks serde.Serde[Row], name string) streamlib.KStream[Row, Row] {
	return s.Filter(func(k Row, _ Row) bool { return len(k) > 0 && !hasNull(k) }, streamlib.Named(name)).WithSerdes(ks, bd.internal)
}

// project returns the function that computes the output columns from a
// row laid out as scope: every column for a push query, the value columns
// for a persistent one.
func (bd *builder) project(persistent bool) func(row Row) Row {
	var cols []*catalog.OutputColumn
	for _, p := range bd.q.Projection {
		if !persistent || !p.Key && !p.Hidden {
			cols = append(cols, p)
		}
	}
	return func(row Row) Row {
		out := make(Row, len(cols))
		for i, c := range cols {
			out[i] = bd.value(c.Expr, row, "SELECT")
		}
		return out
	}
}

// finish projects the rows (laid out as scope) and writes them to the
// sink. For a persistent query the record key is the current key.
func (bd *builder) finish(s streamlib.KStream[Row, Row], sink Sink, storeName string, _ *expr.Scope) error {
	if sink.Emit != nil {
		proj := bd.project(false)
		emit := sink.Emit
		streamlib.Process(s, streamlib.ProcessFunc(func(ctx context.Context, _ streamlib.ProcessorContext[Row, Row], r streamlib.Record[Row, Row]) error {
			if r.Tombstone {
				return nil
			}
			return emit(ctx, Result{Values: proj(r.Value), Timestamp: r.Timestamp})
		}), nil, streamlib.Named("PUSH"))
		return nil
	}
	target := sink.Target
	ks, err := KeySerde(target)
	if err != nil {
		return err
	}
	vs, err := ValueSerde(target)
	if err != nil {
		return err
	}
	proj := bd.project(true)
	tsCol, tsLayout, err := sinkTimestamp(target)
	if err != nil {
		return err
	}
	var stores []string
	if storeName != "" {
		bd.b.AddStore(store.NewKeyValue(storeName, bd.internal, bd.internal, store.WithoutLogging()))
		stores = []string{storeName}
	}
	out := streamlib.Process(s, streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[Row, Row], r streamlib.Record[Row, Row]) error {
		var value Row
		if !r.Tombstone {
			value = proj(r.Value)
			if tsCol >= 0 {
				ts, ok, err := timestampValue(value[tsCol], tsLayout)
				if err != nil || !ok {
					if err == nil {
						err = errors.New("it is NULL")
					}
					bd.fail("TIMESTAMP column "+target.Timestamp, err)
					pctx.Dropped("timestamp")
					return nil
				}
				r.Timestamp = ts
			}
		}
		if storeName != "" {
			st, err := streamlib.KeyValueStoreOf[Row, Row](pctx, storeName)
			if err != nil {
				return err
			}
			if r.Tombstone {
				err = st.Delete(r.Key)
			} else {
				err = st.Put(r.Key, append(append(Row{}, value...), r.Timestamp))
			}
			if err != nil {
				return fmt.Errorf("result store %s: %w", storeName, err)
			}
		}
		out := streamlib.Record[Row, Row]{Key: r.Key, Value: value, Timestamp: r.Timestamp, Headers: r.Headers, Tombstone: r.Tombstone}
		return pctx.Forward(ctx, out)
	}), stores, streamlib.Named("PROJECT")).WithSerdes(ks, vs)
	out.To(target.Topic, streamlib.Named("SINK"))
	return nil
}

// sinkTimestamp finds the sink's TIMESTAMP column among its value columns.
func sinkTimestamp(target *catalog.Source) (int, string, error) {
	if target.Timestamp == "" {
		return -1, "", nil
	}
	for i, c := range target.Value() {
		if c.Name == target.Timestamp {
			layout := ""
			if target.TimestampFormat != "" {
				l, err := expr.JavaLayout(target.TimestampFormat)
				if err != nil {
					return 0, "", fmt.Errorf("TIMESTAMP_FORMAT of %s: %w", target.Name, err)
				}
				layout = l
			}
			return i, layout, nil
		}
	}
	return 0, "", fmt.Errorf("%w: the TIMESTAMP column %s of %s is a key column", ErrUnsupported, target.Timestamp, target.Name)
}

// timestampValue reads an event time from a BIGINT, TIMESTAMP or STRING
// (with layout) value; ok is false for NULL.
func timestampValue(v any, layout string) (int64, bool, error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return x, true, nil
	case time.Time:
		return x.UnixMilli(), true, nil
	case string:
		t, err := time.ParseInLocation(layout, x, time.UTC)
		if err != nil {
			return 0, false, err
		}
		return t.UnixMilli(), true, nil
	}
	return 0, false, fmt.Errorf("cannot read a timestamp from %T", v)
}

// timestampExtractor reads a source's TIMESTAMP column from each record.
// A record whose column is NULL or unreadable is dropped (and reported),
// as ksqlDB skips it.
func timestampExtractor(src *catalog.Source, ks, vs serde.Serde[Row], onError func(error)) (streamlib.TimestampExtractor, error) {
	layout := ""
	if src.TimestampFormat != "" {
		l, err := expr.JavaLayout(src.TimestampFormat)
		if err != nil {
			return nil, fmt.Errorf("TIMESTAMP_FORMAT of %s: %w", src.Name, err)
		}
		layout = l
	}
	inKey, idx := false, -1
	for i, c := range src.Key() {
		if c.Name == src.Timestamp {
			inKey, idx = true, i
		}
	}
	for i, c := range src.Value() {
		if c.Name == src.Timestamp {
			idx = i
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("%s has no TIMESTAMP column %s", src.Name, src.Timestamp)
	}
	return func(r *streamlib.RawRecord, _ int64) int64 {
		data, sd := r.Value, vs
		if inKey {
			data, sd = r.Key, ks
		}
		if data == nil {
			return r.Timestamp // a tombstone keeps the record's time
		}
		row, err := sd.Deserialize(data)
		if err != nil || idx >= len(row) {
			return r.Timestamp // the source reports the bad record itself
		}
		ts, ok, err := timestampValue(row[idx], layout)
		if err != nil || !ok {
			if err == nil {
				err = errors.New("it is NULL")
			}
			onError(fmt.Errorf("%s: TIMESTAMP column %s of the record at %s/%d@%d: %w", src.Name, src.Timestamp, r.Topic, r.Partition, r.Offset, err))
			return -1
		}
		return ts
	}, nil
}

// nodeName makes a source alias fit node and topic names, which allow
// letters, digits, '.', '_' and '-'.
func nodeName(alias string) string {
	b := []byte(alias)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// sessionWindow is the window type whose keys carry both bounds.
const sessionWindow = ast.Session

// types is imported for the documentation of Row's values.
var _ = types.Bigint
