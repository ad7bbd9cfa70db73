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

// BenchmarkDriverWindowedCount measures a tumbling one-minute windowed
// count over 10k keys in the test driver (in-memory, changelogged store):
// records in per second on one core.
func BenchmarkDriverWindowedCount(b *testing.B) {
	bld := streamlib.NewBuilder()
	s := streamlib.Stream(bld, "in", serde.String(), serde.Int64())
	counts := streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(s), window.Tumbling(time.Minute, 0)))
	counts.ToStream().To("out")
	topo, err := bld.Build()
	if err != nil {
		b.Fatal(err)
	}
	d := testdriver.New(b, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	out := testdriver.OutputTopic(d, "out", streamlib.TimeWindowedSerde(serde.String(), time.Minute), serde.Int64())
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = []byte("key-" + strconv.Itoa(i))
	}
	val, _ := serde.Int64().Serialize(1)
	changelog := testdriver.OutputTopic(d, d.ChangelogTopic(counts.StoreName()), serde.Bytes(), serde.Bytes())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// One record per millisecond: a window holds 60k records.
		if err := in.PipeRaw(keys[i%len(keys)], val, int64(i), nil); err != nil {
			b.Fatal(err)
		}
		if i%4096 == 0 {
			out.ReadRecords()
			changelog.ReadRecords()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
