package kafka

import (
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
)

// TestRepartitionTopicsArePurged runs word count with purging after every
// commit: the records of the repartition topic that were committed are
// deleted, so its log start moves to its end.
func TestRepartitionTopicsArePurged(t *testing.T) {
	addrs := kafkatest.Embedded(t)
	kafkatest.CreateTopic(t, addrs, "lines", 2)
	kafkatest.CreateTopic(t, addrs, "counts", 2)
	app, err := New(wordCountTopology(t), Config{
		ApplicationID: "app", BootstrapServers: addrs, StateDir: t.TempDir(), CommitInterval: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	app.purgeEvery = 0
	require.NoError(t, app.Start(t.Context()))
	defer func() { require.NoError(t, app.Close()) }()

	cfg := kafkatest.ClientConfig()
	cfg.Producer.Partitioner = sarama.NewMurmur2Partitioner
	p, err := sarama.NewSyncProducer(addrs, cfg)
	require.NoError(t, err)
	for i := range 100 {
		_, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "lines", Key: sarama.StringEncoder(fmt.Sprint(i)), Value: sarama.StringEncoder("a b")})
		require.NoError(t, err)
	}
	require.NoError(t, p.Close())

	client, err := sarama.NewClient(addrs, cfg)
	require.NoError(t, err)
	defer client.Close()
	offsets := func(which int64) int64 {
		var n int64
		for p := range int32(2) {
			o, err := client.GetOffset("app-words-repartition", p, which)
			require.NoError(t, err)
			n += o
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for offsets(sarama.OffsetOldest) < 200 {
		require.NoError(t, app.Err())
		require.True(t, time.Now().Before(deadline), "repartition topic not purged: log start %d, end %d", offsets(sarama.OffsetOldest), offsets(sarama.OffsetNewest))
		time.Sleep(20 * time.Millisecond)
	}
	require.Equal(t, int64(200), offsets(sarama.OffsetNewest), "200 words went through the repartition topic")
}
