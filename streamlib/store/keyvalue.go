package store

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// KeyValueBuilder describes a typed key-value store; a runtime builds one
// instance per task.
type KeyValueBuilder[K, V any] struct {
	name       string
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	cfg        config
}

// NewKeyValue describes a key-value store named name. It is in memory and
// logged unless options say otherwise.
func NewKeyValue[K, V any](name string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...Option) *KeyValueBuilder[K, V] {
	return &KeyValueBuilder[K, V]{name: name, keySerde: keySerde, valueSerde: valueSerde, cfg: applyOptions(opts)}
}

// Name implements Builder.
func (b *KeyValueBuilder[K, V]) Name() string { return b.name }

// Logged implements Builder.
func (b *KeyValueBuilder[K, V]) Logged() bool { return !b.cfg.noLogging }

// Persistent implements Builder.
func (b *KeyValueBuilder[K, V]) Persistent() bool { return b.cfg.persistent }

// LogConfig returns the changelog topic configs given with WithLogConfig.
func (b *KeyValueBuilder[K, V]) LogConfig() map[string]string { return b.cfg.logConfig }

// Build implements Builder; the result is a KeyValueStore[K, V] and a
// Restorer, and a Checkpointer when the store is persistent.
func (b *KeyValueBuilder[K, V]) Build(ctx Context) (StateStore, error) { return b.BuildKeyValue(ctx) }

// BuildKeyValue builds the store with its types.
func (b *KeyValueBuilder[K, V]) BuildKeyValue(ctx Context) (KeyValueStore[K, V], error) {
	if b.keySerde == nil || b.valueSerde == nil {
		return nil, fmt.Errorf("store %s: key and value serdes are required: %w", b.name, ErrInvalid)
	}
	raw, err := b.cfg.open(ctx, b.name)
	if err != nil {
		return nil, err
	}
	if !b.Logged() {
		ctx.ChangeLogger = nil
	}
	s := newKV(b.name, raw, b.keySerde, b.valueSerde, ctx, b.cfg.persistent)
	return withCheckpoints(s, raw, b.name), nil
}

// withCheckpoints adds Checkpointer to a persistent key-value store.
func withCheckpoints[K, V any](s *kvStore[K, V], raw Bytes, name string) KeyValueStore[K, V] {
	if ms, ok := raw.(metaStore); ok && s.persistent {
		return &persistentKV[K, V]{kvStore: s, checkpoints: checkpoints{name: name, meta: ms}}
	}
	return s
}

// persistentKV is a key-value store on disk: it keeps a checkpoint.
type persistentKV[K, V any] struct {
	*kvStore[K, V]
	checkpoints
}

// kvStore is the typed key-value store over a Bytes backend.
type kvStore[K, V any] struct {
	name       string
	raw        Bytes
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	logger     ChangeLogger
	logTime    func() int64
	persistent bool
	closed     atomic.Bool
}

// NewKeyValueStore wraps a byte store as a typed key-value store; it is how
// a runtime puts a typed face on a backend of its own. Writes go to logger
// too, when it is not nil. The store is a Restorer, and a Checkpointer when
// persistent is set and raw came from OpenPebbleBytes.
func NewKeyValueStore[K, V any](name string, raw Bytes, keySerde serde.Serde[K], valueSerde serde.Serde[V], logger ChangeLogger, persistent bool) KeyValueStore[K, V] {
	return withCheckpoints(newKV(name, raw, keySerde, valueSerde, Context{ChangeLogger: logger}, persistent), raw, name)
}

func newKV[K, V any](name string, raw Bytes, ks serde.Serde[K], vs serde.Serde[V], ctx Context, persistent bool) *kvStore[K, V] {
	return &kvStore[K, V]{
		name: name, raw: raw, keySerde: ks, valueSerde: vs, logger: ctx.ChangeLogger,
		logTime: logClock(ctx, func() int64 { return 0 }), persistent: persistent,
	}
}

// logClock returns the function that timestamps changelog records: the
// record's timestamp, else stream time, else fallback (which may be nil).
func logClock(ctx Context, fallback func() int64) func() int64 {
	switch {
	case ctx.RecordTimestamp != nil:
		return ctx.RecordTimestamp
	case ctx.StreamTime != nil:
		st := ctx.StreamTime
		return func() int64 { return max(0, st()) }
	default:
		return fallback
	}
}

func (s *kvStore[K, V]) Name() string     { return s.name }
func (s *kvStore[K, V]) Persistent() bool { return s.persistent }

func (s *kvStore[K, V]) Flush() error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := s.raw.Flush(); err != nil {
		return fmt.Errorf("store %s: flush: %w", s.name, err)
	}
	return nil
}

func (s *kvStore[K, V]) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.raw.Close(); err != nil {
		return fmt.Errorf("store %s: close: %w", s.name, err)
	}
	return nil
}

func (s *kvStore[K, V]) checkOpen() error {
	if s.closed.Load() {
		return fmt.Errorf("store %s: %w", s.name, ErrClosed)
	}
	return nil
}

