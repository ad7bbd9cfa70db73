package streamlib

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// instance is a node's per-task incarnation.
type instance interface {
	init(t *Task, n *node) error
	close() error
}

// input accepts typed records.
type input[K, V any] interface {
	process(ctx context.Context, r Record[K, V]) error
}

// output forwards typed records to children.
type output[K, V any] interface {
	addChild(name string, in input[K, V])
}

// rawInput accepts serialized records: source nodes.
type rawInput interface {
	processRaw(ctx context.Context, raw *RawRecord, ts int64) error
}

// connectTyped is the connect function of every node that accepts
// Record[K, V]: it hands the child to a parent that outputs Record[K, V].
func connectTyped[K, V any](childName string) func(parent, child instance) error {
	return func(parent, child instance) error {
		out, ok := parent.(output[K, V])
		if !ok {
			return fmt.Errorf("node %s: parent %T does not output %s: %w", childName, parent, recordType[K, V](), ErrTopology)
		}
		in, ok := child.(input[K, V])
		if !ok {
			return fmt.Errorf("node %s: %T does not accept %s: %w", childName, child, recordType[K, V](), ErrTopology)
		}
		out.addChild(childName, in)
		return nil
	}
}

func recordType[K, V any]() string {
	return fmt.Sprintf("Record[%s, %s]", serde.TypeName[K](), serde.TypeName[V]())
}

// ProcessError is the error a task returns when a processor fails. It names
// the node and, when known, the input record's origin.
type ProcessError struct {
	Node     string
	Metadata RecordMetadata
	HasMeta  bool
	Err      error
}

// Error implements error.
func (e *ProcessError) Error() string {
	if e.HasMeta {
		return fmt.Sprintf("processor %s failed on record %s/%d@%d: %v", e.Node, e.Metadata.Topic, e.Metadata.Partition, e.Metadata.Offset, e.Err)
	}
	return fmt.Sprintf("processor %s failed: %v", e.Node, e.Err)
}

// Unwrap returns the cause.
func (e *ProcessError) Unwrap() error { return e.Err }

// procNode runs a Processor and is its ProcessorContext.
type procNode[KI, VI, KO, VO any] struct {
	name       string
	proc       Processor[KI, VI, KO, VO]
	children   []input[KO, VO]
	childNames []string
	task       *Task
	stores     []string
	logger     *slog.Logger
}

func newProcNode[KI, VI, KO, VO any](name string, supplier ProcessorSupplier[KI, VI, KO, VO]) func() instance {
	return func() instance { return &procNode[KI, VI, KO, VO]{name: name, proc: supplier()} }
}

func (p *procNode[KI, VI, KO, VO]) init(t *Task, n *node) error {
	p.task = t
	p.stores = n.stores
	p.logger = t.logger.With("node", p.name)
	if err := p.proc.Init(p); err != nil {
		return &ProcessError{Node: p.name, Err: fmt.Errorf("init: %w", err)}
	}
	return nil
}

func (p *procNode[KI, VI, KO, VO]) close() error { return p.proc.Close() }

func (p *procNode[KI, VI, KO, VO]) addChild(name string, in input[KO, VO]) {
	p.children = append(p.children, in)
	p.childNames = append(p.childNames, name)
}

func (p *procNode[KI, VI, KO, VO]) process(ctx context.Context, r Record[KI, VI]) error {
	if err := p.proc.Process(ctx, r); err != nil {
		return p.task.wrapErr(p.name, err)
	}
	return nil
}

