package streamlib

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// SlidingWindowedKStream is a grouped stream aggregated over sliding
// windows: for every record there is a window ending at it, [t-d, t], and a
// window starting just after it, [t+1, t+1+d] when that one holds records.
// Both ends are inclusive. Only windows that hold records exist.
type SlidingWindowedKStream[K, V any] struct {
	g KGroupedStream[K, V]
	w window.SlidingWindows
}

// SlidingWindowedBy aggregates a grouped stream over sliding windows.
func SlidingWindowedBy[K, V any](g KGroupedStream[K, V], w window.SlidingWindows) SlidingWindowedKStream[K, V] {
	if err := w.Validate(); err != nil {
		g.s.b.errorf("SlidingWindowedBy: %v", err)
	}
	return SlidingWindowedKStream[K, V]{g: g, w: w}
}

// SlidingCount counts the records per key and sliding window.
func SlidingCount[K, V any](sw SlidingWindowedKStream[K, V], opts ...Option) KTable[window.Windowed[K], int64] {
	return SlidingAggregate(sw, func() int64 { return 0 }, func(_ K, _ V, n int64) int64 { return n + 1 }, opts...)
}

// SlidingAggregate folds the records of each key and sliding window. Each
// record updates every window that contains it, newest start first, then
// creates the windows it brings into being: the right window of the record
// before it (if it now holds a record), its own left window [t-d, t] (from
// the aggregate of the window before it), and its own right window
// [t+1, t+1+d] when later records fall in it. This is Kafka Streams'
// incremental algorithm, so results come out in its order. Records earlier
// than the difference share the window [0, d].
//
// A window is emitted with the largest timestamp of its records. A record
// is dropped as late when even its right window has closed (t + d + 1 <=
// stream time - grace); otherwise each window it would update or create
// that has closed (end < stream time - grace) is skipped and counted as a
// dropped record, as Kafka Streams counts them. With EmitFinal, a window is
// emitted once, when its end is before stream time - grace.
func SlidingAggregate[K, V, VA any](sw SlidingWindowedKStream[K, V], init func() VA, agg func(key K, value V, aggregate VA) VA, opts ...Option) KTable[window.Windowed[K], VA] {
	o := applyOptions(opts)
	s, name, storeName := sw.g.prepare(o, "KSTREAM-AGGREGATE-")
	d := sw.w.Difference
	grace := sw.w.Grace.Milliseconds()
	var sopts []store.Option
	if o.persistent {
		sopts = append(sopts, store.Persistent())
	}
	if o.noLogging {
		sopts = append(sopts, store.WithoutLogging())
	}
	if o.logConfig != nil {
		sopts = append(sopts, store.WithLogConfig(o.logConfig))
	}
	vs := serde.For[VA]()
	// A record at t may need the windows starting from t - 2d (the window
	// before its left window), so the store keeps windows for 2d + grace
	// behind the latest start (Kafka Streams' default for sliding windows).
	aggStore := store.NewWindow(storeName, s.keySerde, store.ValueAndTimestampSerde(vs), windowRetention(o, 2*d+sw.w.Grace), d, false, sopts...)
	n := addProcessor(s.b, name, func() Processor[K, V, window.Windowed[K], Change[VA]] {
		return &slidingProcessor[K, V, VA]{aggName: storeName, d: d.Milliseconds(), grace: grace, init: init, agg: agg, observed: -1}
	}, s.n)
	s.b.addStoreDef(aggStore, false, n)
	size := d.Milliseconds()
	t := KTable[window.Windowed[K], VA]{
		b: s.b, n: n, keySerde: TimeWindowedSerde(s.keySerde, d), valueSerde: vs, storeName: storeName, windowClose: &grace,
		getter: &valueGetter[window.Windowed[K], VA]{
			stores: []string{storeName},
			open: func(tc TaskContext) (func(window.Windowed[K]) (store.ValueAndTimestamp[VA], bool, error), error) {
				st, err := storeAs[store.ReadOnlyWindowStore[K, store.ValueAndTimestamp[VA]]](tc, storeName)
				if err != nil {
					return nil, err
				}
				return func(wk window.Windowed[K]) (store.ValueAndTimestamp[VA], bool, error) {
					if wk.Window.End-wk.Window.Start != size {
						return store.ValueAndTimestamp[VA]{}, false, nil
					}
					return st.Fetch(wk.Key, wk.Window.Start)
				}, nil
			},
		},
	}
	if o.emitFinal {
		// Both ends are inclusive: a window is final once its end is
		// before stream time - grace.
		return emitFinal(t, name, o, grace+1, timeWindowOrder[K])
	}
	return t
}

