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

// SessionBuilder describes a typed session store; a runtime builds one
// instance per task.
type SessionBuilder[K, V any] struct {
	name       string
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	retention  time.Duration
	cfg        config
}

// NewSession describes a session store named name that keeps sessions until
// they ended retention before the latest session end stored. The store is in
// memory and logged unless options say otherwise.
func NewSession[K, V any](name string, keySerde serde.Serde[K], valueSerde serde.Serde[V], retention time.Duration, opts ...Option) *SessionBuilder[K, V] {
	return &SessionBuilder[K, V]{name: name, keySerde: keySerde, valueSerde: valueSerde, retention: retention, cfg: applyOptions(opts)}
}

// Name implements Builder.
func (b *SessionBuilder[K, V]) Name() string { return b.name }

// Logged implements Builder.
func (b *SessionBuilder[K, V]) Logged() bool { return !b.cfg.noLogging }

// Persistent implements Builder.
func (b *SessionBuilder[K, V]) Persistent() bool { return b.cfg.persistent }

// LogConfig returns the changelog topic configs given with WithLogConfig.
func (b *SessionBuilder[K, V]) LogConfig() map[string]string { return b.cfg.logConfig }

// Retention is how long sessions are kept after they end.
func (b *SessionBuilder[K, V]) Retention() time.Duration { return b.retention }

// Build implements Builder; the result is a SessionStore[K, V] and a
// Restorer, and a Checkpointer when the store is persistent.
func (b *SessionBuilder[K, V]) Build(ctx Context) (StateStore, error) { return b.BuildSession(ctx) }

// BuildSession builds the store with its types.
func (b *SessionBuilder[K, V]) BuildSession(ctx Context) (SessionStore[K, V], error) {
	switch {
	case b.keySerde == nil || b.valueSerde == nil:
		return nil, fmt.Errorf("store %s: key and value serdes are required: %w", b.name, ErrInvalid)
	case b.retention < time.Millisecond:
		return nil, fmt.Errorf("store %s: retention %v must be at least 1ms: %w", b.name, b.retention, ErrInvalid)
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
	s := &sessionStore[K, V]{segmented: seg, keySerde: b.keySerde, valueSerde: b.valueSerde, logger: logger, logTime: logClock(ctx, nil)}
	if ms, ok := raw.(metaStore); ok && b.cfg.persistent {
		return &persistentSession[K, V]{sessionStore: s, checkpoints: checkpoints{name: b.name, meta: ms}}, nil
	}
	return s, nil
}

// persistentSession is a session store on disk: it keeps a checkpoint.
type persistentSession[K, V any] struct {
	*sessionStore[K, V]
	checkpoints
}

// sessionStore is the typed session store over a segmented byte store.
// Entries are segmented by session end.
type sessionStore[K, V any] struct {
	*segmented
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	logger     ChangeLogger
	logTime    func() int64 // nil: the session end
	scratch    []byte       // writer's key buffer
}

func (s *sessionStore[K, V]) serKey(k K) ([]byte, error) {
	kb, err := s.keySerde.Serialize(k)
	if err != nil {
		return nil, fmt.Errorf("store %s: serialize key %v: %w", s.name, k, err)
	}
	return kb, nil
}

func (s *sessionStore[K, V]) storeKey(dst, kb []byte, start, end int64) []byte {
	dst = appendKeyPrefix(dst, s.segmentOf(end), kb)
	dst = appendOrdered(dst, end)
	return appendOrdered(dst, start)
}

// sessionLogKey is Kafka Streams' changelog key of a session.
func sessionLogKey(kb []byte, start, end int64) []byte {
	out := make([]byte, 0, len(kb)+16)
	out = append(out, kb...)
	out = binary.BigEndian.AppendUint64(out, uint64(end))
	return binary.BigEndian.AppendUint64(out, uint64(start))
}

func (s *sessionStore[K, V]) Put(session window.Windowed[K], v V) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	start, end := session.Window.Start, session.Window.End
	if end < start {
		return fmt.Errorf("store %s: put session %v: end before start", s.name, session)
	}
	kb, err := s.serKey(session.Key)
	if err != nil {
		return err
	}
	vb, err := s.valueSerde.Serialize(v)
	if err != nil {
		return fmt.Errorf("store %s: serialize value of %v: %w", s.name, session, err)
	}
	if vb == nil {
		vb = []byte{}
	}
	return s.write(session, kb, vb, start, end)
}

func (s *sessionStore[K, V]) Remove(session window.Windowed[K]) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	kb, err := s.serKey(session.Key)
	if err != nil {
		return err
	}
	return s.write(session, kb, nil, session.Window.Start, session.Window.End)
}

