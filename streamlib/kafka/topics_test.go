package kafka

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// wordCountTopology reads lines, repartitions words, counts them.
func wordCountTopology(t *testing.T, opts ...streamlib.Option) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, l string) []string { return strings.Fields(l) })
	g := streamlib.GroupBy(words, func(_ string, w string) string { return w }, streamlib.Named("words"))
	streamlib.Count(g, append([]streamlib.Option{streamlib.Materialized("counts")}, opts...)...).ToStream().To("counts")
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

// rekeyedJoinTopology joins orders, re-keyed by customer, with the
// customers table: the repartition topic must follow the table's count.
func rekeyedJoinTopology(t *testing.T) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	customers := streamlib.Table(b, "customers", serde.String(), serde.String(), streamlib.Materialized("customers"))
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	byCustomer := streamlib.SelectKey(orders, func(_ string, v string) string { return v })
	streamlib.JoinTable(byCustomer, customers, func(_, o, c string) string { return o + c }, streamlib.Named("enrich")).To("enriched")
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

// selfRepartitionTopology is the validations aggregator's shape: checks
// are counted per order, re-keyed (which repartitions) and joined with
// orders, which the sub-topology of the count reads too: one
// sub-topology writes and reads the repartition topic.
func selfRepartitionTopology(t *testing.T) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	checks := streamlib.Stream(b, "checks", serde.String(), serde.String())
	passes := streamlib.Count(streamlib.GroupByKey(checks), streamlib.Materialized("passes")).ToStream()
	rekeyed := streamlib.Map(passes, func(k string, n int64) (string, int64) { return k, n })
	streamlib.Join(rekeyed, orders, func(_ string, n int64, o string) string { return o },
		window.JoinWithin(time.Minute, 0), streamlib.Named("done")).To("done")
	// Checks joined with orders as they are: one sub-topology reads both.
	streamlib.Join(checks, orders, func(_ string, c, o string) string { return c + o },
		window.JoinWithin(time.Minute, 0), streamlib.Named("checked")).To("checked")
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

type planSummary struct {
	Partitions map[string]int32
	Tasks      map[int]int32
	StoreSub   map[string]int
}

func summarize(p *topicPlan) planSummary {
	s := planSummary{Partitions: map[string]int32{}, Tasks: map[int]int32{}, StoreSub: p.storeSub}
	for _, spec := range p.internal {
		s.Partitions[spec.name] = spec.partitions
	}
	for _, sp := range p.subs {
		s.Tasks[sp.id] = sp.tasks
	}
	return s
}

func TestPlanTopics(t *testing.T) {
	tests := []struct {
		name     string
		topo     func(*testing.T) *streamlib.Topology
		existing map[string]int32
		want     planSummary
		wantErr  []string // substrings; empty means success
	}{
		{
			name:     "repartition and changelog follow the source",
			topo:     func(t *testing.T) *streamlib.Topology { return wordCountTopology(t) },
			existing: map[string]int32{"lines": 6},
			want: planSummary{
				Partitions: map[string]int32{"app-words-repartition": 6, "app-counts-changelog": 6},
				Tasks:      map[int]int32{0: 6, 1: 6},
				StoreSub:   map[string]int{"counts": 1},
			},
		},
		{
			name:     "a fixed repartition count sets the counting tasks",
			topo:     func(t *testing.T) *streamlib.Topology { return wordCountTopology(t, streamlib.WithPartitions(2)) },
			existing: map[string]int32{"lines": 6},
			want: planSummary{
				Partitions: map[string]int32{"app-words-repartition": 2, "app-counts-changelog": 2},
				Tasks:      map[int]int32{0: 6, 1: 2},
				StoreSub:   map[string]int{"counts": 1},
			},
		},
		{
			name:     "existing internal topics with the right count are fine",
			topo:     func(t *testing.T) *streamlib.Topology { return wordCountTopology(t) },
			existing: map[string]int32{"lines": 3, "app-words-repartition": 3, "app-counts-changelog": 3},
			want: planSummary{
				Partitions: map[string]int32{"app-words-repartition": 3, "app-counts-changelog": 3},
				Tasks:      map[int]int32{0: 3, 1: 3},
				StoreSub:   map[string]int{"counts": 1},
			},
		},
		{
			name:     "a changelog with another count is refused",
			topo:     func(t *testing.T) *streamlib.Topology { return wordCountTopology(t) },
			existing: map[string]int32{"lines": 3, "app-counts-changelog": 4},
			wantErr:  []string{"partition counts do not match", "app-counts-changelog has 4 partitions, the topology needs 3", "reset the application"},
		},
		{
			name:     "missing source topics are named",
			topo:     rekeyedJoinTopology,
			existing: map[string]int32{},
			wantErr:  []string{"source topics do not exist", "customers, orders"},
		},
		{
			name:     "a re-keyed stream is repartitioned like the table it joins",
			topo:     rekeyedJoinTopology,
			existing: map[string]int32{"orders": 8, "customers": 3},
			want: planSummary{
				Partitions: map[string]int32{"app-enrich-left-repartition": 3, "app-customers-changelog": 3},
				Tasks:      map[int]int32{0: 3, 1: 8},
				StoreSub:   map[string]int{"customers": 0},
			},
		},
		{
			name:     "a sub-topology that reads the repartition topic it writes",
			topo:     selfRepartitionTopology,
			existing: map[string]int32{"orders": 4, "checks": 4},
			want: planSummary{
				Partitions: map[string]int32{
					"app-done-left-repartition":           4,
					"app-done-other-join-store-changelog": 4, "app-done-this-join-store-changelog": 4,
					"app-checked-other-join-store-changelog": 4, "app-checked-this-join-store-changelog": 4,
					"app-passes-changelog": 4,
				},
				Tasks: map[int]int32{0: 4},
				StoreSub: map[string]int{
					"done-other-join-store": 0, "done-this-join-store": 0,
					"checked-other-join-store": 0, "checked-this-join-store": 0, "passes": 0,
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topo := tt.topo(t)
			plan, err := planTopics(topo, "app", tt.existing)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					require.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err, "topology:\n%s", topo.Describe())
			if diff := cmp.Diff(tt.want, summarize(plan)); diff != "" {
				t.Fatalf("plan (-want +got):\n%s\ntopology:\n%s", diff, topo.Describe())
			}
		})
	}
}

func TestPlanTopicsCopartitionMismatch(t *testing.T) {
	b := streamlib.NewBuilder()
	customers := streamlib.Table(b, "customers", serde.String(), serde.String())
	orders := streamlib.Stream(b, "orders", serde.String(), serde.String())
	streamlib.JoinTable(orders, customers, func(_, o, c string) string { return o + c }).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	_, err = planTopics(topo, "app", map[string]int32{"orders": 3, "customers": 2})
	require.ErrorIs(t, err, ErrPartitionMismatch)
	require.ErrorContains(t, err, "orders (3)")
	require.ErrorContains(t, err, "customers (2)")
}
