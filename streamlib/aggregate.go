package streamlib

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// KGroupedStream is a stream grouped by key, ready to aggregate. If the key
// was changed upstream, aggregating first repartitions the records through
// an internal topic so that each key is aggregated in one task.
type KGroupedStream[K, V any] struct {
	s    KStream[K, V]
	name string
}

// GroupByKey groups the stream by its current key.
func GroupByKey[K, V any](s KStream[K, V], opts ...Option) KGroupedStream[K, V] {
	return KGroupedStream[K, V]{s: s, name: applyOptions(opts).name}
}

// GroupBy groups the stream by the key f computes from each record. The
// records are repartitioned by that key before they are aggregated.
func GroupBy[K, V, KR any](s KStream[K, V], f func(key K, value V) KR, opts ...Option) KGroupedStream[KR, V] {
	o := applyOptions(opts)
	return KGroupedStream[KR, V]{s: SelectKey(s, f), name: o.name}
}

// Stream returns the grouped stream's records (for windowed aggregations).
func (g KGroupedStream[K, V]) Stream() KStream[K, V] { return g.s }

// Name returns the grouping's name (from Named), or "".
func (g KGroupedStream[K, V]) Name() string { return g.name }

// prepare returns the stream to aggregate, repartitioned when needed, and
// the aggregation's node and store names.
func (g KGroupedStream[K, V]) prepare(o options, prefix string) (KStream[K, V], string, string) {
	name := g.s.b.name(o, prefix)
	storeName := g.s.b.storeName(o, prefix)
	s := g.s
	if s.rekeyed {
		base := g.name
		if base == "" {
			base = storeName
		}
		s = repartitionThrough(s, base, options{partitions: o.partitions})
	}
	return s, name, storeName
}

// Prepare is prepare for other packages of this module that build windowed
// and SQL aggregations: it returns the stream to aggregate (repartitioned if
// the key changed) and the names to use.
func (g KGroupedStream[K, V]) Prepare(opts []Option, prefix string) (KStream[K, V], string, string) {
	return g.prepare(applyOptions(opts), prefix)
}

// Count counts the records per key. The result is a table (materialized
// under Materialized's name, or a generated one).
func Count[K, V any](g KGroupedStream[K, V], opts ...Option) KTable[K, int64] {
	return Aggregate(g, func() int64 { return 0 }, func(_ K, _ V, n int64) int64 { return n + 1 }, opts...)
}

// Reduce combines the records of each key with f(aggregate, value); the
// first record of a key is its initial aggregate.
func Reduce[K, V any](g KGroupedStream[K, V], f func(agg, value V) V, opts ...Option) KTable[K, V] {
	o := applyOptions(opts)
	s, name, storeName := g.prepare(o, "KSTREAM-REDUCE-")
	return aggregateNode(s, name, storeName, o, g.s.valueSerde, func(_ K, v V, agg V, has bool) V {
		if !has {
			return v
		}
		return f(agg, v)
	})
}

// Aggregate folds the records of each key into an aggregate: init makes a
// key's first aggregate, agg adds one record. The aggregate's serde is
// serde.For[VA]().
func Aggregate[K, V, VA any](g KGroupedStream[K, V], init func() VA, agg func(key K, value V, aggregate VA) VA, opts ...Option) KTable[K, VA] {
	o := applyOptions(opts)
	s, name, storeName := g.prepare(o, "KSTREAM-AGGREGATE-")
	return aggregateNode(s, name, storeName, o, serde.For[VA](), func(k K, v V, a VA, has bool) VA {
		if !has {
			a = init()
		}
		return agg(k, v, a)
	})
}

func aggregateNode[K, V, VA any](s KStream[K, V], name, storeName string, o options, vs serde.Serde[VA], step func(K, V, VA, bool) VA) KTable[K, VA] {
	n := addProcessor(s.b, name, func() Processor[K, V, K, Change[VA]] {
		return &aggregateProcessor[K, V, VA]{storeName: storeName, step: step}
	}, s.n)
	s.b.addStoreDef(tableStore(storeName, s.keySerde, vs, o, false), false, n)
	return KTable[K, VA]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: vs, storeName: storeName, getter: storeGetter[K, VA](storeName)}
}

type aggregateProcessor[K, V, VA any] struct {
	storeName string
	step      func(K, V, VA, bool) VA
	pctx      ProcessorContext[K, Change[VA]]
	st        store.KeyValueStore[K, store.ValueAndTimestamp[VA]]
}

