package kafka_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// wordCount builds the classic topology: lines in, one count per word out,
// the counts kept in store "counts" (in memory unless persistent).
func wordCount(t testing.TB, in, out string, opts ...streamlib.Option) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, in, serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, line string) []string { return strings.Fields(line) })
	grouped := streamlib.GroupBy(words, func(_ string, w string) string { return w }, streamlib.Named("words"))
	counts := streamlib.Count(grouped, append([]streamlib.Option{streamlib.Materialized("counts")}, opts...)...)
	counts.ToStream().To(out)
	topo, err := b.Build()
	require.NoError(t, err, "build word count")
	return topo
}

// lines makes n lines over a vocabulary of words, and the counts they
// give.
func lines(n int, words ...string) ([]kv, map[string]int64) {
	recs := make([]kv, n)
	want := map[string]int64{}
	for i := range n {
		a, b := words[i%len(words)], words[(i*7+3)%len(words)]
		recs[i] = kv{Key: fmt.Sprintf("line-%d", i), Value: a + " " + b}
		want[a]++
		want[b]++
	}
	return recs, want
}

// scenarioWordCount produces lines, runs the application and reads the
// final count of every word.
func scenarioWordCount(t *testing.T, b broker, guarantee kafka.Guarantee) {
	in, out := b.topic(t, "lines", 3), b.topic(t, "counts", 3)
	cfg := b.config(t, kafkatest.UniqueName(t, "wordcount"))
	cfg.Guarantee = guarantee
	records, want := lines(300, "kafka", "streams", "go", "sarama", "table", "stream", "join")
	produce(t, b.addrs, in, records...)

	app := start(t, wordCount(t, in, out), cfg)
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	col := collect(t, b.addrs, out, isolation)
	got := latestInt64(t, col.waitFor(t, "final counts", func(recs []consumed) bool {
		return cmp.Equal(latestInt64(t, recs), want)
	}, app))
	require.Empty(t, cmp.Diff(want, got))

	counts, err := kafka.KeyValueStore[string, int64](app, "counts")
	require.NoError(t, err)
	for w, n := range want {
		v, ok, err := counts.Get(w)
		require.NoError(t, err)
		require.True(t, ok, "count of %q in the store", w)
		require.Equal(t, n, v, "count of %q in the store", w)
	}
	m := app.Metrics()
	require.Equal(t, int64(300+600), m.RecordsIn, "records in: 300 lines, then 600 words through the repartition topic")
	require.Equal(t, int64(600+600), m.RecordsOut, "records out: 600 words to the repartition topic, then 600 count updates")
	eventually(t, "a commit", func() bool { return app.Metrics().Commits > 0 })
	closeApp(t, app)
	require.Equal(t, kafka.NotRunning, app.State())
}
