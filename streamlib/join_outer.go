package streamlib

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// This file holds the buffer of unmatched records of left and outer
// stream-stream joins. Kafka Streams calls it the "outer join store": a
// key-value store shared by both sides of a join, keyed by (timestamp, side,
// key) so that a scan yields the records in the order their windows close.
//
// Key layout: 8 bytes big-endian timestamp, one byte side (0 right, 1 left,
// so right records sort first at equal timestamps, as in Kafka Streams),
// then the serialized record key. Value: every value buffered under that
// key, each as a uvarint length and the serialized value.

// joinTime is the stream time of one join in one task: the largest timestamp
// either side has seen. minTime is a lower bound of the timestamps waiting
// in the buffer, which lets most records skip the scan for closed windows.
type joinTime struct {
	streamTime int64
	minTime    int64
}

// joinTimes hands the two sides of a join, in the same task, the same
// joinTime. Tasks are told apart by their (per-task) buffer store instance.
type joinTimes struct {
	mu   sync.Mutex
	m    map[any]*joinTime
	refs map[any]int
}

func (j *joinTimes) acquire(key any) *joinTime {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.refs == nil {
		j.refs = map[any]int{}
	}
	t, ok := j.m[key]
	if !ok {
		// minTime -1: the buffer may hold restored records; scan once.
		t = &joinTime{streamTime: -1, minTime: -1}
		j.m[key] = t
	}
	j.refs[key]++
	return t
}

func (j *joinTimes) release(key any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.refs[key]--; j.refs[key] <= 0 {
		delete(j.m, key)
		delete(j.refs, key)
	}
}

// outerBuffer is one side's handle on a join's buffer of unmatched records.
type outerBuffer[K, V1, V2, VR any] struct {
	core *streamJoinCore[K, V1, V2, VR]
	st   store.KeyValueStore[[]byte, []byte]
	time *joinTime
	key  any
}

func openOuterBuffer[K, V1, V2, VR any](tc TaskContext, core *streamJoinCore[K, V1, V2, VR]) (*outerBuffer[K, V1, V2, VR], error) {
	st, err := KeyValueStoreOf[[]byte, []byte](tc, core.outerStore)
	if err != nil {
		return nil, err
	}
	if reflect.ValueOf(st).Kind() != reflect.Pointer {
		return nil, fmt.Errorf("join buffer store %s is a %T; the join needs a pointer type to tell tasks apart: %w", core.outerStore, st, ErrStoreType)
	}
	return &outerBuffer[K, V1, V2, VR]{core: core, st: st, time: core.times.acquire(st), key: st}, nil
}

func (b *outerBuffer[K, V1, V2, VR]) release() { b.core.times.release(b.key) }

func (b *outerBuffer[K, V1, V2, VR]) advance(ts int64) {
	b.time.streamTime = max(b.time.streamTime, ts)
}

func bufferKey(ts int64, left bool, key []byte) []byte {
	out := make([]byte, 0, 9+len(key))
	out = binary.BigEndian.AppendUint64(out, uint64(ts))
	side := byte(0)
	if left {
		side = 1
	}
	out = append(out, side)
	return append(out, key...)
}

var errBadBufferEntry = errors.New("malformed join buffer entry")

func parseBufferKey(k []byte) (ts int64, left bool, key []byte, err error) {
	if len(k) < 9 {
		return 0, false, nil, errBadBufferEntry
	}
	return int64(binary.BigEndian.Uint64(k)), k[8] == 1, k[9:], nil
}

// add buffers an unmatched record until its window closes.
func (b *outerBuffer[K, V1, V2, VR]) add(ts int64, left bool, key, value []byte) error {
	k := bufferKey(ts, left, key)
	list, _, err := b.st.Get(k)
	if err != nil {
		return fmt.Errorf("join buffer %s: get: %w", b.core.outerStore, err)
	}
	list = binary.AppendUvarint(list, uint64(len(value)))
	list = append(list, value...)
	if err := b.st.Put(k, list); err != nil {
		return fmt.Errorf("join buffer %s: put: %w", b.core.outerStore, err)
	}
	b.time.minTime = min(b.time.minTime, ts)
	return nil
}