func (p *aggregateProcessor[K, V, VA]) Init(pctx ProcessorContext[K, Change[VA]]) error {
	p.pctx = pctx
	st, err := KeyValueStoreOf[K, store.ValueAndTimestamp[VA]](pctx, p.storeName)
	p.st = st
	return err
}

func (p *aggregateProcessor[K, V, VA]) Close() error { return nil }

func (p *aggregateProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	old, has, err := p.st.Get(r.Key)
	if err != nil {
		return fmt.Errorf("aggregate store %s: get %v: %w", p.storeName, r.Key, err)
	}
	next := p.step(r.Key, r.Value, old.Value, has)
	ts := max(r.Timestamp, old.Timestamp)
	if err := p.st.Put(r.Key, store.ValueAndTimestamp[VA]{Value: next, Timestamp: ts}); err != nil {
		return fmt.Errorf("aggregate store %s: put %v: %w", p.storeName, r.Key, err)
	}
	ch := Change[VA]{New: next, HasNew: true, Old: old.Value, HasOld: has}
	return p.pctx.Forward(ctx, Record[K, Change[VA]]{Key: r.Key, Value: ch, Timestamp: ts, Headers: r.Headers})
}

// KGroupedTable is a table re-grouped by a new key, ready to aggregate with
// an adder and a subtractor: when a row changes, its old value is
// subtracted from its old group and its new value added to its new group.
type KGroupedTable[K, V any] struct {
	s    KStream[K, Change[V]] // repartitioned changes
	vs   serde.Serde[V]
	name string
}

// TableGroupBy re-groups a table by the key and value f computes from each
// row. The changes travel through a repartition topic: when a row moves to
// another group, the old group first receives a subtraction, then the new
// group an addition.
func TableGroupBy[K, V, KR, VR any](t KTable[K, V], f func(key K, value V) (KR, VR), opts ...Option) KGroupedTable[KR, VR] {
	o := applyOptions(opts)
	name := t.b.name(o, "KTABLE-SELECT-")
	ks, vs := serde.For[KR](), serde.For[VR]()
	n := addProcessor(t.b, name, ProcessFunc(func(ctx context.Context, pctx ProcessorContext[KR, Change[VR]], r Record[K, Change[V]]) error {
		var oldK, newK KR
		var oldV, newV VR
		if r.Value.HasOld {
			oldK, oldV = f(r.Key, r.Value.Old)
		}
		if r.Value.HasNew {
			newK, newV = f(r.Key, r.Value.New)
		}
		if r.Value.HasOld && r.Value.HasNew && sameKey(ks, oldK, newK) {
			return pctx.Forward(ctx, Record[KR, Change[VR]]{Key: newK, Value: Change[VR]{New: newV, HasNew: true, Old: oldV, HasOld: true}, Timestamp: r.Timestamp, Headers: r.Headers})
		}
		if r.Value.HasOld {
			if err := pctx.Forward(ctx, Record[KR, Change[VR]]{Key: oldK, Value: Change[VR]{Old: oldV, HasOld: true}, Timestamp: r.Timestamp, Headers: r.Headers}); err != nil {
				return err
			}
		}
		if r.Value.HasNew {
			return pctx.Forward(ctx, Record[KR, Change[VR]]{Key: newK, Value: Change[VR]{New: newV, HasNew: true}, Timestamp: r.Timestamp, Headers: r.Headers})
		}
		return nil
	}), t.n)
	changes := KStream[KR, Change[VR]]{b: t.b, n: n, keySerde: ks, valueSerde: ChangeSerde(vs), rekeyed: true}
	return KGroupedTable[KR, VR]{s: changes, vs: vs, name: o.name}
}

func sameKey[K any](ks serde.Serde[K], a, b K) bool {
	ab, err1 := ks.Serialize(a)
	bb, err2 := ks.Serialize(b)
	return err1 == nil && err2 == nil && string(ab) == string(bb)
}

// TableAggregate aggregates a re-grouped table: adder folds a row into its
// group's aggregate, subtractor takes a row out.
func TableAggregate[K, V, VA any](g KGroupedTable[K, V], init func() VA, adder, subtractor func(key K, value V, aggregate VA) VA, opts ...Option) KTable[K, VA] {
	o := applyOptions(opts)
	b := g.s.b
	name := b.name(o, "KTABLE-AGGREGATE-")
	storeName := b.storeName(o, "KTABLE-AGGREGATE-")
	base := g.name
	if base == "" {
		base = storeName
	}
	s := repartitionThrough(g.s, base, options{partitions: o.partitions})
	vs := serde.For[VA]()
	n := addProcessor(b, name, func() Processor[K, Change[V], K, Change[VA]] {
		return &tableAggregateProcessor[K, V, VA]{storeName: storeName, init: init, adder: adder, subtractor: subtractor}
	}, s.n)
	b.addStoreDef(tableStore(storeName, s.keySerde, vs, o, false), false, n)
	return KTable[K, VA]{b: b, n: n, keySerde: s.keySerde, valueSerde: vs, storeName: storeName, getter: storeGetter[K, VA](storeName)}
}

