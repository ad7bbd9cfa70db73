package catalog_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

// run analyzes and applies a script, failing the test on any error.
func run(t *testing.T, cat *catalog.Catalog, script string) []catalog.Analysis {
	t.Helper()
	stmts, err := parser.Parse(script)
	require.NoError(t, err)
	var out []catalog.Analysis
	for _, s := range stmts {
		a, err := cat.Analyze(s, nil)
		require.NoError(t, err, "analyze %s", s)
		require.NoError(t, cat.Apply(a))
		out = append(out, a)
	}
	return out
}

func analyze(t *testing.T, cat *catalog.Catalog, sql string) catalog.Analysis {
	t.Helper()
	s, err := parser.ParseStatement(sql)
	require.NoError(t, err)
	a, err := cat.Analyze(s, nil)
	require.NoError(t, err)
	return a
}

const schema = `
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', value_format='JSON');
`

// TestPlannerContract walks rows through an analyzed query the way a
// planner does, to pin the layout contract: SourceRef.Fill, the joins'
// keys, WHERE, and the projection over Input.
func TestPlannerContract(t *testing.T) {
	cat := catalog.New()
	run(t, cat, schema)
	a := analyze(t, cat, `CREATE STREAM enriched AS
		SELECT c.id AS customerid, c.name, UCASE(o.product) AS product, o.price * 2 AS doubled
		FROM orders o LEFT JOIN customers c ON o.customerid = c.id
		WHERE o.price > 1`).(*catalog.CreateAsSelect)
	q := a.Query
	require.Len(t, q.Sources, 2)
	require.Len(t, q.Joins, 1)
	j := q.Joins[0]
	require.Equal(t, catalog.StreamTable, j.Kind)
	require.True(t, j.RepartitionLeft, "orders are keyed by ID, the join is on CUSTOMERID")

	// A table row, then a stream row, as decoded by the sources' codecs.
	row := make(expr.Row, len(q.Input.Columns))
	q.Sources[1].Fill(row, []any{int64(7)}, []any{"Ada", "gold"}, catalog.RecordMeta{Timestamp: 5})
	right, err := j.RightKey.Eval(row)
	require.NoError(t, err)
	require.Equal(t, int64(7), right)

	q.Sources[0].Fill(row, []any{"o1"}, []any{int64(7), "book", 2.5}, catalog.RecordMeta{Timestamp: 10, Partition: 1, Offset: 42})
	left, err := j.LeftKey.Eval(row)
	require.NoError(t, err)
	require.Equal(t, right, left, "the rows join")
	row[q.RowtimeSlot] = int64(10)

	keep, err := q.Where.Eval(row)
	require.NoError(t, err)
	require.Equal(t, true, keep)

	var key, value []any
	for _, p := range q.Projection {
		v, err := p.Expr.Eval(row)
		require.NoError(t, err)
		if p.Key {
			key = append(key, v)
		} else {
			value = append(value, v)
		}
	}
	require.Equal(t, []any{int64(7)}, key)
	require.Equal(t, []any{"Ada", "BOOK", 5.0}, value)

	// The sink's codecs take exactly those rows.
	kc, err := a.Sink.KeyCodec()
	require.NoError(t, err)
	vc, err := a.Sink.ValueCodec()
	require.NoError(t, err)
	kb, err := kc.Encode(key)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 7}, kb)
	vb, err := vc.Encode(value)
	require.NoError(t, err)
	require.Equal(t, `{"NAME":"Ada","PRODUCT":"BOOK","DOUBLED":5.0}`, string(vb))

	// A miss of the LEFT JOIN: the table's slots stay NULL.
	miss := make(expr.Row, len(q.Input.Columns))
	q.Sources[0].Fill(miss, []any{"o2"}, []any{int64(8), "pen", 1.5}, catalog.RecordMeta{})
	name, err := q.Projection[1].Expr.Eval(miss)
	require.NoError(t, err)
	require.Nil(t, name)
}

// TestAggregationContract does the same for GROUP BY: keys and aggregate
// arguments over Input, HAVING and the projection over Output.
func TestAggregationContract(t *testing.T) {
	cat := catalog.New()
	run(t, cat, schema)
	a := analyze(t, cat, `CREATE TABLE spend AS
		SELECT customerid, COUNT(*) AS n, SUM(price) AS total, WINDOWSTART AS ws
		FROM orders WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 0 SECONDS)
		GROUP BY customerid HAVING COUNT(*) > 1`).(*catalog.CreateAsSelect)
	q := a.Query
	agg := q.Aggregation
	require.NotNil(t, agg)
	require.True(t, agg.Repartition)
	require.Equal(t, 3, agg.WindowStartSlot(), "after one key and two calls")

	accs := make([]any, len(agg.Calls))
	for i, c := range agg.Calls {
		accs[i] = c.Func.Init()
	}
	in := make(expr.Row, len(q.Input.Columns))
	var groupKey any
	for _, price := range []float64{2.5, 4} {
		q.Sources[0].Fill(in, []any{"o"}, []any{int64(7), "book", price}, catalog.RecordMeta{Timestamp: 1000})
		k, err := agg.Keys[0].Eval(in)
		require.NoError(t, err)
		groupKey = k
		for i, c := range agg.Calls {
			args := make([]any, len(c.Args))
			for n, arg := range c.Args {
				args[n], err = arg.Eval(in)
				require.NoError(t, err)
			}
			accs[i], err = c.Func.Add(accs[i], args)
			require.NoError(t, err)
		}
	}
	out := make(expr.Row, len(agg.Output.Columns))
	out[0] = groupKey
	for i, c := range agg.Calls {
		out[1+i] = c.Func.Result(accs[i])
	}
	out[agg.WindowStartSlot()], out[agg.WindowStartSlot()+1] = int64(0), int64(30000)
	pass, err := agg.Having.Eval(out)
	require.NoError(t, err)
	require.Equal(t, true, pass)
	var vals []any
	for _, p := range q.Projection {
		v, err := p.Expr.Eval(out)
		require.NoError(t, err)
		vals = append(vals, v)
	}
	require.Equal(t, []any{int64(7), int64(2), 6.5, int64(0)}, vals)
	require.Equal(t, []int{0}, q.Keys)
	require.Equal(t, "`CUSTOMERID` BIGINT PRIMARY KEY, `N` BIGINT, `TOTAL` DOUBLE, `WS` BIGINT", a.Sink.Schema())
}