// remove forgets the buffered records of key at ts on one side: they found a
// partner.
func (b *outerBuffer[K, V1, V2, VR]) remove(ts int64, left bool, key []byte) error {
	k := bufferKey(ts, left, key)
	_, ok, err := b.st.Get(k)
	if err == nil && ok {
		err = b.st.Delete(k)
	}
	if err != nil {
		return fmt.Errorf("join buffer %s: remove: %w", b.core.outerStore, err)
	}
	return nil
}

// lookback is how long after its timestamp a buffered record of a side can
// still find a partner: a left record waits for right records up to After
// later, a right record for left records up to Before later.
func (b *outerBuffer[K, V1, V2, VR]) lookback(left bool) int64 {
	if left {
		return b.core.afterMs
	}
	return b.core.beforeMs
}

func (b *outerBuffer[K, V1, V2, VR]) closed(ts int64, left bool) bool {
	return ts+b.lookback(left)+b.core.graceMs < b.time.streamTime
}

// emitClosed emits the buffered records whose window has closed, oldest
// first, each as a join with nil on the other side and with its own
// timestamp, and removes them. Like Kafka Streams, the results carry the
// headers of the record being processed.
func (b *outerBuffer[K, V1, V2, VR]) emitClosed(ctx context.Context, pctx ProcessorContext[K, VR], headers Headers) error {
	t := b.time
	shortest := int64(math.MaxInt64)
	if b.core.leftOuter {
		shortest = min(shortest, b.lookback(true))
	}
	if b.core.rightOuter {
		shortest = min(shortest, b.lookback(false))
	}
	// Only records older than cutoff can have closed windows.
	cutoff := t.streamTime - shortest - b.core.graceMs
	if cutoff <= 0 || t.minTime >= cutoff {
		return nil
	}
	// Buffer keys start with the timestamp: every key of a record older than
	// cutoff sorts before these 8 bytes, every other key after them.
	upTo := binary.BigEndian.AppendUint64(nil, uint64(cutoff))
	var due []store.KeyValue[[]byte, []byte]
	t.minTime = cutoff
	for kv, err := range b.st.Range(nil, upTo) {
		if err != nil {
			return fmt.Errorf("join buffer %s: scan: %w", b.core.outerStore, err)
		}
		ts, left, _, err := parseBufferKey(kv.Key)
		if err != nil {
			return fmt.Errorf("join buffer %s: %w", b.core.outerStore, err)
		}
		if b.closed(ts, left) {
			due = append(due, kv)
		} else {
			t.minTime = min(t.minTime, ts) // the other side waits longer
		}
	}
	for _, kv := range due {
		if err := b.emit(ctx, pctx, kv, headers); err != nil {
			return err
		}
		if err := b.st.Delete(kv.Key); err != nil {
			return fmt.Errorf("join buffer %s: delete: %w", b.core.outerStore, err)
		}
	}
	return nil
}

func (b *outerBuffer[K, V1, V2, VR]) emit(ctx context.Context, pctx ProcessorContext[K, VR], kv store.KeyValue[[]byte, []byte], headers Headers) error {
	ts, left, kb, err := parseBufferKey(kv.Key)
	if err != nil {
		return fmt.Errorf("join buffer %s: %w", b.core.outerStore, err)
	}
	c := b.core
	key, err := c.keySerde.Deserialize(kb)
	if err != nil {
		return fmt.Errorf("join buffer %s: key: %w", c.outerStore, err)
	}
	for list := kv.Value; len(list) > 0; {
		n, w := binary.Uvarint(list)
		if w <= 0 || uint64(len(list)-w) < n {
			return fmt.Errorf("join buffer %s: %w", c.outerStore, errBadBufferEntry)
		}
		vb := list[w : w+int(n)]
		list = list[w+int(n):]
		var out VR
		if left {
			v, err := c.leftSerde.Deserialize(vb)
			if err != nil {
				return fmt.Errorf("join buffer %s: left value of %v: %w", c.outerStore, key, err)
			}
			out = c.joiner(key, &v, nil)
		} else {
			v, err := c.rightSerde.Deserialize(vb)
			if err != nil {
				return fmt.Errorf("join buffer %s: right value of %v: %w", c.outerStore, key, err)
			}
			out = c.joiner(key, nil, &v)
		}
		if err := pctx.Forward(ctx, Record[K, VR]{Key: key, Value: out, Timestamp: ts, Headers: headers}); err != nil {
			return err
		}
	}
	return nil
}
