package streamlib

import (
	"context"
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// TimeWindowedKStream is a grouped stream cut into tumbling or hopping
// windows, ready to aggregate per key and window.
type TimeWindowedKStream[K, V any] struct {
	g KGroupedStream[K, V]
	w window.TimeWindows
}

// WindowedBy cuts a grouped stream into time windows (window.Tumbling or
// window.Hopping). The definition states its grace period; there is no
// default.
func WindowedBy[K, V any](g KGroupedStream[K, V], w window.TimeWindows) TimeWindowedKStream[K, V] {
	if err := w.Validate(); err != nil {
		g.s.b.errorf("WindowedBy: %v", err)
	}
	return TimeWindowedKStream[K, V]{g: g, w: w}
}

// WindowedCount counts the records per key and window.
func WindowedCount[K, V any](tw TimeWindowedKStream[K, V], opts ...Option) KTable[window.Windowed[K], int64] {
	return WindowedAggregate(tw, func() int64 { return 0 }, func(_ K, _ V, n int64) int64 { return n + 1 }, opts...)
}

// WindowedReduce combines the records of each key and window with f; the
// first record of a window is its initial aggregate.
func WindowedReduce[K, V any](tw TimeWindowedKStream[K, V], f func(agg, value V) V, opts ...Option) KTable[window.Windowed[K], V] {
	return timeWindowAggregate(tw, "KSTREAM-REDUCE-", tw.g.s.valueSerde, func(_ K, v V, agg V, has bool) V {
		if !has {
			return v
		}
		return f(agg, v)
	}, opts)
}

// WindowedAggregate folds the records of each key and window: init makes a
// window's first aggregate, agg adds one record. Every update is emitted
// (unless EmitFinal is given) as a row of a table keyed by window.Windowed[K],
// with the largest timestamp of the window's records. Records for windows
// that closed (end + grace <= stream time) are dropped and counted as "late".
func WindowedAggregate[K, V, VA any](tw TimeWindowedKStream[K, V], init func() VA, agg func(key K, value V, aggregate VA) VA, opts ...Option) KTable[window.Windowed[K], VA] {
	return timeWindowAggregate(tw, "KSTREAM-AGGREGATE-", serde.For[VA](), func(k K, v V, a VA, has bool) VA {
		if !has {
			a = init()
		}
		return agg(k, v, a)
	}, opts)
}

// windowRetention is the retention of a window store: the user's, but at
// least what the windows need to close.
func windowRetention(o options, need time.Duration) time.Duration {
	return max(o.retention, need)
}

func timeWindowAggregate[K, V, VA any](tw TimeWindowedKStream[K, V], prefix string, vs serde.Serde[VA], step func(K, V, VA, bool) VA, opts []Option) KTable[window.Windowed[K], VA] {
	o := applyOptions(opts)
	s, name, storeName := tw.g.prepare(o, prefix)
	w := tw.w
	retention := windowRetention(o, w.Size+w.Grace)
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
	sb := store.NewWindow(storeName, s.keySerde, store.ValueAndTimestampSerde(vs), retention, w.Size, false, sopts...)
	n := addProcessor(s.b, name, func() Processor[K, V, window.Windowed[K], Change[VA]] {
		return &timeWindowProcessor[K, V, VA]{storeName: storeName, w: w, step: step, observed: -1}
	}, s.n)
	s.b.addStoreDef(sb, false, n)
	grace := w.GraceMs()
	size := w.SizeMs()
	t := KTable[window.Windowed[K], VA]{
		b: s.b, n: n, keySerde: TimeWindowedSerde(s.keySerde, w.Size), valueSerde: vs, storeName: storeName,
		windowClose: &grace,
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
		// A window is final once stream time reaches end + grace, as for
		// SuppressUntilWindowCloses; windows of one end leave in key order.
		return emitFinal(t, name, o, grace, timeWindowOrder[K])
	}
	return t
}

type timeWindowProcessor[K, V, VA any] struct {
	storeName string
	w         window.TimeWindows
	step      func(K, V, VA, bool) VA
	pctx      ProcessorContext[window.Windowed[K], Change[VA]]
	st        store.WindowStore[K, store.ValueAndTimestamp[VA]]
	observed  int64 // this processor's stream time
}

func (p *timeWindowProcessor[K, V, VA]) Init(pctx ProcessorContext[window.Windowed[K], Change[VA]]) error {
	p.pctx = pctx
	st, err := WindowStoreOf[K, store.ValueAndTimestamp[VA]](pctx, p.storeName)
	p.st = st
	return err
}

func (p *timeWindowProcessor[K, V, VA]) Close() error { return nil }

func (p *timeWindowProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	p.observed = max(p.observed, r.Timestamp)
	closeTime := p.observed - p.w.GraceMs()
	for _, win := range p.w.WindowsFor(r.Timestamp) {
		if win.End <= closeTime {
			p.pctx.Dropped("late")
			continue
		}
		old, has, err := p.st.Fetch(r.Key, win.Start)
		if err != nil {
			return fmt.Errorf("window store %s: fetch %v@%v: %w", p.storeName, r.Key, win, err)
		}
		next := p.step(r.Key, r.Value, old.Value, has)
		ts := r.Timestamp
		if has {
			ts = max(ts, old.Timestamp)
		}
		if err := p.st.Put(r.Key, store.ValueAndTimestamp[VA]{Value: next, Timestamp: ts}, win.Start); err != nil {
			return fmt.Errorf("window store %s: put %v@%v: %w", p.storeName, r.Key, win, err)
		}
		out := Record[window.Windowed[K], Change[VA]]{
			Key:       window.Windowed[K]{Key: r.Key, Window: win},
			Value:     Change[VA]{New: next, HasNew: true, Old: old.Value, HasOld: has},
			Timestamp: ts, Headers: r.Headers,
		}
		if err := p.pctx.Forward(ctx, out); err != nil {
			return err
		}
	}
	return nil
}
