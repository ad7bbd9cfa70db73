package store

import (
	"bytes"
	"iter"
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
