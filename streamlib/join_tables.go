package streamlib

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// TableJoin joins two tables by key: the result has a row
// joiner(key, left, right) for every key both tables have, and follows
// both. An update on either side recomputes the key's row with the other
// side's current row; an update on one side while the other has no row emits
// nothing; a deletion on either side deletes the result row (a tombstone
// downstream). A result row's timestamp is the larger of the two rows'
// timestamps.
//
// The result is materialized in a store when Materialized names one;
// otherwise lookups (by later joins) compute it from both tables. Both
// tables' topics must be co-partitioned.
//
// Downstream operations see each update with the row it replaced, so the
// joiner is also called for the old row: keep it free of side effects.
//
// Options: Named, Materialized, Persistent, WithoutLogging, WithLogConfig.
func TableJoin[K, V1, V2, VR any](left KTable[K, V1], right KTable[K, V2], joiner func(key K, left V1, right V2) VR, opts ...Option) KTable[K, VR] {
	if joiner == nil {
		left.b.errorf("TableJoin: nil joiner")
		return tableTableJoin[K, V1, V2, VR](left, right, innerJoin, nil, opts)
	}
	return tableTableJoin(left, right, innerJoin, func(k K, l *V1, r *V2) VR { return joiner(k, *l, *r) }, opts)
}

// TableLeftJoin is TableJoin that keeps every left row: a left row without
// a right row joins as joiner(key, left, nil). A new or deleted right row
// re-joins the existing left row (with the right row, or nil); a deleted
// left row deletes the result row.
func TableLeftJoin[K, V1, V2, VR any](left KTable[K, V1], right KTable[K, V2], joiner func(key K, left V1, right *V2) VR, opts ...Option) KTable[K, VR] {
	if joiner == nil {
		left.b.errorf("TableLeftJoin: nil joiner")
		return tableTableJoin[K, V1, V2, VR](left, right, leftJoin, nil, opts)
	}
	return tableTableJoin(left, right, leftJoin, func(k K, l *V1, r *V2) VR { return joiner(k, *l, r) }, opts)
}

// TableOuterJoin is TableJoin that keeps the rows of both tables: a key with
// a row on one side only joins with nil for the other. The result row is
// deleted only when both sides have deleted theirs.
func TableOuterJoin[K, V1, V2, VR any](left KTable[K, V1], right KTable[K, V2], joiner func(key K, left *V1, right *V2) VR, opts ...Option) KTable[K, VR] {
	if joiner == nil {
		left.b.errorf("TableOuterJoin: nil joiner")
	}
	return tableTableJoin(left, right, outerJoin, joiner, opts)
}

func tableTableJoin[K, V1, V2, VR any](left KTable[K, V1], right KTable[K, V2], kind joinKind, joiner func(K, *V1, *V2) VR, opts []Option) KTable[K, VR] {
	b := left.b
	o := applyOptions(opts)
	vs := serde.For[VR]()
	out := KTable[K, VR]{b: b, n: left.n, keySerde: left.keySerde, valueSerde: vs}
	if !sameBuilder("Table"+kind.String(), b, right.b) || joiner == nil {
		return out
	}
	if left.getter == nil || right.getter == nil {
		b.errorf("Table%s: both tables must support lookups", kind)
		return out
	}
	prefix := [...]string{"KTABLE-JOIN", "KTABLE-LEFT", "KTABLE-OUTER"}[kind]
	thisName, otherName, mergeName := o.name+"-join-this", o.name+"-join-other", o.name
	if o.name == "" {
		thisName, otherName, mergeName = b.nextName(prefix+"THIS-"), b.nextName(prefix+"OTHER-"), b.nextName("KTABLE-MERGE-")
	}
	lg, rg := left.getter, right.getter
	thisNode := addProcessor(b, thisName, func() Processor[K, Change[V1], K, Change[VR]] {
		return &tableJoinSide[K, V1, V2, VR]{
			getter: rg, join: joiner,
			thisOptional: kind == outerJoin, otherOptional: kind != innerJoin,
		}
	}, left.n)
	otherNode := addProcessor(b, otherName, func() Processor[K, Change[V2], K, Change[VR]] {
		return &tableJoinSide[K, V2, V1, VR]{
			getter: lg, join: func(k K, r *V2, l *V1) VR { return joiner(k, l, r) },
			thisOptional: kind != innerJoin, otherOptional: kind == outerJoin,
		}
	}, right.n)
	connectGetter(b, rg, thisName)
	connectGetter(b, lg, otherName)
	storeName := o.storeName
	out.n = addProcessor(b, mergeName, func() Processor[K, Change[VR], K, Change[VR]] {
		return &tableJoinMerge[K, VR]{storeName: storeName}
	}, thisNode, otherNode)
	requireCopartitioned(b, left.n, right.n)
	if storeName != "" {
		b.addStoreDef(tableStore(storeName, left.keySerde, vs, o, false), false, out.n)
		out.storeName = storeName
		out.getter = storeGetter[K, VR](storeName)
		return out
	}
	out.getter = joinedGetter(lg, rg, kind, joiner)
	return out
}

