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

// SlidingAggregate folds the records of each key and sliding window, in
// timestamp order. Each record updates every window that contains it, and may
// create the window that starts just after an earlier record.
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
	vs := serde.For[VA]()
	aggStore := store.NewWindow(storeName, s.keySerde, store.ValueAndTimestampSerde(vs), windowRetention(o, d+sw.w.Grace), d, false, sopts...)
	bufName := storeName + "-records"
	bufStore := store.NewWindow(bufName, s.keySerde, s.valueSerde, 2*d+sw.w.Grace+1, 0, true, sopts...)
	n := addProcessor(s.b, name, func() Processor[K, V, window.Windowed[K], Change[VA]] {
		return &slidingProcessor[K, V, VA]{aggName: storeName, bufName: bufName, d: d.Milliseconds(), grace: grace, init: init, agg: agg, observed: -1}
	}, s.n)
	s.b.addStoreDef(aggStore, false, n)
	s.b.addStoreDef(bufStore, false, n)
	return KTable[window.Windowed[K], VA]{b: s.b, n: n, keySerde: TimeWindowedSerde(s.keySerde, d), valueSerde: vs, storeName: storeName, windowClose: &grace}
}

type slidingProcessor[K, V, VA any] struct {
	aggName, bufName string
	d, grace         int64
	init             func() VA
	agg              func(K, V, VA) VA
	pctx             ProcessorContext[window.Windowed[K], Change[VA]]
	aggs             store.WindowStore[K, store.ValueAndTimestamp[VA]]
	buf              store.WindowStore[K, V]
	observed         int64
}

func (p *slidingProcessor[K, V, VA]) Init(pctx ProcessorContext[window.Windowed[K], Change[VA]]) error {
	p.pctx = pctx
	var err error
	if p.aggs, err = WindowStoreOf[K, store.ValueAndTimestamp[VA]](pctx, p.aggName); err != nil {
		return err
	}
	p.buf, err = WindowStoreOf[K, V](pctx, p.bufName)
	return err
}

func (p *slidingProcessor[K, V, VA]) Close() error { return nil }

// leftWindow is the window that ends at a record at t; records earlier than
// the difference share the window [0, d].
func (p *slidingProcessor[K, V, VA]) leftWindow(t int64) window.Window {
	if t < p.d {
		return window.Window{Start: 0, End: p.d}
	}
	return window.Window{Start: t - p.d, End: t}
}

func (p *slidingProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	t := r.Timestamp
	p.observed = max(p.observed, t)
	closeTime := p.observed - p.grace
	if t+p.d < closeTime {
		p.pctx.Dropped("late")
		return nil
	}
	if err := p.buf.Put(r.Key, r.Value, t); err != nil {
		return fmt.Errorf("sliding window buffer %s: %w", p.bufName, err)
	}
	// The distinct timestamps of this key's records near t.
	var times []int64
	for kv, err := range p.buf.FetchRange(r.Key, t-p.d-1, t+p.d+1) {
		if err != nil {
			return fmt.Errorf("sliding window buffer %s: %w", p.bufName, err)
		}
		if n := len(times); n == 0 || times[n-1] != kv.Key.Window.Start {
			times = append(times, kv.Key.Window.Start)
		}
	}
	// Windows that contain t: its own left window, the left windows of
	// later records that reach back to t, the right windows of earlier
	// records that reach forward to t; plus t's own right window.
	var affected []window.Window
	seen := map[window.Window]bool{}
	add := func(w window.Window) {
		if !seen[w] && w.End >= closeTime {
			seen[w] = true
			affected = append(affected, w)
		}
	}
	add(p.leftWindow(t))
	for _, rt := range times {
		if lw := p.leftWindow(rt); rt > t && lw.Start <= t {
			add(lw)
		}
		if rt < t && rt+1+p.d >= t {
			add(window.Window{Start: rt + 1, End: rt + 1 + p.d})
		}
	}
	for _, rt := range times {
		if rt > t && rt <= t+1+p.d {
			add(window.Window{Start: t + 1, End: t + 1 + p.d})
			break
		}
	}
	for _, w := range affected {
		if err := p.recompute(ctx, r, w); err != nil {
			return err
		}
	}
	return nil
}

// recompute folds the buffered records of w and forwards the result.
func (p *slidingProcessor[K, V, VA]) recompute(ctx context.Context, r Record[K, V], w window.Window) error {
	acc := p.init()
	ts, n := int64(-1), 0
	for kv, err := range p.buf.FetchRange(r.Key, w.Start, w.End) {
		if err != nil {
			return fmt.Errorf("sliding window buffer %s: %w", p.bufName, err)
		}
		acc = p.agg(r.Key, kv.Value, acc)
		ts = max(ts, kv.Key.Window.Start)
		n++
	}
	if n == 0 {
		return nil
	}
	old, has, err := p.aggs.Fetch(r.Key, w.Start)
	if err != nil {
		return fmt.Errorf("sliding window store %s: %w", p.aggName, err)
	}
	if err := p.aggs.Put(r.Key, store.ValueAndTimestamp[VA]{Value: acc, Timestamp: ts}, w.Start); err != nil {
		return fmt.Errorf("sliding window store %s: %w", p.aggName, err)
	}
	return p.pctx.Forward(ctx, Record[window.Windowed[K], Change[VA]]{
		Key:       window.Windowed[K]{Key: r.Key, Window: w},
		Value:     Change[VA]{New: acc, HasNew: true, Old: old.Value, HasOld: has},
		Timestamp: ts, Headers: r.Headers,
	})
}
