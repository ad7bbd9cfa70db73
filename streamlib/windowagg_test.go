package streamlib_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// out is a windowed output record in a readable form: key@[start,end] value ts,
// or "tombstone" for a deletion.
func fmtWindowed[V any](recs []streamlib.Record[window.Windowed[string], V]) []string {
	var out []string
	for _, r := range recs {
		if r.Tombstone {
			out = append(out, fmt.Sprintf("%s@[%d,%d] tombstone ts=%d", r.Key.Key, r.Key.Window.Start, r.Key.Window.End, r.Timestamp))
			continue
		}
		out = append(out, fmt.Sprintf("%s@[%d,%d] %v ts=%d", r.Key.Key, r.Key.Window.Start, r.Key.Window.End, r.Value, r.Timestamp))
	}
	return out
}

type piped struct {
	key string
	ts  int64
}

func runWindowed(t *testing.T, build func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64],
	keySerde func() serde.Serde[window.Windowed[string]], in []piped) ([]string, *testdriver.Driver) {
	t.Helper()
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	build(s).ToStream().To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	pipe := testdriver.InputTopic(d, "in", serde.String(), serde.String())
	for _, p := range in {
		pipe.PipeAt(p.key, "v", p.ts)
	}
	out := testdriver.OutputTopic(d, "out", keySerde(), serde.Int64())
	return fmtWindowed(out.ReadRecords()), d
}

// Hopping windows are aligned to the epoch; a record belongs to every window
// that contains it (Kafka Streams: TimeWindows#windowsFor).
func TestHoppingWindowAssignment(t *testing.T) {
	w := window.Hopping(5*time.Second, 3*time.Second, 0)
	require.Equal(t, []window.Window{{Start: 0, End: 5000}, {Start: 3000, End: 8000}}, w.WindowsFor(4000))
	require.Equal(t, []window.Window{{Start: 3000, End: 8000}}, w.WindowsFor(5500))
	require.Equal(t, []window.Window{{Start: 0, End: 5000}}, w.WindowsFor(10), "near 0 there are fewer windows")
	require.Equal(t, []window.Window{{Start: 0, End: 10}}, window.Tumbling(10*time.Millisecond, 0).WindowsFor(9))
}

// A windowed count emits an update per record with the largest timestamp
// of the window; a record for a window that closed (end + grace <= stream
// time) is dropped and counted as late (Kafka Streams:
// KStreamWindowAggregate, "Skipping record for expired window").
func TestTumblingCountGraceAndLateDrop(t *testing.T) {
	w := window.Tumbling(10*time.Millisecond, 5*time.Millisecond)
	got, d := runWindowed(t, func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), w))
	}, func() serde.Serde[window.Windowed[string]] {
		return streamlib.TimeWindowedSerde(serde.String(), 10*time.Millisecond)
	},
		[]piped{{"a", 1}, {"a", 12}, {"a", 14}, {"a", 3}, {"a", 20}, {"a", 4}})
	want := []string{
		"a@[0,10] 1 ts=1",
		"a@[10,20] 1 ts=12",
		"a@[10,20] 2 ts=14",
		"a@[0,10] 2 ts=3", // stream time 14: [0,10) closes at 15, still open
		"a@[20,30] 1 ts=20",
		// 4 arrives at stream time 20: [0,10) closed at 15: dropped.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("windowed counts (-want +got):\n%s", diff)
	}
	require.Equal(t, int64(1), d.Metrics().Dropped["late"])
}

// Sessions merge when a record falls within the gap of two of them; the
// merged-away sessions are deleted downstream with tombstones stamped with
// their own ends, and a session's result has its end as timestamp (Kafka
// Streams: SessionWindows javadoc example with gap 5 and records at 10, 12,
// 20, then 16; KStreamSessionWindowAggregate). The grace of 10 ms keeps
// [10,12] open when 16 arrives; without it, [10,12] would have closed.
func TestSessionMergeAndTombstones(t *testing.T) {
	got, _ := runWindowed(t, func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.SessionCount(streamlib.SessionWindowedBy(streamlib.GroupByKey(s), window.Sessions(5*time.Millisecond, 10*time.Millisecond)))
	}, func() serde.Serde[window.Windowed[string]] { return streamlib.SessionWindowedSerde(serde.String()) },
		[]piped{{"k", 10}, {"k", 12}, {"k", 20}, {"k", 16}})
	want := []string{
		"k@[10,10] 1 ts=10",
		"k@[10,10] tombstone ts=10",
		"k@[10,12] 2 ts=12",
		"k@[20,20] 1 ts=20",
		"k@[10,12] tombstone ts=12",
		"k@[20,20] tombstone ts=20",
		"k@[10,20] 4 ts=20",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("session counts (-want +got):\n%s", diff)
	}
}

