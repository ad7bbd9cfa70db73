package streamlib

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// joinKind is inner, left or outer.
type joinKind int

const (
	innerJoin joinKind = iota
	leftJoin
	outerJoin
)

func (k joinKind) String() string {
	return [...]string{"Join", "LeftJoin", "OuterJoin"}[k]
}

// Join pairs the records of two streams that have the same key and
// timestamps close enough: a left record at t meets the right records with
// timestamps in [t-w.Before, t+w.After]. Every pair is joined, so a key with
// two records on each side gives four results (many-to-many). A result has
// the larger of the two timestamps.
//
// Both sides are buffered in window stores (named after the join's nodes, or
// "<name>-this-join-store" and "<name>-other-join-store" with
// Materialized(name)) that keep records for w.Before+w.After+w.Grace behind
// the newest record put into each. Their serdes are the streams' serdes. A stream whose key changed upstream is
// repartitioned first. Tombstones join nothing and are counted as dropped
// ("null-value").
//
// Options: Named, Materialized (base name of the stores), Persistent,
// WithoutLogging, WithLogConfig, WithPartitions (repartition topics).
func Join[K, V1, V2, VR any](left KStream[K, V1], right KStream[K, V2], joiner func(key K, left V1, right V2) VR, w window.JoinWindows, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		left.b.errorf("Join: nil joiner")
		return streamStreamJoin[K, V1, V2, VR](left, right, innerJoin, nil, w, opts)
	}
	return streamStreamJoin(left, right, innerJoin, func(k K, l *V1, r *V2) VR { return joiner(k, *l, *r) }, w, opts)
}

// LeftJoin is Join that also emits every left record that found no right
// record in its window, as joiner(key, left, nil).
//
// As in current Kafka Streams, such an unmatched result is not emitted at
// once, since a right record may still arrive: the left record waits in a
// store shared by both sides of the join until its window closes, that is
// until stream time (the largest timestamp either side has seen) passes
// t+w.After+w.Grace. It is then emitted with its own timestamp t. A left
// record that arrives after its window has already closed is emitted at
// once. The waiting records are kept in a logged key-value store (named
// "<name>-left-shared-join-store" with Materialized(name)), so that they
// survive a restart. Stream time only moves with new records, so the last unmatched
// records of a quiet stream wait for the next record. Like Kafka Streams,
// a result released this way carries the headers of the record whose
// arrival released it.
func LeftJoin[K, V1, V2, VR any](left KStream[K, V1], right KStream[K, V2], joiner func(key K, left V1, right *V2) VR, w window.JoinWindows, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		left.b.errorf("LeftJoin: nil joiner")
		return streamStreamJoin[K, V1, V2, VR](left, right, leftJoin, nil, w, opts)
	}
	return streamStreamJoin(left, right, leftJoin, func(k K, l *V1, r *V2) VR { return joiner(k, *l, r) }, w, opts)
}

// OuterJoin is Join that also emits the unmatched records of both sides:
// joiner(key, left, nil) and joiner(key, nil, right). As with LeftJoin, an
// unmatched record is emitted when its window closes (a right record at t
// waits until stream time passes t+w.Before+w.Grace), with its own
// timestamp. The buffer store is "<name>-outer-shared-join-store" with
// Materialized(name).
func OuterJoin[K, V1, V2, VR any](left KStream[K, V1], right KStream[K, V2], joiner func(key K, left *V1, right *V2) VR, w window.JoinWindows, opts ...Option) KStream[K, VR] {
	if joiner == nil {
		left.b.errorf("OuterJoin: nil joiner")
	}
	return streamStreamJoin(left, right, outerJoin, joiner, w, opts)
}

// streamJoinNames are the node and store names of a stream-stream join,
// chosen like Kafka Streams chooses them.
type streamJoinNames struct {
	thisWindowed, otherWindowed, thisJoin, otherJoin, merge string
	thisStore, otherStore, outerStore                       string
}

func newStreamJoinNames(b *Builder, o options, leftOuter, rightOuter bool) streamJoinNames {
	var n streamJoinNames
	thisSuffix, otherSuffix, sharedSuffix := "-this-join", "-other-join", "-left-shared-join"
	thisPrefix, otherPrefix := "KSTREAM-JOINTHIS-", "KSTREAM-JOINOTHER-"
	if rightOuter {
		thisSuffix, thisPrefix, sharedSuffix = "-outer-this-join", "KSTREAM-OUTERTHIS-", "-outer-shared-join"
	}
	if leftOuter {
		otherSuffix, otherPrefix = "-outer-other-join", "KSTREAM-OUTEROTHER-"
	}
	if o.name != "" {
		n.thisWindowed, n.otherWindowed = o.name+"-this-windowed", o.name+"-other-windowed"
		n.thisJoin, n.otherJoin, n.merge = o.name+thisSuffix, o.name+otherSuffix, o.name+"-merge"
	} else {
		n.thisWindowed, n.otherWindowed = b.nextName("KSTREAM-WINDOWED-"), b.nextName("KSTREAM-WINDOWED-")
		n.thisJoin, n.otherJoin, n.merge = b.nextName(thisPrefix), b.nextName(otherPrefix), b.nextName("KSTREAM-MERGE-")
	}
	switch {
	case o.storeName != "":
		n.thisStore, n.otherStore = o.storeName+thisSuffix+"-store", o.storeName+otherSuffix+"-store"
		n.outerStore = o.storeName + sharedSuffix + "-store"
	case o.name != "":
		n.thisStore, n.otherStore = n.thisJoin+"-store", n.otherJoin+"-store"
		n.outerStore = o.name + sharedSuffix + "-store"
	default:
		n.thisStore, n.otherStore = n.thisJoin+"-store", n.otherJoin+"-store"
		n.outerStore = "KSTREAM-OUTERSHARED-" + strings.TrimPrefix(n.thisJoin, thisPrefix) + "-store"
	}
	return n
}

