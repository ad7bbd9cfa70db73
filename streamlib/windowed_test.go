package streamlib_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// The windowed key layouts are Kafka Streams': a time-windowed key is the
// key's bytes and the window start (TimeWindowedSerializer); a session key
// is the key's bytes, the end, then the start (SessionKeySchema).
func TestWindowedKeySerdes(t *testing.T) {
	be := func(vs ...int64) []byte {
		var out []byte
		for _, v := range vs {
			out = binary.BigEndian.AppendUint64(out, uint64(v))
		}
		return out
	}
	cases := []struct {
		name  string
		serde serde.Serde[window.Windowed[string]]
		key   window.Windowed[string]
		bytes []byte
	}{
		{"time windowed", streamlib.TimeWindowedSerde(serde.String(), 5*time.Second),
			window.Windowed[string]{Key: "k", Window: window.Window{Start: 10_000, End: 15_000}},
			append([]byte("k"), be(10_000)...)},
		{"time windowed, empty key", streamlib.TimeWindowedSerde(serde.String(), time.Millisecond),
			window.Windowed[string]{Key: "", Window: window.Window{Start: 0, End: 1}},
			be(0)},
		{"session", streamlib.SessionWindowedSerde(serde.String()),
			window.Windowed[string]{Key: "user", Window: window.Window{Start: 10, End: 20}},
			append([]byte("user"), be(20, 10)...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.serde.Serialize(c.key)
			require.NoError(t, err)
			require.Equal(t, c.bytes, b)
			back, err := c.serde.Deserialize(b)
			require.NoError(t, err)
			require.Equal(t, c.key, back)
		})
	}
	_, err := streamlib.TimeWindowedSerde(serde.String(), time.Second).Deserialize([]byte{1, 2})
	require.ErrorIs(t, err, serde.ErrSize)
	_, err = streamlib.SessionWindowedSerde(serde.String()).Deserialize(be(1))
	require.ErrorIs(t, err, serde.ErrSize)
}

// A windowed table's stream writes windowed keys with the windowed serde,
// so .To(topic) needs no serdes and other applications read the topic with
// TimeWindowedSerde.
func TestWindowedTableWritesWindowedKeys(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	counts := streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), window.Tumbling(time.Second, 0)))
	counts.ToStream().To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	testdriver.InputTopic(d, "in", serde.String(), serde.String()).PipeAt("k", "v", 1500)
	raw := testdriver.OutputTopic(d, "out", serde.Bytes(), serde.Int64()).ReadRecords()
	require.Len(t, raw, 1)
	require.Equal(t, append([]byte("k"), binary.BigEndian.AppendUint64(nil, 1000)...), raw[0].Key)
	require.Equal(t, int64(1), raw[0].Value)
	require.Equal(t, int64(1500), raw[0].Timestamp)
}

func TestWindowAndSuppressDefinitionsAreValidated(t *testing.T) {
	str := serde.String()
	grouped := func(b *streamlib.Builder) streamlib.KGroupedStream[string, string] {
		return streamlib.GroupByKey(streamlib.Stream(b, "in", str, str))
	}
	cases := []struct {
		name  string
		build func(b *streamlib.Builder)
		want  string
	}{
		{"zero size", func(b *streamlib.Builder) {
			streamlib.WindowedCount(streamlib.WindowedBy(grouped(b), window.Tumbling(0, 0)))
		}, "size"},
		{"advance over size", func(b *streamlib.Builder) {
			streamlib.WindowedCount(streamlib.WindowedBy(grouped(b), window.Hopping(time.Second, 2*time.Second, 0)))
		}, "advance"},
		{"negative grace", func(b *streamlib.Builder) {
			streamlib.SessionCount(streamlib.SessionWindowedBy(grouped(b), window.Sessions(time.Second, -time.Second)))
		}, "grace"},
		{"zero difference", func(b *streamlib.Builder) {
			streamlib.SlidingCount(streamlib.SlidingWindowedBy(grouped(b), window.Sliding(0, 0)))
		}, "difference"},
		{"negative time limit", func(b *streamlib.Builder) {
			streamlib.Suppress(streamlib.Count(grouped(b)), streamlib.UntilTimeLimit(-time.Second))
		}, "time limit"},
		{"unset suppression", func(b *streamlib.Builder) {
			streamlib.Suppress(streamlib.Count(grouped(b)), streamlib.Suppression{})
		}, "UntilTimeLimit"},
		{"negative max records", func(b *streamlib.Builder) {
			streamlib.Suppress(streamlib.Count(grouped(b)), streamlib.UntilTimeLimit(time.Second).MaxRecords(-1))
		}, "max records"},
		{"final results of a table without windows", func(b *streamlib.Builder) {
			streamlib.SuppressUntilWindowCloses(streamlib.Table(b, "in", streamlib.TimeWindowedSerde(str, time.Second), str))
		}, "not the result of a windowed aggregation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := streamlib.NewBuilder()
			c.build(b)
			_, err := b.Build()
			require.ErrorIs(t, err, streamlib.ErrTopology)
			require.ErrorContains(t, err, c.want)
		})
	}
}

