package embedded_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker on
		// first use and never stops it; it is not ours to stop.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
	)
}

// start runs a cluster for one test and closes it when the test ends;
// TestMain checks that nothing was left running.
func start(t *testing.T, opts ...embedded.Option) *embedded.Cluster {
	t.Helper()
	c, err := embedded.Start(t.Context(), opts...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func TestClientFeatures(t *testing.T) {
	tests := []struct {
		name  string
		check func(testing.TB, []string)
	}{
		{"idempotent produce and consume", kafkatest.CheckRoundTrip},
		{"transactions and read_committed", kafkatest.CheckTransactions},
		{"consumer group shares partitions", kafkatest.CheckGroupSharing},
		{"consumer group with cooperative-sticky", func(t testing.TB, addrs []string) {
			kafkatest.CheckGroupSharingWith(t, addrs, sarama.NewBalanceStrategyCooperativeSticky())
		}},
		{"consume-transform-produce in transactions", kafkatest.CheckConsumeTransformProduce},
	}
	for _, brokers := range []int{1, 3} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/brokers=%d", tt.name, brokers), func(t *testing.T) {
				t.Parallel() // each subtest has a cluster of its own
				c := start(t, embedded.WithBrokers(brokers))
				tt.check(t, c.Addrs())
			})
		}
	}
}

func TestStartOptions(t *testing.T) {
	c := start(t,
		embedded.WithBrokers(2),
		embedded.WithTopic("orders", 4),
		embedded.WithTopic("payments", 1),
		embedded.WithDefaultPartitions(5),
		embedded.WithLogger(slog.New(slog.DiscardHandler)),
	)
	addrs := c.Addrs()
	require.Len(t, addrs, 2)
	for _, a := range addrs {
		host, _, err := net.SplitHostPort(a)
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1", host)
	}

	require.NoError(t, c.CreateTopic(t.Context(), "explicit", 2))
	require.NoError(t, c.CreateTopic(t.Context(), "explicit", 7), "creating an existing topic is not an error")
	require.NoError(t, c.CreateTopic(t.Context(), "defaulted", 0))

	want := map[string]int{"orders": 4, "payments": 1, "explicit": 2, "defaulted": 5, "auto-created": 5}
	client, err := sarama.NewClient(addrs, kafkatest.ClientConfig())
	require.NoError(t, err)
	defer client.Close()
	for topic, n := range want {
		ps, err := client.Partitions(topic) // auto-creates "auto-created"
		require.NoError(t, err, "partitions of %q", topic)
		require.Len(t, ps, n, "partitions of %q", topic)
	}
}

func TestWithLogger(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := start(t, embedded.WithLogger(logger))

	// A malformed request is one of the few things the broker logs: a
	// Metadata v1 header followed by a truncated body.
	conn, err := net.Dial("tcp", c.Addrs()[0])
	require.NoError(t, err)
	defer conn.Close()
	body := []byte{0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0}
	frame := append([]byte{0, 0, 0, byte(len(body))}, body...)
	_, err = conn.Write(frame)
	require.NoError(t, err)

	require.Eventually(t, func() bool { return strings.Contains(buf.String(), "component=kfake") },
		10*time.Second, 10*time.Millisecond, "the broker's log lines must reach the logger")
	require.Contains(t, buf.String(), "unable to parse request")
}

// syncBuffer is a bytes.Buffer safe for the broker's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestWithPorts(t *testing.T) {
	// Reserve two free ports, release them, and ask for them.
	var ports []int
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
		require.NoError(t, ln.Close())
	}
	c := start(t, embedded.WithPorts(ports...))
	var got []int
	for _, a := range c.Addrs() {
		got = append(got, a2port(t, a))
	}
	require.Equal(t, ports, got)

	_, err := embedded.Start(t.Context(), embedded.WithPorts(ports[0]))
	require.Error(t, err, "a port in use must fail Start")
}

func a2port(t *testing.T, addr string) int {
	t.Helper()
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	require.NoError(t, err)
	return tcp.Port
}

func TestStartRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []embedded.Option
		want string
	}{
		{"no brokers", []embedded.Option{embedded.WithBrokers(0)}, "at least 1"},
		{"brokers and ports disagree", []embedded.Option{embedded.WithBrokers(3), embedded.WithPorts(0, 0)}, "conflicts"},
		{"bad port", []embedded.Option{embedded.WithPorts(70000)}, "out of range"},
		{"zero default partitions", []embedded.Option{embedded.WithDefaultPartitions(0)}, "default partitions"},
		{"topic without name", []embedded.Option{embedded.WithTopic("", 1)}, "name"},
		{"topic without partitions", []embedded.Option{embedded.WithTopic("t", 0)}, "partitions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := embedded.Start(t.Context(), tt.opts...)
			require.Error(t, err)
			require.Nil(t, c)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestStartWithDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := embedded.Start(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestCloseIsIdempotentAndFinal(t *testing.T) {
	c, err := embedded.Start(t.Context())
	require.NoError(t, err)
	addr := c.Addrs()[0]

	// A connected client must not keep the broker alive.
	client, err := sarama.NewClient(c.Addrs(), kafkatest.ClientConfig())
	require.NoError(t, err)
	defer client.Close()

	c.Close()
	c.Close()

	err = c.CreateTopic(t.Context(), "late", 1)
	require.ErrorIs(t, err, embedded.ErrClosed)

	conn, err := net.Dial("tcp", addr)
	if err == nil {
		conn.Close()
	}
	require.Error(t, err, "the listener must be gone after Close")
}

func TestCreateTopicValidates(t *testing.T) {
	c := start(t)
	err := c.CreateTopic(t.Context(), "", 1)
	require.Error(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = c.CreateTopic(ctx, "t", 1)
	require.ErrorIs(t, err, context.Canceled)

	for _, name := range []string{strings.Repeat("x", 250), "..", "has space", "slash/ed"} {
		err = c.CreateTopic(t.Context(), name, 1)
		require.Error(t, err, "topic name %q must be rejected as Kafka does", name)
		require.False(t, errors.Is(err, embedded.ErrClosed))
	}
	require.NoError(t, c.CreateTopic(t.Context(), strings.Repeat("x", 249), 1))
	require.NoError(t, c.CreateTopic(t.Context(), "Orders.v1_new-2", 1))
}
