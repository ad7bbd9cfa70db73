package streamlib

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// KTable is a changelog seen as a table: each record is an update of its
// key's row, and a tombstone deletes the row. Operations on a table produce
// tables; ToStream turns the updates back into a stream.
//
// Internally a table forwards Change values (new and old row), so that
// aggregations over a re-grouped table can subtract the old row and joins
// can retract results.
type KTable[K, V any] struct {
	b          *Builder
	n          *node // outputs Record[K, Change[V]]
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	// storeName is the store holding the table's current rows, or "" when
	// the table is computed on the fly from its parent's.
	storeName string
	getter    *valueGetter[K, V]
	// windowClose is set on windowed tables: how long after a window's end
	// it closes (the grace period; for sessions gap + grace). Suppress
	// uses it to know when a result is final.
	windowClose *int64
}

// valueGetter looks up a table's current row by key from inside a task.
type valueGetter[K, V any] struct {
	// stores must be connected to any processor that uses the getter.
	stores []string
	open   func(tc TaskContext) (lookup func(key K) (store.ValueAndTimestamp[V], bool, error), err error)
}

func storeGetter[K, V any](name string) *valueGetter[K, V] {
	return &valueGetter[K, V]{
		stores: []string{name},
		open: func(tc TaskContext) (func(K) (store.ValueAndTimestamp[V], bool, error), error) {
			st, err := storeAs[store.ReadOnlyKeyValueStore[K, store.ValueAndTimestamp[V]]](tc, name)
			if err != nil {
				return nil, err
			}
			return st.Get, nil
		},
	}
}

// connectGetter gives processor access to everything the getter reads.
func connectGetter[K, V any](b *Builder, g *valueGetter[K, V], processor string) {
	for _, s := range g.stores {
		b.ConnectStore(s, processor)
	}
}

// tableStore returns the builder of a table's key-value store of values
// with timestamps.
func tableStore[K, V any](name string, ks serde.Serde[K], vs serde.Serde[V], o options, global bool) store.Builder {
	var sopts []store.Option
	if o.persistent {
		sopts = append(sopts, store.Persistent())
	}
	if o.noLogging || global {
		sopts = append(sopts, store.WithoutLogging())
	}
	if o.logConfig != nil {
		sopts = append(sopts, store.WithLogConfig(o.logConfig))
	}
	return store.NewKeyValue(name, ks, store.ValueAndTimestampSerde(vs), sopts...)
}

// Table reads topic as a table, materialized in a key-value store (named
// with Materialized, or generated). Tombstones delete rows.
func Table[K, V any](b *Builder, topic string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...Option) KTable[K, V] {
	o := applyOptions(opts)
	src := sourceNodeDef(b, []string{topic}, false, options{extractor: o.extractor, offsetReset: o.offsetReset}, keySerde, valueSerde)
	name := b.name(o, "KTABLE-SOURCE-")
	storeName := o.storeName
	if storeName == "" {
		storeName = b.nextName(topic + "-STATE-STORE-")
	}
	n := addProcessor(b, name, tableSourceSupplier[K, V](storeName), src)
	b.addStoreDef(tableStore(storeName, keySerde, valueSerde, o, false), false, n)
	return KTable[K, V]{b: b, n: n, keySerde: keySerde, valueSerde: valueSerde, storeName: storeName, getter: storeGetter[K, V](storeName)}
}

func tableSourceSupplier[K, V any](storeName string) ProcessorSupplier[K, V, K, Change[V]] {
	return func() Processor[K, V, K, Change[V]] { return &tableSource[K, V]{storeName: storeName} }
}

type tableSource[K, V any] struct {
	storeName string
	pctx      ProcessorContext[K, Change[V]]
	st        store.KeyValueStore[K, store.ValueAndTimestamp[V]]
}

func (p *tableSource[K, V]) Init(pctx ProcessorContext[K, Change[V]]) error {
	p.pctx = pctx
	st, err := KeyValueStoreOf[K, store.ValueAndTimestamp[V]](pctx, p.storeName)
	p.st = st
	return err
}

func (p *tableSource[K, V]) Close() error { return nil }

