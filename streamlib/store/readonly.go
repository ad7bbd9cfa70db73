package store

import (
	"iter"

	"github.com/streamworkshop/workshop/streamlib/window"
)

// ReadOnlyKeyValue returns a view of st that can only read: interactive
// queries get it. The view has no other methods, so a type assertion cannot
// recover the writable store, and reads fail with ErrClosed once st is closed.
func ReadOnlyKeyValue[K, V any](st ReadOnlyKeyValueStore[K, V]) ReadOnlyKeyValueStore[K, V] {
	if st == nil {
		return nil
	}
	if v, ok := st.(roKeyValue[K, V]); ok {
		return v
	}
	return roKeyValue[K, V]{st: st}
}

type roKeyValue[K, V any] struct{ st ReadOnlyKeyValueStore[K, V] }

func (r roKeyValue[K, V]) Get(key K) (V, bool, error) { return r.st.Get(key) }
func (r roKeyValue[K, V]) Range(from, to K) iter.Seq2[KeyValue[K, V], error] {
	return r.st.Range(from, to)
}
func (r roKeyValue[K, V]) Prefix(prefix K) iter.Seq2[KeyValue[K, V], error] {
	return r.st.Prefix(prefix)
}
func (r roKeyValue[K, V]) All() iter.Seq2[KeyValue[K, V], error] { return r.st.All() }
func (r roKeyValue[K, V]) ApproximateNumEntries() int64          { return r.st.ApproximateNumEntries() }

// ReadOnlyWindow returns a view of st that can only read (see
// ReadOnlyKeyValue).
func ReadOnlyWindow[K, V any](st ReadOnlyWindowStore[K, V]) ReadOnlyWindowStore[K, V] {
	if st == nil {
		return nil
	}
	if v, ok := st.(roWindow[K, V]); ok {
		return v
	}
	return roWindow[K, V]{st: st}
}

type roWindow[K, V any] struct{ st ReadOnlyWindowStore[K, V] }

func (r roWindow[K, V]) Fetch(key K, windowStart int64) (V, bool, error) {
	return r.st.Fetch(key, windowStart)
}
func (r roWindow[K, V]) FetchRange(key K, from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return r.st.FetchRange(key, from, to)
}
func (r roWindow[K, V]) FetchAll(from, to int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return r.st.FetchAll(from, to)
}
func (r roWindow[K, V]) All() iter.Seq2[KeyValue[window.Windowed[K], V], error] { return r.st.All() }

// ReadOnlySession returns a view of st that can only read (see
// ReadOnlyKeyValue).
func ReadOnlySession[K, V any](st ReadOnlySessionStore[K, V]) ReadOnlySessionStore[K, V] {
	if st == nil {
		return nil
	}
	if v, ok := st.(roSession[K, V]); ok {
		return v
	}
	return roSession[K, V]{st: st}
}

type roSession[K, V any] struct{ st ReadOnlySessionStore[K, V] }

func (r roSession[K, V]) FindSessions(key K, earliestEnd, latestStart int64) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return r.st.FindSessions(key, earliestEnd, latestStart)
}
func (r roSession[K, V]) FetchSession(key K, start, end int64) (V, bool, error) {
	return r.st.FetchSession(key, start, end)
}
func (r roSession[K, V]) Fetch(key K) iter.Seq2[KeyValue[window.Windowed[K], V], error] {
	return r.st.Fetch(key)
}
func (r roSession[K, V]) All() iter.Seq2[KeyValue[window.Windowed[K], V], error] { return r.st.All() }
