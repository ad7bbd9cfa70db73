package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// WindowBuilder describes a typed window store; a runtime builds one
// instance per task.
type WindowBuilder[K, V any] struct {
	name             string
	keySerde         serde.Serde[K]
	valueSerde       serde.Serde[V]
	retention        time.Duration
	windowSize       time.Duration
	retainDuplicates bool
	cfg              config
}

// NewWindow describes a window store named name that keeps windows of
// windowSize for retention (measured back from the latest window start it
// holds). With
// retainDuplicates every Put adds an entry, as stream-stream joins need;
// otherwise a Put replaces the value of its key and window. The store is in
// memory and logged unless options say otherwise.
func NewWindow[K, V any](name string, keySerde serde.Serde[K], valueSerde serde.Serde[V], retention, windowSize time.Duration, retainDuplicates bool, opts ...Option) *WindowBuilder[K, V] {
	return &WindowBuilder[K, V]{
		name: name, keySerde: keySerde, valueSerde: valueSerde, retention: retention,
		windowSize: windowSize, retainDuplicates: retainDuplicates, cfg: applyOptions(opts),
	}
}

// Name implements Builder.
func (b *WindowBuilder[K, V]) Name() string { return b.name }

// Logged implements Builder.
func (b *WindowBuilder[K, V]) Logged() bool { return !b.cfg.noLogging }

// Persistent implements Builder.
func (b *WindowBuilder[K, V]) Persistent() bool { return b.cfg.persistent }

// LogConfig returns the changelog topic configs given with WithLogConfig.
func (b *WindowBuilder[K, V]) LogConfig() map[string]string { return b.cfg.logConfig }

// Retention is how long windows are kept, measured back from the latest
// window start the store holds.
func (b *WindowBuilder[K, V]) Retention() time.Duration { return b.retention }

// WindowSize is the size of the windows the store holds.
func (b *WindowBuilder[K, V]) WindowSize() time.Duration { return b.windowSize }

// RetainDuplicates reports whether every Put adds an entry.
func (b *WindowBuilder[K, V]) RetainDuplicates() bool { return b.retainDuplicates }

// Build implements Builder; the result is a WindowStore[K, V] and a
// Restorer, and a Checkpointer when the store is persistent.
func (b *WindowBuilder[K, V]) Build(ctx Context) (StateStore, error) { return b.BuildWindow(ctx) }

// BuildWindow builds the store with its types.
func (b *WindowBuilder[K, V]) BuildWindow(ctx Context) (WindowStore[K, V], error) {
	switch {
	case b.keySerde == nil || b.valueSerde == nil:
		return nil, fmt.Errorf("store %s: key and value serdes are required: %w", b.name, ErrInvalid)
	case b.retention < time.Millisecond || b.windowSize < 0:
		return nil, fmt.Errorf("store %s: retention %v must be at least 1ms and window size %v not negative: %w", b.name, b.retention, b.windowSize, ErrInvalid)
	}
	raw, err := b.cfg.open(ctx, b.name)
	if err != nil {
		return nil, err
	}
	var logger ChangeLogger
	if b.Logged() {
		logger = ctx.ChangeLogger
	}
	seg, err := newSegmented(b.name, raw, b.retention.Milliseconds(), b.cfg.persistent)
	if err != nil {
		return nil, errors.Join(err, raw.Close())
	}
	s := &windowStore[K, V]{
		segmented: seg, keySerde: b.keySerde, valueSerde: b.valueSerde, logger: logger,
		logTime: logClock(ctx, nil), sizeMs: b.windowSize.Milliseconds(), dups: b.retainDuplicates,
	}
	if ms, ok := raw.(metaStore); ok && s.dups {
		// Duplicates continue numbering where the last run stopped.
		v, err := ms.getMeta(metaSeq)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("store %s: read sequence number: %w", b.name, err), raw.Close())
		}
		if len(v) == 4 {
			s.seq = binary.BigEndian.Uint32(v)
		}
		seg.beforeSave = func() error {
			return ms.setMeta(metaSeq, binary.BigEndian.AppendUint32(nil, s.seq), false)
		}
	}
	if ms, ok := raw.(metaStore); ok && b.cfg.persistent {
		return &persistentWindow[K, V]{windowStore: s, checkpoints: checkpoints{name: b.name, meta: ms}}, nil
	}
	return s, nil
}

// persistentWindow is a window store on disk: it keeps a checkpoint.
type persistentWindow[K, V any] struct {
	*windowStore[K, V]
	checkpoints
}

