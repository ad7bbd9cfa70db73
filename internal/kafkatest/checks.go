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

// checkTimeout bounds every wait inside a check. A healthy broker answers
// in well under a second; the bound is generous for slow CI machines and a
// group rebalance on a real broker.
const checkTimeout = 60 * time.Second

// ClientConfig returns the sarama configuration the checks use: protocol
// version 4.0 (what kfake and Apache Kafka 4.x speak), acks from all
// in-sync replicas, a short heartbeat so group rebalances are noticed
// within a fraction of a second, and a short fetch wait so closing a
// consumer does not wait half a second for an empty fetch to end.
func ClientConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V4_0_0_0
	cfg.ClientID = "kafkatest"
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Group.Heartbeat.Interval = 200 * time.Millisecond
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
	cfg.Metadata.Retry.Backoff = 100 * time.Millisecond
	return cfg
}

// CreateTopic creates topic with the given partitions and replication
// factor 1 through sarama's admin client, so it works on any broker.
// An existing topic is not an error.
func CreateTopic(t testing.TB, addrs []string, topic string, partitions int32) {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(addrs, ClientConfig())
	require.NoError(t, err, "admin client for %v", addrs)
	defer admin.Close()
	err = admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1}, false)
	if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		require.NoError(t, err, "create topic %q", topic)
	}
}

// CheckRoundTrip produces keyed records with an idempotent producer to a
// fresh three-partition topic and reads them back from every partition. It
// fails t unless every record comes back once, with its key, in the order
// it was produced within its partition.
func CheckRoundTrip(t testing.TB, addrs []string) {
	t.Helper()
	topic := UniqueName(t, "roundtrip")
	CreateTopic(t, addrs, topic, 3)

	cfg := ClientConfig()
	cfg.Producer.Idempotent = true
	cfg.Net.MaxOpenRequests = 1
	producer, err := sarama.NewSyncProducer(addrs, cfg)
	require.NoError(t, err, "idempotent producer")
	defer closeOrFail(t, "producer", producer)

	want := map[int32][]string{}
	for i := range 30 {
		key := fmt.Sprintf("key-%d", i%5)
		value := fmt.Sprintf("%s/value-%d", key, i)
		p, _, err := producer.SendMessage(&sarama.ProducerMessage{
			Topic: topic, Key: sarama.StringEncoder(key), Value: sarama.StringEncoder(value),
		})
		require.NoError(t, err, "produce %q to %q", value, topic)
		want[p] = append(want[p], value)
	}

	got := map[int32][]string{}
	for p, values := range want {
		got[p] = consumePartition(t, addrs, ClientConfig(), topic, p, len(values))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records read back from %q differ from those produced (-want +got):\n%s", topic, diff)
	}
}

// CheckTransactions runs three transactions on one partition: committed,
// aborted, committed. It fails t unless a read_committed consumer sees
// exactly the committed records and a read_uncommitted one also sees the
// aborted ones, which proves the isolation level is applied.
func CheckTransactions(t testing.TB, addrs []string) {
	t.Helper()
	topic := UniqueName(t, "txn")
	CreateTopic(t, addrs, topic, 1)

	cfg := ClientConfig()
	cfg.Producer.Idempotent = true
	cfg.Producer.Transaction.ID = UniqueName(t, "txn-producer")
	cfg.Net.MaxOpenRequests = 1
	producer, err := sarama.NewSyncProducer(addrs, cfg)
	require.NoError(t, err, "transactional producer")
	defer closeOrFail(t, "transactional producer", producer)

	txn := func(commit bool, values ...string) {
		t.Helper()
		require.NoError(t, producer.BeginTxn(), "begin transaction")
		for _, v := range values {
			_, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)})
			require.NoError(t, err, "produce %q in a transaction", v)
		}
		if commit {
			require.NoError(t, producer.CommitTxn(), "commit transaction")
		} else {
			require.NoError(t, producer.AbortTxn(), "abort transaction")
		}
	}
	txn(true, "committed-1", "committed-2")
	txn(false, "aborted-1", "aborted-2")
	txn(true, "committed-3")

	tests := []struct {
		name      string
		isolation sarama.IsolationLevel
		want      []string
	}{
		{"read_committed", sarama.ReadCommitted, []string{"committed-1", "committed-2", "committed-3"}},
		{"read_uncommitted", sarama.ReadUncommitted, []string{"committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3"}},
	}
	for _, tt := range tests {
		cfg := ClientConfig()
		cfg.Consumer.IsolationLevel = tt.isolation
		got := consumePartition(t, addrs, cfg, topic, 0, len(tt.want))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Fatalf("%s consumer of %q (-want +got):\n%s", tt.name, topic, diff)
		}
	}
}

// consumePartition reads n records from the start of one partition and
// returns their values. Control records (transaction markers) are never
// returned by sarama, so n counts data records only. It fails t if n
// records do not arrive in time, or if more arrive than expected.
func consumePartition(t testing.TB, addrs []string, cfg *sarama.Config, topic string, partition int32, n int) []string {
	t.Helper()
	return consumePartitionOrErr(t, addrs, cfg, topic, partition, n, nil)
}

// CheckGroupSharing starts one group member on a four-partition topic,
// then a second one, then stops the second. It fails t unless the
// partitions move as they should (all to the first member, two and two,
// all back to the first) and every record produced is consumed by one of
// the members. It uses the eager range strategy, sarama's default.
func CheckGroupSharing(t testing.TB, addrs []string) {
	t.Helper()
	CheckGroupSharingWith(t, addrs, sarama.NewBalanceStrategyRange())
}

