package kafka

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// ErrUnknownStore is returned by queries for a store the topology does not
// have.
var ErrUnknownStore = errors.New("kafka: no such store")

// KeyMetadata says where a key of a store lives.
type KeyMetadata struct {
	Store string
	// Task is the task whose store holds the key; its Partition is the
	// partition of the key. Global stores have task {-1, -1}.
	Task streamlib.TaskID
	// Host is the application server (Config.ApplicationServer) of the
	// instance running that task, as of the last rebalance; empty if no
	// instance with an application server runs it.
	Host string
	// Local is true when this instance runs the task now, so its stores
	// answer for the key.
	Local bool
}

// KeyMetadata tells which instance holds key (serialized with the store's
// key serde) of the named store. The key's partition is computed like the
// application's own partitioner (PartitionForKey) over the task count of
// the store's sub-topology, which is right for every store the DSL builds:
// aggregations and tables keyed by their input's key. Every instance
// knows the whole group's assignment, so the answer does not depend on the
// instance asked.
func (a *Application) KeyMetadata(storeName string, key []byte) (KeyMetadata, error) {
	if a.topo.IsGlobalStore(storeName) {
		return KeyMetadata{Store: storeName, Task: streamlib.TaskID{Subtopology: -1, Partition: -1}, Host: a.cfg.ApplicationServer, Local: true}, nil
	}
	sub, err := a.storeSub(storeName)
	if err != nil {
		return KeyMetadata{}, err
	}
	n := a.currentPlan().bySub[sub].tasks
	id := streamlib.TaskID{Subtopology: sub, Partition: PartitionForKey(key, n)}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, local := a.tasks[id]
	return KeyMetadata{Store: storeName, Task: id, Host: a.hosts[id], Local: local}, nil
}

// KeyMetadataFor is KeyMetadata for a typed key, serialized with ks (the
// store's key serde).
func KeyMetadataFor[K any](a *Application, storeName string, key K, ks serde.Serde[K]) (KeyMetadata, error) {
	b, err := ks.Serialize(key)
	if err != nil {
		return KeyMetadata{}, fmt.Errorf("kafka: key metadata of store %s: serialize key %v: %w", storeName, key, err)
	}
	return a.KeyMetadata(storeName, b)
}

// storeSub returns the sub-topology of a task store, once started.
func (a *Application) storeSub(name string) (int, error) {
	plan := a.currentPlan()
	if plan == nil {
		return 0, fmt.Errorf("query store %s: %w", name, ErrNotRunning)
	}
	sub, ok := plan.storeSub[name]
	if !ok {
		return 0, fmt.Errorf("store %q (the topology has %v): %w", name, a.topo.StoreNames(), ErrUnknownStore)
	}
	return sub, nil
}

// LocalStores returns the instances of the named store this application
// instance holds now, by task (one, with task {-1, -1}, for a global
// store). The typed views KeyValueStore, WindowStore and SessionStore
// query them all together; use this to reach one task's store, or a
// store of a custom type.
func (a *Application) LocalStores(name string) (map[streamlib.TaskID]store.StateStore, error) {
	state := a.State()
	if state != Running && state != Rebalancing {
		return nil, fmt.Errorf("query store %s in state %s: %w", name, state, ErrNotRunning)
	}
	if a.topo.IsGlobalStore(name) {
		st, ok := a.globalStores()[name]
		if !ok {
			return nil, fmt.Errorf("global store %s is not open yet: %w", name, ErrNotRunning)
		}
		return map[streamlib.TaskID]store.StateStore{{Subtopology: -1, Partition: -1}: st}, nil
	}
	if _, err := a.storeSub(name); err != nil {
		return nil, err
	}
	a.mu.Lock()
	tasks := slices.Collect(maps.Values(a.tasks))
	a.mu.Unlock()
	out := map[streamlib.TaskID]store.StateStore{}
	for _, t := range tasks {
		if st, err := t.t.Store(name); err == nil {
			out[t.id] = st
		}
	}
	return out, nil
}

