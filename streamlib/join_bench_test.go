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

// BenchmarkStreamStreamJoin pipes records alternately into both sides of a
// stream-stream join in the test driver: 1000 keys, one record per
// millisecond, a 100 ms window. Each record finds about 0.1 partners of its
// key in the window, so left and outer joins also buffer and release most
// records. One op is one input record.
func BenchmarkStreamStreamJoin(b *testing.B) {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	w := window.JoinWithin(100*time.Millisecond, 0)
	str := serde.String()
	cases := []struct {
		name  string
		build func(l, r streamlib.KStream[string, string]) streamlib.KStream[string, string]
	}{
		{"inner", func(l, r streamlib.KStream[string, string]) streamlib.KStream[string, string] {
			return streamlib.Join(l, r, func(_, a, b string) string { return a + b }, w)
		}},
		{"left", func(l, r streamlib.KStream[string, string]) streamlib.KStream[string, string] {
			return streamlib.LeftJoin(l, r, func(_, a string, b *string) string { return a + orNull(b) }, w)
		}},
		{"outer", func(l, r streamlib.KStream[string, string]) streamlib.KStream[string, string] {
			return streamlib.OuterJoin(l, r, func(_ string, a, b *string) string { return orNull(a) + orNull(b) }, w)
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			bld := streamlib.NewBuilder()
			tc.build(streamlib.Stream(bld, "l", str, str), streamlib.Stream(bld, "r", str, str)).To("out")
			topo, err := bld.Build()
			if err != nil {
				b.Fatal(err)
			}
			d := testdriver.New(b, topo)
			left := testdriver.InputTopic(d, "l", str, str)
			right := testdriver.InputTopic(d, "r", str, str)
			out := testdriver.OutputTopic(d, "out", str, str)
			// The join's stores log every write; read their changelogs too,
			// so that captured records do not pile up over the run.
			var changelogs []*testdriver.Output[[]byte, []byte]
			for _, it := range topo.InternalTopics() {
				if it.Kind == streamlib.ChangelogTopic {
					changelogs = append(changelogs, testdriver.OutputTopic(d, topo.TopicName(d.ApplicationID(), it.Name), serde.Bytes(), serde.Bytes()))
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				in := left
				if i%2 == 1 {
					in = right
				}
				in.PipeAt(keys[(i*7919)%len(keys)], "v", int64(i))
				if i%4096 == 4095 {
					out.ReadRecords() // read, as a test would, and keep the captured output small
					for _, c := range changelogs {
						c.ReadRecords()
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