func (p *tableSource[K, V]) Process(ctx context.Context, r Record[K, V]) error {
	old, hasOld, err := p.st.Get(r.Key)
	if err != nil {
		return fmt.Errorf("table %s: get %v: %w", p.storeName, r.Key, err)
	}
	if r.Tombstone {
		err = p.st.Delete(r.Key)
	} else {
		err = p.st.Put(r.Key, store.ValueAndTimestamp[V]{Value: r.Value, Timestamp: r.Timestamp})
	}
	if err != nil {
		return fmt.Errorf("table %s: write %v: %w", p.storeName, r.Key, err)
	}
	ch := Change[V]{New: r.Value, HasNew: !r.Tombstone, Old: old.Value, HasOld: hasOld}
	return p.pctx.Forward(ctx, Record[K, Change[V]]{Key: r.Key, Value: ch, Timestamp: r.Timestamp, Headers: r.Headers})
}

// Builder returns the builder the table belongs to.
func (t KTable[K, V]) Builder() *Builder { return t.b }

// NodeName returns the name of the node that produces the table's updates.
func (t KTable[K, V]) NodeName() string { return t.n.name }

// StoreName returns the name of the store that holds the table's rows, or
// "" when the table is not materialized (see Materialized).
func (t KTable[K, V]) StoreName() string { return t.storeName }

// KeySerde returns the serde the table uses for keys.
func (t KTable[K, V]) KeySerde() serde.Serde[K] { return t.keySerde }

// ValueSerde returns the serde the table uses for values.
func (t KTable[K, V]) ValueSerde() serde.Serde[V] { return t.valueSerde }

// WithSerdes returns the same table with other serdes. It adds no node.
func (t KTable[K, V]) WithSerdes(keySerde serde.Serde[K], valueSerde serde.Serde[V]) KTable[K, V] {
	t.keySerde, t.valueSerde = keySerde, valueSerde
	return t
}

// Filter keeps the rows for which pred is true: a row that stops matching is
// deleted downstream (a tombstone), as in Kafka Streams.
func (t KTable[K, V]) Filter(pred func(key K, value V) bool, opts ...Option) KTable[K, V] {
	return t.filter(pred, false, opts)
}

// FilterNot keeps the rows for which pred is false.
func (t KTable[K, V]) FilterNot(pred func(key K, value V) bool, opts ...Option) KTable[K, V] {
	return t.filter(pred, true, opts)
}

func (t KTable[K, V]) filter(pred func(K, V) bool, not bool, opts []Option) KTable[K, V] {
	o := applyOptions(opts)
	keep := func(k K, v V, has bool) bool { return has && pred(k, v) != not }
	return tableMapChange(t, "KTABLE-FILTER-", o, t.valueSerde, func(k K, ch Change[V]) (Change[V], bool) {
		out := Change[V]{HasNew: keep(k, ch.New, ch.HasNew), HasOld: keep(k, ch.Old, ch.HasOld)}
		if out.HasNew {
			out.New = ch.New
		}
		if out.HasOld {
			out.Old = ch.Old
		}
		return out, out.HasNew || out.HasOld
	}, func(k K, v V) (V, bool) { return v, pred(k, v) != not })
}

// TableMapValues derives a table whose rows are f(key, row).
func TableMapValues[K, V, VR any](t KTable[K, V], f func(key K, value V) VR, opts ...Option) KTable[K, VR] {
	o := applyOptions(opts)
	return tableMapChange(t, "KTABLE-MAPVALUES-", o, serde.For[VR](), func(k K, ch Change[V]) (Change[VR], bool) {
		var out Change[VR]
		if ch.HasNew {
			out.New, out.HasNew = f(k, ch.New), true
		}
		if ch.HasOld {
			out.Old, out.HasOld = f(k, ch.Old), true
		}
		return out, true
	}, func(k K, v V) (VR, bool) { return f(k, v), true })
}

// tableMapChange adds a processor that maps each Change (and can drop it),
// with a matching value getter so that joins see the mapped rows. The
// result is materialized when opts name a store.
func tableMapChange[K, V, VR any](t KTable[K, V], prefix string, o options, vs serde.Serde[VR],
	mapChange func(K, Change[V]) (Change[VR], bool), mapRow func(K, V) (VR, bool)) KTable[K, VR] {
	name := t.b.name(o, prefix)
	storeName := o.storeName
	n := addProcessor(t.b, name, func() Processor[K, Change[V], K, Change[VR]] {
		return &tableMapProcessor[K, V, VR]{storeName: storeName, mapChange: mapChange}
	}, t.n)
	out := KTable[K, VR]{b: t.b, n: n, keySerde: t.keySerde, valueSerde: vs, storeName: storeName}
	if storeName != "" {
		t.b.addStoreDef(tableStore(storeName, t.keySerde, vs, o, false), false, n)
		out.getter = storeGetter[K, VR](storeName)
		return out
	}
	parent := t.getter
	out.getter = &valueGetter[K, VR]{
		stores: parent.stores,
		open: func(tc TaskContext) (func(K) (store.ValueAndTimestamp[VR], bool, error), error) {
			get, err := parent.open(tc)
			if err != nil {
				return nil, err
			}
			return func(k K) (store.ValueAndTimestamp[VR], bool, error) {
				v, ok, err := get(k)
				if err != nil || !ok {
					return store.ValueAndTimestamp[VR]{}, false, err
				}
				vr, keep := mapRow(k, v.Value)
				return store.ValueAndTimestamp[VR]{Value: vr, Timestamp: v.Timestamp}, keep, nil
			}, nil
		},
	}
	return out
}

