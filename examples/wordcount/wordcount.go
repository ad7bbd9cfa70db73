// Package wordcount is the classic first stream processor: split lines into
// words, drop "the", and keep a running count per word.
package wordcount

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// Topics and store of the example.
const (
	LinesTopic  = "text-lines"
	CountsTopic = "word-counts"
	CountsStore = "word-counts"
)

// Build adds the word-count topology to b.
func Build(b *streamlib.Builder) {
	lines := streamlib.Stream(b, LinesTopic, serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, line string) []string {
		return strings.Fields(strings.ToLower(line))
	})
	words = words.FilterNot(func(_ string, w string) bool { return w == "the" })
	byWord := streamlib.GroupBy(words, func(_ string, w string) string { return w })
	counts := streamlib.Count(byWord, streamlib.Materialized(CountsStore))
	counts.ToStream().To(CountsTopic)
}

// Topology returns the built word-count topology.
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}