// localStoresOf returns the local stores of name as S, in task order.
func localStoresOf[S any](a *Application, name string) ([]S, error) {
	all, err := a.LocalStores(name)
	if err != nil {
		return nil, err
	}
	ids := slices.SortedFunc(maps.Keys(all), compareTaskIDs)
	out := make([]S, 0, len(ids))
	for _, id := range ids {
		s, ok := all[id].(S)
		if !ok {
			var zero S
			return nil, fmt.Errorf("store %s is a %T, not a %T: %w", name, all[id], zero, streamlib.ErrStoreType)
		}
		out = append(out, s)
	}
	return out, nil
}

// KeyValueStore returns a read-only view of the named key-value store over
// every task of this instance that has it, or of a global store. A table's
// store (which keeps each row with its timestamp) is shown with plain
// values: KeyValueStore[string, int64] reads the store of a Count. Get
// looks in each local task; range scans yield each task's entries in key
// order, task after task. Keys held by other instances are not found: use
// KeyMetadata or ServeKey to reach them.
//
// The view follows rebalances: every call uses the tasks the instance
// holds at that moment. Calls fail with ErrNotRunning once the application
// stops, and with streamlib.ErrStoreType if the store has other types.
func KeyValueStore[K, V any](a *Application, name string) (store.ReadOnlyKeyValueStore[K, V], error) {
	if _, err := a.LocalStores(name); err != nil && !errors.Is(err, ErrNotRunning) {
		return nil, err
	}
	return kvView[K, V]{a: a, name: name}, nil
}

type kvView[K, V any] struct {
	a    *Application
	name string
}

func (v kvView[K, V]) stores() ([]store.ReadOnlyKeyValueStore[K, V], error) {
	plain, err := localStoresOf[store.ReadOnlyKeyValueStore[K, V]](v.a, v.name)
	if err == nil || !errors.Is(err, streamlib.ErrStoreType) {
		return plain, err
	}
	stamped, err2 := localStoresOf[store.ReadOnlyKeyValueStore[K, store.ValueAndTimestamp[V]]](v.a, v.name)
	if err2 != nil {
		return nil, err
	}
	out := make([]store.ReadOnlyKeyValueStore[K, V], len(stamped))
	for i, s := range stamped {
		out[i] = unstamped[K, V]{s}
	}
	return out, nil
}

// Get implements store.ReadOnlyKeyValueStore.
func (v kvView[K, V]) Get(key K) (V, bool, error) {
	var zero V
	stores, err := v.stores()
	if err != nil {
		return zero, false, err
	}
	for _, s := range stores {
		val, ok, err := s.Get(key)
		if err != nil || ok {
			return val, ok, err
		}
	}
	return zero, false, nil
}

func (v kvView[K, V]) concat(scan func(store.ReadOnlyKeyValueStore[K, V]) iter.Seq2[store.KeyValue[K, V], error]) iter.Seq2[store.KeyValue[K, V], error] {
	return func(yield func(store.KeyValue[K, V], error) bool) {
		stores, err := v.stores()
		if err != nil {
			yield(store.KeyValue[K, V]{}, err)
			return
		}
		for _, s := range stores {
			for kv, err := range scan(s) {
				if !yield(kv, err) || err != nil {
					return
				}
			}
		}
	}
}

// Range implements store.ReadOnlyKeyValueStore.
func (v kvView[K, V]) Range(from, to K) iter.Seq2[store.KeyValue[K, V], error] {
	return v.concat(func(s store.ReadOnlyKeyValueStore[K, V]) iter.Seq2[store.KeyValue[K, V], error] {
		return s.Range(from, to)
	})
}

// Prefix implements store.ReadOnlyKeyValueStore.
func (v kvView[K, V]) Prefix(prefix K) iter.Seq2[store.KeyValue[K, V], error] {
	return v.concat(func(s store.ReadOnlyKeyValueStore[K, V]) iter.Seq2[store.KeyValue[K, V], error] {
		return s.Prefix(prefix)
	})
}

// All implements store.ReadOnlyKeyValueStore.
func (v kvView[K, V]) All() iter.Seq2[store.KeyValue[K, V], error] {
	return v.concat(func(s store.ReadOnlyKeyValueStore[K, V]) iter.Seq2[store.KeyValue[K, V], error] { return s.All() })
}

// ApproximateNumEntries implements store.ReadOnlyKeyValueStore.
func (v kvView[K, V]) ApproximateNumEntries() int64 {
	stores, err := v.stores()
	if err != nil {
		return 0
	}
	var n int64
	for _, s := range stores {
		n += s.ApproximateNumEntries()
	}
	return n
}

