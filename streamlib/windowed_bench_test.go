package streamlib_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// The windowed benchmarks run one aggregation over 10k keys in the test
// driver (in-memory stores with changelogs), one record per millisecond of
// event time, and report records in per second on one core. The tumbling
// count is BenchmarkDriverWindowedCount.

func BenchmarkDriverHoppingCount(b *testing.B) {
	benchWindowed(b, func(g streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64] {
		// Six windows per record.
		return streamlib.WindowedCount(streamlib.WindowedBy(g, window.Hopping(time.Minute, 10*time.Second, 0)))
	})
}

func BenchmarkDriverSessionCount(b *testing.B) {
	benchWindowed(b, func(g streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64] {
		// A key comes back every 10 s: one growing session per key.
		return streamlib.SessionCount(streamlib.SessionWindowedBy(g, window.Sessions(time.Minute, 0)))
	})
}

func BenchmarkDriverSlidingCount(b *testing.B) {
	benchWindowed(b, func(g streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64] {
		// About six records per key in a window.
		return streamlib.SlidingCount(streamlib.SlidingWindowedBy(g, window.Sliding(time.Minute, 0)))
	})
}

func BenchmarkDriverSuppressedCount(b *testing.B) {
	benchWindowed(b, func(g streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64] {
		counts := streamlib.WindowedCount(streamlib.WindowedBy(g, window.Tumbling(time.Minute, 0)))
		return streamlib.SuppressUntilWindowCloses(counts)
	})
}

func BenchmarkDriverEmitFinalSessionCount(b *testing.B) {
	benchWindowed(b, func(g streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64] {
		return streamlib.SessionCount(streamlib.SessionWindowedBy(g, window.Sessions(time.Second, 0)), streamlib.EmitFinal())
	})
}

func benchWindowed(b *testing.B, agg func(streamlib.KGroupedStream[string, int64]) streamlib.KTable[window.Windowed[string], int64]) {
	bld := streamlib.NewBuilder()
	s := streamlib.Stream(bld, "in", serde.String(), serde.Int64())
	agg(streamlib.GroupByKey(s)).ToStream().To("out")
	topo, err := bld.Build()
	if err != nil {
		b.Fatal(err)
	}
	d := testdriver.New(b, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	var sinks []*testdriver.Output[[]byte, []byte]
	sinks = append(sinks, testdriver.OutputTopic(d, "out", serde.Bytes(), serde.Bytes()))
	for _, st := range topo.StoreNames() {
		sinks = append(sinks, testdriver.OutputTopic(d, d.ChangelogTopic(st), serde.Bytes(), serde.Bytes()))
	}
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = []byte("key-" + strconv.Itoa(i))
	}
	val, _ := serde.Int64().Serialize(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := in.PipeRaw(keys[i%len(keys)], val, int64(i), nil); err != nil {
			b.Fatal(err)
		}
		if i%4096 == 0 {
			for _, o := range sinks {
				o.ReadRecords()
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