// metaSeq names the meta value that keeps a duplicate-retaining window
// store's last sequence number.
const metaSeq = "window-seq"

// windowStore is the typed window store over a segmented byte store.
type windowStore[K, V any] struct {
	*segmented
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	logger     ChangeLogger
	logTime    func() int64 // nil: the window start
	sizeMs     int64
	dups       bool
	seq        uint32 // last sequence number given to a duplicate; writer only
	scratch    []byte // writer's key buffer
}

func (s *windowStore[K, V]) serKey(k K) ([]byte, error) {
	kb, err := s.keySerde.Serialize(k)
	if err != nil {
		return nil, fmt.Errorf("store %s: serialize key %v: %w", s.name, k, err)
	}
	return kb, nil
}

func (s *windowStore[K, V]) storeKey(dst []byte, kb []byte, start int64, seq uint32) []byte {
	dst = appendKeyPrefix(dst, s.segmentOf(start), kb)
	dst = appendOrdered(dst, start)
	if s.dups {
		dst = binary.BigEndian.AppendUint32(dst, seq)
	}
	return dst
}

// logKey is Kafka Streams' changelog key of a window store entry.
func logKey(kb []byte, start int64, seq uint32) []byte {
	out := make([]byte, 0, len(kb)+12)
	out = append(out, kb...)
	out = binary.BigEndian.AppendUint64(out, uint64(start))
	return binary.BigEndian.AppendUint32(out, seq)
}

func (s *windowStore[K, V]) logStamp(start int64) int64 {
	if s.logTime != nil {
		return s.logTime()
	}
	return max(0, start)
}

func (s *windowStore[K, V]) Put(k K, v V, start int64) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	kb, err := s.serKey(k)
	if err != nil {
		return err
	}
	vb, err := s.valueSerde.Serialize(v)
	if err != nil {
		return fmt.Errorf("store %s: serialize value of %v@%d: %w", s.name, k, start, err)
	}
	if vb == nil {
		vb = []byte{}
	}
	s.observe(start)
	ok, err := s.admit(start)
	if err != nil || !ok {
		return err
	}
	var seq uint32
	if s.dups {
		s.seq++
		seq = s.seq
	}
	s.scratch = s.storeKey(s.scratch[:0], kb, start, seq)
	if err := s.raw.Put(s.scratch, vb); err != nil {
		return fmt.Errorf("store %s: put %v@%d: %w", s.name, k, start, err)
	}
	if s.logger != nil {
		if err := s.logger.LogChange(logKey(kb, start, seq), vb, s.logStamp(start)); err != nil {
			return fmt.Errorf("store %s: log put %v@%d: %w", s.name, k, start, err)
		}
	}
	return nil
}

func (s *windowStore[K, V]) Delete(k K, start int64) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	kb, err := s.serKey(k)
	if err != nil {
		return err
	}
	if !s.dups {
		s.scratch = s.storeKey(s.scratch[:0], kb, start, 0)
		if err := s.raw.Delete(s.scratch); err != nil {
			return fmt.Errorf("store %s: delete %v@%d: %w", s.name, k, start, err)
		}
		if s.logger != nil {
			if err := s.logger.LogChange(logKey(kb, start, 0), nil, s.logStamp(start)); err != nil {
				return fmt.Errorf("store %s: log delete %v@%d: %w", s.name, k, start, err)
			}
		}
		return nil
	}
	// With duplicates, every entry of the key and window goes.
	from := s.storeKey(nil, kb, start, 0)
	to := s.storeKey(nil, kb, start, math.MaxUint32)
	var doomed [][]byte
	for key := range s.raw.Range(from, to) {
		doomed = append(doomed, append([]byte(nil), key...))
	}
	if err := s.raw.Err(); err != nil {
		return fmt.Errorf("store %s: delete %v@%d: %w", s.name, k, start, err)
	}
	for _, key := range doomed {
		if err := s.raw.Delete(key); err != nil {
			return fmt.Errorf("store %s: delete %v@%d: %w", s.name, k, start, err)
		}
		if s.logger != nil {
			seq := binary.BigEndian.Uint32(key[len(key)-4:])
			if err := s.logger.LogChange(logKey(kb, start, seq), nil, s.logStamp(start)); err != nil {
				return fmt.Errorf("store %s: log delete %v@%d: %w", s.name, k, start, err)
			}
		}
	}
	return nil
}