// unstamped shows a store of values with timestamps as plain values.
type unstamped[K, V any] struct {
	s store.ReadOnlyKeyValueStore[K, store.ValueAndTimestamp[V]]
}

func (u unstamped[K, V]) Get(key K) (V, bool, error) {
	v, ok, err := u.s.Get(key)
	return v.Value, ok, err
}

func unstamp[K, V any](seq iter.Seq2[store.KeyValue[K, store.ValueAndTimestamp[V]], error]) iter.Seq2[store.KeyValue[K, V], error] {
	return func(yield func(store.KeyValue[K, V], error) bool) {
		for kv, err := range seq {
			if !yield(store.KeyValue[K, V]{Key: kv.Key, Value: kv.Value.Value}, err) {
				return
			}
		}
	}
}

func (u unstamped[K, V]) Range(from, to K) iter.Seq2[store.KeyValue[K, V], error] {
	return unstamp(u.s.Range(from, to))
}

func (u unstamped[K, V]) Prefix(prefix K) iter.Seq2[store.KeyValue[K, V], error] {
	return unstamp(u.s.Prefix(prefix))
}

func (u unstamped[K, V]) All() iter.Seq2[store.KeyValue[K, V], error] { return unstamp(u.s.All()) }

func (u unstamped[K, V]) ApproximateNumEntries() int64 { return u.s.ApproximateNumEntries() }

// WindowStore returns a read-only view of the named window store over
// every task of this instance that has it. The store of a windowed
// aggregation (which keeps values with timestamps) is shown with plain
// values: WindowStore[string, int64] reads the store of a WindowedCount.
// Fetch looks in each local task; the range fetches yield task after task.
// See KeyValueStore for how the view follows rebalances.
func WindowStore[K, V any](a *Application, name string) (store.ReadOnlyWindowStore[K, V], error) {
	if _, err := a.LocalStores(name); err != nil && !errors.Is(err, ErrNotRunning) {
		return nil, err
	}
	return windowView[K, V]{a: a, name: name}, nil
}

type windowView[K, V any] struct {
	a    *Application
	name string
}

type windowed[K, V any] = store.KeyValue[window.Windowed[K], V]

func (v windowView[K, V]) stores() ([]store.ReadOnlyWindowStore[K, V], error) {
	plain, err := localStoresOf[store.ReadOnlyWindowStore[K, V]](v.a, v.name)
	if err == nil || !errors.Is(err, streamlib.ErrStoreType) {
		return plain, err
	}
	stamped, err2 := localStoresOf[store.ReadOnlyWindowStore[K, store.ValueAndTimestamp[V]]](v.a, v.name)
	if err2 != nil {
		return nil, err
	}
	out := make([]store.ReadOnlyWindowStore[K, V], len(stamped))
	for i, s := range stamped {
		out[i] = unstampedWindows[K, V]{s}
	}
	return out, nil
}

// unstampedWindows shows a window store of values with timestamps (what
// windowed aggregations keep) as plain values.
type unstampedWindows[K, V any] struct {
	s store.ReadOnlyWindowStore[K, store.ValueAndTimestamp[V]]
}

func unstampWindows[K, V any](seq iter.Seq2[windowed[K, store.ValueAndTimestamp[V]], error]) iter.Seq2[windowed[K, V], error] {
	return func(yield func(windowed[K, V], error) bool) {
		for kv, err := range seq {
			if !yield(windowed[K, V]{Key: kv.Key, Value: kv.Value.Value}, err) {
				return
			}
		}
	}
}

func (u unstampedWindows[K, V]) Fetch(key K, windowStart int64) (V, bool, error) {
	v, ok, err := u.s.Fetch(key, windowStart)
	return v.Value, ok, err
}

func (u unstampedWindows[K, V]) FetchRange(key K, from, to int64) iter.Seq2[windowed[K, V], error] {
	return unstampWindows(u.s.FetchRange(key, from, to))
}

func (u unstampedWindows[K, V]) FetchAll(from, to int64) iter.Seq2[windowed[K, V], error] {
	return unstampWindows(u.s.FetchAll(from, to))
}