type slidingProcessor[K, V, VA any] struct {
	aggName  string
	d, grace int64
	init     func() VA
	agg      func(K, V, VA) VA
	pctx     ProcessorContext[window.Windowed[K], Change[VA]]
	aggs     store.WindowStore[K, store.ValueAndTimestamp[VA]]
	observed int64
	found    []slidingWindow[VA] // scratch for one record's windows
	starts   map[int64]bool      // scratch: the starts of the windows looked at
}

// slidingWindow is a window of the store: its start and aggregate.
type slidingWindow[VA any] struct {
	start int64
	agg   store.ValueAndTimestamp[VA]
}

func (p *slidingProcessor[K, V, VA]) Init(pctx ProcessorContext[window.Windowed[K], Change[VA]]) error {
	p.pctx = pctx
	p.starts = map[int64]bool{}
	var err error
	p.aggs, err = WindowStoreOf[K, store.ValueAndTimestamp[VA]](pctx, p.aggName)
	return err
}

func (p *slidingProcessor[K, V, VA]) Close() error { return nil }

func (p *slidingProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	t := r.Timestamp
	p.observed = max(p.observed, t)
	closeTime := p.observed - p.grace
	if t+p.d+1 <= closeTime {
		p.pctx.Dropped("late")
		return nil
	}
	clear(p.starts)
	if t < p.d {
		return p.processEarly(ctx, r, closeTime)
	}
	found, err := p.fetch(r.Key, max(0, t-2*p.d), t+1)
	if err != nil {
		return err
	}
	// Newest start first: the windows that contain t, then t's left window
	// (if it exists), then the latest window that ends before t, which
	// tells the record before t and what t's left window starts from.
	var before, right *store.ValueAndTimestamp[VA]
	leftExists, rightExists := false, false
	prev, hasPrev := int64(0), false
scan:
	for i := len(found) - 1; i >= 0; i-- {
		w := &found[i]
		p.starts[w.start] = true
		end := w.start + p.d
		switch {
		case w.start == t+1:
			rightExists = true
		case end > t:
			if right == nil {
				right = &w.agg
			}
			if err := p.update(ctx, r, closeTime, window.Window{Start: w.start, End: end}, w.agg, true); err != nil {
				return err
			}
		case end == t:
			leftExists = true
			if err := p.update(ctx, r, closeTime, window.Window{Start: w.start, End: end}, w.agg, true); err != nil {
				return err
			}
			if w.agg.Timestamp >= t {
				return nil // a record at t was here first: its windows exist
			}
			prev, hasPrev = w.agg.Timestamp, true
		default:
			before = &w.agg
			prev, hasPrev = w.agg.Timestamp, true
			break scan
		}
	}
	fresh := store.ValueAndTimestamp[VA]{Value: p.init(), Timestamp: t}
	if ps := prev + 1; hasPrev && !p.starts[ps] && ps+p.d >= t {
		if err := p.update(ctx, r, closeTime, window.Window{Start: ps, End: ps + p.d}, fresh, false); err != nil {
			return err
		}
	}
	if !leftExists {
		base := store.ValueAndTimestamp[VA]{Value: p.init(), Timestamp: t}
		if hasPrev && prev >= t-p.d {
			base.Value = before.Value
		}
		if err := p.update(ctx, r, closeTime, window.Window{Start: t - p.d, End: t}, base, false); err != nil {
			return err
		}
	}
	if !rightExists && right != nil && right.Timestamp > t {
		return p.createRight(ctx, r, *right)
	}
	return nil
}

