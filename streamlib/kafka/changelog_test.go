package kafka_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// TestChangelogCoalescesWritesPerKeyUntilTheCommit counts 1,000 records
// over 10 keys in one commit interval: every update reaches the output,
// and the changelog gets each key's last count once, in the order of the
// keys' last updates within each partition, which is what compaction would
// leave of one record per update.
func TestChangelogCoalescesWritesPerKeyUntilTheCommit(t *testing.T) {
	b := embeddedBroker(t)
	in, out := b.topic(t, "in", 2), b.topic(t, "out", 2)
	bld := streamlib.NewBuilder()
	s := streamlib.Stream(bld, in, serde.String(), serde.String())
	streamlib.Count(streamlib.GroupByKey(s), streamlib.Materialized("counts")).ToStream().To(out)
	topo, err := bld.Build()
	require.NoError(t, err)
	appID := kafkatest.UniqueName(t, "coalesce")
	cfg := b.config(t, appID)
	cfg.CommitInterval = time.Hour // the only commit is the one at Close

	var recs []kv
	for i := range 1000 {
		recs = append(recs, kv{Key: fmt.Sprintf("key-%d", i%10), Value: "v"})
	}
	produce(t, b.addrs, in, recs...)
	app := start(t, topo, cfg)
	col := collect(t, b.addrs, out, sarama.ReadUncommitted)
	col.waitFor(t, "1000 count updates", func(rs []consumed) bool { return len(rs) == 1000 }, app)
	closeApp(t, app)

	got := map[string]int64{}
	lastOrder := map[int32][]string{} // keys in the order of their last update, per partition
	for _, r := range col.records() {
		k := string(r.Key)
		got[k] = int64(binary.BigEndian.Uint64(r.Value))
		order := lastOrder[r.Partition]
		for i, o := range order {
			if o == k {
				order = append(order[:i], order[i+1:]...)
				break
			}
		}
		lastOrder[r.Partition] = append(order, k)
	}
	log := untilSentinel(t, b, appID+"-counts-changelog", sarama.ReadUncommitted)
	logged := map[string]int64{}
	logOrder := map[int32][]string{}
	for _, r := range log {
		// A table's changelog value is the record timestamp, then the value.
		require.Len(t, r.Value, 16, "changelog value of %s", r.Key)
		logged[string(r.Key)] = int64(binary.BigEndian.Uint64(r.Value[8:]))
		logOrder[r.Partition] = append(logOrder[r.Partition], string(r.Key))
	}
	require.Equal(t, 10, len(log), "one changelog record per key")
	require.Empty(t, cmp.Diff(got, logged), "the changelog holds each key's last count")
	require.Empty(t, cmp.Diff(lastOrder, logOrder), "changelog records in the order of the keys' last updates")
}
