package store

import (
	"errors"
	"iter"
	"log/slog"

	"github.com/streamworkshop/workshop/streamlib/window"
)

// Sentinel errors callers test with errors.Is.
var (
	// ErrClosed is returned by every operation on a closed store.
	ErrClosed = errors.New("store: closed")
	// ErrNoStateDir is returned when a persistent store is built without a directory.
	ErrNoStateDir = errors.New("store: persistent store needs a state directory")
	// ErrReadOnly is returned when a read-only view is asked to write.
	ErrReadOnly = errors.New("store: read-only")
	// ErrInvalid is returned by Build for a store definition that cannot
	// work: no serdes, a retention that is not positive, a persistent
	// store whose name is not a plain file name.
	ErrInvalid = errors.New("store: invalid definition")
)

// StateStore is what every store has, whatever it holds.
type StateStore interface {
	// Name is the store's name, unique within a topology.
	Name() string
	// Persistent reports whether the store keeps its data on disk.
	Persistent() bool
	// Flush makes every write so far durable (persistent stores) and
	// visible to readers.
	Flush() error
	// Close releases the store. Operations after Close return ErrClosed.
	Close() error
}

// ChangeLogger receives every write of a logged store so that a runtime can
// mirror it to the store's changelog topic. A nil value is a deletion.
// LogChange is called synchronously from the write that caused it.
type ChangeLogger interface {
	LogChange(key, value []byte, timestamp int64) error
}

// Restorer is implemented by every store: it applies one changelog record
// (key and value as they were logged, nil value = deletion) without logging
// it again. Runtimes call it while restoring a store from its changelog.
type Restorer interface {
	Restore(key, value []byte) error
}

// Context is what a runtime hands a Builder when it builds a store for a task.
type Context struct {
	// TaskID names the task that owns the store, e.g. "0_1".
	TaskID string
	// Dir is the task's state directory. Persistent stores live below it,
	// in a folder named after the store. Empty means "no disk".
	Dir string
	// ChangeLogger receives the store's writes. Nil disables logging.
	ChangeLogger ChangeLogger
	// StreamTime returns the owning task's stream time. Stores use it only
	// to timestamp changelog records when RecordTimestamp is nil; retention
	// is measured against what a store holds, not against stream time.
	// Stores call it only from writes, never from reads, so that
	// interactive queries on other goroutines do not race with the task.
	StreamTime func() int64
	// RecordTimestamp returns the timestamp of the record being processed;
	// changelog records carry it. Nil means the stream time when StreamTime
	// is set, else the window start (window stores), the session end
	// (session stores) or 0 (key-value stores). Called only from writes.
	RecordTimestamp func() int64
	// Cache is a block cache shared by the persistent stores of a process;
	// nil gives each persistent store a 32 MiB cache of its own, whose
	// memory is taken as blocks are read.
	Cache *Cache
	// Logger receives the errors a persistent store's engine reports in the
	// background. Nil drops them.
	Logger *slog.Logger
}

// Builder describes a store. A runtime builds one instance per task (or one
// per application for a global store).
type Builder interface {
	// Name is the store's name.
	Name() string
	// Logged reports whether the store wants a changelog topic.
	Logged() bool
	// Persistent reports whether the built store keeps data on disk.
	Persistent() bool
	// Build makes a fresh instance.
	Build(ctx Context) (StateStore, error)
}

// KeyValue is a key and its value, as yielded by range scans.
type KeyValue[K, V any] struct {
	Key   K
	Value V
}

// ReadOnlyKeyValueStore is the query side of a key-value store: what
// interactive queries and processors that only read are given.
//
// Range scans yield entries in the order of the serialized keys. An error
// (a failed read, a value that cannot be deserialized) is yielded once, with a
// zero KeyValue, and ends the scan.
type ReadOnlyKeyValueStore[K, V any] interface {
	// Get returns the value for key; ok is false when there is none.
	Get(key K) (value V, ok bool, err error)
	// Range yields entries with from <= key <= to (serialized order).
	Range(from, to K) iter.Seq2[KeyValue[K, V], error]
	// Prefix yields entries whose serialized key starts with the serialized prefix.
	Prefix(prefix K) iter.Seq2[KeyValue[K, V], error]
	// All yields every entry.
	All() iter.Seq2[KeyValue[K, V], error]
	// ApproximateNumEntries is a cheap estimate of the number of entries.
	ApproximateNumEntries() int64
}

// KeyValueStore is a key-value store a processor reads and writes.
type KeyValueStore[K, V any] interface {
	StateStore
	ReadOnlyKeyValueStore[K, V]
	// Put sets the value for key.
	Put(key K, value V) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key K) error
}

// ReadOnlyWindowStore is the query side of a window store.
type ReadOnlyWindowStore[K, V any] interface {
	// Fetch returns the value of key in the window starting at windowStart.
	Fetch(key K, windowStart int64) (value V, ok bool, err error)
	// FetchRange yields key's windows whose start is in [from, to], earliest first.
	FetchRange(key K, from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error]
	// FetchAll yields every key's windows whose start is in [from, to].
	FetchAll(from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error]
	// All yields every retained window of every key.
	All() iter.Seq2[KeyValue[window.Windowed[K], V], error]
}

// WindowStore holds one value per key and window, and forgets windows older
// than its retention period (measured back from the latest window start it
// holds).
type WindowStore[K, V any] interface {
	StateStore
	ReadOnlyWindowStore[K, V]
	// Put stores value for key in the window starting at windowStart. With
	// duplicates retained (join stores) every Put adds an entry; otherwise it
	// replaces. Puts for windows already past retention are ignored.
	Put(key K, value V, windowStart int64) error
	// Delete removes key's entry for the window starting at windowStart.
	Delete(key K, windowStart int64) error
}

// ReadOnlySessionStore is the query side of a session store.
type ReadOnlySessionStore[K, V any] interface {
	// FindSessions yields key's sessions with end >= earliestEnd and
	// start <= latestStart, earliest first.
	FindSessions(key K, earliestEnd, latestStart int64) iter.Seq2[KeyValue[window.Windowed[K], V], error]
	// FetchSession returns the session of key with exactly these bounds.
	FetchSession(key K, start, end int64) (value V, ok bool, err error)
	// Fetch yields every retained session of key.
	Fetch(key K) iter.Seq2[KeyValue[window.Windowed[K], V], error]
	// All yields every retained session of every key.
	All() iter.Seq2[KeyValue[window.Windowed[K], V], error]
}

// SessionStore holds per-key sessions and forgets those that ended more
// than its retention period before the latest session end it holds.
type SessionStore[K, V any] interface {
	StateStore
	ReadOnlySessionStore[K, V]
	// Put stores the aggregate of a session.
	Put(session window.Windowed[K], value V) error
	// Remove deletes a session (after it was merged into a larger one).
	Remove(session window.Windowed[K]) error
}