// joinedGetter computes a joined row from both tables' current rows, for
// joins whose result has no store of its own.
func joinedGetter[K, V1, V2, VR any](lg *valueGetter[K, V1], rg *valueGetter[K, V2], kind joinKind, joiner func(K, *V1, *V2) VR) *valueGetter[K, VR] {
	return &valueGetter[K, VR]{
		stores: append(append([]string(nil), lg.stores...), rg.stores...),
		open: func(tc TaskContext) (func(K) (store.ValueAndTimestamp[VR], bool, error), error) {
			getL, err := lg.open(tc)
			if err != nil {
				return nil, err
			}
			getR, err := rg.open(tc)
			if err != nil {
				return nil, err
			}
			return func(k K) (store.ValueAndTimestamp[VR], bool, error) {
				var none store.ValueAndTimestamp[VR]
				l, lok, err := getL(k)
				if err != nil || (!lok && kind != outerJoin) {
					return none, false, err
				}
				r, rok, err := getR(k)
				if err != nil || (!rok && kind == innerJoin) || (!lok && !rok) {
					return none, false, err
				}
				var lp *V1
				var rp *V2
				ts := int64(-1)
				if lok {
					lp, ts = &l.Value, l.Timestamp
				}
				if rok {
					rp, ts = &r.Value, max(ts, r.Timestamp)
				}
				return store.ValueAndTimestamp[VR]{Value: joiner(k, lp, rp), Timestamp: ts}, true, nil
			}, nil
		},
	}
}

// tableJoinSide is the processor of one side (this) of a table-table join:
// each update of this side is joined with the other side's current row.
// thisOptional and otherOptional say which side the joiner accepts as nil:
//
//	inner: neither; left join: the right side; outer join: both.
type tableJoinSide[K, VT, VO, VR any] struct {
	getter                      *valueGetter[K, VO]
	join                        func(K, *VT, *VO) VR
	thisOptional, otherOptional bool

	pctx   ProcessorContext[K, Change[VR]]
	lookup func(K) (store.ValueAndTimestamp[VO], bool, error)
}

func (p *tableJoinSide[K, VT, VO, VR]) Init(pctx ProcessorContext[K, Change[VR]]) error {
	p.pctx = pctx
	lookup, err := p.getter.open(pctx)
	p.lookup = lookup
	return err
}

func (p *tableJoinSide[K, VT, VO, VR]) Close() error { return nil }

func (p *tableJoinSide[K, VT, VO, VR]) Process(ctx context.Context, r Record[K, Change[VT]]) error {
	other, ok, err := p.lookup(r.Key)
	if err != nil {
		return fmt.Errorf("table join: look up %v: %w", r.Key, err)
	}
	ch := r.Value
	ts := r.Timestamp
	var op *VO
	switch {
	case ok:
		op, ts = &other.Value, max(ts, other.Timestamp)
	case !p.otherOptional, !ch.HasNew && !ch.HasOld:
		return nil // no result row before or after this update
	}
	// A side with no row still joins when the joiner accepts it as nil and
	// the other side has a row (a right-side update of a left join, either
	// side of an outer join).
	var out Change[VR]
	if ch.HasNew {
		out.New, out.HasNew = p.join(r.Key, &ch.New, op), true
	} else if p.thisOptional && ok {
		out.New, out.HasNew = p.join(r.Key, nil, op), true
	}
	if ch.HasOld {
		out.Old, out.HasOld = p.join(r.Key, &ch.Old, op), true
	} else if p.thisOptional && ok {
		out.Old, out.HasOld = p.join(r.Key, nil, op), true
	}
	return p.pctx.Forward(ctx, Record[K, Change[VR]]{Key: r.Key, Value: out, Timestamp: ts, Headers: r.Headers})
}

// tableJoinMerge passes both sides' results on as one table, and keeps the
// result in a store when the join is materialized.
type tableJoinMerge[K, VR any] struct {
	storeName string
	pctx      ProcessorContext[K, Change[VR]]
	st        store.KeyValueStore[K, store.ValueAndTimestamp[VR]]
}

func (p *tableJoinMerge[K, VR]) Init(pctx ProcessorContext[K, Change[VR]]) error {
	p.pctx = pctx
	if p.storeName == "" {
		return nil
	}
	st, err := KeyValueStoreOf[K, store.ValueAndTimestamp[VR]](pctx, p.storeName)
	p.st = st
	return err
}

func (p *tableJoinMerge[K, VR]) Close() error { return nil }

func (p *tableJoinMerge[K, VR]) Process(ctx context.Context, r Record[K, Change[VR]]) error {
	if p.st != nil {
		var err error
		if r.Value.HasNew {
			err = p.st.Put(r.Key, store.ValueAndTimestamp[VR]{Value: r.Value.New, Timestamp: r.Timestamp})
		} else {
			err = p.st.Delete(r.Key)
		}
		if err != nil {
			return fmt.Errorf("table join store %s: write %v: %w", p.storeName, r.Key, err)
		}
	}
	return p.pctx.Forward(ctx, r)
}
