package store

import (
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/stretchr/testify/require"
)

type strKV = KeyValue[string, int64]

func buildKV(t *testing.T, b backend, dir, name string, ctx Context, opts ...Option) KeyValueStore[string, int64] {
	t.Helper()
	ctx.Dir = dir
	st, err := NewKeyValue(name, serde.String(), serde.Int64(), b.opts(opts...)...).Build(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	kv, ok := st.(KeyValueStore[string, int64])
	require.True(t, ok, "Build returned %T", st)
	require.Equal(t, name, kv.Name())
	require.Equal(t, b.persistent, kv.Persistent())
	_, ok = st.(Restorer)
	require.True(t, ok, "every store restores")
	_, ok = st.(Checkpointer)
	require.Equal(t, b.persistent, ok, "only persistent stores keep checkpoints")
	return kv
}

func TestKeyValueScans(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		kv := buildKV(t, b, dir, "kv", Context{})
		for i, k := range []string{"b", "a", "ab", "abc", "c", "a\x00", "b"} {
			require.NoError(t, kv.Put(k, int64(i)))
		}
		require.NoError(t, kv.Delete("c"))
		require.NoError(t, kv.Delete("never there"))

		tests := []struct {
			name string
			scan func() iter.Seq2[strKV, error]
			want []strKV
		}{
			{"all, in key order", kv.All, []strKV{{"a", 1}, {"a\x00", 5}, {"ab", 2}, {"abc", 3}, {"b", 6}}},
			{"range, both ends inclusive", func() iter.Seq2[strKV, error] { return kv.Range("a\x00", "abc") },
				[]strKV{{"a\x00", 5}, {"ab", 2}, {"abc", 3}}},
			{"range between keys", func() iter.Seq2[strKV, error] { return kv.Range("aa", "az") },
				[]strKV{{"ab", 2}, {"abc", 3}}},
			{"range reversed", func() iter.Seq2[strKV, error] { return kv.Range("b", "a") }, nil},
			{"prefix", func() iter.Seq2[strKV, error] { return kv.Prefix("ab") }, []strKV{{"ab", 2}, {"abc", 3}}},
			{"prefix of every a", func() iter.Seq2[strKV, error] { return kv.Prefix("a") },
				[]strKV{{"a", 1}, {"a\x00", 5}, {"ab", 2}, {"abc", 3}}},
			{"prefix matching nothing", func() iter.Seq2[strKV, error] { return kv.Prefix("bb") }, nil},
		}
		for _, tc := range tests {
			if diff := cmp.Diff(tc.want, collect(t, tc.scan())); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}

		v, ok, err := kv.Get("b")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(6), v, "the last put wins")
		_, ok, err = kv.Get("c")
		require.NoError(t, err)
		require.False(t, ok, "deleted")
		if b.persistent {
			// An estimate on Pebble: it counts writes, not keys.
			require.InDelta(t, 5, kv.ApproximateNumEntries(), 2)
		} else {
			require.Equal(t, int64(5), kv.ApproximateNumEntries())
		}

		// Stopping a scan early is fine.
		for range kv.All() {
			break
		}
	})
}

func TestKeyValueChangelog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		now := int64(0)
		kv := buildKV(t, b, dir, "kv", Context{ChangeLogger: rec, RecordTimestamp: func() int64 { return now }})
		now = 7
		require.NoError(t, kv.Put("a", 1))
		now = 9
		require.NoError(t, kv.Put("b", 2))
		require.NoError(t, kv.Delete("a"))
		want := []logged{
			{Key: []byte("a"), Value: be64(1), Timestamp: 7},
			{Key: []byte("b"), Value: be64(2), Timestamp: 9},
			{Key: []byte("a"), Value: nil, Timestamp: 9},
		}
		if diff := cmp.Diff(want, rec.all()); diff != "" {
			t.Fatalf("changelog (-want +got):\n%s", diff)
		}

		// Replaying the changelog into a fresh store of either backend
		// rebuilds the same contents.
		for _, other := range backends {
			restored := buildKV(t, other, t.TempDir(), "kv", Context{})
			rec.replay(t, restored.(Restorer))
			require.Equal(t, collect(t, kv.All()), collect(t, restored.All()), other.name)
		}

		// Without logging nothing is logged, whatever the context says.
		quiet := &recorder{}
		unlogged := buildKV(t, b, dir, "quiet", Context{ChangeLogger: quiet}, WithoutLogging())
		require.NoError(t, unlogged.Put("a", 1))
		require.Empty(t, quiet.all())
	})
}

func TestKeyValueLogTimestamps(t *testing.T) {
	tests := []struct {
		name string
		ctx  Context
		want int64
	}{
		{"record timestamp first", Context{RecordTimestamp: func() int64 { return 5 }, StreamTime: func() int64 { return 8 }}, 5},
		{"else stream time", Context{StreamTime: func() int64 { return 8 }}, 8},
		{"stream time before the first record", Context{StreamTime: func() int64 { return -1 }}, 0},
		{"else zero", Context{}, 0},
	}
	for _, tc := range tests {
		rec := &recorder{}
		tc.ctx.ChangeLogger = rec
		kv := buildKV(t, backends[0], "", "kv", tc.ctx)
		require.NoError(t, kv.Put("a", 1))
		require.Equal(t, tc.want, rec.all()[0].Timestamp, tc.name)
	}
}

