package testdriver

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// DefaultApplicationID is the application ID the driver uses unless told
// otherwise. Internal topics are named "<id>-<name>", so a changelog is
// e.g. "driver-counts-changelog".
const DefaultApplicationID = "driver"

// DefaultWallClock is the driver's initial wall-clock time: 2024-01-01
// 00:00:00 UTC. A fixed start keeps tests deterministic.
var defaultWallClock = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// Option configures a Driver.
type Option func(*config)

type config struct {
	appID     string
	wall      int64
	stateDir  string
	logger    *slog.Logger
	onDeserEr streamlib.DeserializationHandler
}

// WithApplicationID sets the application ID (default "driver").
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithWallClock sets the initial wall-clock time.
func WithWallClock(t time.Time) Option { return func(c *config) { c.wall = t.UnixMilli() } }

// WithStateDir puts persistent stores under dir instead of a fresh
// temporary directory.
func WithStateDir(dir string) Option { return func(c *config) { c.stateDir = dir } }

// WithLogger sends the topology's logs to l (they are discarded by default).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithDeserializationHandler decides about records the topology cannot
// deserialize; by default they fail the test.
func WithDeserializationHandler(h streamlib.DeserializationHandler) Option {
	return func(c *config) { c.onDeserEr = h }
}

// Driver runs a topology in memory, synchronously: each piped record is
// processed, with everything it causes downstream (repartitions included),
// before the pipe call returns.
type Driver struct {
	tb       testing.TB
	topo     *streamlib.Topology
	cfg      config
	task     *streamlib.Task
	global   *streamlib.GlobalTask
	wall     int64
	queue    []*streamlib.RawRecord // records waiting to be processed, from head on
	head     int
	topics   map[string]*topicLog  // every topic piped to or written
	slab     []streamlib.RawRecord // records are allocated from it, many at a time
	sources  map[string]bool
	globals  map[string]bool
	sinks    map[string]bool
	dynamic  bool
	closed   bool
	inFlight bool
}

// New starts a driver for topo. It fails the test if the topology cannot
// start, and closes itself when the test ends.
func New(tb testing.TB, topo *streamlib.Topology, opts ...Option) *Driver {
	tb.Helper()
	cfg := config{appID: DefaultApplicationID, wall: defaultWallClock}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.stateDir == "" {
		cfg.stateDir = tb.TempDir()
	}
	d := &Driver{
		tb: tb, topo: topo, cfg: cfg, wall: cfg.wall,
		topics:  map[string]*topicLog{},
		sources: map[string]bool{},
		globals: map[string]bool{},
		sinks:   map[string]bool{},
	}
	g, err := topo.NewGlobalTask(streamlib.GlobalTaskConfig{
		ApplicationID: cfg.appID, StateDir: cfg.stateDir, Logger: cfg.logger,
		OnDeserializationError: cfg.onDeserEr,
	})
	if err != nil {
		tb.Fatalf("testdriver: start global stores: %v", err)
	}
	d.global = g
	gstores := map[string]store.StateStore{}
	if g != nil {
		gstores = g.Stores()
		for _, tp := range g.Topics() {
			d.globals[tp] = true
		}
	}
	hasTaskNodes := false
	for _, st := range topo.Subtopologies() {
		if st.Global {
			continue
		}
		hasTaskNodes = true
		for _, tp := range st.SinkTopics {
			d.sinks[topo.TopicName(cfg.appID, tp)] = true
		}
	}
	if hasTaskNodes {
		task, err := topo.NewTask(streamlib.TaskConfig{
			ID:                     streamlib.TaskID{Subtopology: 0, Partition: 0},
			ApplicationID:          cfg.appID,
			Collector:              d,
			StateDir:               cfg.stateDir,
			ChangeLogger:           d.changeLogger,
			GlobalStores:           gstores,
			WallClock:              func() int64 { return d.wall },
			OnDeserializationError: cfg.onDeserEr,
			Logger:                 cfg.logger,
		})
		if err != nil {
			if g != nil {
				_ = g.Close()
			}
			tb.Fatalf("testdriver: start topology: %v", err)
		}
		d.task = task
		for _, tp := range task.SourceTopics() {
			d.sources[tp] = true
		}
	}
	d.dynamic = strings.Contains(topo.Describe(), "extractor class")
	for _, it := range topo.InternalTopics() {
		if it.Kind == streamlib.ChangelogTopic {
			d.sinks[topo.TopicName(cfg.appID, it.Name)] = true
		}
	}
	tb.Cleanup(d.Close)
	return d
}

// Close closes the topology and its stores. The driver calls it when the
// test ends; calling it earlier is fine.
func (d *Driver) Close() {
	if d.closed {
		return
	}
	d.closed = true
	if d.task != nil {
		if err := d.task.Close(); err != nil {
			d.tb.Errorf("testdriver: close: %v", err)
		}
	}
	if d.global != nil {
		if err := d.global.Close(); err != nil {
			d.tb.Errorf("testdriver: close global stores: %v", err)
		}
	}
}

// ApplicationID returns the application ID in use.
func (d *Driver) ApplicationID() string { return d.cfg.appID }

// ChangelogTopic returns the physical name of a store's changelog topic,
// for reading it with OutputTopic.
func (d *Driver) ChangelogTopic(storeName string) string {
	return d.cfg.appID + "-" + storeName + "-changelog"
}

// WallClock returns the driver's wall-clock time in milliseconds.
func (d *Driver) WallClock() int64 { return d.wall }

// StreamTime returns the task's stream time (-1 before the first record).
func (d *Driver) StreamTime() int64 {
	if d.task == nil {
		return -1
	}
	return d.task.StreamTime()
}