// write puts (vb != nil) or removes a session and logs it.
func (s *sessionStore[K, V]) write(session window.Windowed[K], kb, vb []byte, start, end int64) error {
	s.observe(end)
	ok, err := s.admit(end)
	if err != nil || !ok {
		return err
	}
	s.scratch = s.storeKey(s.scratch[:0], kb, start, end)
	if vb == nil {
		err = s.raw.Delete(s.scratch)
	} else {
		err = s.raw.Put(s.scratch, vb)
	}
	if err != nil {
		return fmt.Errorf("store %s: write %v: %w", s.name, session, err)
	}
	if s.logger != nil {
		if err := s.logger.LogChange(sessionLogKey(kb, start, end), vb, s.logStamp(end)); err != nil {
			return fmt.Errorf("store %s: log %v: %w", s.name, session, err)
		}
	}
	return nil
}

func (s *sessionStore[K, V]) logStamp(end int64) int64 {
	if s.logTime != nil {
		return s.logTime()
	}
	return max(0, end)
}

// Restore implements Restorer: key is a changelog key (key | end | start).
func (s *sessionStore[K, V]) Restore(key, value []byte) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if len(key) < 16 {
		return fmt.Errorf("store %s: restore: session changelog key of %d bytes is shorter than 16", s.name, len(key))
	}
	n := len(key) - 16
	kb := key[:n]
	end := int64(binary.BigEndian.Uint64(key[n:]))
	start := int64(binary.BigEndian.Uint64(key[n+8:]))
	s.observe(end)
	ok, err := s.admit(end)
	if err != nil || !ok {
		return err
	}
	s.scratch = s.storeKey(s.scratch[:0], kb, start, end)
	if value == nil {
		return s.raw.Delete(s.scratch)
	}
	return s.raw.Put(s.scratch, value)
}

func (s *sessionStore[K, V]) FetchSession(k K, start, end int64) (V, bool, error) {
	var zero V
	if err := s.checkOpen(); err != nil {
		return zero, false, err
	}
	if end < s.liveFrom() {
		return zero, false, nil
	}
	kb, err := s.serKey(k)
	if err != nil {
		return zero, false, err
	}
	bp := s.bufs.get()
	defer s.bufs.put(bp)
	*bp = s.storeKey((*bp)[:0], kb, start, end)
	vb, err := s.raw.Get(*bp)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: fetch session %v@[%d,%d]: %w", s.name, k, start, end, err)
	}
	if vb == nil {
		return zero, false, nil
	}
	v, err := s.valueSerde.Deserialize(vb)
	if err != nil {
		return zero, false, fmt.Errorf("store %s: deserialize value of %v@[%d,%d]: %w", s.name, k, start, end, err)
	}
	return v, true, nil
}

func (s *sessionStore[K, V]) FindSessions(k K, earliestEnd, latestStart int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
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
		s.find(kb, earliestEnd, latestStart, yield)
	}
}

func (s *sessionStore[K, V]) Fetch(k K) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return s.FindSessions(k, math.MinInt64, math.MaxInt64)
}

// find yields the sessions of kb (every key when kb is nil) with
// end >= earliestEnd and start <= latestStart.
func (s *sessionStore[K, V]) find(kb []byte, earliestEnd, latestStart int64, yield func(KeyValue[window.Windowed[K], V], error) bool) {
	earliestEnd = max(earliestEnd, s.liveFrom())
	for _, seg := range s.segments(earliestEnd, math.MaxInt64) {
		var lo, hi []byte
		if kb == nil {
			lo = appendOrdered(nil, seg)
			hi = PrefixEnd(lo)
		} else {
			prefix := appendKeyPrefix(nil, seg, kb)
			lo = appendOrdered(prefix, earliestEnd)
			hi = PrefixEnd(prefix)
		}
		for key, vb := range s.raw.Range(lo, hi) {
			kbytes, rest, ok := splitKeyPrefix(key)
			if !ok || len(rest) != 16 {
				yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: malformed session key %x", s.name, key))
				return
			}
			end, start := readOrdered(rest), readOrdered(rest[8:])
			if end < earliestEnd || start > latestStart {
				continue
			}
			k, err := s.keySerde.Deserialize(kbytes)
			if err != nil {
				yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: deserialize key: %w", s.name, err))
				return
			}
			v, err := s.valueSerde.Deserialize(vb)
			if err != nil {
				yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: deserialize value of %v@[%d,%d]: %w", s.name, k, start, end, err))
				return
			}
			w := window.Windowed[K]{Key: k, Window: window.Window{Start: start, End: end}}
			if !yield(KeyValue[window.Windowed[K], V]{Key: w, Value: v}, nil) {
				return
			}
		}
		if err := s.raw.Err(); err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, fmt.Errorf("store %s: scan: %w", s.name, err))
			return
		}
	}
}

func (s *sessionStore[K, V]) All() iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return func(yield func(KeyValue[window.Windowed[K], V], error) bool) {
		if err := s.checkOpen(); err != nil {
			yield(KeyValue[window.Windowed[K], V]{}, err)
			return
		}
		s.find(nil, math.MinInt64, math.MaxInt64, yield)
	}
}