// Restore implements Restorer: key is a changelog key (key | start | seq).
func (s *windowStore[K, V]) Restore(key, value []byte) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if len(key) < 12 {
		return fmt.Errorf("store %s: restore: window changelog key of %d bytes is shorter than 12", s.name, len(key))
	}
	n := len(key) - 12
	kb := key[:n]
	start := int64(binary.BigEndian.Uint64(key[n:]))
	seq := binary.BigEndian.Uint32(key[n+8:])
	s.observe(start)
	ok, err := s.admit(start)
	if err != nil || !ok {
		return err
	}
	if s.dups && seq > s.seq {
		s.seq = seq
	}
	s.scratch = s.storeKey(s.scratch[:0], kb, start, seq)
	if value == nil {
		return s.raw.Delete(s.scratch)
	}
	return s.raw.Put(s.scratch, value)
}

func (s *windowStore[K, V]) Fetch(k K, start int64) (V, bool, error) {
	var zero V
	if err := s.checkOpen(); err != nil {
		return zero, false, err
	}
	if start < s.liveFrom() {
		return zero, false, nil
	}
	kb, err := s.serKey(k)
	if err != nil {
		return zero, false, err
	}
	bp := s.bufs.get()
	defer s.bufs.put(bp)
	*bp = s.storeKey((*bp)[:0], kb, start, 0)
	var vb []byte
	if s.dups {
		vb, err = s.first(*bp, s.storeKey(nil, kb, start, math.MaxUint32))
	} else {
		vb, err = s.raw.Get(*bp)
	}
	if err != nil {
		return zero, false, fmt.Errorf("store %s: fetch %v@%d: %w", s.name, k, start, err)
	}
	if vb == nil {
		return zero, false, nil
	}
	v, err := s.valueSerde.Deserialize(vb)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: deserialize value of %v@%d: %w", s.name, k, start, err)
	}
	return v, true, nil
}

// first returns the value of the first key in [from, to], or nil.
func (s *windowStore[K, V]) first(from, to []byte) ([]byte, error) {
	var vb []byte
	for _, v := range s.raw.Range(from, to) {
		vb = v
		break
	}
	return vb, s.raw.Err()
}

func (s *windowStore[K, V]) FetchRange(k K, from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return func(yield func(KeyValue[window.Windowed[K], V], error) bool) {
		if err := s.checkOpen(); err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, err)
			return
		}
		kb, err := s.serKey(k)
		if err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, err)
			return
		}
		from = max(from, s.liveFrom())
		if from > to {
			return
		}
		for _, seg := range s.segments(from, to) {
			lo := appendOrdered(appendKeyPrefix(nil, seg, kb), from)
			hi := appendOrdered(appendKeyPrefix(nil, seg, kb), to)
			if s.dups {
				hi = binary.BigEndian.AppendUint32(hi, math.MaxUint32)
			}
			if !s.scan(lo, hi, from, to, yield) {
				return
			}
		}
	}
}

func (s *windowStore[K, V]) FetchAll(from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return func(yield func(KeyValue[window.Windowed[K], V], error) bool) {
		if err := s.checkOpen(); err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, err)
			return
		}
		from = max(from, s.liveFrom())
		if from > to {
			return
		}
		for _, seg := range s.segments(from, to) {
			lo := appendOrdered(nil, seg)
			if !s.scan(lo, PrefixEnd(lo), from, to, yield) {
				return
			}
		}
	}
}

func (s *windowStore[K, V]) All() iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return s.FetchAll(math.MinInt64, math.MaxInt64)
}

// scan yields the entries in [lo, hi] whose window start is in [from, to];
// it reports whether the caller should go on.
func (s *windowStore[K, V]) scan(lo, hi []byte, from, to int64, yield func(KeyValue[window.Windowed[K], V], error) bool) bool {
	suffix := 8
	if s.dups {
		suffix = 12
	}
	for key, vb := range s.raw.Range(lo, hi) {
		kb, rest, ok := splitKeyPrefix(key)
		if !ok || len(rest) != suffix {
			yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: malformed window key %x", s.name, key))
			return false
		}
		start := readOrdered(rest)
		if start < from || start > to {
			continue
		}
		k, err := s.keySerde.Deserialize(kb)
		if err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: deserialize key: %w", s.name, err))
			return false
		}
		v, err := s.valueSerde.Deserialize(vb)
		if err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: deserialize value of %v@%d: %w", s.name, k, start, err))
			return false
		}
		w := window.Windowed[K]{Key: k, Window: window.Window{Start: start, End: start + s.sizeMs}}
		if !yield(KeyValue[window.Windowed[K], V]{Key: w, Value: v}, nil) {
			return false
		}
	}
	if err := s.raw.Err(); err != nil {
		yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: scan: %w", s.name, err))
		return false
	}
	return true
}
