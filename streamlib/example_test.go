package streamlib_test

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
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