func streamStreamJoin[K, V1, V2, VR any](left KStream[K, V1], right KStream[K, V2], kind joinKind, joiner func(K, *V1, *V2) VR, w window.JoinWindows, opts []Option) KStream[K, VR] {
	b := left.b
	o := applyOptions(opts)
	out := KStream[K, VR]{b: b, n: left.n, keySerde: left.keySerde, valueSerde: serde.For[VR]()}
	if !sameBuilder(kind.String(), b, right.b) || joiner == nil {
		return out
	}
	if err := w.Validate(); err != nil {
		b.errorf("%s: %w", kind, err)
		return out
	}
	leftOuter, rightOuter := kind != innerJoin, kind == outerJoin
	left = joinRepartition(left, o.name, "-left", o)
	right = joinRepartition(right, o.name, "-right", o)
	names := newStreamJoinNames(b, o, leftOuter, rightOuter)

	size := w.Before + w.After
	// A store needs a positive retention; a zero window (equal timestamps
	// only) keeps just the newest millisecond.
	retention := max(size+w.Grace, time.Millisecond)
	sopts := joinStoreOptions(o)
	b.AddStore(store.NewWindow(names.thisStore, left.keySerde, left.valueSerde, retention, size, true, sopts...))
	b.AddStore(store.NewWindow(names.otherStore, right.keySerde, right.valueSerde, retention, size, true, sopts...))
	core := &streamJoinCore[K, V1, V2, VR]{
		joiner: joiner, keySerde: left.keySerde, leftSerde: left.valueSerde, rightSerde: right.valueSerde,
		beforeMs: w.Before.Milliseconds(), afterMs: w.After.Milliseconds(), graceMs: w.Grace.Milliseconds(),
		leftOuter: leftOuter, rightOuter: rightOuter,
	}
	if leftOuter || rightOuter {
		core.outerStore = names.outerStore
		core.times = &joinTimes{m: map[any]*joinTime{}}
		b.AddStore(store.NewKeyValue(names.outerStore, serde.Bytes(), serde.Bytes(), sopts...))
	}

	thisWindow := addProcessor(b, names.thisWindowed, joinWindowSupplier[K, V1](names.thisStore), left.n)
	otherWindow := addProcessor(b, names.otherWindowed, joinWindowSupplier[K, V2](names.otherStore), right.n)
	b.ConnectStore(names.thisStore, thisWindow.name)
	b.ConnectStore(names.otherStore, otherWindow.name)

	thisJoin := addProcessor(b, names.thisJoin, func() Processor[K, V1, K, VR] {
		return &streamJoinSide[K, V1, V2, V1, V2, VR]{
			core: core, left: true, outer: leftOuter, otherStore: names.otherStore,
			beforeMs: core.beforeMs, afterMs: core.afterMs, thisSerde: core.leftSerde, join: joiner,
		}
	}, thisWindow)
	otherJoin := addProcessor(b, names.otherJoin, func() Processor[K, V2, K, VR] {
		return &streamJoinSide[K, V2, V1, V1, V2, VR]{
			core: core, left: false, outer: rightOuter, otherStore: names.thisStore,
			beforeMs: core.afterMs, afterMs: core.beforeMs, thisSerde: core.rightSerde,
			join: func(k K, r *V2, l *V1) VR { return joiner(k, l, r) },
		}
	}, otherWindow)
	b.ConnectStore(names.otherStore, thisJoin.name)
	b.ConnectStore(names.thisStore, otherJoin.name)
	if core.outerStore != "" {
		b.ConnectStore(core.outerStore, thisJoin.name)
		b.ConnectStore(core.outerStore, otherJoin.name)
	}
	merge := addProcessor(b, names.merge, statelessFunc(func(ctx context.Context, pctx ProcessorContext[K, VR], r Record[K, VR]) error {
		return pctx.Forward(ctx, r)
	}), thisJoin, otherJoin)
	requireCopartitioned(b, left.n, right.n)
	out.n = merge
	return out
}

// joinWindowSupplier makes the processor that keeps one side's records in
// its window store. It forwards each record to the join processor first and
// stores it afterwards, so that a record never meets itself.
func joinWindowSupplier[K, V any](storeName string) ProcessorSupplier[K, V, K, V] {
	return func() Processor[K, V, K, V] { return &joinWindowProcessor[K, V]{storeName: storeName} }
}