// A record more than the gap after a session starts a new one; a record
// older than stream time - gap - grace that cannot join an open session is
// late.
func TestSessionGapAndLate(t *testing.T) {
	got, d := runWindowed(t, func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.SessionCount(streamlib.SessionWindowedBy(streamlib.GroupByKey(s), window.Sessions(5*time.Millisecond, 0)))
	}, func() serde.Serde[window.Windowed[string]] { return streamlib.SessionWindowedSerde(serde.String()) },
		[]piped{{"k", 0}, {"k", 100}, {"k", 1}})
	require.Equal(t, []string{"k@[0,0] 1 ts=0", "k@[100,100] 1 ts=100"}, got)
	require.Equal(t, int64(1), d.Metrics().Dropped["late"])
}

// Sliding windows exist for every record's left window and for right windows
// that hold records (Kafka Streams: SlidingWindows javadoc example with
// d = 5000 and records at 8000, 9200 and 12400: five windows).
func TestSlidingWindows(t *testing.T) {
	got, _ := runWindowed(t, func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.SlidingCount(streamlib.SlidingWindowedBy(streamlib.GroupByKey(s), window.Sliding(5*time.Second, time.Minute)))
	}, func() serde.Serde[window.Windowed[string]] {
		return streamlib.TimeWindowedSerde(serde.String(), 5*time.Second)
	},
		[]piped{{"k", 8000}, {"k", 9200}, {"k", 12400}})
	final := map[string]string{}
	for _, line := range got {
		var k string
		var s, e, ts, n int64
		_, err := fmt.Sscanf(line, "%1s@[%d,%d] %d ts=%d", &k, &s, &e, &n, &ts)
		require.NoError(t, err, line)
		final[fmt.Sprintf("[%d,%d]", s, e)] = fmt.Sprintf("%d ts=%d", n, ts)
	}
	require.Equal(t, map[string]string{
		"[3000,8000]":  "1 ts=8000",
		"[4200,9200]":  "2 ts=9200",
		"[7400,12400]": "3 ts=12400",
		"[8001,13001]": "2 ts=12400",
		"[9201,14201]": "1 ts=12400",
	}, final)
}

// Suppress emits one final result per window once stream time passes its
// end + grace, and nothing before (Kafka Streams:
// Suppressed.untilWindowCloses; KTableSuppressProcessorSupplier).
func TestSuppressFinalResults(t *testing.T) {
	w := window.Tumbling(10*time.Millisecond, 2*time.Millisecond)
	build := func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.SuppressUntilWindowCloses(streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), w)))
	}
	ks := func() serde.Serde[window.Windowed[string]] {
		return streamlib.TimeWindowedSerde(serde.String(), 10*time.Millisecond)
	}
	got, _ := runWindowed(t, build, ks, []piped{{"a", 1}, {"b", 2}, {"a", 5}, {"a", 11}})
	require.Empty(t, got, "stream time 11 < end 10 + grace 2: nothing is final yet")
	got, _ = runWindowed(t, build, ks, []piped{{"a", 1}, {"b", 2}, {"a", 5}, {"a", 11}, {"c", 12}})
	require.Equal(t, []string{"a@[0,10] 2 ts=5", "b@[0,10] 1 ts=2"}, got)
}

// EmitFinal gives the same final results straight from the aggregation
// (Kafka Streams: EmitStrategy.onWindowClose).
func TestEmitFinal(t *testing.T) {
	w := window.Tumbling(10*time.Millisecond, 0)
	got, _ := runWindowed(t, func(s streamlib.KStream[string, string]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), w), streamlib.EmitFinal())
	}, func() serde.Serde[window.Windowed[string]] {
		return streamlib.TimeWindowedSerde(serde.String(), 10*time.Millisecond)
	},
		[]piped{{"a", 1}, {"a", 5}, {"b", 7}, {"a", 10}, {"a", 25}})
	require.Equal(t, []string{"a@[0,10] 2 ts=5", "b@[0,10] 1 ts=7", "a@[10,20] 1 ts=10"}, got)
}

func TestWindowDefinitionsAreValidated(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), window.Hopping(time.Second, 2*time.Second, 0)))
	_, err := b.Build()
	require.ErrorIs(t, err, streamlib.ErrTopology)
	require.ErrorContains(t, err, "advance")
}