func (s *kvStore[K, V]) key(k K) ([]byte, error) {
	kb, err := s.keySerde.Serialize(k)
	if err != nil {
		return nil, fmt.Errorf("store %s: serialize key %v: %w", s.name, k, err)
	}
	return kb, nil
}

func (s *kvStore[K, V]) Get(k K) (V, bool, error) {
	var zero V
	if err := s.checkOpen(); err != nil {
		return zero, false, err
	}
	kb, err := s.key(k)
	if err != nil {
		return zero, false, err
	}
	vb, err := s.raw.Get(kb)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: get %v: %w", s.name, k, err)
	}
	if vb == nil {
		return zero, false, nil
	}
	v, err := s.valueSerde.Deserialize(vb)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: deserialize value of %v: %w", s.name, k, err)
	}
	return v, true, nil
}

func (s *kvStore[K, V]) Put(k K, v V) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	kb, err := s.key(k)
	if err != nil {
		return err
	}
	vb, err := s.valueSerde.Serialize(v)
	if err != nil {
		return fmt.Errorf("store %s: serialize value of %v: %w", s.name, k, err)
	}
	if vb == nil {
		vb = []byte{}
	}
	if err := s.raw.Put(kb, vb); err != nil {
		return fmt.Errorf("store %s: put %v: %w", s.name, k, err)
	}
	if s.logger != nil {
		// The serde's slices are the logger's to keep.
		if err := s.logger.LogChange(kb, vb, s.logTime()); err != nil {
			return fmt.Errorf("store %s: log put %v: %w", s.name, k, err)
		}
	}
	return nil
}

func (s *kvStore[K, V]) Delete(k K) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	kb, err := s.key(k)
	if err != nil {
		return err
	}
	if err := s.raw.Delete(kb); err != nil {
		return fmt.Errorf("store %s: delete %v: %w", s.name, k, err)
	}
	if s.logger != nil {
		if err := s.logger.LogChange(kb, nil, s.logTime()); err != nil {
			return fmt.Errorf("store %s: log delete %v: %w", s.name, k, err)
		}
	}
	return nil
}

// Restore implements Restorer: key and value are a changelog record's.
func (s *kvStore[K, V]) Restore(key, value []byte) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	var err error
	if value == nil {
		err = s.raw.Delete(key)
	} else {
		err = s.raw.Put(key, value)
	}
	if err != nil {
		return fmt.Errorf("store %s: restore: %w", s.name, err)
	}
	return nil
}

// scan yields the entries in [from, to] (nil bounds open) that start with
// prefix (nil: all).
func (s *kvStore[K, V]) scan(from, to, prefix []byte) iter.Seq2[KeyValue[K, V], error] {
	return func(yield func(KeyValue[K, V], error) bool) {
		if err := s.checkOpen(); err != nil {
			yield(KeyValue[K, V]{}, err)
			return
		}
		for kb, vb := range s.raw.Range(from, to) {
			if prefix != nil && !bytes.HasPrefix(kb, prefix) {
				return
			}
			k, err := s.keySerde.Deserialize(kb)
			if err != nil {
				yield(KeyValue[K, V]{}, fmt.Errorf("store %s: deserialize key %x: %w", s.name, kb, err))
				return
			}
			v, err := s.valueSerde.Deserialize(vb)
			if err != nil {
				yield(KeyValue[K, V]{}, fmt.Errorf("store %s: deserialize value of %v: %w", s.name, k, err))
				return
			}
			if !yield(KeyValue[K, V]{Key: k, Value: v}, nil) {
				return
			}
		}
		if err := s.raw.Err(); err != nil {
			yield(KeyValue[K, V]{}, fmt.Errorf("store %s: scan: %w", s.name, err))
		}
	}
}

func (s *kvStore[K, V]) Range(from, to K) iter.Seq2[KeyValue[K, V], error] {
	fb, err1 := s.key(from)
	tb, err2 := s.key(to)
	if err := errors.Join(err1, err2); err != nil {
		return func(yield func(KeyValue[K, V], error) bool) { yield(KeyValue[K, V]{}, err) }
	}
	return s.scan(fb, tb, nil)
}

func (s *kvStore[K, V]) Prefix(prefix K) iter.Seq2[KeyValue[K, V], error] {
	pb, err := s.key(prefix)
	if err != nil {
		return func(yield func(KeyValue[K, V], error) bool) { yield(KeyValue[K, V]{}, err) }
	}
	return s.scan(pb, nil, pb)
}

func (s *kvStore[K, V]) All() iter.Seq2[KeyValue[K, V], error] { return s.scan(nil, nil, nil) }

func (s *kvStore[K, V]) ApproximateNumEntries() int64 {
	if s.closed.Load() {
		return 0
	}
	return s.raw.Len()
}

// rawBytes returns the byte store underneath.
func (s *kvStore[K, V]) rawBytes() Bytes { return s.raw }