// CheckGroupSharingWith is CheckGroupSharing with another assignment
// strategy, such as sarama.NewBalanceStrategyCooperativeSticky().
//
// Ownership is tracked by ConsumeClaim, which runs exactly while a member
// owns a partition. Setup is no measure of it: with a cooperative strategy
// sarama calls Setup once per member, not once per rebalance, so a member
// that joins sees no claims in Setup and receives its partitions later.
func CheckGroupSharingWith(t testing.TB, addrs []string, strategy sarama.BalanceStrategy) {
	t.Helper()
	const partitions = 4
	topic := UniqueName(t, "group")
	group := UniqueName(t, "group")
	CreateTopic(t, addrs, topic, partitions)

	cfg := ClientConfig()
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	producer, err := sarama.NewSyncProducer(addrs, cfg)
	require.NoError(t, err, "producer")
	defer closeOrFail(t, "producer", producer)
	var want []string
	for p := range int32(partitions) {
		for i := range 5 {
			v := fmt.Sprintf("p%d-r%d", p, i)
			_, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: p, Value: sarama.StringEncoder(v)})
			require.NoError(t, err, "produce %q to %s/%d", v, topic, p)
			want = append(want, v)
		}
	}

	state := newGroupState()
	// join starts a member; the returned func makes it leave the group and
	// waits until it has.
	join := func(member string) (leave func()) {
		t.Helper()
		cfg := ClientConfig()
		cfg.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{strategy}
		cg, err := sarama.NewConsumerGroup(addrs, group, cfg)
		require.NoError(t, err, "consumer group member %s", member)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer cg.Close()
			h := &groupHandler{member: member, state: state}
			for ctx.Err() == nil {
				if err := cg.Consume(ctx, []string{topic}, h); err != nil {
					if errors.Is(err, sarama.ErrClosedConsumerGroup) {
						return
					}
					state.fail(fmt.Errorf("member %s: consume %q: %w", member, topic, err))
					return
				}
			}
		}()
		var once sync.Once
		leave = func() {
			once.Do(func() {
				cancel()
				<-done
			})
		}
		t.Cleanup(leave)
		return leave
	}

	leaveA := join("a")
	state.waitFor(t, "member a owns all partitions", owns(map[string]int{"a": partitions}))
	leaveB := join("b")
	state.waitFor(t, "members a and b own two partitions each", owns(map[string]int{"a": 2, "b": 2}))
	state.waitForValues(t, want)

	leaveB()
	state.waitFor(t, "member a owns all partitions again after b left", owns(map[string]int{"a": partitions}))
	leaveA()
}

// owns returns a condition on the ownership map: each member in counts owns
// that many partitions, nobody else owns any, and no partition has two
// owners.
func owns(counts map[string]int) func(owned map[string][]int32) bool {
	return func(owned map[string][]int32) bool {
		seen := map[int32]bool{}
		for member, ps := range owned {
			if len(ps) != counts[member] {
				return false
			}
			for _, p := range ps {
				if seen[p] {
					return false
				}
				seen[p] = true
			}
		}
		for member, n := range counts {
			if len(owned[member]) != n {
				return false
			}
		}
		return true
	}
}

// groupState is what the members of CheckGroupSharing report: which
// partitions each owns now, and every value any of them consumed.
type groupState struct {
	mu      sync.Mutex
	owned   map[string][]int32
	values  map[string]bool
	err     error
	changed chan struct{} // closed and replaced on every change
}

func newGroupState() *groupState {
	return &groupState{owned: map[string][]int32{}, values: map[string]bool{}, changed: make(chan struct{})}
}

func (s *groupState) update(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *groupState) fail(err error) { s.update(func() { s.err = errors.Join(s.err, err) }) }

// waitFor blocks until cond holds for the ownership map, failing t on a
// member error or after checkTimeout.
func (s *groupState) waitFor(t testing.TB, what string, cond func(owned map[string][]int32) bool) {
	t.Helper()
	deadline := time.NewTimer(checkTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		err, ok, changed := s.err, cond(s.owned), s.changed
		owned := fmt.Sprint(s.owned)
		s.mu.Unlock()
		require.NoError(t, err)
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("waiting for %s: not reached after %v; partitions owned: %s", what, checkTimeout, owned)
		}
	}
}

func (s *groupState) waitForValues(t testing.TB, want []string) {
	t.Helper()
	deadline := time.NewTimer(checkTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		err, changed := s.err, s.changed
		var missing []string
		for _, v := range want {
			if !s.values[v] {
				missing = append(missing, v)
			}
		}
		s.mu.Unlock()
		require.NoError(t, err)
		if len(missing) == 0 {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("group consumed %d of %d records after %v; missing %q", len(want)-len(missing), len(want), checkTimeout, missing)
		}
	}
}

// groupHandler is a sarama.ConsumerGroupHandler that reports to a
// groupState.
type groupHandler struct {
	member string
	state  *groupState
}

// Setup and Cleanup report nothing: with a cooperative strategy they run
// once per member, not once per rebalance. ConsumeClaim runs exactly while
// the member owns the partition, whatever the strategy.
func (h *groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *groupHandler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	p := claim.Partition()
	h.state.update(func() { h.state.owned[h.member] = append(h.state.owned[h.member], p) })
	defer h.state.update(func() {
		h.state.owned[h.member] = slices.DeleteFunc(h.state.owned[h.member], func(q int32) bool { return q == p })
	})
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			h.state.update(func() { h.state.values[string(msg.Value)] = true })
			sess.MarkMessage(msg, "")
		case <-sess.Context().Done():
			return nil
		}
	}
}

// closeOrFail closes c and reports an error on t; meant for defer.
func closeOrFail(t testing.TB, what string, c interface{ Close() error }) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Errorf("close %s: %v", what, err)
	}
}
