package streamlib_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

type rec = streamlib.Record[string, int64]

func TestTableSourceFilterAndToStream(t *testing.T) {
	b := streamlib.NewBuilder()
	prices := streamlib.Table(b, "prices", serde.String(), serde.Int64(), streamlib.Materialized("prices"))
	prices.Filter(func(_ string, v int64) bool { return v >= 10 }).ToStream().To("expensive")
	topo, err := b.Build()
	require.NoError(t, err)

	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "prices", serde.String(), serde.Int64())
	out := testdriver.OutputTopic(d, "expensive", serde.String(), serde.Int64())
	in.PipeAt("a", 5, 1)  // never matched: nothing
	in.PipeAt("b", 20, 2) // matches
	in.PipeAt("b", 3, 3)  // stops matching: tombstone
	in.PipeAt("a", 11, 4) // now matches
	in.PipeTombstone("a", 5)

	want := []rec{
		{Key: "b", Value: 20, Timestamp: 2},
		{Key: "b", Timestamp: 3, Tombstone: true},
		{Key: "a", Value: 11, Timestamp: 4},
		{Key: "a", Timestamp: 5, Tombstone: true},
	}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("filtered table updates (-want +got):\n%s", diff)
	}
	st := testdriver.KeyValueStore[string, int64](d, "prices")
	_ = st // the table store holds values with timestamps; see TestTableStoreContents
}

func TestWordCount(t *testing.T) {
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, l string) []string { return strings.Fields(strings.ToLower(l)) })
	words = words.FilterNot(func(_ string, w string) bool { return w == "the" })
	counts := streamlib.Count(streamlib.GroupBy(words, func(_ string, w string) string { return w }), streamlib.Materialized("counts"))
	counts.ToStream().To("counts")
	topo, err := b.Build()
	require.NoError(t, err)
	require.Contains(t, topo.Describe(), "Sub-topology: 1")
	require.Contains(t, topo.Describe(), "counts-repartition")

	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "lines", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "counts", serde.String(), serde.Int64())
	in.PipeAt("", "The cat and the hat", 100)
	in.PipeAt("", "a cat", 50) // out of order: aggregate keeps the max timestamp

	got := testdriver.ReadToMap(out)
	require.Equal(t, map[string]int64{"cat": 2, "and": 1, "hat": 1, "a": 1}, got)
	changelog := testdriver.OutputTopic(d, d.ChangelogTopic("counts"), serde.String(), serde.Bytes())
	require.Equal(t, 5, changelog.QueueSize(), "one changelog record per count update")
}

func TestAggregateTimestampsAreMax(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.Int64())
	streamlib.Reduce(streamlib.GroupByKey(s), func(a, v int64) int64 { return a + v }).ToStream().To("sum")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	out := testdriver.OutputTopic(d, "sum", serde.String(), serde.Int64())
	in.PipeAt("k", 1, 10)
	in.PipeAt("k", 2, 5)
	in.PipeAt("k", 3, 20)
	want := []rec{{Key: "k", Value: 1, Timestamp: 10}, {Key: "k", Value: 3, Timestamp: 10}, {Key: "k", Value: 6, Timestamp: 20}}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("reduce output (-want +got):\n%s", diff)
	}
}

// A table re-grouped by a new key subtracts a row from its old group before
// adding it to its new one (Kafka Streams' KTableRepartitionMap behaviour).
func TestTableGroupByAdderSubtractor(t *testing.T) {
	b := streamlib.NewBuilder()
	users := streamlib.Table(b, "user-region", serde.String(), serde.String())
	perRegion := streamlib.TableCount(streamlib.TableGroupBy(users, func(u, region string) (string, string) { return region, u }),
		streamlib.Materialized("per-region"))
	perRegion.ToStream().To("region-counts")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "user-region", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "region-counts", serde.String(), serde.Int64())
	in.PipeAt("alice", "eu", 1)
	in.PipeAt("bob", "eu", 2)
	in.PipeAt("alice", "us", 3) // moves: eu -1, then us +1
	in.PipeTombstone("bob", 4)  // eu -1

	want := []streamlib.KeyValue[string, int64]{
		{Key: "eu", Value: 1}, {Key: "eu", Value: 2},
		{Key: "eu", Value: 1}, {Key: "us", Value: 1},
		{Key: "eu", Value: 0},
	}
	if diff := cmp.Diff(want, out.ReadKeyValues()); diff != "" {
		t.Fatalf("per-region counts (-want +got):\n%s", diff)
	}
}

func TestGlobalTableIsFilledBeforeLookups(t *testing.T) {
	b := streamlib.NewBuilder()
	g := streamlib.GlobalTable(b, "customers", serde.Int64(), serde.String(), streamlib.Materialized("customers"))
	streamlib.Stream(b, "orders", serde.String(), serde.Int64()).To("sink")
	topo, err := b.Build()
	require.NoError(t, err)
	require.Contains(t, topo.Describe(), "for global store (will not generate tasks)")
	d := testdriver.New(t, topo)
	testdriver.InputTopic(d, "customers", serde.Int64(), serde.String()).PipeAt(15, "gold", 1)
	st, err := d.Store(g.StoreName())
	require.NoError(t, err)
	require.Equal(t, "customers", st.Name())
}

func TestBuildErrors(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "a", serde.String(), serde.String())
	s.Filter(func(string, string) bool { return true }, streamlib.Named("dup")).To("x")
	s.Filter(func(string, string) bool { return true }, streamlib.Named("dup")).To("y")
	_, err := b.Build()
	require.ErrorIs(t, err, streamlib.ErrTopology)
	require.ErrorContains(t, err, `node name "dup" is used twice`)
}

func TestDriverRejectsUnknownTopics(t *testing.T) {
	b := streamlib.NewBuilder()
	streamlib.Stream(b, "in", serde.String(), serde.String()).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	ft := &fakeT{TB: t}
	d := testdriver.New(ft, topo)
	func() {
		defer func() { _ = recover() }()
		testdriver.InputTopic(d, "nope", serde.String(), serde.String())
	}()
	require.Contains(t, ft.msg, `does not read topic "nope"`)
	require.Contains(t, ft.msg, "reads [in] and writes [out]")
}

// fakeT captures Fatalf so tests can check the driver's messages.
type fakeT struct {
	testing.TB
	msg string
}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = sprintf(format, args...)
	panic("fatal")
}

func TestChangelogTopicConfigs(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	streamlib.Count(streamlib.GroupByKey(s), streamlib.Materialized("plain"), streamlib.WithLogConfig(map[string]string{"min.insync.replicas": "2"}))
	b.AddStore(store.NewWindow("windows", serde.String(), serde.Int64(), time.Hour, time.Minute, false))
	streamlib.Process(s, streamlib.ProcessFunc(func(context.Context, streamlib.ProcessorContext[string, string], streamlib.Record[string, string]) error {
		return nil
	}), []string{"windows"})
	topo, err := b.Build()
	require.NoError(t, err)
	got := map[string]map[string]string{}
	for _, it := range topo.InternalTopics() {
		if it.Kind == streamlib.ChangelogTopic {
			got[it.Name] = it.Config
		}
	}
	require.Equal(t, map[string]map[string]string{
		"plain-changelog":   {"cleanup.policy": "compact", "min.insync.replicas": "2"},
		"windows-changelog": {"cleanup.policy": "compact,delete", "retention.ms": "90000000"},
	}, got)
}
