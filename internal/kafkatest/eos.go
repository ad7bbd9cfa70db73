package kafkatest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// CheckConsumeTransformProduce runs the exactly-once loop the runtime
// builds on: a group member reads an input topic and, for each record, in
// one transaction, writes a result and commits the input offset with the
// group's generation and member ID (KIP-447, sarama's
// AddOffsetsToTxnWithGroupMetadata). Before the first real transaction it
// aborts one with a result in it.
//
// It fails t unless a read_committed consumer sees exactly one result per
// input record and none from the aborted transaction, and the group's
// committed offsets are the input's end offsets, although the member never
// commits offsets itself.
func CheckConsumeTransformProduce(t testing.TB, addrs []string) {
	t.Helper()
	const partitions, perPartition = 2, 5
	in, out := UniqueName(t, "eos-in"), UniqueName(t, "eos-out")
	group := UniqueName(t, "eos")
	CreateTopic(t, addrs, in, partitions)
	CreateTopic(t, addrs, out, 1)

	pcfg := ClientConfig()
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	producer, err := sarama.NewSyncProducer(addrs, pcfg)
	require.NoError(t, err, "producer")
	var want []string
	for p := range int32(partitions) {
		for i := range perPartition {
			v := fmt.Sprintf("p%d-r%d", p, i)
			_, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: in, Partition: p, Value: sarama.StringEncoder(v)})
			require.NoError(t, err, "produce %q to %s/%d", v, in, p)
			want = append(want, "out-"+v)
		}
	}
	closeOrFail(t, "producer", producer)

	tcfg := ClientConfig()
	tcfg.Producer.Idempotent = true
	tcfg.Producer.Transaction.ID = UniqueName(t, "eos-txn")
	tcfg.Net.MaxOpenRequests = 1
	txp, err := sarama.NewSyncProducer(addrs, tcfg)
	require.NoError(t, err, "transactional producer")
	defer closeOrFail(t, "transactional producer", txp)

	ccfg := ClientConfig()
	ccfg.Consumer.Offsets.AutoCommit.Enable = false // offsets go through the transactions only
	ccfg.Consumer.IsolationLevel = sarama.ReadCommitted
	cg, err := sarama.NewConsumerGroup(addrs, group, ccfg)
	require.NoError(t, err, "consumer group")

	h := &transformHandler{group: group, in: in, out: out, producer: txp, errs: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{in}, h); err != nil {
				h.fail(fmt.Errorf("consume %q: %w", in, err))
				return
			}
		}
	}()
	var stopOnce sync.Once
	stop := func() {
		stopOnce.Do(func() {
			cancel()
			<-done
			closeOrFail(t, "consumer group", cg)
		})
	}
	defer stop()

	rcfg := ClientConfig()
	rcfg.Consumer.IsolationLevel = sarama.ReadCommitted
	got := consumePartitionOrErr(t, addrs, rcfg, out, 0, len(want), h.errs)
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("read_committed results in %q (-want +got):\n%s", out, diff)
	}
	stop()

	admin, err := sarama.NewClusterAdmin(addrs, ClientConfig())
	require.NoError(t, err, "admin client")
	defer closeOrFail(t, "admin", admin)
	offsets, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{in: {0, 1}})
	require.NoError(t, err, "offsets of group %q", group)
	for p := range int32(partitions) {
		block := offsets.GetBlock(in, p)
		require.NotNil(t, block, "no committed offset for %s/%d", in, p)
		require.Equal(t, int64(perPartition), block.Offset, "committed offset of %s/%d", in, p)
	}
}

// transformHandler turns each input record into one output record and its
// offset commit, in one transaction. One producer serves every claim, so
// transactions are serialised by mu.
type transformHandler struct {
	group, in, out string
	producer       sarama.SyncProducer
	errs           chan error // the first error, for the waiting test

	mu      sync.Mutex
	aborted bool
}

func (h *transformHandler) fail(err error) {
	select {
	case h.errs <- err:
	default:
	}
}

func (h *transformHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *transformHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *transformHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if err := h.transform(sess, msg); err != nil {
				h.fail(err)
				return err
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

func (h *transformHandler) transform(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.aborted {
		h.aborted = true
		if err := h.producer.BeginTxn(); err != nil {
			return fmt.Errorf("begin the transaction to abort: %w", err)
		}
		if _, _, err := h.producer.SendMessage(&sarama.ProducerMessage{Topic: h.out, Value: sarama.StringEncoder("aborted")}); err != nil {
			return fmt.Errorf("produce in the transaction to abort: %w", err)
		}
		if err := h.producer.AbortTxn(); err != nil {
			return fmt.Errorf("abort: %w", err)
		}
	}
	if err := h.producer.BeginTxn(); err != nil {
		return fmt.Errorf("begin transaction for %s/%d@%d: %w", msg.Topic, msg.Partition, msg.Offset, err)
	}
	_, _, err := h.producer.SendMessage(&sarama.ProducerMessage{Topic: h.out, Value: sarama.StringEncoder("out-" + string(msg.Value))})
	if err == nil {
		offsets := map[string][]*sarama.PartitionOffsetMetadata{
			msg.Topic: {{Partition: msg.Partition, Offset: msg.Offset + 1, LeaderEpoch: -1}},
		}
		err = h.producer.AddOffsetsToTxnWithGroupMetadata(offsets, sarama.NewConsumerGroupMetadataFromSession(sess, h.group, nil))
	}
	if err == nil {
		err = h.producer.CommitTxn()
	}
	if err != nil {
		return errors.Join(
			fmt.Errorf("transaction for %s/%d@%d: %w", msg.Topic, msg.Partition, msg.Offset, err),
			h.producer.AbortTxn(),
		)
	}
	return nil
}

// consumePartitionOrErr is consumePartition that also gives up when errs
// delivers an error from the code under test; a nil errs never does.
func consumePartitionOrErr(t testing.TB, addrs []string, cfg *sarama.Config, topic string, partition int32, n int, errs <-chan error) []string {
	t.Helper()
	consumer, err := sarama.NewConsumer(addrs, cfg)
	require.NoError(t, err, "consumer")
	defer closeOrFail(t, "consumer", consumer)
	pc, err := consumer.ConsumePartition(topic, partition, sarama.OffsetOldest)
	require.NoError(t, err, "consume %s/%d", topic, partition)
	defer closeOrFail(t, "partition consumer", pc)

	var got []string
	deadline := time.NewTimer(checkTimeout)
	defer deadline.Stop()
	for len(got) < n {
		select {
		case msg := <-pc.Messages():
			got = append(got, string(msg.Value))
		case cerr := <-pc.Errors():
			t.Fatalf("consume %s/%d: %v", topic, partition, cerr)
		case err := <-errs:
			t.Fatalf("while reading %s/%d: %v", topic, partition, err)
		case <-deadline.C:
			t.Fatalf("consume %s/%d: %d of %d records after %v: %q", topic, partition, len(got), n, checkTimeout, got)
		}
	}
	return got
}
