package clickstream_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/examples/clickstream"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func TestClickstreamEnrichment(t *testing.T) {
	topo, err := clickstream.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	views := testdriver.InputTopic(d, clickstream.PageViewsTopic, serde.String(), serde.JSON[clickstream.PageView]())
	profiles := testdriver.InputTopic(d, clickstream.ProfilesTopic, serde.String(), serde.JSON[clickstream.Profile]())
	searches := testdriver.InputTopic(d, clickstream.SearchesTopic, serde.String(), serde.JSON[clickstream.Search]())
	out := testdriver.OutputTopic(d, clickstream.EnrichedTopic, serde.String(), serde.JSON[clickstream.EnrichedView]())

	profiles.PipeAt("ann", clickstream.Profile{Region: "eu"}, 0)
	searches.PipeAt("ann", clickstream.Search{Terms: "red shoes"}, 1_000)
	views.PipeAt("ann", clickstream.PageView{Page: "/shoes/red"}, 1_500) // 0.5 s after the search: joins
	views.PipeAt("ann", clickstream.PageView{Page: "/checkout"}, 2_500)  // 1.5 s after: too late
	searches.PipeAt("bob", clickstream.Search{Terms: "hats"}, 3_000)     // bob has no profile
	views.PipeAt("bob", clickstream.PageView{Page: "/hats"}, 3_200)      // joins, region empty
	views.PipeAt("cid", clickstream.PageView{Page: "/home"}, 3_300)      // no search: nothing

	want := []streamlib.Record[string, clickstream.EnrichedView]{
		{Key: "ann", Value: clickstream.EnrichedView{Page: "/shoes/red", Region: "eu", Search: "red shoes"}, Timestamp: 1_500},
		{Key: "bob", Value: clickstream.EnrichedView{Page: "/hats", Search: "hats"}, Timestamp: 3_200},
	}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("enriched views (-want +got):\n%s", diff)
	}
}