// Forward implements ProcessorContext.
func (p *procNode[KI, VI, KO, VO]) Forward(ctx context.Context, r Record[KO, VO]) error {
	for _, c := range p.children {
		if err := c.process(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// ForwardTo implements ProcessorContext.
func (p *procNode[KI, VI, KO, VO]) ForwardTo(ctx context.Context, child string, r Record[KO, VO]) error {
	i := slices.Index(p.childNames, child)
	if i < 0 {
		return fmt.Errorf("processor %s has no child %q (children: %v): %w", p.name, child, p.childNames, ErrTopology)
	}
	return p.children[i].process(ctx, r)
}

// ApplicationID implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) ApplicationID() string { return p.task.cfg.ApplicationID }

// TaskID implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) TaskID() TaskID { return p.task.cfg.ID }

// Store implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) Store(name string) (store.StateStore, error) {
	if !slices.Contains(p.stores, name) {
		return nil, fmt.Errorf("processor %s is not connected to store %q (connected: %v): %w", p.name, name, p.stores, ErrNoSuchStore)
	}
	return p.task.store(name)
}

// StreamTime implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) StreamTime() int64 { return p.task.streamTime }

// WallClock implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) WallClock() int64 { return p.task.wallClock() }

// RecordMetadata implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) RecordMetadata() (RecordMetadata, bool) {
	return p.task.meta, p.task.hasMeta
}

// Schedule implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) Schedule(interval time.Duration, typ PunctuationType, fn Punctuator) (Cancel, error) {
	return p.task.schedule(p.name, interval, typ, fn)
}

// Dropped implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) Dropped(reason string) { p.task.dropped(p.name, reason) }

// Logger implements TaskContext.
func (p *procNode[KI, VI, KO, VO]) Logger() *slog.Logger { return p.logger }

// sourceNode deserializes raw records and forwards them.
type sourceNode[K, V any] struct {
	name       string
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	children   []input[K, V]
}

func (s *sourceNode[K, V]) init(*Task, *node) error { return nil }
func (s *sourceNode[K, V]) close() error            { return nil }

func (s *sourceNode[K, V]) addChild(_ string, in input[K, V]) { s.children = append(s.children, in) }

func (s *sourceNode[K, V]) processRaw(ctx context.Context, raw *RawRecord, ts int64) error {
	r := Record[K, V]{Timestamp: ts, Headers: raw.Headers}
	if raw.Key != nil {
		k, err := s.keySerde.Deserialize(raw.Key)
		if err != nil {
			return &serde.Error{Topic: raw.Topic, Partition: raw.Partition, Offset: raw.Offset, Side: serde.KeySide, Err: err}
		}
		r.Key = k
	}
	if raw.Value == nil {
		r.Tombstone = true
	} else {
		v, err := s.valueSerde.Deserialize(raw.Value)
		if err != nil {
			return &serde.Error{Topic: raw.Topic, Partition: raw.Partition, Offset: raw.Offset, Side: serde.ValueSide, Err: err}
		}
		r.Value = v
	}
	for _, c := range s.children {
		if err := c.process(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// TopicNameExtractor chooses the topic of each record a dynamic sink writes.
type TopicNameExtractor[K, V any] func(r Record[K, V]) string

// sinkNode serializes records and hands them to the task's collector.
type sinkNode[K, V any] struct {
	name        string
	topic       string
	extractor   TopicNameExtractor[K, V]
	keySerde    serde.Serde[K]
	valueSerde  serde.Serde[V]
	partitioner Partitioner
	task        *Task
}

func (s *sinkNode[K, V]) init(t *Task, _ *node) error {
	s.task = t
	if s.extractor == nil {
		s.topic = t.topology.TopicName(t.cfg.ApplicationID, s.topic)
	}
	return nil
}

func (s *sinkNode[K, V]) close() error { return nil }

func (s *sinkNode[K, V]) process(ctx context.Context, r Record[K, V]) error {
	topic := s.topic
	if s.extractor != nil {
		topic = s.extractor(r)
		if topic == "" {
			return s.task.wrapErr(s.name, errors.New("topic name extractor returned an empty topic"))
		}
	}
	k, err := s.keySerde.Serialize(r.Key)
	if err != nil {
		return s.task.wrapErr(s.name, fmt.Errorf("serialize key for %s: %w", topic, err))
	}
	var v []byte
	if !r.Tombstone {
		if v, err = s.valueSerde.Serialize(r.Value); err != nil {
			return s.task.wrapErr(s.name, fmt.Errorf("serialize value for %s: %w", topic, err))
		}
		if v == nil {
			v = []byte{}
		}
	}
	out := OutgoingRecord{Topic: topic, Key: k, Value: v, Timestamp: r.Timestamp, Headers: r.Headers, Partitioner: s.partitioner}
	if err := s.task.cfg.Collector.Send(ctx, out); err != nil {
		return s.task.wrapErr(s.name, fmt.Errorf("send to %s: %w", topic, err))
	}
	s.task.metrics.RecordsOut++
	return nil
}
