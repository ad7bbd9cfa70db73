package wordcount_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/examples/wordcount"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func TestWordCount(t *testing.T) {
	topo, err := wordcount.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, wordcount.LinesTopic, serde.String(), serde.String())
	out := testdriver.OutputTopic(d, wordcount.CountsTopic, serde.String(), serde.Int64())

	in.PipeAt("", "The quick brown fox", 1)
	in.PipeAt("", "jumps over the lazy dog", 2)
	in.PipeAt("", "the fox", 3)

	require.Equal(t, map[string]int64{
		"quick": 1, "brown": 1, "fox": 2, "jumps": 1, "over": 1, "lazy": 1, "dog": 1,
	}, testdriver.ReadToMap(out))

	counts := testdriver.KeyValueStore[string, int64](d, wordcount.CountsStore)
	_, found, err := counts.Get("the")
	require.NoError(t, err)
	require.False(t, found, `"the" is filtered out before counting`)
}
