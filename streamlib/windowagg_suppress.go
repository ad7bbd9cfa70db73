package streamlib

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// SuppressUntilWindowCloses holds back the updates of a windowed table and
// emits one final result per window when it closes: when this processor's
// stream time reaches the window's end plus grace (for sessions: end + gap +
// grace). Like every closing in Kafka Streams, it waits for newer records: an
// idle stream emits nothing. The buffer is a changelogged store, so held
// results survive a restart.
func SuppressUntilWindowCloses[K, V any](t KTable[window.Windowed[K], V], opts ...Option) KTable[window.Windowed[K], V] {
	o := applyOptions(opts)
	if t.windowClose == nil {
		t.b.errorf("SuppressUntilWindowCloses: table %s is not the result of a windowed aggregation", t.n.name)
		return t
	}
	closeAfter := *t.windowClose
	name := t.b.name(o, "KTABLE-SUPPRESS-")
	storeName := name + "-store"
	var sopts []store.Option
	if o.persistent {
		sopts = append(sopts, store.Persistent())
	}
	if o.noLogging {
		sopts = append(sopts, store.WithoutLogging())
	}
	buf := store.NewKeyValue(storeName, t.keySerde, store.ValueAndTimestampSerde(ChangeSerde(t.valueSerde)), sopts...)
	ks := t.keySerde
	n := addProcessor(t.b, name, func() Processor[window.Windowed[K], Change[V], window.Windowed[K], Change[V]] {
		return &suppressProcessor[K, V]{storeName: storeName, closeAfter: closeAfter, keySerde: ks, observed: -1, nextDue: -1}
	}, t.n)
	t.b.addStoreDef(buf, false, n)
	out := t
	out.n = n
	out.storeName = ""
	return out
}

type suppressProcessor[K, V any] struct {
	storeName  string
	closeAfter int64
	keySerde   serde.Serde[window.Windowed[K]]
	pctx       ProcessorContext[window.Windowed[K], Change[V]]
	buf        store.KeyValueStore[window.Windowed[K], store.ValueAndTimestamp[Change[V]]]
	observed   int64
	nextDue    int64 // earliest window end + closeAfter in the buffer; -1 when unknown
}

func (p *suppressProcessor[K, V]) Init(pctx ProcessorContext[window.Windowed[K], Change[V]]) error {
	p.pctx = pctx
	st, err := KeyValueStoreOf[window.Windowed[K], store.ValueAndTimestamp[Change[V]]](pctx, p.storeName)
	p.buf = st
	return err
}

func (p *suppressProcessor[K, V]) Close() error { return nil }

func (p *suppressProcessor[K, V]) Process(ctx context.Context, r Record[window.Windowed[K], Change[V]]) error {
	p.observed = max(p.observed, r.Timestamp)
	due := r.Key.Window.End + p.closeAfter
	if due > p.observed {
		// Keep the first old value and the latest new value of the window.
		prev, had, err := p.buf.Get(r.Key)
		if err != nil {
			return fmt.Errorf("suppress buffer %s: %w", p.storeName, err)
		}
		ch := r.Value
		if had {
			ch.Old, ch.HasOld = prev.Value.Old, prev.Value.HasOld
		}
		if err := p.buf.Put(r.Key, store.ValueAndTimestamp[Change[V]]{Value: ch, Timestamp: r.Timestamp}); err != nil {
			return fmt.Errorf("suppress buffer %s: %w", p.storeName, err)
		}
		if p.nextDue < 0 || due < p.nextDue {
			p.nextDue = due
		}
	} else if err := p.pctx.Forward(ctx, r); err != nil {
		// Already closed when it arrived: nothing to wait for.
		return err
	}
	return p.evict(ctx)
}

type buffered[K, V any] struct {
	key    window.Windowed[K]
	kbytes []byte
	v      store.ValueAndTimestamp[Change[V]]
}

// evict emits, in order of window end then key, every buffered window that
// has closed.
func (p *suppressProcessor[K, V]) evict(ctx context.Context) error {
	if p.nextDue < 0 || p.nextDue > p.observed {
		return nil
	}
	var ready []buffered[K, V]
	next := int64(-1)
	for kv, err := range p.buf.All() {
		if err != nil {
			return fmt.Errorf("suppress buffer %s: %w", p.storeName, err)
		}
		due := kv.Key.Window.End + p.closeAfter
		if due <= p.observed {
			kb, _ := p.keySerde.Serialize(kv.Key)
			ready = append(ready, buffered[K, V]{key: kv.Key, kbytes: kb, v: kv.Value})
		} else if next < 0 || due < next {
			next = due
		}
	}
	p.nextDue = next
	slices.SortFunc(ready, func(a, b buffered[K, V]) int {
		if c := cmp.Compare(a.key.Window.End, b.key.Window.End); c != 0 {
			return c
		}
		return bytes.Compare(a.kbytes, b.kbytes)
	})
	for _, e := range ready {
		if err := p.buf.Delete(e.key); err != nil {
			return fmt.Errorf("suppress buffer %s: %w", p.storeName, err)
		}
		if !e.v.Value.HasNew && !e.v.Value.HasOld {
			continue
		}
		if err := p.pctx.Forward(ctx, Record[window.Windowed[K], Change[V]]{Key: e.key, Value: e.v.Value, Timestamp: e.v.Timestamp}); err != nil {
			return err
		}
	}
	return nil
}
