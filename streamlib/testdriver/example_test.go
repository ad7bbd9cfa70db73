package testdriver_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// A windowed word count, tested: pipe lines with the event times you choose,
// read what came out, look into the store. In a test, pass the test's t to
// New; this example has none of its own.
func Example() {
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, l string) []string { return strings.Fields(l) })
	byWord := streamlib.GroupBy(words, func(_ string, w string) string { return w })
	counts := streamlib.WindowedCount(streamlib.WindowedBy(byWord, window.Tumbling(time.Minute, 0)),
		streamlib.Materialized("counts"), streamlib.EmitFinal())
	counts.ToStream().To("counts-per-minute")
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	d := testdriver.New(&testing.T{}, topo)
	defer d.Close()
	in := testdriver.InputTopic(d, "lines", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "counts-per-minute", streamlib.TimeWindowedSerde(serde.String(), time.Minute), serde.Int64())

	in.PipeAt("", "to be or not to be", 1_000)
	in.PipeAt("", "be quick", 30_000)
	fmt.Println("before the minute closes:", out.QueueSize())
	in.PipeAt("", "next", 60_000) // stream time reaches the end of [0, 60 s)
	for _, kv := range out.ReadKeyValues() {
		fmt.Println(kv.Key, kv.Value)
	}

	st := testdriver.WindowStore[string, store.ValueAndTimestamp[int64]](d, "counts")
	n, _, _ := st.Fetch("next", 60_000)
	fmt.Println("next in [60 s, 120 s):", n.Value)
	// Output:
	// before the minute closes: 0
	// be@[0,60000) 3
	// not@[0,60000) 1
	// or@[0,60000) 1
	// quick@[0,60000) 1
	// to@[0,60000) 2
	// next in [60 s, 120 s): 1
}
