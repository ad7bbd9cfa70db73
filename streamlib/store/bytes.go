package store

import (
	"bytes"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/tidwall/btree"
)

// Bytes is a key-value store of raw bytes, ordered by key. It is what the
// typed stores are built on; the in-memory and Pebble backends implement it.
//
// Implementations are safe for one writer and any number of concurrent
// readers (interactive queries read while the task writes). Slices passed in
// may be reused by the caller after the call; slices returned must not be
// modified; they stay valid after the call (serdes may keep them).
type Bytes interface {
	// Get returns the value of key, or nil when absent.
	Get(key []byte) ([]byte, error)
	// Put sets the value of key. A nil value is stored as an empty one.
	Put(key, value []byte) error
	// Delete removes key; a missing key is not an error.
	Delete(key []byte) error
	// DeleteRange removes every key with from <= key < to; a nil to is open.
	DeleteRange(from, to []byte) error
	// Range yields entries with from <= key <= to; nil bounds are open. The
	// store may be written while a scan runs; whether the scan sees such
	// writes is unspecified.
	Range(from, to []byte) iter.Seq2[[]byte, []byte]
	// Err returns the error that ended a scan early since the last call to
	// Err, and forgets it. Callers check it after each scan.
	Err() error
	// Len is an estimate of the number of entries.
	Len() int64
	// Flush makes the writes so far durable (a no-op in memory).
	Flush() error
	// Close releases the store; later calls return ErrClosed. Closing twice
	// is not an error.
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
	meta   map[string][]byte
	closed bool
	// scanErr is the error that ended a scan early (see Bytes.Err).
	scanErr atomic.Pointer[error]
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
	// One allocation holds both key and value.
	buf := make([]byte, len(key)+len(value))
	copy(buf, key)
	copy(buf[len(key):], value)
	e := entry{key: buf[:len(key):len(key)], value: buf[len(key):]}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.tree.Set(e)
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

func (m *memBytes) DeleteRange(from, to []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if to == nil {
		var doomed [][]byte
		m.tree.Ascend(entry{key: from}, func(e entry) bool {
			doomed = append(doomed, e.key)
			return true
		})
		for _, k := range doomed {
			m.tree.Delete(entry{key: k})
		}
		return nil
	}
	if bytes.Compare(from, to) < 0 {
		m.tree.DeleteRange(entry{key: from}, entry{key: to}, &btree.DeleteRangeOptions{NoReturn: true})
	}
	return nil
}

// memScanChunk is how many entries a scan copies per visit to the tree.
const memScanChunk = 64

// Range copies the matching entries under the read lock, a chunk at a time,
// and yields them after releasing it, so that a caller may write to the
// store while iterating (as processors do when they update rows they scan)
// and a scan that stops early copies little.
func (m *memBytes) Range(from, to []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		var batch []entry
		next := from
		skipFirst := false // next was already yielded
		for {
			batch = batch[:0]
			m.mu.RLock()
			if m.closed {
				m.mu.RUnlock()
				err := error(ErrClosed)
				m.scanErr.Store(&err)
				return
			}
			more := false
			visit := func(e entry) bool {
				if skipFirst {
					skipFirst = false
					if bytes.Equal(e.key, next) {
						return true
					}
				}
				if to != nil && bytes.Compare(e.key, to) > 0 {
					return false
				}
				if len(batch) == memScanChunk {
					more = true
					return false
				}
				batch = append(batch, e)
				return true
			}
			if next == nil {
				m.tree.Scan(visit)
			} else {
				m.tree.Ascend(entry{key: next}, visit)
			}
			m.mu.RUnlock()
			for _, e := range batch {
				if !yield(e.key, e.value) {
					return
				}
			}
			if !more {
				return
			}
			next, skipFirst = batch[len(batch)-1].key, true
		}
	}
}

func (m *memBytes) Err() error {
	if e := m.scanErr.Swap(nil); e != nil {
		return *e
	}
	return nil
}

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

// getMeta and setMeta keep small values outside the key space (see metaStore).
func (m *memBytes) getMeta(name string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	return m.meta[name], nil
}

func (m *memBytes) setMeta(name string, value []byte, _ bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.meta == nil {
		m.meta = map[string][]byte{}
	}
	if value == nil {
		delete(m.meta, name)
	} else {
		m.meta[name] = bytes.Clone(value)
	}
	return nil
}

// metaStore is implemented by backends that keep named values apart from the
// keys scans see: the checkpoint offset, a window store's stream time. A nil
// value removes the name; sync makes the change durable at once (else at the
// next Flush).
type metaStore interface {
	getMeta(name string) ([]byte, error)
	setMeta(name string, value []byte, sync bool) error
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
