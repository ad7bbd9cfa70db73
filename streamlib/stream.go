package streamlib

import (
	"context"
	"fmt"
	"strconv"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// KStream is an unbounded sequence of independent records: every record is
// an event, and two records with the same key are two events, not an
// update. Operations that keep the record types are methods; operations that
// change them are package functions (MapValues, Map, GroupBy, Join...),
// because Go methods cannot introduce type parameters.
//
// A KStream remembers the serdes of its key and value. Sources set them;
// type-changing operations pick serde.For of the new type; WithSerdes
// overrides them. Sinks, repartitions and stores use them.
type KStream[K, V any] struct {
	b          *Builder
	n          *node
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	// rekeyed is set after an operation that may have changed the key, so
	// that grouping and joining insert a repartition topic first.
	rekeyed bool
}

// Stream reads topic as a stream.
func Stream[K, V any](b *Builder, topic string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...Option) KStream[K, V] {
	return Streams(b, []string{topic}, keySerde, valueSerde, opts...)
}

// Streams reads several topics as one stream; their records must share types.
func Streams[K, V any](b *Builder, topics []string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...Option) KStream[K, V] {
	o := applyOptions(opts)
	if len(topics) == 0 {
		b.errorf("Stream: no topics")
	}
	n := sourceNodeDef(b, topics, false, o, keySerde, valueSerde)
	return KStream[K, V]{b: b, n: n, keySerde: keySerde, valueSerde: valueSerde}
}

func sourceNodeDef[K, V any](b *Builder, topics []string, internal bool, o options, ks serde.Serde[K], vs serde.Serde[V]) *node {
	name := b.name(o, "KSTREAM-SOURCE-")
	if ks == nil || vs == nil {
		b.errorf("source %s of %v: key and value serdes are required", name, topics)
	}
	n := &node{name: name, kind: sourceKind, topics: topics, internal: internal, extractor: o.extractor, offsetReset: o.offsetReset}
	n.newInstance = func() instance { return &sourceNode[K, V]{name: name, keySerde: ks, valueSerde: vs} }
	return b.addNode(n)
}

// Builder returns the builder the stream belongs to.
func (s KStream[K, V]) Builder() *Builder { return s.b }

// NodeName returns the name of the node that produces this stream.
func (s KStream[K, V]) NodeName() string { return s.n.name }

// WithSerdes returns the same stream with other serdes for later sinks,
// repartitions and stores. It adds no node.
func (s KStream[K, V]) WithSerdes(keySerde serde.Serde[K], valueSerde serde.Serde[V]) KStream[K, V] {
	s.keySerde, s.valueSerde = keySerde, valueSerde
	return s
}

// KeySerde returns the serde the stream uses for keys.
func (s KStream[K, V]) KeySerde() serde.Serde[K] { return s.keySerde }

// ValueSerde returns the serde the stream uses for values.
func (s KStream[K, V]) ValueSerde() serde.Serde[V] { return s.valueSerde }

// derive returns a stream of the same types fed by node n.
func (s KStream[K, V]) derive(n *node) KStream[K, V] {
	return KStream[K, V]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: s.valueSerde, rekeyed: s.rekeyed}
}

// addProcessor adds a processor node under parents and returns it.
func addProcessor[KI, VI, KO, VO any](b *Builder, name string, supplier ProcessorSupplier[KI, VI, KO, VO], parents ...*node) *node {
	n := &node{name: name, kind: processorKind}
	n.newInstance = newProcNode(name, supplier)
	n.connect = connectTyped[KI, VI](name)
	return b.addNode(n, parents...)
}

// statelessFunc makes a processor from a per-record function.
func statelessFunc[KI, VI, KO, VO any](f func(ctx context.Context, pctx ProcessorContext[KO, VO], r Record[KI, VI]) error) ProcessorSupplier[KI, VI, KO, VO] {
	return ProcessFunc(f)
}

// Filter keeps the records for which pred is true. Tombstones pass.
func (s KStream[K, V]) Filter(pred func(key K, value V) bool, opts ...Option) KStream[K, V] {
	return s.filter("KSTREAM-FILTER-", pred, false, opts)
}

// FilterNot drops the records for which pred is true. Tombstones pass.
func (s KStream[K, V]) FilterNot(pred func(key K, value V) bool, opts ...Option) KStream[K, V] {
	return s.filter("KSTREAM-FILTER-", pred, true, opts)
}

func (s KStream[K, V]) filter(prefix string, pred func(K, V) bool, not bool, opts []Option) KStream[K, V] {
	name := s.b.name(applyOptions(opts), prefix)
	return s.derive(addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, V], r Record[K, V]) error {
		if r.Tombstone || pred(r.Key, r.Value) != not {
			return pctx.Forward(ctx, r)
		}
		return nil
	}), s.n))
}

