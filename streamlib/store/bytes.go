package store

import (
	"bytes"
	"iter"
	"sync"

	"github.com/tidwall/btree"
)

// Bytes is a key-value store of raw bytes, ordered by key. It is what the
// typed stores are built on; the in-memory and Pebble backends implement it.
//
// Implementations are safe for one writer and any number of concurrent
// readers (interactive queries read while the task writes). Slices passed in
// may be reused by the caller after the call; slices returned must not be
// modified.
type Bytes interface {
	// Get returns the value of key, or nil when absent.
	Get(key []byte) ([]byte, error)
	Put(key, value []byte) error
	Delete(key []byte) error
	// Range yields entries with from <= key <= to; nil bounds are open.
	Range(from, to []byte) iter.Seq2[[]byte, []byte]
	// Err returns the error that ended the last scan early, if any.
	Err() error
	// Len is an estimate of the number of entries.
	Len() int64
	Flush() error
	Close() error
}

type entry struct {
	key, value []byte
}

func lessEntry(a, b entry) bool { return bytes.Compare(a.key, b.key) < 0 }

// memBytes is the in-memory Bytes backend: a B-tree under a RWMutex.
type memBytes struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[entry]
	closed bool
}

// NewMemoryBytes returns an empty in-memory byte store.
func NewMemoryBytes() Bytes {
	return &memBytes{tree: btree.NewBTreeGOptions(lessEntry, btree.Options{NoLocks: true})}
}

func (m *memBytes) Get(key []byte) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	e, ok := m.tree.Get(entry{key: key})
	if !ok {
		return nil, nil
	}
	return e.value, nil
}

func (m *memBytes) Put(key, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.tree.Set(entry{key: bytes.Clone(key), value: bytes.Clone(value)})
	return nil
}

func (m *memBytes) Delete(key []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.tree.Delete(entry{key: key})
	return nil
}

// Range copies the matching entries under the read lock and yields them
// after releasing it, so that a caller may write to the store while
// iterating (as processors do when they update rows they scan).
func (m *memBytes) Range(from, to []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		m.mu.RLock()
		if m.closed {
			m.mu.RUnlock()
			return
		}
		var batch []entry
		visit := func(e entry) bool {
			if to != nil && bytes.Compare(e.key, to) > 0 {
				return false
			}
			batch = append(batch, e)
			return true
		}
		if from == nil {
			m.tree.Scan(visit)
		} else {
			m.tree.Ascend(entry{key: from}, visit)
		}
		m.mu.RUnlock()
		for _, e := range batch {
			if !yield(e.key, e.value) {
				return
			}
		}
	}
}

func (m *memBytes) Err() error { return nil }

func (m *memBytes) Len() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return int64(m.tree.Len())
}

func (m *memBytes) Flush() error { return nil }

func (m *memBytes) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.tree.Clear()
	return nil
}

// PrefixEnd returns the smallest key greater than every key with the given
// prefix, or nil when there is none (the prefix is all 0xff).
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
