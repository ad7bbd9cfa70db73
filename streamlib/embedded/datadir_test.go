package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// TestDataDirSurvivesRestart writes records and commits a group offset on
// a cluster with a data directory, closes it, starts a new cluster on the
// same directory, and finds the records and the offset there.
func TestDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll

	c1, err := embedded.Start(t.Context(), embedded.WithDataDir(dir), embedded.WithTopic("kept", 1))
	require.NoError(t, err)
	p, err := sarama.NewSyncProducer(c1.Addrs(), cfg)
	require.NoError(t, err)
	for _, v := range []string{"a", "b", "c"} {
		_, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "kept", Value: sarama.StringEncoder(v)})
		require.NoError(t, err)
	}
	require.NoError(t, p.Close())
	gcfg := sarama.NewConfig()
	gcfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	group, err := sarama.NewConsumerGroup(c1.Addrs(), "readers", gcfg)
	require.NoError(t, err)
	h := &commitTwo{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- group.Consume(ctx, []string{"kept"}, h) }()
	select {
	case <-h.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the group did not read two records")
	}
	cancel()
	require.NoError(t, <-errc)
	require.NoError(t, group.Close())
	c1.Close()

	c2, err := embedded.Start(t.Context(), embedded.WithDataDir(dir))
	require.NoError(t, err)
	defer c2.Close()
	client, err := sarama.NewClient(c2.Addrs(), cfg)
	require.NoError(t, err)
	defer client.Close()
	newest, err := client.GetOffset("kept", 0, sarama.OffsetNewest)
	require.NoError(t, err)
	require.Equal(t, int64(3), newest, "the three records are still there")

	admin, err := sarama.NewClusterAdminFromClient(client)
	require.NoError(t, err)
	offsets, err := admin.ListConsumerGroupOffsets("readers", map[string][]int32{"kept": {0}})
	require.NoError(t, err)
	require.Equal(t, int64(2), offsets.GetBlock("kept", 0).Offset, "the group's commit is still there")

	consumer, err := sarama.NewConsumerFromClient(client)
	require.NoError(t, err)
	defer consumer.Close()
	pc, err := consumer.ConsumePartition("kept", 0, 2)
	require.NoError(t, err)
	defer pc.Close()
	select {
	case m := <-pc.Messages():
		require.Equal(t, "c", string(m.Value))
	case <-time.After(10 * time.Second):
		t.Fatal("no record read after the restart")
	}
}

// commitTwo reads two records, commits after them, and closes done.
type commitTwo struct{ done chan struct{} }

func (*commitTwo) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (*commitTwo) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *commitTwo) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	n := 0
	for m := range claim.Messages() {
		sess.MarkMessage(m, "")
		if n++; n == 2 {
			sess.Commit()
			close(h.done)
			<-sess.Context().Done()
			return nil
		}
	}
	return nil
}