// Peek calls f for each record and passes the record on unchanged. Use it
// for side effects such as logging; f does not see tombstones.
func (s KStream[K, V]) Peek(f func(key K, value V), opts ...Option) KStream[K, V] {
	name := s.b.name(applyOptions(opts), "KSTREAM-PEEK-")
	return s.derive(addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, V], r Record[K, V]) error {
		if !r.Tombstone {
			f(r.Key, r.Value)
		}
		return pctx.Forward(ctx, r)
	}), s.n))
}

// Foreach calls f for each record and ends the stream. f does not see
// tombstones. An error from f stops the task.
func (s KStream[K, V]) Foreach(f func(ctx context.Context, key K, value V) error, opts ...Option) {
	name := s.b.name(applyOptions(opts), "KSTREAM-FOREACH-")
	addProcessor(s.b, name, statelessFunc(func(ctx context.Context, _ ProcessorContext[K, V], r Record[K, V]) error {
		if r.Tombstone {
			return nil
		}
		return f(ctx, r.Key, r.Value)
	}), s.n)
}

// Merge returns one stream with the records of s and other, in the order
// they are processed.
func (s KStream[K, V]) Merge(other KStream[K, V], opts ...Option) KStream[K, V] {
	name := s.b.name(applyOptions(opts), "KSTREAM-MERGE-")
	out := s.derive(addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, V], r Record[K, V]) error {
		return pctx.Forward(ctx, r)
	}), s.n, other.n))
	out.rekeyed = s.rekeyed || other.rekeyed
	return out
}

// To writes the stream to topic with the stream's serdes. Tombstones are
// written as records with a null value.
func (s KStream[K, V]) To(topic string, opts ...Option) {
	o := applyOptions(opts)
	name := s.b.name(o, "KSTREAM-SINK-")
	addSink(s.b, name, topic, nil, s.keySerde, s.valueSerde, o, false, s.n)
}

// ToFunc writes each record to the topic extract chooses for it (dynamic
// routing). The topics must exist.
func (s KStream[K, V]) ToFunc(extract TopicNameExtractor[K, V], opts ...Option) {
	o := applyOptions(opts)
	name := s.b.name(o, "KSTREAM-SINK-")
	if extract == nil {
		s.b.errorf("ToFunc %s: nil topic name extractor", name)
		return
	}
	addSink(s.b, name, "", extract, s.keySerde, s.valueSerde, o, false, s.n)
}

func addSink[K, V any](b *Builder, name, topic string, extract TopicNameExtractor[K, V], ks serde.Serde[K], vs serde.Serde[V], o options, internal bool, parent *node) *node {
	if ks == nil || vs == nil {
		b.errorf("sink %s: no serdes; call WithSerdes on the stream first", name)
	}
	n := &node{name: name, kind: sinkKind, topic: topic, dynamic: extract != nil, partitioner: o.partitioner, internal: internal}
	n.newInstance = func() instance {
		return &sinkNode[K, V]{name: name, topic: topic, extractor: extract, keySerde: ks, valueSerde: vs, partitioner: o.partitioner}
	}
	n.connect = connectTyped[K, V](name)
	return b.addNode(n, parent)
}

// Repartition writes the stream through an internal topic, so that records
// are spread over partitions by their current key, and reads it back. Later
// sub-topologies see every record of a key in one task. Use WithPartitions to
// set the topic's partition count.
func (s KStream[K, V]) Repartition(opts ...Option) KStream[K, V] {
	o := applyOptions(opts)
	base := o.name
	if base == "" {
		base = s.b.nextName("KSTREAM-REPARTITION-")
	}
	return repartitionThrough(s, base, o)
}

// repartitionThrough adds sink → <base>-repartition → source and returns the
// stream read back.
func repartitionThrough[K, V any](s KStream[K, V], base string, o options) KStream[K, V] {
	topic := base + "-repartition"
	s.b.addInternalTopic(topic, RepartitionTopic, o.partitions)
	sinkName := s.b.nextName("KSTREAM-SINK-")
	addSink(s.b, sinkName, topic, nil, s.keySerde, s.valueSerde, options{partitioner: o.partitioner}, true, s.n)
	src := sourceNodeDef(s.b, []string{topic}, true, options{name: ""}, s.keySerde, s.valueSerde)
	return KStream[K, V]{b: s.b, n: src, keySerde: s.keySerde, valueSerde: s.valueSerde}
}