type joinWindowProcessor[K, V any] struct {
	storeName string
	pctx      ProcessorContext[K, V]
	st        store.WindowStore[K, V]
}

func (p *joinWindowProcessor[K, V]) Init(pctx ProcessorContext[K, V]) error {
	p.pctx = pctx
	st, err := WindowStoreOf[K, V](pctx, p.storeName)
	p.st = st
	return err
}

func (p *joinWindowProcessor[K, V]) Close() error { return nil }

func (p *joinWindowProcessor[K, V]) Process(ctx context.Context, r Record[K, V]) error {
	// Tombstones go on too: they move the join's stream time before the join
	// drops them, as in Kafka Streams.
	if err := p.pctx.Forward(ctx, r); err != nil || r.Tombstone {
		return err
	}
	if err := p.st.Put(r.Key, r.Value, r.Timestamp); err != nil {
		return fmt.Errorf("join window store %s: put %v@%d: %w", p.storeName, r.Key, r.Timestamp, err)
	}
	return nil
}

// streamJoinCore is what both sides of one stream-stream join share.
type streamJoinCore[K, V1, V2, VR any] struct {
	joiner                     func(K, *V1, *V2) VR
	keySerde                   serde.Serde[K]
	leftSerde                  serde.Serde[V1]
	rightSerde                 serde.Serde[V2]
	beforeMs, afterMs, graceMs int64
	leftOuter, rightOuter      bool
	// outerStore holds the unmatched records of left and outer joins until
	// their window closes; times holds each task's join stream time.
	outerStore string
	times      *joinTimes
}

// streamJoinSide is the join processor of one side (this) of a
// stream-stream join: it probes the other side's window store. VT and VO
// are this and the other side's value types; V1 and V2 the left and right
// ones.
type streamJoinSide[K, VT, VO, V1, V2, VR any] struct {
	core       *streamJoinCore[K, V1, V2, VR]
	left       bool
	outer      bool // emit this side's unmatched records
	otherStore string
	// The other side's records join this side's record at t when their
	// timestamps are in [t-beforeMs, t+afterMs].
	beforeMs, afterMs int64
	thisSerde         serde.Serde[VT]
	join              func(K, *VT, *VO) VR

	pctx  ProcessorContext[K, VR]
	other store.WindowStore[K, VO]
	buf   *outerBuffer[K, V1, V2, VR] // nil for inner joins
}

func (p *streamJoinSide[K, VT, VO, V1, V2, VR]) Init(pctx ProcessorContext[K, VR]) error {
	p.pctx = pctx
	other, err := WindowStoreOf[K, VO](pctx, p.otherStore)
	if err != nil {
		return err
	}
	p.other = other
	if p.core.outerStore != "" {
		p.buf, err = openOuterBuffer(pctx, p.core)
	}
	return err
}

func (p *streamJoinSide[K, VT, VO, V1, V2, VR]) Close() error {
	if p.buf != nil {
		p.buf.release()
	}
	return nil
}

func (p *streamJoinSide[K, VT, VO, V1, V2, VR]) Process(ctx context.Context, r Record[K, VT]) error {
	ts := r.Timestamp
	if p.buf != nil {
		p.buf.advance(ts)
	}
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	if p.buf != nil && ts == p.buf.time.streamTime {
		// Only in-order records release closed windows, as in Kafka Streams.
		if err := p.buf.emitClosed(ctx, p.pctx, r.Headers); err != nil {
			return err
		}
	}
	from, to := max(0, ts-p.beforeMs), max(0, ts+p.afterMs)
	var keyBytes []byte
	if p.buf != nil {
		var err error
		if keyBytes, err = p.core.keySerde.Serialize(r.Key); err != nil {
			return fmt.Errorf("join: serialize key %v: %w", r.Key, err)
		}
	}
	matched := false
	for kv, err := range p.other.FetchRange(r.Key, from, to) {
		if err != nil {
			return fmt.Errorf("join store %s: fetch %v in [%d,%d]: %w", p.otherStore, r.Key, from, to, err)
		}
		matched = true
		otherTs := kv.Key.Window.Start
		if p.buf != nil {
			// The other record has a partner now: it must never be emitted
			// as unmatched.
			if err := p.buf.remove(otherTs, !p.left, keyBytes); err != nil {
				return err
			}
		}
		v := kv.Value
		out := Record[K, VR]{Key: r.Key, Value: p.join(r.Key, &r.Value, &v), Timestamp: max(ts, otherTs), Headers: r.Headers}
		if err := p.pctx.Forward(ctx, out); err != nil {
			return err
		}
	}
	if matched || !p.outer {
		return nil
	}
	if to < p.buf.time.streamTime {
		// The window closed before the record came (a late record): no
		// partner can come any more.
		return p.pctx.Forward(ctx, WithValue(r, p.join(r.Key, &r.Value, nil)))
	}
	vb, err := p.thisSerde.Serialize(r.Value)
	if err != nil {
		return fmt.Errorf("join: serialize value of %v: %w", r.Key, err)
	}
	return p.buf.add(ts, p.left, keyBytes, vb)
}
