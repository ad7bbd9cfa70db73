package streamlib_test

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func build(t *testing.T, b *streamlib.Builder) *testdriver.Driver {
	t.Helper()
	topo, err := b.Build()
	require.NoError(t, err)
	return testdriver.New(t, topo)
}

// Map and FlatMap change key and value; a new key makes a later grouping
// repartition, and records keep their timestamps.
func TestMapAndFlatMap(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	streamlib.Map(s, func(k, v string) (string, int64) { return v, int64(len(k)) }).To("mapped")
	streamlib.FlatMap(s, func(k, v string) []streamlib.KeyValue[string, string] {
		var out []streamlib.KeyValue[string, string]
		for _, w := range strings.Fields(v) {
			out = append(out, streamlib.KeyValue[string, string]{Key: w, Value: k})
		}
		return out
	}).To("flat")
	d := build(t, b)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.String())
	in.PipeAt("abc", "x y", 7)
	in.PipeTombstone("gone", 8)

	require.Equal(t, []streamlib.Record[string, int64]{{Key: "x y", Value: 3, Timestamp: 7}},
		testdriver.OutputTopic(d, "mapped", serde.String(), serde.Int64()).ReadRecords(), "a tombstone has no value to map")
	require.Equal(t, []streamlib.Record[string, string]{{Key: "x", Value: "abc", Timestamp: 7}, {Key: "y", Value: "abc", Timestamp: 7}},
		testdriver.OutputTopic(d, "flat", serde.String(), serde.String()).ReadRecords())
	require.Equal(t, int64(2), d.Metrics().Dropped["tombstone"])
}

// Streams reads several topics as one stream; Foreach ends a stream in a
// side effect, and its error fails processing.
func TestStreamsAndForeach(t *testing.T) {
	b := streamlib.NewBuilder()
	var seen []string
	streamlib.Streams(b, []string{"a", "b"}, serde.String(), serde.String()).
		Foreach(func(_ context.Context, k, v string) error {
			if v == "bad" {
				return errors.New("cannot take bad")
			}
			seen = append(seen, k+"="+v)
			return nil
		})
	d := build(t, b)
	testdriver.InputTopic(d, "a", serde.String(), serde.String()).PipeAt("1", "x", 1)
	testdriver.InputTopic(d, "b", serde.String(), serde.String()).PipeAt("2", "y", 2)
	require.Equal(t, []string{"1=x", "2=y"}, seen)

	err := testdriver.InputTopic(d, "b", serde.String(), serde.String()).
		TryPipeRecord(streamlib.Record[string, string]{Key: "3", Value: "bad", Timestamp: 3})
	require.ErrorContains(t, err, "cannot take bad")
}

// Repartition writes through an internal topic named after the operation;
// ToFunc picks each record's topic.
func TestRepartitionAndTopicPerRecord(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.Int64()).Repartition(streamlib.Named("spread"))
	s.ToFunc(func(r streamlib.Record[string, int64]) string {
		if r.Value < 0 {
			return "negative"
		}
		return "positive"
	})
	topo, err := b.Build()
	require.NoError(t, err)
	require.Contains(t, topo.Describe(), "(topic: spread-repartition)")
	require.Contains(t, topo.Describe(), "(extractor class: topic name extractor)")

	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	in.PipeAt("a", -1, 1)
	in.PipeAt("b", 2, 2)
	require.Equal(t, []int64{-1}, testdriver.OutputTopic(d, "negative", serde.String(), serde.Int64()).ReadValues())
	require.Equal(t, []int64{2}, testdriver.OutputTopic(d, "positive", serde.String(), serde.Int64()).ReadValues())
	require.Equal(t, 2, testdriver.OutputTopic(d, "driver-spread-repartition", serde.String(), serde.Int64()).QueueSize())
}

// A timestamp extractor reads event time from the record; a negative time
// drops the record.
func TestTimestampExtractor(t *testing.T) {
	b := streamlib.NewBuilder()
	streamlib.Stream(b, "in", serde.String(), serde.Int64(), streamlib.WithTimestampExtractor(
		func(r *streamlib.RawRecord, _ int64) int64 { return int64(binary.BigEndian.Uint64(r.Value)) * 10 },
	)).To("out")
	d := build(t, b)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	in.PipeAt("a", 5, 999)
	in.PipeAt("b", -1, 999)
	require.Equal(t, []streamlib.Record[string, int64]{{Key: "a", Value: 5, Timestamp: 50}},
		testdriver.OutputTopic(d, "out", serde.String(), serde.Int64()).ReadRecords())
	require.Equal(t, int64(50), d.StreamTime())
}