// TableCount counts the rows per group of a re-grouped table.
func TableCount[K, V any](g KGroupedTable[K, V], opts ...Option) KTable[K, int64] {
	return TableAggregate(g, func() int64 { return 0 },
		func(_ K, _ V, n int64) int64 { return n + 1 },
		func(_ K, _ V, n int64) int64 { return n - 1 }, opts...)
}

type tableAggregateProcessor[K, V, VA any] struct {
	storeName         string
	init              func() VA
	adder, subtractor func(K, V, VA) VA
	pctx              ProcessorContext[K, Change[VA]]
	st                store.KeyValueStore[K, store.ValueAndTimestamp[VA]]
}

func (p *tableAggregateProcessor[K, V, VA]) Init(pctx ProcessorContext[K, Change[VA]]) error {
	p.pctx = pctx
	st, err := KeyValueStoreOf[K, store.ValueAndTimestamp[VA]](pctx, p.storeName)
	p.st = st
	return err
}

func (p *tableAggregateProcessor[K, V, VA]) Close() error { return nil }

func (p *tableAggregateProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, Change[V]]) error {
	old, has, err := p.st.Get(r.Key)
	if err != nil {
		return fmt.Errorf("aggregate store %s: get %v: %w", p.storeName, r.Key, err)
	}
	agg := old.Value
	if !has {
		agg = p.init()
	}
	if r.Value.HasOld {
		agg = p.subtractor(r.Key, r.Value.Old, agg)
	}
	if r.Value.HasNew {
		agg = p.adder(r.Key, r.Value.New, agg)
	}
	ts := r.Timestamp
	if has {
		ts = max(ts, old.Timestamp)
	}
	if err := p.st.Put(r.Key, store.ValueAndTimestamp[VA]{Value: agg, Timestamp: ts}); err != nil {
		return fmt.Errorf("aggregate store %s: put %v: %w", p.storeName, r.Key, err)
	}
	return p.pctx.Forward(ctx, Record[K, Change[VA]]{Key: r.Key, Value: Change[VA]{New: agg, HasNew: true, Old: old.Value, HasOld: has}, Timestamp: ts, Headers: r.Headers})
}

// ChangeSerde serializes table changes for repartition topics: a flag byte
// (1 = has new, 2 = has old), the new value's length (4 bytes, big-endian)
// and bytes, then the old value's bytes.
func ChangeSerde[V any](inner serde.Serde[V]) serde.Serde[Change[V]] {
	return changeSerde[V]{inner: inner}
}

type changeSerde[V any] struct{ inner serde.Serde[V] }

var errShortChange = errors.New("change record too short")

func (c changeSerde[V]) Serialize(ch Change[V]) ([]byte, error) {
	var flags byte
	var nb, ob []byte
	var err error
	if ch.HasNew {
		flags |= 1
		if nb, err = c.inner.Serialize(ch.New); err != nil {
			return nil, err
		}
	}
	if ch.HasOld {
		flags |= 2
		if ob, err = c.inner.Serialize(ch.Old); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, 5+len(nb)+len(ob))
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, uint32(len(nb)))
	out = append(out, nb...)
	return append(out, ob...), nil
}

func (c changeSerde[V]) Deserialize(data []byte) (Change[V], error) {
	var ch Change[V]
	if len(data) < 5 {
		return ch, errShortChange
	}
	flags := data[0]
	n := int(binary.BigEndian.Uint32(data[1:5]))
	if len(data) < 5+n {
		return ch, errShortChange
	}
	var err error
	if flags&1 != 0 {
		if ch.New, err = c.inner.Deserialize(data[5 : 5+n]); err != nil {
			return ch, err
		}
		ch.HasNew = true
	}
	if flags&2 != 0 {
		if ch.Old, err = c.inner.Deserialize(data[5+n:]); err != nil {
			return ch, err
		}
		ch.HasOld = true
	}
	return ch, nil
}
