package streamlib

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// SessionWindowedKStream is a grouped stream cut into per-key sessions:
// periods of activity that end after an inactivity gap.
type SessionWindowedKStream[K, V any] struct {
	g KGroupedStream[K, V]
	w window.SessionWindows
}

// SessionWindowedBy cuts a grouped stream into sessions (window.Sessions).
func SessionWindowedBy[K, V any](g KGroupedStream[K, V], w window.SessionWindows) SessionWindowedKStream[K, V] {
	if err := w.Validate(); err != nil {
		g.s.b.errorf("SessionWindowedBy: %v", err)
	}
	return SessionWindowedKStream[K, V]{g: g, w: w}
}

// SessionCount counts the records per key and session.
func SessionCount[K, V any](sw SessionWindowedKStream[K, V], opts ...Option) KTable[window.Windowed[K], int64] {
	return SessionAggregate(sw, func() int64 { return 0 },
		func(_ K, _ V, n int64) int64 { return n + 1 },
		func(_ K, a, b int64) int64 { return a + b }, opts...)
}

// SessionReduce combines the records of each key and session with f; when
// sessions merge, their aggregates are combined with f too.
func SessionReduce[K, V any](sw SessionWindowedKStream[K, V], f func(agg, value V) V, opts ...Option) KTable[window.Windowed[K], V] {
	return sessionAggregate(sw, "KSTREAM-REDUCE-", sw.g.s.valueSerde,
		func(_ K, v V, a V, has bool) V {
			if !has {
				return v
			}
			return f(a, v)
		},
		func(_ K, a V, hasA bool, b V) V {
			if !hasA {
				return b
			}
			return f(a, b)
		}, opts)
}

// SessionAggregate folds the records of each key's sessions. A record
// starts a session [t, t] or joins the sessions within the gap before and
// after it; joined sessions merge (their aggregates combined with merger,
// oldest first), each session the record touched is deleted downstream with
// a tombstone timestamped with that session's end, and the merged session
// is emitted with its end as timestamp. A record is dropped as late when
// the merged session would end before stream time - gap - grace; a late
// record that falls into a session still open is accepted. A session
// leaves the store when it closes (unless WithRetention keeps it longer),
// so a closed session is never extended.
func SessionAggregate[K, V, VA any](sw SessionWindowedKStream[K, V], init func() VA, agg func(key K, value V, aggregate VA) VA, merger func(key K, a, b VA) VA, opts ...Option) KTable[window.Windowed[K], VA] {
	return sessionAggregate(sw, "KSTREAM-AGGREGATE-", serde.For[VA](),
		func(k K, v V, a VA, has bool) VA {
			if !has {
				a = init()
			}
			return agg(k, v, a)
		},
		func(k K, a VA, hasA bool, b VA) VA {
			if !hasA {
				a = init()
			}
			return merger(k, a, b)
		}, opts)
}

func sessionAggregate[K, V, VA any](sw SessionWindowedKStream[K, V], prefix string, vs serde.Serde[VA],
	step func(K, V, VA, bool) VA, merge func(K, VA, bool, VA) VA, opts []Option) KTable[window.Windowed[K], VA] {
	o := applyOptions(opts)
	s, name, storeName := sw.g.prepare(o, prefix)
	w := sw.w
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
	// A session closes gap + grace after its end; the store keeps it no
	// longer, so a closed session is never merged again (Kafka Streams'
	// default retention, measured back from the latest session end stored).
	sb := store.NewSession(storeName, s.keySerde, vs, windowRetention(o, w.Gap+w.Grace), sopts...)
	n := addProcessor(s.b, name, func() Processor[K, V, window.Windowed[K], Change[VA]] {
		return &sessionProcessor[K, V, VA]{storeName: storeName, gap: w.Gap.Milliseconds(), grace: w.Grace.Milliseconds(), step: step, merge: merge, observed: -1}
	}, s.n)
	s.b.addStoreDef(sb, false, n)
	closeAfter := w.Gap.Milliseconds() + w.Grace.Milliseconds()
	t := KTable[window.Windowed[K], VA]{
		b: s.b, n: n, keySerde: SessionWindowedSerde(s.keySerde), valueSerde: vs, storeName: storeName,
		windowClose: &closeAfter,
		getter: &valueGetter[window.Windowed[K], VA]{
			stores: []string{storeName},
			open: func(tc TaskContext) (func(window.Windowed[K]) (store.ValueAndTimestamp[VA], bool, error), error) {
				st, err := storeAs[store.ReadOnlySessionStore[K, VA]](tc, storeName)
				if err != nil {
					return nil, err
				}
				return func(wk window.Windowed[K]) (store.ValueAndTimestamp[VA], bool, error) {
					v, ok, err := st.FetchSession(wk.Key, wk.Window.Start, wk.Window.End)
					return store.ValueAndTimestamp[VA]{Value: v, Timestamp: wk.Window.End}, ok, err
				}, nil
			},
		},
	}
	if o.emitFinal {
		// A session is final once its end is before stream time - gap -
		// grace, one millisecond after it closes for SuppressUntilWindowCloses
		// (Kafka Streams' EmitStrategy.onWindowClose for sessions), and final
		// sessions leave in order of end, start, key.
		return emitFinal(t, name, o, closeAfter+1, func(_ window.Windowed[K], kb []byte) []byte {
			n := len(kb) - 16 // key | end | start
			return append(append(make([]byte, 0, len(kb)), kb[n+8:]...), kb[:n]...)
		})
	}
	return t
}

