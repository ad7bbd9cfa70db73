package streamlib

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// bufferPolicy is what distinguishes the suppressions: when a held update
// leaves the buffer, and whether deletions leave at all.
type bufferPolicy[K, V any] struct {
	// timeOf gives the buffer time of a key's first held update: its
	// timestamp (time limits) or its window's end (final results). Later
	// updates of a held key keep that time.
	timeOf func(r Record[K, Change[V]]) int64
	// wait is how far stream time must pass a buffer time before the held
	// update leaves: it leaves when time + wait <= stream time.
	wait int64
	// dropTombstones drops deletions instead of emitting them: a deleted
	// window (a session merged away) has no final result.
	dropTombstones bool
	// maxRecords, when positive, bounds the buffer; the keys held longest
	// leave early when it is exceeded.
	maxRecords int
	// order, when set, gives the bytes that order keys of the same buffer
	// time, from the serialized key; by default the serialized key.
	order func(key K, kb []byte) []byte
}

func (p bufferPolicy[K, V]) orderBytes(key K, kb []byte) []byte {
	if p.order == nil {
		return kb
	}
	return p.order(key, kb)
}

// held is a buffered update: the latest change of a key, with the old value
// of the first change held (what downstream saw last).
type held[V any] struct {
	Time      int64 // buffer time
	Timestamp int64 // of the latest update
	Headers   Headers
	Change    Change[V]
}

// suppressBuffer holds back table updates in a key-value store and emits
// them in order of buffer time, then serialized key, as Kafka Streams'
// time-ordered buffer does. The order of the held keys is kept in memory
// and rebuilt from the store when the task starts.
type suppressBuffer[K, V any] struct {
	storeName string
	keySerde  serde.Serde[K]
	policy    bufferPolicy[K, V]
	pctx      ProcessorContext[K, Change[V]]
	st        store.KeyValueStore[K, held[V]]
	queue     heldQueue[K]
	observed  int64 // the stream time of this processor
}

func (p *suppressBuffer[K, V]) Init(pctx ProcessorContext[K, Change[V]]) error {
	p.pctx = pctx
	st, err := KeyValueStoreOf[K, held[V]](pctx, p.storeName)
	if err != nil {
		return err
	}
	p.st = st
	p.queue = p.queue[:0]
	for kv, err := range st.All() {
		if err != nil {
			return fmt.Errorf("suppress buffer %s: reload: %w", p.storeName, err)
		}
		kb, err := p.keySerde.Serialize(kv.Key)
		if err != nil {
			return fmt.Errorf("suppress buffer %s: reload: serialize key %v: %w", p.storeName, kv.Key, err)
		}
		p.queue = append(p.queue, queued[K]{time: kv.Value.Time, kb: p.policy.orderBytes(kv.Key, kb), key: kv.Key})
	}
	heap.Init(&p.queue)
	return nil
}

func (p *suppressBuffer[K, V]) Close() error { return nil }

func (p *suppressBuffer[K, V]) Process(ctx context.Context, r Record[K, Change[V]]) error {
	p.observed = max(p.observed, r.Timestamp)
	prev, had, err := p.st.Get(r.Key)
	if err != nil {
		return fmt.Errorf("suppress buffer %s: get %v: %w", p.storeName, r.Key, err)
	}
	h := held[V]{Timestamp: r.Timestamp, Headers: r.Headers, Change: r.Value}
	if had {
		h.Time = prev.Time
		h.Change.Old, h.Change.HasOld = prev.Change.Old, prev.Change.HasOld
	} else {
		h.Time = p.policy.timeOf(r)
		kb, err := p.keySerde.Serialize(r.Key)
		if err != nil {
			return fmt.Errorf("suppress buffer %s: serialize key %v: %w", p.storeName, r.Key, err)
		}
		heap.Push(&p.queue, queued[K]{time: h.Time, kb: p.policy.orderBytes(r.Key, kb), key: r.Key})
	}
	if err := p.st.Put(r.Key, h); err != nil {
		return fmt.Errorf("suppress buffer %s: put %v: %w", p.storeName, r.Key, err)
	}
	return p.evict(ctx)
}

// evict emits every held update whose time has come, then, if the buffer
// is bounded and over its bound, the oldest ones.
func (p *suppressBuffer[K, V]) evict(ctx context.Context) error {
	expiry := p.observed - p.policy.wait
	for len(p.queue) > 0 && p.queue[0].time <= expiry {
		if err := p.emit(ctx, heap.Pop(&p.queue).(queued[K])); err != nil {
			return err
		}
	}
	for p.policy.maxRecords > 0 && len(p.queue) > p.policy.maxRecords {
		if err := p.emit(ctx, heap.Pop(&p.queue).(queued[K])); err != nil {
			return err
		}
	}
	return nil
}

