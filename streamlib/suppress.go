package streamlib

import (
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// Suppression says how long Suppress holds back the updates of a table's
// keys. Make one with UntilTimeLimit; the zero value is not usable.
type Suppression struct {
	limit      time.Duration
	maxRecords int
	set        bool
}

// UntilTimeLimit holds back each key's updates until d of stream time has
// passed since the first update that is held: then the key's latest value
// is emitted, once, with the timestamp and headers of that latest update.
// A later update starts a new wait. This is Kafka Streams'
// Suppressed.untilTimeLimit: it rate-limits a changing table to one update
// per key and period.
//
// Time is the stream time seen by the suppression itself (the largest
// timestamp of the updates it received), so an idle input emits nothing:
// held updates leave only when newer ones arrive.
func UntilTimeLimit(d time.Duration) Suppression {
	return Suppression{limit: d, set: true}
}

// MaxRecords bounds the buffer to n keys: when it holds more, the keys held
// the longest are emitted early, as with Kafka Streams'
// BufferConfig.maxRecords(n).emitEarlyWhenFull(). Without it the buffer is
// unbounded (it lives in a state store, on disk with Persistent).
func (s Suppression) MaxRecords(n int) Suppression {
	s.maxRecords = n
	return s
}

func (s Suppression) validate() error {
	switch {
	case !s.set:
		return fmt.Errorf("the suppression is not set: use UntilTimeLimit")
	case s.limit < 0:
		return fmt.Errorf("time limit %v must not be negative", s.limit)
	case s.limit%time.Millisecond != 0:
		return fmt.Errorf("time limit %v must be whole milliseconds", s.limit)
	case s.maxRecords < 0:
		return fmt.Errorf("max records %d must not be negative", s.maxRecords)
	}
	return nil
}

// Suppress holds back the updates of a table and emits, per key, only the
// latest one once the suppression's time limit has passed (see
// UntilTimeLimit). Deletions are held and emitted like updates.
//
// The held updates are kept in a state store named after the operation
// (Named(n) gives n and "n-store"), backed by a changelog topic unless
// WithoutLogging is given, so they survive a restart. For final results of
// a windowed aggregation use SuppressUntilWindowCloses instead.
//
// Lookups of the suppressed table (in joins) see what it emitted so far: a
// key with a held update reads as its value before that update.
func Suppress[K, V any](t KTable[K, V], s Suppression, opts ...Option) KTable[K, V] {
	if err := s.validate(); err != nil {
		t.b.errorf("Suppress %s: %v", t.n.name, err)
		return t
	}
	o := applyOptions(opts)
	limit := s.limit.Milliseconds()
	return suppressTable(t, o, bufferPolicy[K, V]{
		wait:       limit,
		maxRecords: s.maxRecords,
		timeOf:     func(r Record[K, Change[V]]) int64 { return r.Timestamp },
	})
}

// suppressTable adds a suppression buffer after t.
func suppressTable[K, V any](t KTable[K, V], o options, policy bufferPolicy[K, V]) KTable[K, V] {
	name := t.b.name(o, "KTABLE-SUPPRESS-")
	storeName := name + "-store"
	if o.name == "" {
		storeName = t.b.nextName("KTABLE-SUPPRESS-STATE-STORE-")
	}
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
	sb := store.NewKeyValue(storeName, t.keySerde, heldSerde(t.valueSerde), sopts...)
	ks := t.keySerde
	n := addProcessor(t.b, name, func() Processor[K, Change[V], K, Change[V]] {
		return &suppressBuffer[K, V]{storeName: storeName, keySerde: ks, policy: policy, observed: -1}
	}, t.n)
	t.b.addStoreDef(sb, false, n)
	out := t
	out.n = n
	out.storeName = ""
	if t.getter != nil {
		out.getter = suppressedGetter(t.getter, storeName)
	}
	return out
}

// suppressedGetter reads a suppressed table as its downstream sees it: a
// key with a held update has the value it had before that update.
func suppressedGetter[K, V any](parent *valueGetter[K, V], bufferStore string) *valueGetter[K, V] {
	return &valueGetter[K, V]{
		stores: append([]string{bufferStore}, parent.stores...),
		open: func(tc TaskContext) (func(K) (store.ValueAndTimestamp[V], bool, error), error) {
			buf, err := storeAs[store.ReadOnlyKeyValueStore[K, held[V]]](tc, bufferStore)
			if err != nil {
				return nil, err
			}
			get, err := parent.open(tc)
			if err != nil {
				return nil, err
			}
			return func(k K) (store.ValueAndTimestamp[V], bool, error) {
				h, ok, err := buf.Get(k)
				if err != nil {
					return store.ValueAndTimestamp[V]{}, false, fmt.Errorf("suppress buffer %s: %w", bufferStore, err)
				}
				if !ok {
					return get(k)
				}
				// The prior value's own timestamp is not kept; the held
				// update's is the closest known.
				return store.ValueAndTimestamp[V]{Value: h.Change.Old, Timestamp: h.Timestamp}, h.Change.HasOld, nil
			}, nil
		},
	}
}