type sessionProcessor[K, V, VA any] struct {
	storeName  string
	gap, grace int64
	step       func(K, V, VA, bool) VA
	merge      func(K, VA, bool, VA) VA
	pctx       ProcessorContext[window.Windowed[K], Change[VA]]
	st         store.SessionStore[K, VA]
	observed   int64
}

func (p *sessionProcessor[K, V, VA]) Init(pctx ProcessorContext[window.Windowed[K], Change[VA]]) error {
	p.pctx = pctx
	st, err := SessionStoreOf[K, VA](pctx, p.storeName)
	p.st = st
	return err
}

func (p *sessionProcessor[K, V, VA]) Close() error { return nil }

func (p *sessionProcessor[K, V, VA]) Process(ctx context.Context, r Record[K, V]) error {
	if r.Tombstone {
		p.pctx.Dropped("null-value")
		return nil
	}
	t := r.Timestamp
	p.observed = max(p.observed, t)
	closeTime := p.observed - p.gap - p.grace

	merged := window.Window{Start: t, End: t}
	var acc VA
	has := false
	var found []store.KeyValue[window.Windowed[K], VA]
	for kv, err := range p.st.FindSessions(r.Key, t-p.gap, t+p.gap) {
		if err != nil {
			return fmt.Errorf("session store %s: find %v: %w", p.storeName, r.Key, err)
		}
		found = append(found, kv)
		merged.Start = min(merged.Start, kv.Key.Window.Start)
		merged.End = max(merged.End, kv.Key.Window.End)
		acc = p.merge(r.Key, acc, has, kv.Value)
		has = true
	}
	if merged.End < closeTime {
		p.pctx.Dropped("late")
		return nil
	}
	acc = p.step(r.Key, r.Value, acc, has)

	// Unless the record is exactly a session it already had (a second
	// record at the same time as a lone record), every session it touched
	// goes, even one with the bounds of the merged session: downstream sees
	// a tombstone for each, timestamped with that session's end, and then
	// the merged session as a new row.
	if merged != (window.Window{Start: t, End: t}) {
		for _, kv := range found {
			if err := p.st.Remove(kv.Key); err != nil {
				return fmt.Errorf("session store %s: remove %v: %w", p.storeName, kv.Key, err)
			}
			tomb := Record[window.Windowed[K], Change[VA]]{Key: kv.Key, Value: Change[VA]{Old: kv.Value, HasOld: true}, Timestamp: kv.Key.Window.End, Headers: r.Headers}
			if err := p.pctx.Forward(ctx, tomb); err != nil {
				return err
			}
		}
		found = nil
	}
	// What is left in found is the session [t, t] itself, about to be
	// replaced.
	var prev Change[VA]
	for _, kv := range found {
		prev.Old, prev.HasOld = kv.Value, true
	}
	wk := window.Windowed[K]{Key: r.Key, Window: merged}
	if err := p.st.Put(wk, acc); err != nil {
		return fmt.Errorf("session store %s: put %v: %w", p.storeName, wk, err)
	}
	return p.pctx.Forward(ctx, Record[window.Windowed[K], Change[VA]]{
		Key:       wk,
		Value:     Change[VA]{New: acc, HasNew: true, Old: prev.Old, HasOld: prev.HasOld},
		Timestamp: merged.End, Headers: r.Headers,
	})
}