// Held updates live in a state store: after a restart (here with
// persistent stores in the same state directory) they are still held, and
// leave when newer records move stream time.
func TestSuppressSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	build := func() *streamlib.Topology {
		b := streamlib.NewBuilder()
		s := streamlib.Stream(b, "in", serde.String(), serde.String())
		counts := streamlib.Count(streamlib.GroupByKey(s), streamlib.Persistent())
		streamlib.Suppress(counts, streamlib.UntilTimeLimit(10*time.Millisecond), streamlib.Named("limit"), streamlib.Persistent()).
			ToStream().To("out")
		topo, err := b.Build()
		require.NoError(t, err)
		return topo
	}
	d := testdriver.New(t, build(), testdriver.WithStateDir(dir))
	in := testdriver.InputTopic(d, "in", serde.String(), serde.String())
	in.PipeAt("a", "v", 1)
	in.PipeAt("b", "v", 2)
	in.PipeAt("a", "v", 3)
	require.True(t, testdriver.OutputTopic(d, "out", serde.String(), serde.Int64()).IsEmpty())
	d.Close()

	d = testdriver.New(t, build(), testdriver.WithStateDir(dir))
	in = testdriver.InputTopic(d, "in", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.Int64())
	in.PipeAt("c", "v", 12)
	want := []streamlib.Record[string, int64]{
		{Key: "a", Value: 2, Timestamp: 3},
		{Key: "b", Value: 1, Timestamp: 2},
	}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("after the restart (-want +got):\n%s", diff)
	}
}

// A suppressed table, looked up by a join, reads as what it emitted so far:
// a key whose update is still held has the value it had before (Kafka
// Streams: KTableSuppressProcessorSupplier's value getter).
func TestSuppressedTableLookup(t *testing.T) {
	b := streamlib.NewBuilder()
	str := serde.String()
	counts := streamlib.Count(streamlib.GroupByKey(streamlib.Stream(b, "clicks", str, str)))
	limited := streamlib.Suppress(counts, streamlib.UntilTimeLimit(10*time.Millisecond))
	probes := streamlib.Stream(b, "probes", str, str)
	streamlib.LeftJoinTable(probes, limited, func(_, _ string, n *int64) int64 {
		if n == nil {
			return -1
		}
		return *n
	}).To("seen")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	clicks := testdriver.InputTopic(d, "clicks", str, str)
	probe := testdriver.InputTopic(d, "probes", str, str)
	seen := testdriver.OutputTopic(d, "seen", str, serde.Int64())

	clicks.PipeAt("u", "x", 0) // held: u has no value downstream yet
	probe.PipeAt("u", "?", 1)
	clicks.PipeAt("u", "x", 2)
	clicks.PipeAt("w", "x", 10) // u leaves with 2
	probe.PipeAt("u", "?", 11)
	clicks.PipeAt("u", "x", 12) // held: downstream still has 2
	probe.PipeAt("u", "?", 13)
	require.Equal(t, []int64{-1, 2, 2}, seen.ReadValues())
}
