package sqltest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// DefaultNow is the time a Runtime stamps a record inserted without
// ROWTIME: 2024-01-01 00:00:00 UTC, fixed so tests are deterministic.
var DefaultNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Runtime runs an engine's queries on the streamlib test driver: each
// query is a testdriver.Driver, and the runtime keeps every topic as an
// in-memory log that feeds the drivers reading it. It is synchronous:
// when Produce returns, the record and everything it caused in every
// query (their outputs feeding further queries included) has been
// processed, and a push query's rows have arrived.
//
// Every topic exists (with one partition, or the partitions a statement
// asked for); the drivers run one partition per topic, like Kafka
// Streams' driver. A query started with auto.offset.reset=earliest first
// reads its topics' records from the beginning, in the order they were
// produced.
type Runtime struct {
	tb  testing.TB
	now time.Time

	mu      sync.Mutex
	topics  map[string]*topicLog
	seq     int64
	queries []*driverQuery
	depth   int
}

type topicLog struct {
	partitions int
	records    []logged
}

type logged struct {
	seq int64
	rec engine.Record
}

// NewRuntime returns an empty runtime whose drivers belong to tb: they are
// closed when the test ends, and a topology that cannot start fails it.
func NewRuntime(tb testing.TB) *Runtime {
	return &Runtime{tb: tb, now: DefaultNow, topics: map[string]*topicLog{}}
}

// NewEngine returns an engine on a new Runtime, with auto.offset.reset
// set to earliest (as ksqlDB's query tests run), closed when the test ends.
func NewEngine(tb testing.TB, opts ...engine.Option) (*engine.Engine, *Runtime) {
	rt := NewRuntime(tb)
	opts = append([]engine.Option{engine.WithProperties(map[string]string{"auto.offset.reset": "earliest"})}, opts...)
	e := engine.New(rt, opts...)
	tb.Cleanup(func() { _ = e.Close() })
	return e, rt
}

// SetNow sets the time of records inserted without ROWTIME.
func (r *Runtime) SetNow(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = t
}

// Now implements engine.Runtime.
func (r *Runtime) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *Runtime) topic(name string) *topicLog {
	t, ok := r.topics[name]
	if !ok {
		t = &topicLog{partitions: 1}
		r.topics[name] = t
	}
	return t
}

// EnsureTopic implements engine.Runtime: topics are created on demand.
func (r *Runtime) EnsureTopic(_ context.Context, name string, partitions, _ int) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.topics[name]; ok {
		return t.partitions, nil
	}
	t := r.topic(name)
	if partitions > 0 {
		t.partitions = partitions
	}
	return t.partitions, nil
}

// DeleteTopic implements engine.Runtime.
func (r *Runtime) DeleteTopic(_ context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.topics[name]; !ok {
		return fmt.Errorf("topic %s: %w", name, engine.ErrNoTopic)
	}
	delete(r.topics, name)
	return nil
}

// Topics implements engine.Runtime.
func (r *Runtime) Topics(context.Context) ([]engine.TopicInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]engine.TopicInfo, 0, len(r.topics))
	for name, t := range r.topics {
		out = append(out, engine.TopicInfo{Name: name, Partitions: t.partitions})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Records returns every record produced to a topic so far, in order.
func (r *Runtime) Records(topic string) []engine.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.topics[topic]
	if !ok {
		return nil
	}
	out := make([]engine.Record, len(t.records))
	for i, l := range t.records {
		out[i] = l.rec
	}
	return out
}

// Produce implements engine.Runtime.
func (r *Runtime) Produce(_ context.Context, rec engine.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deliver(rec)
}

// maxDepth bounds chains of queries feeding each other, so that a cycle
// (a query writing what it reads, through others) fails instead of
// recursing forever.
const maxDepth = 64

// deliver appends a record to its topic and feeds it to every running
// query that reads the topic, then delivers what they wrote.
func (r *Runtime) deliver(rec engine.Record) error {
	if r.depth >= maxDepth {
		return fmt.Errorf("sqltest: records flow through more than %d queries in a row; do queries feed each other in a cycle?", maxDepth)
	}
	r.depth++
	defer func() { r.depth-- }()
	t := r.topic(rec.Topic)
	r.seq++
	t.records = append(t.records, logged{seq: r.seq, rec: rec})
	for _, q := range slices.Clone(r.queries) {
		if err := r.feed(q, rec); err != nil {
			return err
		}
	}
	return nil
}

// feed pipes one record into a query and delivers its outputs.
func (r *Runtime) feed(q *driverQuery, rec engine.Record) error {
	in, ok := q.inputs[rec.Topic]
	if !ok || q.stopped.Load() || q.failed() {
		return nil
	}
	if err := in.PipeRaw(rec.Key, rec.Value, rec.Timestamp, nil); err != nil {
		q.fail(err)
		return nil // the query failed; the record was produced
	}
	for _, topic := range q.sinkTopics {
		for _, out := range q.outputs[topic].ReadRecords() {
			next := engine.Record{Topic: topic, Key: out.Key, Value: out.Value, Timestamp: out.Timestamp}
			if out.Tombstone {
				next.Value = nil
			}
			if err := r.deliver(next); err != nil {
				return err
			}
		}
	}
	return nil
}

// reap closes and forgets the stopped queries; the runtime's lock is held.
func (r *Runtime) reap() {
	kept := r.queries[:0]
	for _, q := range r.queries {
		if q.stopped.Load() {
			q.close()
			continue
		}
		kept = append(kept, q)
	}
	clear(r.queries[len(kept):])
	r.queries = kept
}