type tableMapProcessor[K, V, VR any] struct {
	storeName string
	mapChange func(K, Change[V]) (Change[VR], bool)
	pctx      ProcessorContext[K, Change[VR]]
	st        store.KeyValueStore[K, store.ValueAndTimestamp[VR]]
}

func (p *tableMapProcessor[K, V, VR]) Init(pctx ProcessorContext[K, Change[VR]]) error {
	p.pctx = pctx
	if p.storeName != "" {
		st, err := KeyValueStoreOf[K, store.ValueAndTimestamp[VR]](pctx, p.storeName)
		if err != nil {
			return err
		}
		p.st = st
	}
	return nil
}

func (p *tableMapProcessor[K, V, VR]) Close() error { return nil }

func (p *tableMapProcessor[K, V, VR]) Process(ctx context.Context, r Record[K, Change[V]]) error {
	ch, ok := p.mapChange(r.Key, r.Value)
	if !ok {
		return nil
	}
	if p.st != nil {
		var err error
		if ch.HasNew {
			err = p.st.Put(r.Key, store.ValueAndTimestamp[VR]{Value: ch.New, Timestamp: r.Timestamp})
		} else {
			err = p.st.Delete(r.Key)
		}
		if err != nil {
			return fmt.Errorf("table store %s: %w", p.storeName, err)
		}
	}
	return p.pctx.Forward(ctx, Record[K, Change[VR]]{Key: r.Key, Value: ch, Timestamp: r.Timestamp, Headers: r.Headers})
}

// ToStream returns the table's updates as a stream: each new row as a
// record, each deletion as a tombstone.
func (t KTable[K, V]) ToStream(opts ...Option) KStream[K, V] {
	name := t.b.name(applyOptions(opts), "KTABLE-TOSTREAM-")
	n := addProcessor(t.b, name, ProcessFunc(func(ctx context.Context, pctx ProcessorContext[K, V], r Record[K, Change[V]]) error {
		out := Record[K, V]{Key: r.Key, Value: r.Value.New, Timestamp: r.Timestamp, Headers: r.Headers, Tombstone: !r.Value.HasNew}
		return pctx.Forward(ctx, out)
	}), t.n)
	return KStream[K, V]{b: t.b, n: n, keySerde: t.keySerde, valueSerde: t.valueSerde}
}

// GlobalKTable is a table replicated in full to every instance of an
// application: any task can look up any key, so streams join it without
// co-partitioning, by a key they compute from each record.
type GlobalKTable[K, V any] struct {
	b          *Builder
	storeName  string
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
}

// GlobalTable reads topic into a global table. Each instance reads every
// partition of the topic before processing starts.
func GlobalTable[K, V any](b *Builder, topic string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...Option) GlobalKTable[K, V] {
	o := applyOptions(opts)
	storeName := o.storeName
	if storeName == "" {
		storeName = b.nextName(topic + "-STATE-STORE-")
	}
	src := sourceNodeDef(b, []string{topic}, false, options{extractor: o.extractor}, keySerde, valueSerde)
	src.global = true
	name := b.name(o, "KTABLE-SOURCE-")
	n := addProcessor(b, name, tableSourceSupplier[K, V](storeName), src)
	n.global = true
	n.newInstance = newProcNode(name, func() Processor[K, V, K, Change[V]] {
		return &tableSource[K, V]{storeName: storeName}
	})
	b.addStoreDef(tableStore(storeName, keySerde, valueSerde, o, true), true, n)
	if sd, ok := b.stores[storeName]; ok {
		sd.sourceTopic = topic
	}
	return GlobalKTable[K, V]{b: b, storeName: storeName, keySerde: keySerde, valueSerde: valueSerde}
}

// StoreName returns the name of the global table's store.
func (g GlobalKTable[K, V]) StoreName() string { return g.storeName }

func (g GlobalKTable[K, V]) getter() *valueGetter[K, V] { return storeGetter[K, V](g.storeName) }