func TestKeyValueReopen(t *testing.T) {
	dir := t.TempDir()
	b := backend{persistent: true}
	kv := buildKV(t, b, dir, "kv", Context{})
	cp := kv.(Checkpointer)
	_, ok, err := cp.Checkpoint()
	require.NoError(t, err)
	require.False(t, ok, "a new store has no checkpoint")
	for i := range 100 {
		require.NoError(t, kv.Put(fmt.Sprintf("k%03d", i), int64(i)))
	}
	require.NoError(t, kv.Delete("k050"))
	require.NoError(t, kv.Flush())
	require.NoError(t, cp.SetCheckpoint(1234))
	want := collect(t, kv.All())
	require.Len(t, want, 99)
	require.NoError(t, kv.Close())

	again := buildKV(t, b, dir, "kv", Context{})
	require.Equal(t, want, collect(t, again.All()))
	off, ok, err := again.(Checkpointer).Checkpoint()
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(1234), off)
	require.Len(t, collect(t, again.Prefix("")), 99, "the checkpoint is not a key")

	require.NoError(t, again.(Checkpointer).ClearCheckpoint())
	_, ok, err = again.(Checkpointer).Checkpoint()
	require.NoError(t, err)
	require.False(t, ok, "cleared")
	require.NoError(t, again.(Checkpointer).ClearCheckpoint(), "clearing twice")
}

func TestKeyValueClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		kv := buildKV(t, b, dir, "kv", Context{})
		require.NoError(t, kv.Put("a", 1))
		view := ReadOnlyKeyValue[string, int64](kv)
		require.NoError(t, kv.Close())
		require.NoError(t, kv.Close(), "closing twice")

		_, _, err := kv.Get("a")
		require.ErrorIs(t, err, ErrClosed)
		require.ErrorIs(t, kv.Put("a", 2), ErrClosed)
		require.ErrorIs(t, kv.Delete("a"), ErrClosed)
		require.ErrorIs(t, kv.Flush(), ErrClosed)
		require.ErrorIs(t, kv.(Restorer).Restore([]byte("a"), nil), ErrClosed)
		_, _, err = view.Get("a")
		require.ErrorIs(t, err, ErrClosed, "views see the close")
		for _, scan := range []iter.Seq2[strKV, error]{kv.All(), kv.Range("a", "b"), kv.Prefix("a"), view.All()} {
			var errs []error
			for _, err := range scan {
				errs = append(errs, err)
			}
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], ErrClosed)
		}
		if cp, ok := kv.(Checkpointer); ok {
			_, _, err := cp.Checkpoint()
			require.ErrorIs(t, err, ErrClosed)
			require.ErrorIs(t, cp.SetCheckpoint(1), ErrClosed)
			require.ErrorIs(t, cp.ClearCheckpoint(), ErrClosed)
		}
	})
}

func TestReadOnlyKeyValue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		kv := buildKV(t, b, dir, "kv", Context{})
		require.NoError(t, kv.Put("a", 1))
		view := ReadOnlyKeyValue[string, int64](kv)
		var asAny any = view
		_, ok := asAny.(KeyValueStore[string, int64])
		require.False(t, ok, "a view must not turn back into the writable store")
		_, ok = asAny.(StateStore)
		require.False(t, ok)
		_, ok = asAny.(Restorer)
		require.False(t, ok)
		_, ok = asAny.(Checkpointer)
		require.False(t, ok)
		require.Equal(t, view, ReadOnlyKeyValue(view), "wrapping a view again changes nothing")

		v, ok, err := view.Get("a")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(1), v)
		require.Equal(t, []strKV{{"a", 1}}, collect(t, view.All()))
		require.Equal(t, []strKV{{"a", 1}}, collect(t, view.Range("a", "a")))
		require.Equal(t, []strKV{{"a", 1}}, collect(t, view.Prefix("a")))
		require.Equal(t, int64(1), view.ApproximateNumEntries())
		require.Nil(t, ReadOnlyKeyValue[string, int64](nil))
	})
}

// TestKeyValueConcurrentReaders runs readers on other goroutines while the
// task's goroutine writes; run with -race.
func TestKeyValueConcurrentReaders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		kv := buildKV(t, b, dir, "kv", Context{ChangeLogger: &recorder{}})
		view := ReadOnlyKeyValue[string, int64](kv)
		const n = 2000
		done := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					// Every key holds its own index: a reader never sees
					// anything else.
					for e, err := range view.All() {
						if err != nil {
							errs <- err
							return
						}
						if want := fmt.Sprintf("k%05d", e.Value); e.Key != want {
							errs <- fmt.Errorf("key %s holds %d", e.Key, e.Value)
							return
						}
					}
					if _, _, err := view.Get("k00001"); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i := range n {
			require.NoError(t, kv.Put(fmt.Sprintf("k%05d", i), int64(i)))
			if i%3 == 0 {
				require.NoError(t, kv.Delete(fmt.Sprintf("k%05d", i/2)))
			}
		}
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	})
}

// TestKeyValueCloseWhileReading closes a store while other goroutines
// read: reads either succeed or report ErrClosed.
func TestKeyValueCloseWhileReading(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		kv := buildKV(t, b, dir, "kv", Context{})
		for i := range 500 {
			require.NoError(t, kv.Put(fmt.Sprintf("k%05d", i), int64(i)))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					for _, err := range kv.All() {
						if err != nil {
							errs <- err
							break
						}
					}
				}
			}()
		}
		require.NoError(t, kv.Close())
		wg.Wait()
		close(errs)
		for err := range errs {
			require.ErrorIs(t, err, ErrClosed)
		}
	})
}