// Split routes each record to the first branch whose predicate accepts it.
// Name the branches with Branch, then finish with Default or NoDefault:
//
//	branches := orders.Split(streamlib.Named("total-")).
//		Branch("above", func(_ string, v OrderValue) bool { return v.Value >= 2000 }).
//		Default("below")
//	above, below := branches["total-above"], branches["total-below"]
//
// As in Kafka Streams, the split node takes the name given with Named
// (else KSTREAM-BRANCH-NNNNNNNNNN), and each branch is named by the
// split's name followed by the branch name, or by its position (1, 2, ...;
// 0 for the default branch) when the branch name is empty. Tombstones go to
// the default branch, or are dropped without one.
func (s KStream[K, V]) Split(opts ...Option) *Splitter[K, V] {
	o := applyOptions(opts)
	name := s.b.name(o, "KSTREAM-BRANCH-")
	sp := &Splitter[K, V]{s: s, prefix: name}
	sp.n = addProcessor(s.b, name, func() Processor[K, V, K, V] { return &splitProcessor[K, V]{sp: sp} }, s.n)
	return sp
}

// Splitter collects the branches of a Split.
type Splitter[K, V any] struct {
	s        KStream[K, V]
	n        *node
	prefix   string
	preds    []func(K, V) bool
	branches []string
	hasDef   bool
	done     bool
}

// Branch adds a branch that receives the records pred accepts (and no
// earlier branch took).
func (sp *Splitter[K, V]) Branch(name string, pred func(key K, value V) bool) *Splitter[K, V] {
	if sp.done {
		sp.s.b.errorf("Split: Branch %q after Default/NoDefault", name)
		return sp
	}
	sp.preds = append(sp.preds, pred)
	if name == "" {
		name = strconv.Itoa(len(sp.preds))
	}
	sp.branches = append(sp.branches, sp.prefix+name)
	return sp
}

// Default adds a last branch for the records no predicate accepted, and
// returns all branches by name.
func (sp *Splitter[K, V]) Default(name string) map[string]KStream[K, V] {
	sp.hasDef = true
	if name == "" {
		name = "0"
	}
	sp.branches = append(sp.branches, sp.prefix+name)
	return sp.finish()
}

// NoDefault drops the records no predicate accepted, and returns the
// branches by name.
func (sp *Splitter[K, V]) NoDefault() map[string]KStream[K, V] { return sp.finish() }

func (sp *Splitter[K, V]) finish() map[string]KStream[K, V] {
	out := map[string]KStream[K, V]{}
	if sp.done {
		sp.s.b.errorf("Split: finished twice")
		return out
	}
	sp.done = true
	for _, bn := range sp.branches {
		// Kafka Streams draws a number for every branch, so the names of
		// the nodes that follow match its names.
		_ = sp.s.b.nextName(bn)
		child := addProcessor(sp.s.b, bn, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, V], r Record[K, V]) error {
			return pctx.Forward(ctx, r)
		}), sp.n)
		out[bn] = sp.s.derive(child)
	}
	return out
}

type splitProcessor[K, V any] struct {
	sp   *Splitter[K, V]
	pctx ProcessorContext[K, V]
}

func (p *splitProcessor[K, V]) Init(pctx ProcessorContext[K, V]) error { p.pctx = pctx; return nil }
func (p *splitProcessor[K, V]) Close() error                           { return nil }

func (p *splitProcessor[K, V]) Process(ctx context.Context, r Record[K, V]) error {
	if !r.Tombstone {
		for i, pred := range p.sp.preds {
			if pred(r.Key, r.Value) {
				return p.pctx.ForwardTo(ctx, p.sp.branches[i], r)
			}
		}
	}
	if p.sp.hasDef {
		return p.pctx.ForwardTo(ctx, p.sp.branches[len(p.sp.branches)-1], r)
	}
	return nil
}

// MapValues replaces each value by f(key, value). The key is unchanged, so
// no repartition follows. Tombstones pass as tombstones.
func MapValues[K, V, VR any](s KStream[K, V], f func(key K, value V) VR, opts ...Option) KStream[K, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-MAPVALUES-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, VR], r Record[K, V]) error {
		if r.Tombstone {
			return pctx.Forward(ctx, Record[K, VR]{Key: r.Key, Timestamp: r.Timestamp, Headers: r.Headers, Tombstone: true})
		}
		return pctx.Forward(ctx, WithValue(r, f(r.Key, r.Value)))
	}), s.n)
	return KStream[K, VR]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
}

// Map replaces each record's key and value by f(key, value). Grouping or
// joining the result repartitions it first. Tombstones are dropped.
func Map[K, V, KR, VR any](s KStream[K, V], f func(key K, value V) (KR, VR), opts ...Option) KStream[KR, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-MAP-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[KR, VR], r Record[K, V]) error {
		if r.Tombstone {
			pctx.Dropped("tombstone")
			return nil
		}
		k, v := f(r.Key, r.Value)
		return pctx.Forward(ctx, WithKeyValue(r, k, v))
	}), s.n)
	return KStream[KR, VR]{b: s.b, n: n, keySerde: serde.For[KR](), valueSerde: serde.For[VR](), rekeyed: true}
}

