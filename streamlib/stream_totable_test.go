package streamlib_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// TestStreamToTable reads a mapped stream as a table: the last value per
// key wins, tombstones delete, and a stream joined against the table sees
// the current rows.
func TestStreamToTable(t *testing.T) {
	b := streamlib.NewBuilder()
	raw := streamlib.Stream(b, "prices", serde.String(), serde.Int64())
	doubled := streamlib.MapValues(raw, func(_ string, v int64) int64 { return 2 * v }).WithSerdes(serde.String(), serde.Int64())
	prices := doubled.ToTable(streamlib.Materialized("prices"))
	prices.ToStream().To("price-updates")
	orders := streamlib.Stream(b, "orders", serde.String(), serde.Int64())
	streamlib.JoinTable(orders, prices, func(_ string, qty, price int64) int64 { return qty * price }).
		WithSerdes(serde.String(), serde.Int64()).To("totals")
	topo, err := b.Build()
	require.NoError(t, err)

	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "prices", serde.String(), serde.Int64())
	ord := testdriver.InputTopic(d, "orders", serde.String(), serde.Int64())
	updates := testdriver.OutputTopic(d, "price-updates", serde.String(), serde.Int64())
	totals := testdriver.OutputTopic(d, "totals", serde.String(), serde.Int64())
	in.PipeAt("pen", 1, 10)
	in.PipeAt("pen", 3, 20)
	ord.PipeAt("pen", 2, 25)
	in.PipeTombstone("pen", 30)
	ord.PipeAt("pen", 5, 35) // no row any more: no result

	want := []rec{
		{Key: "pen", Value: 2, Timestamp: 10},
		{Key: "pen", Value: 6, Timestamp: 20},
		{Key: "pen", Timestamp: 30, Tombstone: true},
	}
	if diff := cmp.Diff(want, updates.ReadRecords()); diff != "" {
		t.Fatalf("table updates (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]rec{{Key: "pen", Value: 12, Timestamp: 25}}, totals.ReadRecords()); diff != "" {
		t.Fatalf("join results (-want +got):\n%s", diff)
	}
	_, ok, err := testdriver.KeyValueStore[string, int64](d, "prices").Get("pen")
	require.NoError(t, err)
	require.False(t, ok, "the tombstone deleted the row")
}

// TestStreamToTableRepartitions puts a re-keyed stream through a
// repartition topic before it becomes a table.
func TestStreamToTableRepartitions(t *testing.T) {
	b := streamlib.NewBuilder()
	raw := streamlib.Stream(b, "events", serde.String(), serde.String())
	byValue := streamlib.SelectKey(raw, func(_ string, v string) string { return v }).WithSerdes(serde.String(), serde.String())
	byValue.ToTable(streamlib.Materialized("latest")).ToStream().To("latest")
	topo, err := b.Build()
	require.NoError(t, err)
	require.Contains(t, topo.Describe(), "latest-repartition")

	d := testdriver.New(t, topo)
	testdriver.InputTopic(d, "events", serde.String(), serde.String()).PipeAt("k", "v1", 1)
	got := testdriver.OutputTopic(d, "latest", serde.String(), serde.String()).ReadKeyValues()
	require.Equal(t, []streamlib.KeyValue[string, string]{{Key: "v1", Value: "v1"}}, got)
}