func TestApplyRecordsAndNumbers(t *testing.T) {
	cat := catalog.New()
	run(t, cat, schema)
	require.Equal(t, 2, cat.Seq())
	as := run(t, cat, `
		CREATE STREAM big AS SELECT id, price FROM orders WHERE price > 100;
		CREATE TABLE levels AS SELECT level, COUNT(*) AS n FROM customers GROUP BY level;
		INSERT INTO big SELECT id, price FROM orders WHERE price < 0;`)
	require.Equal(t, catalog.QueryID("CSAS_BIG_2"), as[0].(*catalog.CreateAsSelect).QueryID)
	require.Equal(t, catalog.QueryID("CTAS_LEVELS_3"), as[1].(*catalog.CreateAsSelect).QueryID)
	require.Equal(t, catalog.QueryID("INSERTQUERY_4"), as[2].(*catalog.InsertInto).QueryID)
	require.Equal(t, []catalog.QueryID{"CSAS_BIG_2", "INSERTQUERY_4"}, cat.Readers("ORDERS"))
	require.Equal(t, []catalog.QueryID{"CSAS_BIG_2", "INSERTQUERY_4"}, cat.Writers("BIG"))
	require.Len(t, cat.Queries(), 3)
	require.Len(t, cat.Sources(0), 4)
	require.Len(t, cat.Sources(catalog.Table), 2)
	big, ok := cat.Source("BIG")
	require.True(t, ok)
	require.Equal(t, catalog.QueryID("CSAS_BIG_2"), big.CreatedBy)

	// Analyses do not change the catalogue until applied, and an analysis
	// applied late fails when the catalogue moved on.
	s, err := parser.ParseStatement("CREATE STREAM late AS SELECT id, price FROM orders;")
	require.NoError(t, err)
	first, err := cat.Analyze(s, nil)
	require.NoError(t, err)
	second, err := cat.Analyze(s, nil)
	require.NoError(t, err)
	require.NoError(t, cat.Apply(first))
	err = cat.Apply(second)
	require.ErrorIs(t, err, catalog.ErrExists)

	// DROP is refused while queries use the source, even when analyzed
	// before they started.
	run(t, cat, "CREATE STREAM plain (id STRING KEY, price DOUBLE) WITH (kafka_topic='plain', value_format='JSON');")
	drop := analyze(t, cat, "DROP STREAM plain;")
	run(t, cat, "CREATE STREAM later AS SELECT id, price FROM plain;")
	err = cat.Apply(drop)
	require.ErrorIs(t, err, catalog.ErrInUse)
}

func TestErrorKinds(t *testing.T) {
	cat := catalog.New()
	run(t, cat, schema)
	tests := []struct {
		sql  string
		kind error
	}{
		{"SELECT * FROM nope EMIT CHANGES;", catalog.ErrNotFound},
		{"CREATE STREAM orders (id STRING KEY) WITH (kafka_topic='o', value_format='JSON');", catalog.ErrExists},
		{"SELECT * FROM orders;", catalog.ErrLegacy},
		{"SELECT * FROM orders;", catalog.ErrInvalid},
		{"SELECT * FROM orders o JOIN orders p ON o.id = p.id EMIT CHANGES;", catalog.ErrUnsupported},
		{"SELECT price, COUNT(*) FROM orders GROUP BY id EMIT CHANGES;", catalog.ErrInvalid},
	}
	for _, tt := range tests {
		s, err := parser.ParseStatement(tt.sql)
		require.NoError(t, err)
		_, err = cat.Analyze(s, nil)
		require.ErrorIs(t, err, tt.kind, tt.sql)
		var ce *catalog.Error
		require.True(t, errors.As(err, &ce))
	}
}

func TestConcurrentUse(t *testing.T) {
	cat := catalog.New()
	run(t, cat, schema)
	s, err := parser.ParseStatement("SELECT id, UCASE(product) FROM orders WHERE price > 1 EMIT CHANGES;")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				if _, err := cat.Analyze(s, nil); err != nil {
					t.Error(err)
					return
				}
				_ = cat.Sources(0)
				_ = cat.Queries()
			}
		}()
	}
	for n := 0; n < 20; n++ {
		run(t, cat, "CREATE STREAM s"+string(rune('a'+n))+" AS SELECT id, price FROM orders;")
	}
	wg.Wait()
}
