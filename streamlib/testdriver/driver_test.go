package testdriver_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func passThrough(t *testing.T) *streamlib.Topology {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.Int64())
	s.To("out")
	streamlib.Count(streamlib.GroupByKey(s), streamlib.Materialized("counts"))
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

func TestAutomaticTimestamps(t *testing.T) {
	d := testdriver.New(t, passThrough(t), testdriver.WithWallClock(time.UnixMilli(5_000)))
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64(), testdriver.StartAt(time.UnixMilli(100)), testdriver.AutoAdvance(10*time.Millisecond))
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.Int64())
	in.Pipe("a", 1)
	in.Pipe("b", 2)
	in.AdvanceTime(time.Second)
	in.Pipe("c", 3)
	var ts []int64
	for _, r := range out.ReadRecords() {
		ts = append(ts, r.Timestamp)
	}
	require.Equal(t, []int64{100, 110, 1120}, ts)
	require.Equal(t, int64(1120), d.StreamTime())
	require.Equal(t, int64(5_000), d.WallClock(), "piping does not move the wall clock")

	plain := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	plain.Pipe("d", 4)
	require.Equal(t, int64(5_000), out.ReadRecord().Timestamp, "without options records get the wall-clock time")
}

func TestReadHelpersAndStores(t *testing.T) {
	d := testdriver.New(t, passThrough(t))
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.Int64())
	in.PipeKeyValues(
		streamlib.KeyValue[string, int64]{Key: "a", Value: 1},
		streamlib.KeyValue[string, int64]{Key: "a", Value: 2},
		streamlib.KeyValue[string, int64]{Key: "b", Value: 3},
	)
	in.PipeTombstone("b", 10)
	require.Equal(t, 4, out.QueueSize())
	require.Equal(t, map[string]int64{"a": 2}, testdriver.ReadToMap(out), "a tombstone removes its key")
	require.True(t, out.IsEmpty())
	_, err := out.TryReadRecord()
	require.ErrorContains(t, err, `no record on topic "out"`)

	counts := testdriver.KeyValueStore[string, int64](d, "counts")
	n, ok, err := counts.Get("a")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(2), n)

	changelog := testdriver.OutputTopic(d, d.ChangelogTopic("counts"), serde.String(), serde.Bytes())
	require.Equal(t, 3, changelog.QueueSize(), "the tombstone is not counted, so three updates")
}