func (p *suppressBuffer[K, V]) emit(ctx context.Context, q queued[K]) error {
	h, ok, err := p.st.Get(q.key)
	if err != nil {
		return fmt.Errorf("suppress buffer %s: get %v: %w", p.storeName, q.key, err)
	}
	if !ok {
		return nil
	}
	if err := p.st.Delete(q.key); err != nil {
		return fmt.Errorf("suppress buffer %s: delete %v: %w", p.storeName, q.key, err)
	}
	if !h.Change.HasNew && p.policy.dropTombstones {
		return nil
	}
	return p.pctx.Forward(ctx, Record[K, Change[V]]{Key: q.key, Value: h.Change, Timestamp: h.Timestamp, Headers: h.Headers})
}

// queued is a held key in the eviction order: by time, then kb.
type queued[K any] struct {
	time int64
	kb   []byte
	key  K
}

// heldQueue is a min-heap of held keys by buffer time, then serialized key.
type heldQueue[K any] []queued[K]

func (q heldQueue[K]) Len() int { return len(q) }
func (q heldQueue[K]) Less(i, j int) bool {
	if q[i].time != q[j].time {
		return q[i].time < q[j].time
	}
	return bytes.Compare(q[i].kb, q[j].kb) < 0
}
func (q heldQueue[K]) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *heldQueue[K]) Push(x any)   { *q = append(*q, x.(queued[K])) }
func (q *heldQueue[K]) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// heldSerde stores a held update: buffer time and timestamp (8 bytes each,
// big-endian), the headers (a 4-byte count, then each key and value with a
// 4-byte length; a nil value has length 0xFFFFFFFF), then the change as
// ChangeSerde writes it.
func heldSerde[V any](vs serde.Serde[V]) serde.Serde[held[V]] {
	return heldCodec[V]{change: ChangeSerde(vs)}
}

type heldCodec[V any] struct{ change serde.Serde[Change[V]] }

var errShortHeld = errors.New("suppress buffer entry too short")

const nilHeader = math.MaxUint32

func (c heldCodec[V]) Serialize(h held[V]) ([]byte, error) {
	cb, err := c.change.Serialize(h.Change)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 20+len(cb))
	out = binary.BigEndian.AppendUint64(out, uint64(h.Time))
	out = binary.BigEndian.AppendUint64(out, uint64(h.Timestamp))
	out = binary.BigEndian.AppendUint32(out, uint32(len(h.Headers)))
	for _, hd := range h.Headers {
		out = binary.BigEndian.AppendUint32(out, uint32(len(hd.Key)))
		out = append(out, hd.Key...)
		if hd.Value == nil {
			out = binary.BigEndian.AppendUint32(out, nilHeader)
			continue
		}
		out = binary.BigEndian.AppendUint32(out, uint32(len(hd.Value)))
		out = append(out, hd.Value...)
	}
	return append(out, cb...), nil
}

func (c heldCodec[V]) Deserialize(data []byte) (held[V], error) {
	var h held[V]
	if len(data) < 20 {
		return h, errShortHeld
	}
	h.Time = int64(binary.BigEndian.Uint64(data))
	h.Timestamp = int64(binary.BigEndian.Uint64(data[8:]))
	n := binary.BigEndian.Uint32(data[16:])
	rest := data[20:]
	next := func() ([]byte, bool, error) {
		if len(rest) < 4 {
			return nil, false, errShortHeld
		}
		l := binary.BigEndian.Uint32(rest)
		rest = rest[4:]
		if l == nilHeader {
			return nil, true, nil
		}
		if uint32(len(rest)) < l {
			return nil, false, errShortHeld
		}
		b := rest[:l:l]
		rest = rest[l:]
		return b, false, nil
	}
	for range n {
		k, _, err := next()
		if err != nil {
			return h, err
		}
		v, isNil, err := next()
		if err != nil {
			return h, err
		}
		if !isNil && v == nil {
			v = []byte{}
		}
		h.Headers = append(h.Headers, Header{Key: string(k), Value: bytes.Clone(v)})
	}
	ch, err := c.change.Deserialize(rest)
	if err != nil {
		return h, err
	}
	h.Change = ch
	return h, nil
}