// ProcessValues keeps the key: a processor that numbers the records of each
// key in a store of its own.
func TestProcessValues(t *testing.T) {
	b := streamlib.NewBuilder()
	b.AddStore(store.NewKeyValue("n", serde.String(), serde.Int64()))
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	streamlib.ProcessValues(s, streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[string, int64], r streamlib.Record[string, string]) error {
		st, err := streamlib.KeyValueStoreOf[string, int64](pctx, "n")
		if err != nil {
			return err
		}
		n, _, err := st.Get(r.Key)
		if err != nil {
			return err
		}
		if err := st.Put(r.Key, n+1); err != nil {
			return err
		}
		return pctx.Forward(ctx, streamlib.WithValue(r, n+1))
	}), []string{"n"}).To("numbered")
	d := build(t, b)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.String())
	in.PipeAt("a", "x", 1)
	in.PipeAt("a", "y", 2)
	in.PipeAt("b", "z", 3)
	require.Equal(t, []streamlib.KeyValue[string, int64]{{Key: "a", Value: 1}, {Key: "a", Value: 2}, {Key: "b", Value: 1}},
		testdriver.OutputTopic(d, "numbered", serde.String(), serde.Int64()).ReadKeyValues())
}

// TableAggregate folds a re-grouped table with an adder and a subtractor:
// a row that changes group is subtracted from the old group and added to
// the new one (two updates), a row that stays in its group is both at once
// (one update), and a deleted row is subtracted (KTableRepartitionMap,
// KTableAggregate).
func TestTableAggregateAdderSubtractor(t *testing.T) {
	b := streamlib.NewBuilder()
	// user -> region; the sum of the user name lengths per region.
	users := streamlib.Table(b, "users", serde.String(), serde.String())
	byRegion := streamlib.TableGroupBy(users, func(user, region string) (string, int64) { return region, int64(len(user)) })
	sums := streamlib.TableAggregate(byRegion, func() int64 { return 0 },
		func(_ string, v, agg int64) int64 { return agg + v },
		func(_ string, v, agg int64) int64 { return agg - v },
		streamlib.Materialized("sums"))
	sums.ToStream().To("sums")
	d := build(t, b)
	in := testdriver.InputTopic(d, "users", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "sums", serde.String(), serde.Int64())

	in.PipeAt("ann", "eu", 1)
	in.PipeAt("bo", "eu", 2)
	require.Equal(t, []streamlib.KeyValue[string, int64]{{Key: "eu", Value: 3}, {Key: "eu", Value: 5}}, out.ReadKeyValues())

	in.PipeAt("bo", "us", 3) // moves
	want := []streamlib.Record[string, int64]{{Key: "eu", Value: 3, Timestamp: 3}, {Key: "us", Value: 2, Timestamp: 3}}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("sums after a move (-want +got):\n%s", diff)
	}
	in.PipeAt("bo", "us", 4) // stays
	require.Equal(t, []streamlib.KeyValue[string, int64]{{Key: "us", Value: 2}}, out.ReadKeyValues())
	in.PipeTombstone("ann", 5)
	require.Equal(t, []streamlib.KeyValue[string, int64]{{Key: "eu", Value: 0}}, out.ReadKeyValues())
	require.Equal(t, map[string]int64{"eu": 0, "us": 2}, storeContents(t, d, "sums"))
}

// Table Filter and MapValues can be materialized under a name, and then
// queried like the source table.
func TestMaterializedTableOperations(t *testing.T) {
	b := streamlib.NewBuilder()
	prices := streamlib.Table(b, "prices", serde.String(), serde.Int64())
	cheap := prices.Filter(func(_ string, p int64) bool { return p < 10 }, streamlib.Materialized("cheap"))
	streamlib.TableMapValues(cheap, func(_ string, p int64) int64 { return p * 2 }, streamlib.Materialized("doubled"))
	d := build(t, b)
	in := testdriver.InputTopic(d, "prices", serde.String(), serde.Int64())
	in.PipeAt("a", 5, 1)
	in.PipeAt("b", 50, 2)
	in.PipeAt("c", 7, 3)
	in.PipeAt("c", 70, 4) // no longer cheap: deleted from both
	require.Equal(t, map[string]int64{"a": 5}, storeContents(t, d, "cheap"))
	require.Equal(t, map[string]int64{"a": 10}, storeContents(t, d, "doubled"))
}

// storeContents reads a table store (values with timestamps) as a map.
func storeContents(t *testing.T, d *testdriver.Driver, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for kv, err := range testdriver.KeyValueStore[string, store.ValueAndTimestamp[int64]](d, name).All() {
		require.NoError(t, err)
		out[kv.Key] = kv.Value.Value
	}
	return out
}
