package plan_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

const schema = `
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', value_format='JSON');
`

func analyze(t *testing.T, cat *catalog.Catalog, script string) *catalog.CreateAsSelect {
	t.Helper()
	stmts, err := parser.Parse(script)
	require.NoError(t, err)
	var last catalog.Analysis
	for _, s := range stmts {
		a, err := cat.Analyze(s, nil)
		require.NoError(t, err, "analyze %s", s)
		require.NoError(t, cat.Apply(a))
		last = a
	}
	return last.(*catalog.CreateAsSelect)
}

func TestRowRoundTrip(t *testing.T) {
	d, err := types.ParseDec("12.50")
	require.NoError(t, err)
	in := plan.Row{nil, true, "x", int32(3), int64(-4), 1.5, d, []any{int64(1), nil}, map[string]any{"A": "b"}}
	b, err := plan.RowSerde().Serialize(in)
	require.NoError(t, err)
	out, err := plan.RowSerde().Deserialize(b)
	require.NoError(t, err)
	require.Len(t, out, len(in))
	for i := range in {
		require.True(t, types.Equal(in[i], out[i]) || in[i] == nil && out[i] == nil, "column %d: %v != %v", i, in[i], out[i])
		require.IsType(t, in[i], out[i], "column %d keeps its Go type", i)
	}
}

func TestStreamTableLeftJoin(t *testing.T) {
	cat := catalog.New()
	a := analyze(t, cat, schema+`CREATE STREAM enriched AS
		SELECT c.id AS customerid, c.name, o.product, o.price
		FROM orders o LEFT JOIN customers c ON o.customerid = c.id;`)
	p, err := plan.Build(a.Query, plan.Sink{Target: a.Sink}, plan.Options{})
	require.NoError(t, err)
	require.Contains(t, p.Topology.Describe(), "-repartition", "orders are re-keyed by customer id")

	d := testdriver.New(t, p.Topology)
	customers := testdriver.InputTopic(d, "customers", serde.Bytes(), serde.Bytes())
	orders := testdriver.InputTopic(d, "orders", serde.Bytes(), serde.Bytes())
	out := testdriver.OutputTopic(d, "ENRICHED", serde.Bytes(), serde.Bytes())
	require.NoError(t, customers.PipeRaw([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte(`{"NAME":"Ada","LEVEL":"gold"}`), 5, nil))
	require.NoError(t, orders.PipeRaw([]byte("o1"), []byte(`{"customerId":1,"product":"book","price":2.5}`), 10, nil))
	require.NoError(t, orders.PipeRaw([]byte("o2"), []byte(`{"CUSTOMERID":2,"PRODUCT":"pen","PRICE":1}`), 11, nil))
	recs := out.ReadRecords()
	require.Len(t, recs, 2)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 1}, recs[0].Key)
	require.JSONEq(t, `{"NAME":"Ada","PRODUCT":"book","PRICE":2.5}`, string(recs[0].Value))
	require.Equal(t, int64(10), recs[0].Timestamp)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 2}, recs[1].Key, "a miss keeps the join key")
	require.JSONEq(t, `{"NAME":null,"PRODUCT":"pen","PRICE":1.0}`, string(recs[1].Value))
}

func TestWindowedCountWithHaving(t *testing.T) {
	cat := catalog.New()
	a := analyze(t, cat, schema+`CREATE TABLE fraud AS
		SELECT customerid, COUNT(*) AS n FROM orders
		WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 0 SECONDS)
		GROUP BY customerid HAVING COUNT(*) > 2;`)
	p, err := plan.Build(a.Query, plan.Sink{Target: a.Sink, Store: "fraud-pull"}, plan.Options{})
	require.NoError(t, err)

	d := testdriver.New(t, p.Topology)
	orders := testdriver.InputTopic(d, "orders", serde.Bytes(), serde.Bytes())
	for i, ts := range []int64{1000, 2000, 3000, 4000, 31000} {
		require.NoError(t, orders.PipeRaw([]byte{byte('a' + i)}, []byte(`{"CUSTOMERID":7}`), ts, nil))
	}
	ks, err := plan.KeySerde(a.Sink)
	require.NoError(t, err)
	vs, err := plan.ValueSerde(a.Sink)
	require.NoError(t, err)
	out := testdriver.OutputTopic(d, "FRAUD", ks, vs)
	recs := out.ReadRecords()
	require.Len(t, recs, 2)
	require.Equal(t, plan.Row{int64(7), int64(0), int64(30000)}, recs[0].Key)
	require.Equal(t, plan.Row{int64(3)}, recs[0].Value)
	require.Equal(t, int64(3000), recs[0].Timestamp)
	require.Equal(t, plan.Row{int64(4)}, recs[1].Value)

	st := testdriver.KeyValueStore[plan.Row, plan.Row](d, "fraud-pull")
	v, ok, err := st.Get(plan.Row{int64(7), int64(0), int64(30000)})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, plan.Row{int64(4), int64(4000)}, v, "the count, then ROWTIME")
}