// SelectKey gives each record the key f(key, value), keeping the value.
// Grouping or joining the result repartitions it first. Tombstones are dropped.
func SelectKey[K, V, KR any](s KStream[K, V], f func(key K, value V) KR, opts ...Option) KStream[KR, V] {
	name := s.b.name(applyOptions(opts), "KSTREAM-KEY-SELECT-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[KR, V], r Record[K, V]) error {
		if r.Tombstone {
			pctx.Dropped("tombstone")
			return nil
		}
		return pctx.Forward(ctx, WithKeyValue(r, f(r.Key, r.Value), r.Value))
	}), s.n)
	return KStream[KR, V]{b: s.b, n: n, keySerde: serde.For[KR](), valueSerde: s.valueSerde, rekeyed: true}
}

// FlatMap turns each record into zero or more records with new keys and
// values. Grouping or joining the result repartitions it first.
func FlatMap[K, V, KR, VR any](s KStream[K, V], f func(key K, value V) []KeyValue[KR, VR], opts ...Option) KStream[KR, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-FLATMAP-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[KR, VR], r Record[K, V]) error {
		if r.Tombstone {
			pctx.Dropped("tombstone")
			return nil
		}
		for _, kv := range f(r.Key, r.Value) {
			if err := pctx.Forward(ctx, WithKeyValue(r, kv.Key, kv.Value)); err != nil {
				return err
			}
		}
		return nil
	}), s.n)
	return KStream[KR, VR]{b: s.b, n: n, keySerde: serde.For[KR](), valueSerde: serde.For[VR](), rekeyed: true}
}

// FlatMapValues turns each value into zero or more values with the same key.
func FlatMapValues[K, V, VR any](s KStream[K, V], f func(key K, value V) []VR, opts ...Option) KStream[K, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-FLATMAPVALUES-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, VR], r Record[K, V]) error {
		if r.Tombstone {
			pctx.Dropped("tombstone")
			return nil
		}
		for _, v := range f(r.Key, r.Value) {
			if err := pctx.Forward(ctx, WithValue(r, v)); err != nil {
				return err
			}
		}
		return nil
	}), s.n)
	return KStream[K, VR]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
}

// MapRecord rewrites whole records: key, value, timestamp and headers. f
// sees tombstones (Tombstone set) and may return one. Return false to drop
// the record. Because the key may change, grouping or joining the result
// repartitions it first.
func MapRecord[K, V, KR, VR any](s KStream[K, V], f func(r Record[K, V]) (Record[KR, VR], bool), opts ...Option) KStream[KR, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-MAP-")
	n := addProcessor(s.b, name, statelessFunc(func(ctx context.Context, pctx ProcessorContext[KR, VR], r Record[K, V]) error {
		out, ok := f(r)
		if !ok {
			return nil
		}
		return pctx.Forward(ctx, out)
	}), s.n)
	return KStream[KR, VR]{b: s.b, n: n, keySerde: serde.For[KR](), valueSerde: serde.For[VR](), rekeyed: true}
}

// Process runs a hand-written processor on the stream and returns its
// output. The named stores (added with Builder.AddStore) are connected to it.
// The key may change, so grouping or joining the result repartitions it.
func Process[K, V, KR, VR any](s KStream[K, V], supplier ProcessorSupplier[K, V, KR, VR], storeNames []string, opts ...Option) KStream[KR, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-PROCESSOR-")
	n := addProcessor(s.b, name, supplier, s.n)
	for _, st := range storeNames {
		s.b.ConnectStore(st, name)
	}
	return KStream[KR, VR]{b: s.b, n: n, keySerde: serde.For[KR](), valueSerde: serde.For[VR](), rekeyed: true}
}

// ProcessValues is Process for processors that keep the key: the result is
// not repartitioned before grouping or joining.
func ProcessValues[K, V, VR any](s KStream[K, V], supplier ProcessorSupplier[K, V, K, VR], storeNames []string, opts ...Option) KStream[K, VR] {
	name := s.b.name(applyOptions(opts), "KSTREAM-PROCESSVALUES-")
	n := addProcessor(s.b, name, supplier, s.n)
	for _, st := range storeNames {
		s.b.ConnectStore(st, name)
	}
	return KStream[K, VR]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
}

// String describes the stream for debugging.
func (s KStream[K, V]) String() string {
	return fmt.Sprintf("KStream[%s, %s](%s)", serde.TypeName[K](), serde.TypeName[V](), s.n.name)
}
