package streamlib

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// JoinTable looks up each stream record's key in the table and emits
// joiner(key, value, row) when the table has a row; records without a row
// emit nothing (they are counted as dropped, reason "no-join-partner").
//
// Only the stream triggers output: a table update emits nothing, it only
// changes what later stream records find. A result has the stream record's
// timestamp and headers. The table may be a source table or one derived
// from it (Filter, TableMapValues...) without a store of its own: the join
// reads through it. A stream whose key changed upstream is repartitioned
// first, and the stream's and the table's topics must be co-partitioned.
// Stream tombstones are dropped ("null-value").
//
// Options: Named, WithPartitions (repartition topic).
func JoinTable[K, V, VT, VR any](s KStream[K, V], t KTable[K, VT], joiner func(key K, value V, row VT) VR, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		s.b.errorf("JoinTable: nil joiner")
		return KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR]()}
	}
	return streamTableJoin(s, t, false, func(k K, v V, row *VT) VR { return joiner(k, v, *row) }, opts)
}

// LeftJoinTable is JoinTable that also emits the records that find no row,
// as joiner(key, value, nil).
func LeftJoinTable[K, V, VT, VR any](s KStream[K, V], t KTable[K, VT], joiner func(key K, value V, row *VT) VR, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		s.b.errorf("LeftJoinTable: nil joiner")
		return KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR]()}
	}
	return streamTableJoin(s, t, true, joiner, opts)
}

func streamTableJoin[K, V, VT, VR any](s KStream[K, V], t KTable[K, VT], left bool, joiner func(K, V, *VT) VR, opts []Option) KStream[K, VR] {
	o := applyOptions(opts)
	op, prefix := "JoinTable", "KSTREAM-JOIN-"
	if left {
		op, prefix = "LeftJoinTable", "KSTREAM-LEFTJOIN-"
	}
	out := KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR]()}
	if !sameBuilder(op, s.b, t.b) {
		return out
	}
	if t.getter == nil {
		s.b.errorf("%s: table %s cannot be looked up", op, t.n.name)
		return out
	}
	s = joinRepartition(s, o.name, "-left", o)
	name := s.b.name(o, prefix)
	getter := t.getter
	out.n = addProcessor(s.b, name, func() Processor[K, V, K, VR] {
		return &lookupJoin[K, V, K, VT, VR]{
			left: left, joiner: joiner, getter: getter,
			keyOf: func(k K, _ V) K { return k },
		}
	}, s.n)
	connectGetter(s.b, getter, name)
	requireCopartitioned(s.b, s.n, t.n)
	return out
}

// JoinGlobal joins each stream record with the row of a global table whose
// key keyFn computes from the record, and emits joiner(key, value, row);
// records that find no row emit nothing (counted as dropped,
// "no-join-partner"). The stream keeps its key.
//
// A global table is read in full by every instance before processing
// starts, so the stream needs neither repartitioning nor co-partitioning.
// Only the stream triggers output; results have the stream record's
// timestamp and headers. Stream tombstones are dropped ("null-value").
//
// Options: Named.
func JoinGlobal[K, V, KG, VG, VR any](s KStream[K, V], g GlobalKTable[KG, VG], keyFn func(key K, value V) KG, joiner func(key K, value V, row VG) VR, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		s.b.errorf("JoinGlobal: nil joiner")
		return KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
	}
	return globalJoin(s, g, false, keyFn, func(k K, v V, row *VG) VR { return joiner(k, v, *row) }, opts)
}

// LeftJoinGlobal is JoinGlobal that also emits the records that find no
// row, as joiner(key, value, nil).
func LeftJoinGlobal[K, V, KG, VG, VR any](s KStream[K, V], g GlobalKTable[KG, VG], keyFn func(key K, value V) KG, joiner func(key K, value V, row *VG) VR, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		s.b.errorf("LeftJoinGlobal: nil joiner")
		return KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
	}
	return globalJoin(s, g, true, keyFn, joiner, opts)
}

func globalJoin[K, V, KG, VG, VR any](s KStream[K, V], g GlobalKTable[KG, VG], left bool, keyFn func(K, V) KG, joiner func(K, V, *VG) VR, opts []Option) KStream[K, VR] {
	o := applyOptions(opts)
	op, prefix := "JoinGlobal", "KSTREAM-JOIN-"
	if left {
		op, prefix = "LeftJoinGlobal", "KSTREAM-LEFTJOIN-"
	}
	out := KStream[K, VR]{b: s.b, n: s.n, keySerde: s.keySerde, valueSerde: serde.For[VR](), rekeyed: s.rekeyed}
	if !sameBuilder(op, s.b, g.b) {
		return out
	}
	if keyFn == nil {
		s.b.errorf("%s: nil key selector", op)
		return out
	}
	name := s.b.name(o, prefix)
	getter := g.getter()
	out.n = addProcessor(s.b, name, func() Processor[K, V, K, VR] {
		return &lookupJoin[K, V, KG, VG, VR]{left: left, joiner: joiner, getter: getter, keyOf: keyFn}
	}, s.n)
	connectGetter(s.b, getter, name)
	return out
}

// lookupJoin joins stream records with table rows found by key: the
// processor of stream-table and stream-global table joins.
type lookupJoin[K, V, KT, VT, VR any] struct {
	left   bool
	joiner func(K, V, *VT) VR
	getter *valueGetter[KT, VT]
	keyOf  func(K, V) KT

	pctx   ProcessorContext[K, VR]
	lookup func(KT) (store.ValueAndTimestamp[VT], bool, error)
}

func (p *lookupJoin[K, V, KT, VT, VR]) Init(pctx ProcessorContext[K, VR]) error {
	p.pctx = pctx
	lookup, err := p.getter.open(pctx)
	if err != nil {
		return err
	}
	p.lookup = lookup
	return nil
}

func (p *lookupJoin[K, V, KT, VT, VR]) Close() error { return nil }

func (p *lookupJoin[K, V, KT, VT, VR]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	tk := p.keyOf(r.Key, r.Value)
	row, ok, err := p.lookup(tk)
	if err != nil {
		return fmt.Errorf("join: look up %v: %w", tk, err)
	}
	var partner *VT
	if ok {
		partner = &row.Value
	} else if !p.left {
		p.pctx.Dropped("no-join-partner")
		return nil
	}
	return p.pctx.Forward(ctx, WithValue(r, p.joiner(r.Key, r.Value, partner)))
}