// Start implements engine.Runtime: the query becomes a test driver.
func (r *Runtime) Start(_ context.Context, spec engine.QuerySpec) (engine.RunningQuery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	onErr := spec.OnError
	if onErr == nil {
		onErr = func(error) {}
	}
	d := testdriver.New(r.tb, spec.Topology,
		testdriver.WithApplicationID("query-"+spec.ID),
		testdriver.WithDeserializationHandler(func(_ context.Context, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
			onErr(fmt.Errorf("skipped the record at %s/%d@%d: %w", raw.Topic, raw.Partition, raw.Offset, err))
			return streamlib.ContinueOnError
		}))
	q := &driverQuery{rt: r, id: spec.ID, d: d, done: make(chan struct{}),
		inputs:  map[string]*testdriver.Input[[]byte, []byte]{},
		outputs: map[string]*testdriver.Output[[]byte, []byte]{}}
	topo := spec.Topology
	for _, st := range topo.Subtopologies() {
		for _, tp := range st.SourceTopics {
			if !topo.IsInternal(tp) {
				if _, ok := q.inputs[tp]; !ok {
					q.inputs[tp] = testdriver.InputTopic(d, tp, serde.Bytes(), serde.Bytes())
				}
			}
		}
		for _, tp := range st.SinkTopics {
			if !topo.IsInternal(tp) && !slices.Contains(q.sinkTopics, tp) {
				q.sinkTopics = append(q.sinkTopics, tp)
				q.outputs[tp] = testdriver.OutputTopic(d, tp, serde.Bytes(), serde.Bytes())
			}
		}
	}
	if spec.OffsetReset == "earliest" {
		// Read what the topics hold, in the order it was produced.
		var backlog []logged
		for tp := range q.inputs {
			if t, ok := r.topics[tp]; ok {
				backlog = append(backlog, t.records...)
			}
		}
		sort.Slice(backlog, func(i, j int) bool { return backlog[i].seq < backlog[j].seq })
		for _, l := range backlog {
			if err := r.feed(q, l.rec); err != nil {
				q.close()
				return nil, err
			}
		}
	}
	r.queries = append(r.queries, q)
	return q, nil
}

// driverQuery is a query running on a test driver.
type driverQuery struct {
	rt         *Runtime
	id         string
	d          *testdriver.Driver
	inputs     map[string]*testdriver.Input[[]byte, []byte]
	outputs    map[string]*testdriver.Output[[]byte, []byte]
	sinkTopics []string

	stopped  atomic.Bool
	errMu    sync.Mutex
	err      error
	done     chan struct{}
	doneOnce sync.Once
	closed   bool
}

func (q *driverQuery) fail(err error) {
	q.errMu.Lock()
	if q.err == nil {
		q.err = fmt.Errorf("query %s failed: %w", q.id, err)
	}
	q.errMu.Unlock()
	q.doneOnce.Do(func() { close(q.done) })
}

func (q *driverQuery) failed() bool { return q.Err() != nil }

// Err implements engine.RunningQuery.
func (q *driverQuery) Err() error {
	q.errMu.Lock()
	defer q.errMu.Unlock()
	return q.err
}

// Done implements engine.RunningQuery.
func (q *driverQuery) Done() <-chan struct{} { return q.done }

// close closes the driver; the runtime's lock is held.
func (q *driverQuery) close() {
	if q.closed {
		return
	}
	q.closed = true
	q.d.Close()
	q.doneOnce.Do(func() { close(q.done) })
}

// Stop implements engine.RunningQuery. It waits for the record that is
// flowing, if any, to be done.
func (q *driverQuery) Stop() error {
	q.stopped.Store(true)
	q.rt.mu.Lock()
	defer q.rt.mu.Unlock()
	q.rt.reap()
	return nil
}

// Store implements engine.RunningQuery.
func (q *driverQuery) Store(name string) (store.ReadOnlyKeyValueStore[plan.Row, plan.Row], error) {
	q.rt.mu.Lock()
	defer q.rt.mu.Unlock()
	if q.closed {
		return nil, errors.New("the query has stopped")
	}
	st, err := q.d.Store(name)
	if err != nil {
		return nil, err
	}
	kv, ok := st.(store.ReadOnlyKeyValueStore[plan.Row, plan.Row])
	if !ok {
		return nil, fmt.Errorf("store %s is a %T, not a key-value store of rows", name, st)
	}
	return lockedStore{kv: kv, mu: &q.rt.mu}, nil
}

// lockedStore holds the runtime's lock while it reads, because the
// drivers are not safe for concurrent use.
type lockedStore struct {
	kv store.ReadOnlyKeyValueStore[plan.Row, plan.Row]
	mu *sync.Mutex
}

func (s lockedStore) Get(key plan.Row) (plan.Row, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kv.Get(key)
}

func (s lockedStore) locked(seq iter.Seq2[store.KeyValue[plan.Row, plan.Row], error]) iter.Seq2[store.KeyValue[plan.Row, plan.Row], error] {
	return func(yield func(store.KeyValue[plan.Row, plan.Row], error) bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		seq(yield)
	}
}

func (s lockedStore) Range(from, to plan.Row) iter.Seq2[store.KeyValue[plan.Row, plan.Row], error] {
	return s.locked(s.kv.Range(from, to))
}

func (s lockedStore) Prefix(prefix plan.Row) iter.Seq2[store.KeyValue[plan.Row, plan.Row], error] {
	return s.locked(s.kv.Prefix(prefix))
}

func (s lockedStore) All() iter.Seq2[store.KeyValue[plan.Row, plan.Row], error] {
	return s.locked(s.kv.All())
}

func (s lockedStore) ApproximateNumEntries() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kv.ApproximateNumEntries()
}
