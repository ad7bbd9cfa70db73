package store

import (
	"bytes"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/tidwall/btree"
)

// memBytes is the in-memory Bytes backend: a B-tree of keys for ordered
// scans and a hash index for point reads and writes, under one RWMutex.
//
// In a large B-tree a lookup costs a cache miss per comparison (keys live
// apart from the tree nodes); a hash lookup costs about one. Aggregations
// mostly read and overwrite keys that exist, so Get and the Put of an
// existing key go through the index only, and the tree changes only when a
// key comes or goes.
type memBytes struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[memEntry]
	index  map[string]*memSlot
	meta   map[string][]byte
	closed bool
	// scanErr is the error that ended a scan early (see Bytes.Err).
	scanErr atomic.Pointer[error]
}

// memSlot holds a key's current value. Values are never modified in place:
// a Put replaces the slice (under the write lock), so readers may keep the
// slices they got.
type memSlot struct{ value []byte }

// memEntry is a key of the tree and its slot.
type memEntry struct {
	key  []byte
	slot *memSlot
}

func lessMemEntry(a, b memEntry) bool { return bytes.Compare(a.key, b.key) < 0 }

// NewMemoryBytes returns an empty in-memory byte store.
func NewMemoryBytes() Bytes {
	return &memBytes{
		tree:  btree.NewBTreeGOptions(lessMemEntry, btree.Options{NoLocks: true}),
		index: map[string]*memSlot{},
	}
}

func (m *memBytes) Get(key []byte) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	if s := m.index[string(key)]; s != nil {
		return s.value, nil
	}
	return nil, nil
}

func (m *memBytes) Put(key, value []byte) error {
	v := make([]byte, len(value))
	copy(v, value)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if s := m.index[string(key)]; s != nil {
		s.value = v
		return nil
	}
	k := make([]byte, len(key))
	copy(k, key)
	s := &memSlot{value: v}
	m.index[string(k)] = s
	m.tree.Set(memEntry{key: k, slot: s})
	return nil
}

func (m *memBytes) Delete(key []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if _, ok := m.index[string(key)]; ok {
		delete(m.index, string(key))
		m.tree.Delete(memEntry{key: key})
	}
	return nil
}

func (m *memBytes) DeleteRange(from, to []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if to != nil && bytes.Compare(from, to) >= 0 {
		return nil
	}
	var doomed [][]byte
	m.tree.Ascend(memEntry{key: from}, func(e memEntry) bool {
		if to != nil && bytes.Compare(e.key, to) >= 0 {
			return false
		}
		doomed = append(doomed, e.key)
		return true
	})
	for _, k := range doomed {
		delete(m.index, string(k))
	}
	if to == nil {
		for _, k := range doomed {
			m.tree.Delete(memEntry{key: k})
		}
	} else {
		m.tree.DeleteRange(memEntry{key: from}, memEntry{key: to}, &btree.DeleteRangeOptions{NoReturn: true})
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
		var batch [][2][]byte
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
			visit := func(e memEntry) bool {
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
				batch = append(batch, [2][]byte{e.key, e.slot.value})
				return true
			}
			if next == nil {
				m.tree.Scan(visit)
			} else {
				m.tree.Ascend(memEntry{key: next}, visit)
			}
			m.mu.RUnlock()
			for _, e := range batch {
				if !yield(e[0], e[1]) {
					return
				}
			}
			if !more {
				return
			}
			next, skipFirst = batch[len(batch)-1][0], true
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
	return int64(len(m.index))
}

func (m *memBytes) Flush() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

func (m *memBytes) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.tree.Clear()
	m.index = nil
	m.meta = nil
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
