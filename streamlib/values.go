package streamlib

import (
	"iter"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// PlainValues presents a table's store, which keeps each row with its
// timestamp, as a store of plain values: what tests and interactive queries
// usually want. Reads drop the timestamps; Put writes timestamp 0.
func PlainValues[K, V any](st store.KeyValueStore[K, store.ValueAndTimestamp[V]]) store.KeyValueStore[K, V] {
	return plainValues[K, V]{st: st}
}

type plainValues[K, V any] struct {
	st store.KeyValueStore[K, store.ValueAndTimestamp[V]]
}

func (p plainValues[K, V]) Name() string     { return p.st.Name() }
func (p plainValues[K, V]) Persistent() bool { return p.st.Persistent() }
func (p plainValues[K, V]) Flush() error     { return p.st.Flush() }
func (p plainValues[K, V]) Close() error     { return p.st.Close() }

func (p plainValues[K, V]) Get(key K) (V, bool, error) {
	v, ok, err := p.st.Get(key)
	return v.Value, ok, err
}

func (p plainValues[K, V]) Put(key K, value V) error {
	return p.st.Put(key, store.ValueAndTimestamp[V]{Value: value})
}

func (p plainValues[K, V]) Delete(key K) error { return p.st.Delete(key) }

func (p plainValues[K, V]) Range(from, to K) iter.Seq2[store.KeyValue[K, V], error] {
	return unwrap(p.st.Range(from, to))
}

func (p plainValues[K, V]) Prefix(prefix K) iter.Seq2[store.KeyValue[K, V], error] {
	return unwrap(p.st.Prefix(prefix))
}

func (p plainValues[K, V]) All() iter.Seq2[store.KeyValue[K, V], error] { return unwrap(p.st.All()) }

func (p plainValues[K, V]) ApproximateNumEntries() int64 { return p.st.ApproximateNumEntries() }

func unwrap[K, V any](seq iter.Seq2[store.KeyValue[K, store.ValueAndTimestamp[V]], error]) iter.Seq2[store.KeyValue[K, V], error] {
	return func(yield func(store.KeyValue[K, V], error) bool) {
		for kv, err := range seq {
			if !yield(store.KeyValue[K, V]{Key: kv.Key, Value: kv.Value.Value}, err) {
				return
			}
		}
	}
}
