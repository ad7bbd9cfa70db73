package streamlib

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// TaskID names a task: the sub-topology it runs and the input partition it
// owns, printed as "1_3" like Kafka Streams.
type TaskID struct {
	Subtopology int
	Partition   int32
}

// String formats the ID as subtopology_partition.
func (id TaskID) String() string { return fmt.Sprintf("%d_%d", id.Subtopology, id.Partition) }

// OutgoingRecord is a serialized record a sink hands to its runtime.
type OutgoingRecord struct {
	Topic     string
	Key       []byte
	Value     []byte // nil is a tombstone
	Timestamp int64
	Headers   Headers
	// Partitioner, when set, picks the partition; otherwise the runtime's
	// default partitioner does (by key hash).
	Partitioner Partitioner
}

// RecordCollector receives every record a task's sinks produce. The Kafka
// runtime produces them; the test driver captures them.
type RecordCollector interface {
	Send(ctx context.Context, r OutgoingRecord) error
}

// DeserializationAction is what a DeserializationHandler decides.
type DeserializationAction int

const (
	// FailOnError stops the task with the deserialization error.
	FailOnError DeserializationAction = iota
	// ContinueOnError skips the record (the handler has logged, counted or
	// dead-lettered it) and goes on with the next one.
	ContinueOnError
)

// DeserializationHandler decides what happens to a record whose key or
// value cannot be deserialized. err is a *serde.Error.
type DeserializationHandler func(ctx context.Context, raw *RawRecord, err error) DeserializationAction

// TaskConfig is what a runtime gives a task.
type TaskConfig struct {
	ID            TaskID
	ApplicationID string
	// Subtopologies lists the sub-topologies this task runs; nil means all
	// non-global ones (the test driver runs everything in one task).
	Subtopologies []int
	// Collector receives the task's output. Required.
	Collector RecordCollector
	// StateDir is the application's state directory; persistent stores live
	// in StateDir/<task id>/<store>. Empty means stores must be in memory.
	StateDir string
	// ChangeLogger returns the logger for a store's changelog, or nil to not
	// log it. Nil means no store is logged.
	ChangeLogger func(storeName string) store.ChangeLogger
	// GlobalStores are the application's global stores, shared by all tasks.
	GlobalStores map[string]store.StateStore
	// WallClock returns the current time in milliseconds; nil is time.Now.
	WallClock func() int64
	// OnDeserializationError decides about poison pills; nil fails the task.
	OnDeserializationError DeserializationHandler
	// Logger receives the task's logs; nil discards them.
	Logger *slog.Logger
	// StoreCache is the block cache persistent stores share; nil gives each
	// store a cache of its own.
	StoreCache *store.Cache
}

// TaskMetrics counts what a task did.
type TaskMetrics struct {
	RecordsIn  int64
	RecordsOut int64
	// Dropped counts records processors chose to drop, by reason ("late",
	// "null-key", ...), plus "deserialization" for skipped poison pills and
	// "invalid-timestamp" for records with a negative timestamp.
	Dropped      map[string]int64
	Punctuations int64
}

func (m TaskMetrics) clone() TaskMetrics {
	m.Dropped = maps.Clone(m.Dropped)
	return m
}

type schedule struct {
	node     string
	interval int64
	next     int64
	typ      PunctuationType
	fn       Punctuator
	canceled bool
}

// Task runs one partition's worth of a topology: the instances of its nodes
// and its stores. A task is driven from one goroutine: Process, Punctuate,
// Flush and Close must not be called concurrently.
type Task struct {
	topology   *Topology
	cfg        TaskConfig
	logger     *slog.Logger
	instances  map[string]instance
	sources    map[string]*node // physical topic → source node
	stores     map[string]store.StateStore
	storeNames []string
	streamTime int64
	recordTime int64 // timestamp of the input record being processed
	meta       RecordMetadata
	hasMeta    bool
	schedules  []*schedule
	metrics    TaskMetrics
	closed     bool
}

