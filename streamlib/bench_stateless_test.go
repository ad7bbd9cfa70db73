package streamlib_test

import (
	"strconv"
	"testing"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// BenchmarkDriverStateless measures a filter + map-values + sink topology
// in the test driver, serdes included: records in per second on one core.
func BenchmarkDriverStateless(b *testing.B) {
	bld := streamlib.NewBuilder()
	s := streamlib.Stream(bld, "in", serde.String(), serde.Int64())
	kept := s.Filter(func(_ string, v int64) bool { return v%10 != 0 })
	streamlib.MapValues(kept, func(_ string, v int64) int64 { return v * 2 }).To("out")
	topo, err := bld.Build()
	if err != nil {
		b.Fatal(err)
	}
	d := testdriver.New(b, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.Int64())
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = []byte("key-" + strconv.Itoa(i))
	}
	val, _ := serde.Int64().Serialize(7)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := in.PipeRaw(keys[i%len(keys)], val, int64(i), nil); err != nil {
			b.Fatal(err)
		}
		if i%4096 == 0 {
			out.ReadRecords() // keep the captured output from growing without bound
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