// processEarly handles a record earlier than the difference: its left
// window would start before 0, so it joins the shared window [0, d].
func (p *slidingProcessor[K, V, VA]) processEarly(ctx context.Context, r Record[K, V], closeTime int64) error {
	t := r.Timestamp
	found, err := p.fetch(r.Key, 0, t+1)
	if err != nil {
		return err
	}
	var shared, right *store.ValueAndTimestamp[VA]
	rightExists := false
	prev, hasPrev := int64(0), false
	for i := range found {
		w := &found[i]
		p.starts[w.start] = true
		switch {
		case w.start == 0:
			shared = &w.agg
			if w.agg.Timestamp < t {
				prev, hasPrev = w.agg.Timestamp, true
			}
		case w.start <= t:
			right = &w.agg
			if err := p.update(ctx, r, closeTime, window.Window{Start: w.start, End: w.start + p.d}, w.agg, true); err != nil {
				return err
			}
		default: // t + 1
			rightExists = true
		}
	}
	// Without a right window of an earlier record, the shared window holds
	// what t's right window needs when it has records after t.
	if right == nil && shared != nil && shared.Timestamp > t {
		right = shared
	}
	if !rightExists && right != nil && right.Timestamp > t {
		if err := p.createRight(ctx, r, *right); err != nil {
			return err
		}
	}
	if ps := prev + 1; hasPrev && !p.starts[ps] {
		fresh := store.ValueAndTimestamp[VA]{Value: p.init(), Timestamp: t}
		if err := p.update(ctx, r, closeTime, window.Window{Start: ps, End: ps + p.d}, fresh, false); err != nil {
			return err
		}
	}
	if shared == nil {
		fresh := store.ValueAndTimestamp[VA]{Value: p.init(), Timestamp: t}
		return p.update(ctx, r, closeTime, window.Window{Start: 0, End: p.d}, fresh, false)
	}
	return p.update(ctx, r, closeTime, window.Window{Start: 0, End: p.d}, *shared, true)
}

// fetch returns key's windows starting in [from, to], earliest first. The
// slice is reused by the next call.
func (p *slidingProcessor[K, V, VA]) fetch(key K, from, to int64) ([]slidingWindow[VA], error) {
	p.found = p.found[:0]
	for kv, err := range p.aggs.FetchRange(key, from, to) {
		if err != nil {
			return nil, fmt.Errorf("sliding window store %s: fetch %v: %w", p.aggName, key, err)
		}
		p.found = append(p.found, slidingWindow[VA]{start: kv.Key.Window.Start, agg: kv.Value})
	}
	return p.found, nil
}

// update adds the record to window w, whose aggregate is base (existed:
// read from the store; else a window being created), stores and forwards
// the result. A closed window is skipped and counted as a dropped record.
func (p *slidingProcessor[K, V, VA]) update(ctx context.Context, r Record[K, V], closeTime int64, w window.Window, base store.ValueAndTimestamp[VA], existed bool) error {
	if w.End < closeTime {
		p.pctx.Dropped("late")
		return nil
	}
	next := store.ValueAndTimestamp[VA]{Value: p.agg(r.Key, r.Value, base.Value), Timestamp: max(r.Timestamp, base.Timestamp)}
	if err := p.aggs.Put(r.Key, next, w.Start); err != nil {
		return fmt.Errorf("sliding window store %s: put %v@%v: %w", p.aggName, r.Key, w, err)
	}
	// A created window has no old value, even when it starts from a copy of
	// another window's aggregate.
	ch := Change[VA]{New: next.Value, HasNew: true}
	if existed {
		ch.Old, ch.HasOld = base.Value, true
	}
	return p.pctx.Forward(ctx, Record[window.Windowed[K], Change[VA]]{
		Key: window.Windowed[K]{Key: r.Key, Window: w}, Value: ch, Timestamp: next.Timestamp, Headers: r.Headers,
	})
}

// createRight creates the right window of the record, [t+1, t+1+d], with
// the aggregate agg of the records after t it holds (the record itself is
// not in it).
func (p *slidingProcessor[K, V, VA]) createRight(ctx context.Context, r Record[K, V], agg store.ValueAndTimestamp[VA]) error {
	w := window.Window{Start: r.Timestamp + 1, End: r.Timestamp + 1 + p.d}
	if err := p.aggs.Put(r.Key, agg, w.Start); err != nil {
		return fmt.Errorf("sliding window store %s: put %v@%v: %w", p.aggName, r.Key, w, err)
	}
	return p.pctx.Forward(ctx, Record[window.Windowed[K], Change[VA]]{
		Key: window.Windowed[K]{Key: r.Key, Window: w}, Value: Change[VA]{New: agg.Value, HasNew: true}, Timestamp: agg.Timestamp, Headers: r.Headers,
	})
}