// Metrics returns the task's counters: records in and out, drops by reason.
func (d *Driver) Metrics() streamlib.TaskMetrics {
	if d.task == nil {
		return streamlib.TaskMetrics{}
	}
	return d.task.Metrics()
}

// AdvanceWallClock moves the wall clock forward by by, firing the
// wall-clock punctuations that come due, and processes what they caused.
func (d *Driver) AdvanceWallClock(by time.Duration) {
	d.tb.Helper()
	if err := d.TryAdvanceWallClock(by); err != nil {
		d.tb.Fatalf("testdriver: advance wall clock: %v", err)
	}
}

// TryAdvanceWallClock is AdvanceWallClock returning the error instead of
// failing the test.
func (d *Driver) TryAdvanceWallClock(by time.Duration) error {
	d.wall += by.Milliseconds()
	if d.task == nil {
		return nil
	}
	if err := d.task.Punctuate(context.Background(), d.wall); err != nil {
		return err
	}
	return d.drain()
}

// topicLog is one topic's partition as the driver sees it: the next offset,
// and the records written to it that no Output has read yet (from head on).
type topicLog struct {
	offset int64
	source bool // the topology reads it: written records are processed too
	global bool // it fills a global store
	out    []*streamlib.RawRecord
	head   int
}

// topic returns the log of a topic, made on first use.
func (d *Driver) topic(name string) *topicLog {
	tl, ok := d.topics[name]
	if !ok {
		tl = &topicLog{source: d.sources[name], global: d.globals[name]}
		d.topics[name] = tl
	}
	return tl
}

// pending returns how many records of the topic wait to be read.
func (tl *topicLog) pending() int { return len(tl.out) - tl.head }

// next takes the oldest unread record; the buffer is reused once empty.
func (tl *topicLog) next() *streamlib.RawRecord {
	raw := tl.out[tl.head]
	tl.out[tl.head] = nil
	tl.head++
	if tl.head == len(tl.out) {
		tl.out, tl.head = tl.out[:0], 0
	}
	return raw
}

// pipe enqueues raw and processes the queue until it is empty.
func (d *Driver) pipe(tl *topicLog, raw *streamlib.RawRecord) error {
	if d.closed {
		return fmt.Errorf("testdriver: piped to %s after Close", raw.Topic)
	}
	raw.Offset = tl.offset
	tl.offset++
	if tl.global {
		return d.global.Process(context.Background(), raw)
	}
	d.queue = append(d.queue, raw)
	return d.drain()
}

func (d *Driver) drain() error {
	if d.inFlight {
		return nil // a pipe from inside processing: the outer loop drains
	}
	d.inFlight = true
	defer func() { d.inFlight = false }()
	for d.head < len(d.queue) {
		raw := d.queue[d.head]
		d.queue[d.head] = nil
		d.head++
		if err := d.task.Process(context.Background(), raw); err != nil {
			clear(d.queue)
			d.queue, d.head = d.queue[:0], 0
			return err
		}
	}
	d.queue, d.head = d.queue[:0], 0
	return nil
}

// Send implements streamlib.RecordCollector: outputs are kept for reading,
// and records for topics the topology reads (repartition topics, or a
// source topic written back) are processed too.
func (d *Driver) Send(_ context.Context, r streamlib.OutgoingRecord) error {
	tl := d.topic(r.Topic)
	raw := d.newRaw()
	*raw = streamlib.RawRecord{
		Topic: r.Topic, Partition: 0, Offset: tl.offset,
		Key: r.Key, Value: r.Value, Timestamp: r.Timestamp, Headers: r.Headers,
	}
	tl.offset++
	tl.out = append(tl.out, raw)
	if tl.source {
		cp := d.newRaw()
		*cp = *raw
		d.queue = append(d.queue, cp)
	}
	return nil
}

// newRaw returns a zero record from the slab. Records are allocated 256 at
// a time: a test driver handles a record in a microsecond, and one
// allocation per record was a tenth of that.
func (d *Driver) newRaw() *streamlib.RawRecord {
	if len(d.slab) == 0 {
		d.slab = make([]streamlib.RawRecord, 256)
	}
	r := &d.slab[0]
	d.slab = d.slab[1:]
	return r
}

type changelog struct {
	d     *Driver
	topic string
}

func (c changelog) LogChange(key, value []byte, ts int64) error {
	return c.d.Send(context.Background(), streamlib.OutgoingRecord{Topic: c.topic, Key: key, Value: value, Timestamp: ts})
}

func (d *Driver) changeLogger(storeName string) store.ChangeLogger {
	return changelog{d: d, topic: d.ChangelogTopic(storeName)}
}

// knownTopics lists every topic the driver knows, for error messages.
func (d *Driver) knownTopics() string {
	var in, out []string
	for tp := range d.sources {
		if !strings.HasPrefix(tp, d.cfg.appID+"-") {
			in = append(in, tp)
		}
	}
	in = append(in, slices.Collect(maps.Keys(d.globals))...)
	for tp := range d.sinks {
		out = append(out, tp)
	}
	slices.Sort(in)
	slices.Sort(out)
	s := fmt.Sprintf("the topology reads %v and writes %v", in, out)
	if d.dynamic {
		s += " plus topics chosen per record"
	}
	return s
}

// Store returns a store of the topology (global stores included).
func (d *Driver) Store(name string) (store.StateStore, error) {
	if d.task != nil {
		if st, err := d.task.Store(name); err == nil {
			return st, nil
		}
	}
	if d.global != nil {
		if st, ok := d.global.Stores()[name]; ok {
			return st, nil
		}
	}
	return nil, fmt.Errorf("testdriver: no store %q; the topology has %v: %w", name, d.topo.StoreNames(), streamlib.ErrNoSuchStore)
}
