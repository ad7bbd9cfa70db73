package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// env is one test's world: a fresh in-process Kafka with an empty orders
// topic, and a Submitter writing to it.
type env struct {
	cluster *embedded.Cluster
	sub     *Submitter
	ids     int
}

// newEnv starts a cluster and a Submitter with small timeouts, so that a
// failing write fails fast. Both are closed when the test ends.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	cluster, err := embedded.Start(ctx, embedded.WithTopic(domain.OrdersTopicName, 1))
	if err != nil {
		t.Fatalf("start the embedded Kafka cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	e := &env{cluster: cluster}
	sub, err := NewSubmitter(SubmitterConfig{
		Brokers:      cluster.Addrs(),
		Timeout:      time.Second,
		Retries:      1,
		RetryBackoff: 10 * time.Millisecond,
		MaxBodyBytes: 1 << 10,
		NewID: func() string {
			e.ids++
			return fmt.Sprintf("generated-%d", e.ids)
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("NewSubmitter: %v\n(TODO 1.1 configures the producer; the error above says which setting sarama refused)", err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	e.sub = sub
	return e
}

// post sends body to the handler like a client would, on the test's
// goroutine, and reports a panic (an unfinished TODO) as a test failure.
func (e *env) post(t *testing.T, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	if msg, panicked := catch(func() { e.sub.ServeHTTP(rec, req) }); panicked {
		t.Fatalf("POST %s %s: the handler panicked:\n\t%s\nFinish that TODO first.", Path, body, msg)
	}
	return rec
}

// catch runs f and returns the value it panicked with, if it did.
func catch(f func()) (msg string, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			msg, panicked = fmt.Sprint(r), true
		}
	}()
	f()
	return "", false
}

// record is one record read back from a topic.
type record struct {
	Key   string
	Value string
}

// records returns every record on the orders topic, oldest first. It reads
// up to the end of the log as the broker sees it right now, so it shows
// exactly what has been acknowledged so far; it never waits for more.
func (e *env) records(t *testing.T) []record {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_8_0_0
	cfg.Consumer.Return.Errors = true
	// At the end of the log the broker holds a fetch open this long; keep
	// it short, since records never waits for more.
	cfg.Consumer.MaxWaitTime = 10 * time.Millisecond
	client, err := sarama.NewClient(e.cluster.Addrs(), cfg)
	if err != nil {
		t.Fatalf("connect a reader to the cluster: %v", err)
	}
	defer func() { _ = client.Close() }()
	end, err := client.GetOffset(domain.OrdersTopicName, 0, sarama.OffsetNewest)
	if err != nil {
		t.Fatalf("ask the broker for the end of %s: %v", domain.OrdersTopicName, err)
	}
	if end == 0 {
		return nil
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatalf("create a reader: %v", err)
	}
	defer func() { _ = consumer.Close() }()
	pc, err := consumer.ConsumePartition(domain.OrdersTopicName, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatalf("read %s: %v", domain.OrdersTopicName, err)
	}
	defer func() { _ = pc.Close() }()
	var out []record
	deadline := time.After(3 * time.Second)
	for int64(len(out)) < end {
		select {
		case m := <-pc.Messages():
			out = append(out, record{Key: string(m.Key), Value: string(m.Value)})
		case err := <-pc.Errors():
			t.Fatalf("read %s: %v", domain.OrdersTopicName, err)
		case <-deadline:
			t.Fatalf("read %s: got %d of the %d records the broker holds after 3s", domain.OrdersTopicName, len(out), end)
		}
	}
	return out
}

// errorBody returns the "error" field of a JSON error answer, or the raw
// body when it is not one.
func errorBody(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	raw, _ := io.ReadAll(rec.Result().Body)
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == "" {
		return string(raw)
	}
	return body.Error
}
