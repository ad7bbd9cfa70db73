package streamlib_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// describedTopology has a global table, a named split whose branches differ
// in length, a stream-global join and a sink that picks its topic per
// record.
func describedTopology(t *testing.T) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	customers := streamlib.GlobalTable(b, "customers", serde.String(), serde.String())
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	br := orders.Split(streamlib.Named("o-")).
		Branch("big", func(_, v string) bool { return len(v) > 3 }).
		Default("any")
	enriched := streamlib.JoinGlobal(br["o-big"], customers, func(k, _ string) string { return k },
		func(_, v, c string) string { return v + c })
	enriched.Filter(func(_, v string) bool { return v != "" }).To("big")
	br["o-any"].ToFunc(func(r streamlib.Record[string, string]) string { return "small-" + r.Key })
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

// Kafka Streams' layout (InternalTopologyBuilder's description): the global
// sub-topology first here because the global table came first; nodes, and
// the names after --> and <--, ordered by the size of the graph below them
// (o-big's four nodes before o-any's two), then by name; "none" for no
// successor; the split node named as Named says, each branch drawing a
// number; a global store listed only where it is filled; a dynamic sink
// with its extractor.
func TestDescribeLayout(t *testing.T) {
	want := `Topologies:
   Sub-topology: 0 for global store (will not generate tasks)
    Source: KSTREAM-SOURCE-0000000001 (topics: [customers])
      --> KTABLE-SOURCE-0000000002
    Processor: KTABLE-SOURCE-0000000002 (stores: [customers-STATE-STORE-0000000000])
      --> none
      <-- KSTREAM-SOURCE-0000000001

   Sub-topology: 1
    Source: KSTREAM-SOURCE-0000000003 (topics: [orders])
      --> o-
    Processor: o- (stores: [])
      --> o-big, o-any
      <-- KSTREAM-SOURCE-0000000003
    Processor: o-big (stores: [])
      --> KSTREAM-JOIN-0000000006
      <-- o-
    Processor: KSTREAM-JOIN-0000000006 (stores: [])
      --> KSTREAM-FILTER-0000000007
      <-- o-big
    Processor: KSTREAM-FILTER-0000000007 (stores: [])
      --> KSTREAM-SINK-0000000008
      <-- KSTREAM-JOIN-0000000006
    Processor: o-any (stores: [])
      --> KSTREAM-SINK-0000000009
      <-- o-
    Sink: KSTREAM-SINK-0000000008 (topic: big)
      <-- KSTREAM-FILTER-0000000007
    Sink: KSTREAM-SINK-0000000009 (extractor class: topic name extractor)
      <-- o-any

`
	require.Equal(t, want, describedTopology(t).Describe())
}

// Without Named, the split is KSTREAM-BRANCH-NNNNNNNNNN and an unnamed
// branch takes its position (the default branch 0), as in Kafka Streams.
func TestSplitNames(t *testing.T) {
	b := streamlib.NewBuilder()
	br := streamlib.Stream(b, "in", serde.String(), serde.Int64()).Split().
		Branch("", func(_ string, v int64) bool { return v < 0 }).
		Branch("small", func(_ string, v int64) bool { return v < 10 }).
		Default("")
	var names []string
	for name := range br {
		names = append(names, name)
	}
	require.ElementsMatch(t, []string{"KSTREAM-BRANCH-00000000011", "KSTREAM-BRANCH-0000000001small", "KSTREAM-BRANCH-00000000010"}, names)
	br["KSTREAM-BRANCH-00000000010"].To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	require.Contains(t, topo.Describe(), "Sink: KSTREAM-SINK-0000000005 (topic: out)", "each branch draws a number")
}

// Mermaid draws every node, topic and store once, with ids Mermaid accepts.
func TestMermaid(t *testing.T) {
	m := describedTopology(t).Mermaid()
	require.True(t, strings.HasPrefix(m, "flowchart TD\n"))
	for _, want := range []string{
		`subgraph S0["Sub-topology 0 (global)"]`,
		`n_o_big --> n_KSTREAM_JOIN_0000000006`,
		`t_orders --> n_KSTREAM_SOURCE_0000000003`,
		`n_KSTREAM_SINK_0000000008 --> t_big`,
		`s_customers_STATE_STORE_0000000000[("customers-STATE-STORE-0000000000")]`,
		`n_KSTREAM_SINK_0000000009 --> t__topic_chosen_per_record_`,
	} {
		require.Contains(t, m, want)
	}
	// Every id before a shape or an arrow is plain.
	id := regexp.MustCompile(`^\s*(subgraph |end$|[A-Za-z0-9_]+(\[|\(|\s|$))`)
	for _, line := range strings.Split(strings.TrimSpace(m), "\n")[1:] {
		require.Regexp(t, id, line)
	}
}