func (u unstampedWindows[K, V]) All() iter.Seq2[windowed[K, V], error] {
	return unstampWindows(u.s.All())
}

// Fetch implements store.ReadOnlyWindowStore.
func (v windowView[K, V]) Fetch(key K, windowStart int64) (V, bool, error) {
	var zero V
	stores, err := v.stores()
	if err != nil {
		return zero, false, err
	}
	for _, s := range stores {
		val, ok, err := s.Fetch(key, windowStart)
		if err != nil || ok {
			return val, ok, err
		}
	}
	return zero, false, nil
}

func (v windowView[K, V]) concat(scan func(store.ReadOnlyWindowStore[K, V]) iter.Seq2[windowed[K, V], error]) iter.Seq2[windowed[K, V], error] {
	return func(yield func(windowed[K, V], error) bool) {
		stores, err := v.stores()
		if err != nil {
			yield(windowed[K, V]{}, err)
			return
		}
		for _, s := range stores {
			for kv, err := range scan(s) {
				if !yield(kv, err) || err != nil {
					return
				}
			}
		}
	}
}

// FetchRange implements store.ReadOnlyWindowStore.
func (v windowView[K, V]) FetchRange(key K, from, to int64) iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlyWindowStore[K, V]) iter.Seq2[windowed[K, V], error] {
		return s.FetchRange(key, from, to)
	})
}

// FetchAll implements store.ReadOnlyWindowStore.
func (v windowView[K, V]) FetchAll(from, to int64) iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlyWindowStore[K, V]) iter.Seq2[windowed[K, V], error] { return s.FetchAll(from, to) })
}

// All implements store.ReadOnlyWindowStore.
func (v windowView[K, V]) All() iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlyWindowStore[K, V]) iter.Seq2[windowed[K, V], error] { return s.All() })
}

// SessionStore returns a read-only view of the named session store over
// every task of this instance that has it. See KeyValueStore for how the
// view follows rebalances.
func SessionStore[K, V any](a *Application, name string) (store.ReadOnlySessionStore[K, V], error) {
	if _, err := a.LocalStores(name); err != nil && !errors.Is(err, ErrNotRunning) {
		return nil, err
	}
	return sessionView[K, V]{a: a, name: name}, nil
}

type sessionView[K, V any] struct {
	a    *Application
	name string
}

func (v sessionView[K, V]) stores() ([]store.ReadOnlySessionStore[K, V], error) {
	return localStoresOf[store.ReadOnlySessionStore[K, V]](v.a, v.name)
}

func (v sessionView[K, V]) concat(scan func(store.ReadOnlySessionStore[K, V]) iter.Seq2[windowed[K, V], error]) iter.Seq2[windowed[K, V], error] {
	return func(yield func(windowed[K, V], error) bool) {
		stores, err := v.stores()
		if err != nil {
			yield(windowed[K, V]{}, err)
			return
		}
		for _, s := range stores {
			for kv, err := range scan(s) {
				if !yield(kv, err) || err != nil {
					return
				}
			}
		}
	}
}

// FindSessions implements store.ReadOnlySessionStore.
func (v sessionView[K, V]) FindSessions(key K, earliestEnd, latestStart int64) iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlySessionStore[K, V]) iter.Seq2[windowed[K, V], error] {
		return s.FindSessions(key, earliestEnd, latestStart)
	})
}

// FetchSession implements store.ReadOnlySessionStore.
func (v sessionView[K, V]) FetchSession(key K, start, end int64) (V, bool, error) {
	var zero V
	stores, err := v.stores()
	if err != nil {
		return zero, false, err
	}
	for _, s := range stores {
		val, ok, err := s.FetchSession(key, start, end)
		if err != nil || ok {
			return val, ok, err
		}
	}
	return zero, false, nil
}

// Fetch implements store.ReadOnlySessionStore.
func (v sessionView[K, V]) Fetch(key K) iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlySessionStore[K, V]) iter.Seq2[windowed[K, V], error] { return s.Fetch(key) })
}

// All implements store.ReadOnlySessionStore.
func (v sessionView[K, V]) All() iter.Seq2[windowed[K, V], error] {
	return v.concat(func(s store.ReadOnlySessionStore[K, V]) iter.Seq2[windowed[K, V], error] { return s.All() })
}
