package streamlib_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// A word count: split lines into words, group by word (which repartitions,
// because the key changes), count, and write the counts out.
func ExampleTopology_Describe() {
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, l string) []string { return strings.Fields(l) })
	counts := streamlib.Count(streamlib.GroupBy(words, func(_ string, w string) string { return w }),
		streamlib.Materialized("counts"))
	counts.ToStream().To("word-counts")
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(topo.Describe())
	// Output:
	// Topologies:
	//    Sub-topology: 0
	//     Source: KSTREAM-SOURCE-0000000000 (topics: [lines])
	//       --> KSTREAM-FLATMAPVALUES-0000000001
	//     Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])
	//       --> KSTREAM-KEY-SELECT-0000000002
	//       <-- KSTREAM-SOURCE-0000000000
	//     Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])
	//       --> KSTREAM-SINK-0000000004
	//       <-- KSTREAM-FLATMAPVALUES-0000000001
	//     Sink: KSTREAM-SINK-0000000004 (topic: counts-repartition)
	//       <-- KSTREAM-KEY-SELECT-0000000002
	//
	//    Sub-topology: 1
	//     Source: KSTREAM-SOURCE-0000000005 (topics: [counts-repartition])
	//       --> KSTREAM-AGGREGATE-0000000003
	//     Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts])
	//       --> KTABLE-TOSTREAM-0000000006
	//       <-- KSTREAM-SOURCE-0000000005
	//     Processor: KTABLE-TOSTREAM-0000000006 (stores: [])
	//       --> KSTREAM-SINK-0000000007
	//       <-- KSTREAM-AGGREGATE-0000000003
	//     Sink: KSTREAM-SINK-0000000007 (topic: word-counts)
	//       <-- KTABLE-TOSTREAM-0000000006
}

// dedupe forwards the first record of each key and drops repeats, keeping
// the keys it has seen in a store; on stream time it reports how many
// distinct keys passed, once per second.
type dedupe struct {
	pctx streamlib.ProcessorContext[string, string]
	seen store.KeyValueStore[string, int64]
	n    int
}

func (p *dedupe) Init(pctx streamlib.ProcessorContext[string, string]) error {
	p.pctx = pctx
	seen, err := streamlib.KeyValueStoreOf[string, int64](pctx, "seen")
	if err != nil {
		return err
	}
	p.seen = seen
	_, err = pctx.Schedule(time.Second, streamlib.StreamTime, func(ctx context.Context, ts int64) error {
		return pctx.Forward(ctx, streamlib.Record[string, string]{Key: "distinct", Value: strconv.Itoa(p.n), Timestamp: ts})
	})
	return err
}

func (p *dedupe) Process(ctx context.Context, r streamlib.Record[string, string]) error {
	if _, dup, err := p.seen.Get(r.Key); err != nil || dup {
		return err // a failed read stops the task with the error
	}
	if err := p.seen.Put(r.Key, r.Timestamp); err != nil {
		return err
	}
	p.n++
	return p.pctx.Forward(ctx, r)
}

func (p *dedupe) Close() error { return nil }

// The Processor API: a processor with a store of its own, forwarding some
// records and punctuating on stream time. Stream-time punctuations fire as
// record timestamps pass each second, after the record that moved stream
// time is processed; wall-clock ones (WallClockTime) as
// the clock does, in a test with Driver.AdvanceWallClock.
func ExampleProcess() {
	b := streamlib.NewBuilder()
	b.AddStore(store.NewKeyValue("seen", serde.String(), serde.Int64()))
	events := streamlib.Stream(b, "events", serde.String(), serde.String())
	streamlib.Process(events, func() streamlib.Processor[string, string, string, string] { return &dedupe{} },
		[]string{"seen"}, streamlib.Named("dedupe")).To("unique-events")
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	d := testdriver.New(&testing.T{}, topo) // in a test: testdriver.New(t, topo)
	defer d.Close()
	in := testdriver.InputTopic(d, "events", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "unique-events", serde.String(), serde.String())
	in.PipeAt("a", "first a", 0)
	in.PipeAt("a", "again a", 400)
	in.PipeAt("b", "first b", 900)
	in.PipeAt("c", "first c", 1_200)
	for _, r := range out.ReadRecords() {
		fmt.Printf("%s %q @%d\n", r.Key, r.Value, r.Timestamp)
	}
	// Output:
	// a "first a" @0
	// distinct "1" @0
	// b "first b" @900
	// c "first c" @1200
	// distinct "3" @1200
}
