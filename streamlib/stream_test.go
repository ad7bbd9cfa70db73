package streamlib_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func TestStatelessOperators(t *testing.T) {
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, line string) []string { return strings.Fields(line) })
	long := words.Filter(func(_ string, w string) bool { return len(w) > 3 })
	upper := streamlib.MapValues(long, func(_ string, w string) string { return strings.ToUpper(w) })
	keyed := streamlib.SelectKey(upper, func(_ string, w string) string { return w[:1] })
	var peeked []string
	keyed.Peek(func(k, v string) { peeked = append(peeked, k+":"+v) }).To("out")
	topo, err := b.Build()
	require.NoError(t, err)

	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "lines", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.String())
	in.PipeAt("", "the quick brown fox", 10)
	in.PipeAt("", "jumps over", 20)

	got := out.ReadRecords()
	want := []streamlib.Record[string, string]{
		{Key: "Q", Value: "QUICK", Timestamp: 10},
		{Key: "B", Value: "BROWN", Timestamp: 10},
		{Key: "J", Value: "JUMPS", Timestamp: 20},
		{Key: "O", Value: "OVER", Timestamp: 20},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("output (-want +got):\n%s", diff)
	}
	require.Equal(t, []string{"Q:QUICK", "B:BROWN", "J:JUMPS", "O:OVER"}, peeked)
	require.Equal(t, int64(20), d.StreamTime())
}

func TestSplitAndMerge(t *testing.T) {
	b := streamlib.NewBuilder()
	nums := streamlib.Stream(b, "nums", serde.String(), serde.Int64())
	br := nums.Split(streamlib.Named("n-")).
		Branch("neg", func(_ string, v int64) bool { return v < 0 }).
		Branch("small", func(_ string, v int64) bool { return v < 10 }).
		Default("big")
	br["n-neg"].To("neg")
	br["n-small"].Merge(br["n-big"]).To("nonneg")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "nums", serde.String(), serde.Int64())
	for i, v := range []int64{-1, 5, 50, -7} {
		in.PipeAt("k", v, int64(i))
	}
	require.Equal(t, []int64{-1, -7}, testdriver.OutputTopic(d, "neg", serde.String(), serde.Int64()).ReadValues())
	require.Equal(t, []int64{5, 50}, testdriver.OutputTopic(d, "nonneg", serde.String(), serde.Int64()).ReadValues())
}

func TestDescribe(t *testing.T) {
	b := streamlib.NewBuilder()
	streamlib.Stream(b, "orders", serde.String(), serde.String()).
		Filter(func(_, v string) bool { return v != "" }).
		To("valid-orders")
	topo, err := b.Build()
	require.NoError(t, err)
	want := `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])
      --> KSTREAM-FILTER-0000000001
    Processor: KSTREAM-FILTER-0000000001 (stores: [])
      --> KSTREAM-SINK-0000000002
      <-- KSTREAM-SOURCE-0000000000
    Sink: KSTREAM-SINK-0000000002 (topic: valid-orders)
      <-- KSTREAM-FILTER-0000000001

`
	require.Equal(t, want, topo.Describe())
}