// NewTask builds the instances and stores of a task and initializes them.
func (t *Topology) NewTask(cfg TaskConfig) (*Task, error) {
	if cfg.Collector == nil {
		return nil, errors.New("streamlib: TaskConfig.Collector is required")
	}
	if cfg.ApplicationID == "" {
		return nil, errors.New("streamlib: TaskConfig.ApplicationID is required")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	task := &Task{
		topology:   t,
		cfg:        cfg,
		logger:     logger.With("task", cfg.ID.String()),
		instances:  map[string]instance{},
		sources:    map[string]*node{},
		stores:     map[string]store.StateStore{},
		streamTime: -1,
		metrics:    TaskMetrics{Dropped: map[string]int64{}},
	}
	var nodes []*node
	for _, st := range t.subtopologies {
		if st.Global {
			continue
		}
		if cfg.Subtopologies != nil && !slices.Contains(cfg.Subtopologies, st.ID) {
			continue
		}
		nodes = append(nodes, st.nodes...)
		for _, s := range st.Stores {
			if !slices.Contains(task.storeNames, s) {
				task.storeNames = append(task.storeNames, s)
			}
		}
	}
	if len(nodes) == 0 {
		return nil, fmt.Errorf("streamlib: task %s runs no nodes (sub-topologies %v)", cfg.ID, cfg.Subtopologies)
	}
	if err := task.buildStores(); err != nil {
		task.closeStores()
		return nil, err
	}
	for _, n := range nodes {
		task.instances[n.name] = n.newInstance()
		if n.kind == sourceKind {
			for _, tp := range n.topics {
				task.sources[t.TopicName(cfg.ApplicationID, tp)] = n
			}
		}
	}
	for _, n := range nodes {
		for _, c := range n.children {
			if err := c.connect(task.instances[n.name], task.instances[c.name]); err != nil {
				task.closeStores()
				return nil, err
			}
		}
	}
	// Initialize children before parents, so a processor that forwards from
	// Init (rare) reaches initialized children.
	for _, n := range slices.Backward(nodes) {
		if err := task.instances[n.name].init(task, n); err != nil {
			task.closeStores()
			return nil, fmt.Errorf("task %s: %w", cfg.ID, err)
		}
	}
	return task, nil
}

func (t *Task) buildStores() error {
	for _, name := range t.storeNames {
		sd := t.topology.stores[name]
		ctx := store.Context{
			TaskID:          t.cfg.ID.String(),
			StreamTime:      func() int64 { return t.streamTime },
			RecordTimestamp: func() int64 { return t.recordTime },
			Cache:           t.cfg.StoreCache,
			Logger:          t.logger.With("store", name),
		}
		if t.cfg.StateDir != "" {
			ctx.Dir = filepath.Join(t.cfg.StateDir, t.cfg.ID.String())
		}
		if sd.builder.Logged() && t.cfg.ChangeLogger != nil {
			ctx.ChangeLogger = t.cfg.ChangeLogger(name)
		}
		st, err := sd.builder.Build(ctx)
		if err != nil {
			return fmt.Errorf("task %s: build store %q: %w", t.cfg.ID, name, err)
		}
		t.stores[name] = st
	}
	return nil
}

func (t *Task) store(name string) (store.StateStore, error) {
	if st, ok := t.stores[name]; ok {
		return st, nil
	}
	if st, ok := t.cfg.GlobalStores[name]; ok {
		return st, nil
	}
	return nil, fmt.Errorf("task %s has no store %q: %w", t.cfg.ID, name, ErrNoSuchStore)
}

// ID returns the task's ID.
func (t *Task) ID() TaskID { return t.cfg.ID }

// Store returns one of the task's stores (global stores included).
func (t *Task) Store(name string) (store.StateStore, error) { return t.store(name) }

// StoreNames returns the names of the task's own (non-global) stores.
func (t *Task) StoreNames() []string { return slices.Clone(t.storeNames) }

// SourceTopics returns the physical topics the task reads.
func (t *Task) SourceTopics() []string {
	out := slices.Collect(maps.Keys(t.sources))
	slices.Sort(out)
	return out
}

// StreamTime returns the largest timestamp processed, or -1 before the first.
func (t *Task) StreamTime() int64 { return t.streamTime }

// Metrics returns a copy of the task's counters.
func (t *Task) Metrics() TaskMetrics { return t.metrics.clone() }

func (t *Task) wallClock() int64 {
	if t.cfg.WallClock != nil {
		return t.cfg.WallClock()
	}
	return time.Now().UnixMilli()
}

// wrapErr attaches the node and record origin to err, once.
func (t *Task) wrapErr(nodeName string, err error) error {
	var pe *ProcessError
	if errors.As(err, &pe) {
		return err
	}
	return &ProcessError{Node: nodeName, Metadata: t.meta, HasMeta: t.hasMeta, Err: err}
}

func (t *Task) dropped(nodeName, reason string) {
	t.metrics.Dropped[reason]++
	t.logger.Debug("record dropped", "node", nodeName, "reason", reason,
		"topic", t.meta.Topic, "partition", t.meta.Partition, "offset", t.meta.Offset)
}

// Process runs one input record through the task: it advances stream time,
// runs the record through the topology, then fires any stream-time
// punctuations that are due.
func (t *Task) Process(ctx context.Context, raw *RawRecord) error {
	if t.closed {
		return fmt.Errorf("task %s: %w", t.cfg.ID, store.ErrClosed)
	}
	src, ok := t.sources[raw.Topic]
	if !ok {
		return fmt.Errorf("task %s does not read topic %q (it reads %v)", t.cfg.ID, raw.Topic, t.SourceTopics())
	}
	t.metrics.RecordsIn++
	extract := src.extractor
	if extract == nil {
		extract = RecordTimestamp
	}
	ts := extract(raw, t.streamTime)
	t.meta = RecordMetadata{Topic: raw.Topic, Partition: raw.Partition, Offset: raw.Offset}
	t.hasMeta = true
	defer func() { t.hasMeta = false }()
	if ts < 0 {
		t.dropped(src.name, "invalid-timestamp")
		return nil
	}
	if ts > t.streamTime {
		t.streamTime = ts
	}
	t.recordTime = ts
	err := t.instances[src.name].(rawInput).processRaw(ctx, raw, ts)
	if err != nil {
		var se *serde.Error
		if errors.As(err, &se) {
			if t.cfg.OnDeserializationError != nil && t.cfg.OnDeserializationError(ctx, raw, err) == ContinueOnError {
				t.metrics.Dropped["deserialization"]++
				return nil
			}
			return fmt.Errorf("task %s: %w", t.cfg.ID, err)
		}
		return fmt.Errorf("task %s: %w", t.cfg.ID, err)
	}
	t.hasMeta = false
	return t.punctuate(ctx, StreamTime, t.streamTime)
}

// schedule registers a punctuation. Stream-time schedules fire first on the
// next record; wall-clock schedules one interval from now.
func (t *Task) schedule(nodeName string, interval time.Duration, typ PunctuationType, fn Punctuator) (Cancel, error) {
	if interval < time.Millisecond {
		return nil, fmt.Errorf("punctuation interval %v must be at least 1ms", interval)
	}
	s := &schedule{node: nodeName, interval: interval.Milliseconds(), typ: typ, fn: fn}
	if typ == WallClockTime {
		s.next = t.wallClock() + s.interval
	} else {
		s.next = -1 << 62
	}
	t.schedules = append(t.schedules, s)
	return func() { s.canceled = true }, nil
}

// Punctuate fires the wall-clock punctuations due at now (milliseconds).
// Runtimes call it periodically; the test driver on AdvanceWallClock.
func (t *Task) Punctuate(ctx context.Context, now int64) error {
	return t.punctuate(ctx, WallClockTime, now)
}

func (t *Task) punctuate(ctx context.Context, typ PunctuationType, now int64) error {
	if len(t.schedules) == 0 {
		return nil
	}
	due := make([]*schedule, 0, len(t.schedules))
	for _, s := range t.schedules {
		if s.typ == typ && !s.canceled && s.next <= now {
			due = append(due, s)
		}
	}
	slices.SortStableFunc(due, func(a, b *schedule) int { return cmp.Compare(a.next, b.next) })
	for _, s := range due {
		// Catch up without a burst: one call per due schedule, at now.
		s.next = now + s.interval
		t.metrics.Punctuations++
		if err := s.fn(ctx, now); err != nil {
			return fmt.Errorf("task %s: %w", t.cfg.ID, &ProcessError{Node: s.node, Err: fmt.Errorf("%s punctuation: %w", typ, err)})
		}
	}
	t.schedules = slices.DeleteFunc(t.schedules, func(s *schedule) bool { return s.canceled })
	return nil
}

// Flush flushes every store of the task.
func (t *Task) Flush() error {
	var errs []error
	for _, name := range t.storeNames {
		if err := t.stores[name].Flush(); err != nil {
			errs = append(errs, fmt.Errorf("flush store %q: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// Close closes the processors, then flushes and closes the stores. It is
// safe to call twice.
func (t *Task) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	var errs []error
	for name, in := range t.instances {
		if err := in.close(); err != nil {
			errs = append(errs, fmt.Errorf("close processor %s: %w", name, err))
		}
	}
	if err := t.Flush(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, t.closeStores())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("task %s: %w", t.cfg.ID, err)
	}
	return nil
}

func (t *Task) closeStores() error {
	var errs []error
	for name, st := range t.stores {
		if err := st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store %q: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
