package store

import (
	"bytes"
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

// Build implements Builder; the result is a KeyValueStore[K, V].
func (b *KeyValueBuilder[K, V]) Build(ctx Context) (StateStore, error) { return b.BuildKeyValue(ctx) }

// BuildKeyValue builds the store with its types.
func (b *KeyValueBuilder[K, V]) BuildKeyValue(ctx Context) (KeyValueStore[K, V], error) {
	var raw Bytes
	if b.cfg.persistent {
		p, err := openPersistentBytes(ctx, b.name)
		if err != nil {
			return nil, err
		}
		raw = p
	} else {
		raw = NewMemoryBytes()
	}
	var logger ChangeLogger
	if b.Logged() {
		logger = ctx.ChangeLogger
	}
	return NewKeyValueStore(b.name, raw, b.keySerde, b.valueSerde, logger, b.cfg.persistent), nil
}

// kvStore is the typed key-value store over a Bytes backend.
type kvStore[K, V any] struct {
	name       string
	raw        Bytes
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	logger     ChangeLogger
	persistent bool
	closed     atomic.Bool
}

// NewKeyValueStore wraps a byte store as a typed key-value store. Writes
// go to logger too, when it is not nil.
func NewKeyValueStore[K, V any](name string, raw Bytes, keySerde serde.Serde[K], valueSerde serde.Serde[V], logger ChangeLogger, persistent bool) KeyValueStore[K, V] {
	return &kvStore[K, V]{name: name, raw: raw, keySerde: keySerde, valueSerde: valueSerde, logger: logger, persistent: persistent}
}

func (s *kvStore[K, V]) Name() string     { return s.name }
func (s *kvStore[K, V]) Persistent() bool { return s.persistent }
func (s *kvStore[K, V]) Flush() error     { return s.raw.Flush() }

func (s *kvStore[K, V]) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.raw.Close()
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
	if s.closed.Load() {
		return zero, false, fmt.Errorf("store %s: %w", s.name, ErrClosed)
	}
	kb, err := s.key(k)
	if err != nil {
		return zero, false, err
	}
	vb, err := s.raw.Get(kb)
	if err != nil || vb == nil {
		return zero, false, err
	}
	v, err := s.valueSerde.Deserialize(vb)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: deserialize value of %v: %w", s.name, k, err)
	}
	return v, true, nil
}

func (s *kvStore[K, V]) Put(k K, v V) error {
	if s.closed.Load() {
		return fmt.Errorf("store %s: %w", s.name, ErrClosed)
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
		return s.logger.LogChange(kb, vb, 0)
	}
	return nil
}

func (s *kvStore[K, V]) Delete(k K) error {
	if s.closed.Load() {
		return fmt.Errorf("store %s: %w", s.name, ErrClosed)
	}
	kb, err := s.key(k)
	if err != nil {
		return err
	}
	if err := s.raw.Delete(kb); err != nil {
		return fmt.Errorf("store %s: delete %v: %w", s.name, k, err)
	}
	if s.logger != nil {
		return s.logger.LogChange(kb, nil, 0)
	}
	return nil
}

// Restore implements Restorer.
func (s *kvStore[K, V]) Restore(key, value []byte) error {
	if value == nil {
		return s.raw.Delete(key)
	}
	return s.raw.Put(key, value)
}

// Raw returns the byte store underneath, for runtimes (checkpoints).
func (s *kvStore[K, V]) Raw() Bytes { return s.raw }

func (s *kvStore[K, V]) scan(from, to []byte, prefix []byte) iter.Seq2[KeyValue[K, V], error] {
	return func(yield func(KeyValue[K, V], error) bool) {
		if s.closed.Load() {
			yield(KeyValue[K, V]{}, fmt.Errorf("store %s: %w", s.name, ErrClosed))
			return
		}
		for kb, vb := range s.raw.Range(from, to) {
			if prefix != nil && !bytes.HasPrefix(kb, prefix) {
				return
			}
			k, err := s.keySerde.Deserialize(kb)
			if err != nil {
				yield(KeyValue[K, V]{}, fmt.Errorf("store %s: deserialize key: %w", s.name, err))
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
	if err1 != nil || err2 != nil {
		return func(yield func(KeyValue[K, V], error) bool) {
			yield(KeyValue[K, V]{}, fmt.Errorf("store %s: range bounds: %w", s.name, firstErr(err1, err2)))
		}
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

func (s *kvStore[K, V]) ApproximateNumEntries() int64 { return s.raw.Len() }

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
