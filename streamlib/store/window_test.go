package store

import (
	"fmt"
	"iter"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
	"github.com/stretchr/testify/require"
)

type winKV = KeyValue[window.Windowed[string], int64]

// win is the expected entry of key in the window starting at start (size
// 10ms in these tests).
func win(key string, start, v int64) winKV {
	return winKV{Key: window.Windowed[string]{Key: key, Window: window.Window{Start: start, End: start + 10}}, Value: v}
}

const (
	testRetention = 5 * time.Minute // segments of 150 s
	testSize      = 10 * time.Millisecond
)

func buildWindow(t *testing.T, b backend, dir string, dups bool, ctx Context, opts ...Option) WindowStore[string, int64] {
	t.Helper()
	ctx.Dir = dir
	st, err := NewWindow("win", serde.String(), serde.Int64(), testRetention, testSize, dups, b.opts(opts...)...).Build(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	ws, ok := st.(WindowStore[string, int64])
	require.True(t, ok, "Build returned %T", st)
	_, ok = st.(Restorer)
	require.True(t, ok)
	_, ok = st.(Checkpointer)
	require.Equal(t, b.persistent, ok)
	return ws
}

func TestWindowFetch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ws := buildWindow(t, b, dir, false, Context{})
		puts := []struct {
			key   string
			start int64
			v     int64
		}{
			{"a", 20, 1}, {"a", 0, 2}, {"ab", 0, 3}, {"a\x00", 10, 4}, {"", 10, 5},
			{"a", 10, 6}, {"a", 10, 7}, // replaces
			{"a", 200_000, 8}, // a later segment
			{"b", -20, 9},     // negative starts order before zero
		}
		for _, p := range puts {
			require.NoError(t, ws.Put(p.key, p.v, p.start))
		}
		tests := []struct {
			name string
			scan iter.Seq2[winKV, error]
			want []winKV
		}{
			{"one key, earliest first, across segments", ws.FetchRange("a", math.MinInt64, math.MaxInt64),
				[]winKV{win("a", 0, 2), win("a", 10, 7), win("a", 20, 1), win("a", 200_000, 8)}},
			{"bounds inclusive", ws.FetchRange("a", 10, 20), []winKV{win("a", 10, 7), win("a", 20, 1)}},
			{"between windows", ws.FetchRange("a", 1, 9), nil},
			{"reversed", ws.FetchRange("a", 20, 10), nil},
			{"a key that others extend", ws.FetchRange("a\x00", 0, 100), []winKV{win("a\x00", 10, 4)}},
			{"the empty key", ws.FetchRange("", 0, 100), []winKV{win("", 10, 5)}},
			{"negative start", ws.FetchRange("b", -100, 0), []winKV{win("b", -20, 9)}},
			{"unknown key", ws.FetchRange("c", 0, 100), nil},
			{"fetch all, bounded", ws.FetchAll(10, 20),
				[]winKV{win("", 10, 5), win("a", 10, 7), win("a", 20, 1), win("a\x00", 10, 4)}},
		}
		for _, tc := range tests {
			if diff := cmp.Diff(tc.want, collect(t, tc.scan)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}
		all := collect(t, ws.All())
		require.Len(t, all, 8)
		require.ElementsMatch(t, all, collect(t, ws.FetchAll(math.MinInt64, math.MaxInt64)))

		v, ok, err := ws.Fetch("a", 10)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(7), v)
		_, ok, err = ws.Fetch("a", 11)
		require.NoError(t, err)
		require.False(t, ok)
		_, ok, err = ws.Fetch("ab", 10)
		require.NoError(t, err)
		require.False(t, ok)

		require.NoError(t, ws.Delete("a", 10))
		require.Equal(t, []winKV{win("a", 0, 2), win("a", 20, 1)}, collect(t, ws.FetchRange("a", 0, 100)))
	})
}

func TestWindowDuplicates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		ws := buildWindow(t, b, dir, true, Context{ChangeLogger: rec})
		for i, start := range []int64{5, 5, 3, 5} {
			require.NoError(t, ws.Put("k", int64(i), start))
		}
		require.NoError(t, ws.Put("k2", 9, 5))
		require.Equal(t, []winKV{win("k", 3, 2), win("k", 5, 0), win("k", 5, 1), win("k", 5, 3)},
			collect(t, ws.FetchRange("k", 0, 10)), "every put is kept, in put order within a window")
		v, ok, err := ws.Fetch("k", 5)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(0), v, "Fetch returns the earliest duplicate")

		// Changelog keys carry the sequence number.
		want := []logged{
			{Key: cat([]byte("k"), be64(5), []byte{0, 0, 0, 1}), Value: be64(0), Timestamp: 5},
			{Key: cat([]byte("k"), be64(5), []byte{0, 0, 0, 2}), Value: be64(1), Timestamp: 5},
			{Key: cat([]byte("k"), be64(3), []byte{0, 0, 0, 3}), Value: be64(2), Timestamp: 3},
			{Key: cat([]byte("k"), be64(5), []byte{0, 0, 0, 4}), Value: be64(3), Timestamp: 5},
			{Key: cat([]byte("k2"), be64(5), []byte{0, 0, 0, 5}), Value: be64(9), Timestamp: 5},
		}
		if diff := cmp.Diff(want, rec.all()); diff != "" {
			t.Fatalf("changelog (-want +got):\n%s", diff)
		}

		// A restored store numbers new duplicates after the restored ones.
		restored := buildWindow(t, b, t.TempDir(), true, Context{})
		rec.replay(t, restored.(Restorer))
		require.Equal(t, collect(t, ws.All()), collect(t, restored.All()))
		require.NoError(t, restored.Put("k", 4, 5))
		require.Len(t, collect(t, restored.FetchRange("k", 5, 5)), 4, "no restored duplicate was overwritten")

		// Delete removes every duplicate of the window, and logs each.
		n := len(rec.all())
		require.NoError(t, ws.Delete("k", 5))
		require.Equal(t, []winKV{win("k", 3, 2)}, collect(t, ws.FetchRange("k", 0, 10)))
		deletes := rec.all()[n:]
		require.Len(t, deletes, 3)
		for _, d := range deletes {
			require.Nil(t, d.Value)
		}
	})
}

func TestWindowRetention(t *testing.T) {
	const ret = int64(5 * 60_000)
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		ws := buildWindow(t, b, dir, false, Context{ChangeLogger: rec})
		require.NoError(t, ws.Put("a", 1, 0))
		require.NoError(t, ws.Put("a", 2, 100_000))
		require.NoError(t, ws.Put("a", 3, 200_000))
		require.NoError(t, ws.Put("a", 4, 460_000)) // stream time 460 s: windows up to 160 s expired
		require.Equal(t, []winKV{win("a", 200_000, 3), win("a", 460_000, 4)}, collect(t, ws.All()))
		require.Equal(t, []winKV{win("a", 200_000, 3)}, collect(t, ws.FetchRange("a", 0, 300_000)))
		_, ok, err := ws.Fetch("a", 100_000)
		require.NoError(t, err)
		require.False(t, ok, "expired")

		// Segment [0, 150 s) was dropped with both its windows.
		require.Equal(t, 2, rawEntries(t, ws))

		// A put older than retention is ignored and not logged.
		n := len(rec.all())
		require.NoError(t, ws.Put("a", 5, 460_000-ret))
		require.Len(t, rec.all(), n)
		require.NoError(t, ws.Put("a", 6, 460_000-ret+1), "the oldest retained window")
		require.Len(t, rec.all(), n+1)
		require.Len(t, collect(t, ws.All()), 3)

		// Moving far ahead drops everything before.
		require.NoError(t, ws.Put("b", 7, 10*ret))
		require.Equal(t, []winKV{win("b", 10*ret, 7)}, collect(t, ws.All()))
		require.Equal(t, 1, rawEntries(t, ws))
	})
}

// Retention is measured back from the latest window start stored, as Kafka
// Streams' window stores do, never from the task's stream time.
func TestWindowRetentionIgnoresStreamTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		streamTime := int64(1_000_000)
		ws := buildWindow(t, b, dir, false, Context{StreamTime: func() int64 { return streamTime }})
		require.NoError(t, ws.Put("a", 1, 0))
		require.NoError(t, ws.Put("b", 3, 1000))
		require.Equal(t, []winKV{win("a", 0, 1), win("b", 1000, 3)}, collect(t, ws.All()), "stream time far ahead expires nothing")
		// A window starting 300 s later does: the one at 0 is past retention.
		require.NoError(t, ws.Put("a", 2, 300_000))
		require.Equal(t, []winKV{win("b", 1000, 3), win("a", 300_000, 2)}, collect(t, ws.All()))
	})
}

func TestWindowChangelogAndRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		ws := buildWindow(t, b, dir, false, Context{ChangeLogger: rec})
		require.NoError(t, ws.Put("a", 1, 10))
		require.NoError(t, ws.Put("a", 2, 10))
		require.NoError(t, ws.Put("b", 3, 20))
		require.NoError(t, ws.Delete("b", 20))
		require.NoError(t, ws.Put("c", 4, 30))
		want := []logged{
			{Key: cat([]byte("a"), be64(10), []byte{0, 0, 0, 0}), Value: be64(1), Timestamp: 10},
			{Key: cat([]byte("a"), be64(10), []byte{0, 0, 0, 0}), Value: be64(2), Timestamp: 10},
			{Key: cat([]byte("b"), be64(20), []byte{0, 0, 0, 0}), Value: be64(3), Timestamp: 20},
			{Key: cat([]byte("b"), be64(20), []byte{0, 0, 0, 0}), Value: nil, Timestamp: 20},
			{Key: cat([]byte("c"), be64(30), []byte{0, 0, 0, 0}), Value: be64(4), Timestamp: 30},
		}
		if diff := cmp.Diff(want, rec.all()); diff != "" {
			t.Fatalf("changelog (-want +got):\n%s", diff)
		}
		for _, other := range backends {
			restored := buildWindow(t, other, t.TempDir(), false, Context{})
			rec.replay(t, restored.(Restorer))
			require.Equal(t, collect(t, ws.All()), collect(t, restored.All()), other.name)
		}
		require.Error(t, ws.(Restorer).Restore([]byte("short"), nil), "a key without window start and sequence number")
	})
}

func TestWindowRestoreSkipsExpired(t *testing.T) {
	rec := &recorder{}
	ws := buildWindow(t, backends[0], "", false, Context{ChangeLogger: rec})
	require.NoError(t, ws.Put("a", 1, 0))
	require.NoError(t, ws.Put("b", 2, 1_000_000))
	restored := buildWindow(t, backends[0], "", false, Context{})
	rec.replay(t, restored.(Restorer))
	require.Equal(t, []winKV{win("b", 1_000_000, 2)}, collect(t, restored.All()))
	require.Equal(t, 1, rawEntries(t, restored), "the expired window went with its segment")
}

func TestWindowReopen(t *testing.T) {
	dir := t.TempDir()
	b := backend{persistent: true}
	ws := buildWindow(t, b, dir, true, Context{})
	require.NoError(t, ws.Put("a", 1, 0))
	require.NoError(t, ws.Put("a", 2, 0))
	require.NoError(t, ws.Put("a", 3, 250_000))
	require.NoError(t, ws.Put("b", 4, 301_000)) // stream time 301 s: the windows at 0 are expired, not yet dropped
	require.NoError(t, ws.(Checkpointer).SetCheckpoint(77))
	want := collect(t, ws.All())
	require.Len(t, want, 2)
	require.NoError(t, ws.Close())

	again := buildWindow(t, b, dir, true, Context{})
	require.Equal(t, want, collect(t, again.All()), "the stream time survives: expired windows stay hidden")
	off, ok, err := again.(Checkpointer).Checkpoint()
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(77), off)
	require.NoError(t, again.Put("a", 5, 250_000))
	require.Equal(t, []winKV{win("a", 250_000, 3), win("a", 250_000, 5)}, collect(t, again.FetchRange("a", 0, 300_000)),
		"duplicates continue their numbering")
}

func TestWindowReopenWithAnotherRetention(t *testing.T) {
	dir := t.TempDir()
	build := func(retention time.Duration) WindowStore[string, int64] {
		st, err := NewWindow("win", serde.String(), serde.Int64(), retention, testSize, false, Persistent()).BuildWindow(Context{Dir: dir})
		require.NoError(t, err)
		return st
	}
	ws := build(time.Hour) // 30-minute segments
	require.NoError(t, ws.Put("a", 1, 1_000_000))
	require.NoError(t, ws.Put("a", 2, 2_000_000))
	require.NoError(t, ws.Close())

	again := build(4 * time.Hour) // would be 2-hour segments
	defer again.Close()
	require.Equal(t, []winKV{win("a", 1_000_000, 1), win("a", 2_000_000, 2)}, collect(t, again.FetchRange("a", 0, 3_000_000)))
	v, ok, err := again.Fetch("a", 2_000_000)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(2), v)
}

func TestWindowClosedAndReadOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ws := buildWindow(t, b, dir, false, Context{})
		require.NoError(t, ws.Put("a", 1, 10))
		view := ReadOnlyWindow[string, int64](ws)
		var asAny any = view
		_, ok := asAny.(WindowStore[string, int64])
		require.False(t, ok, "a view must not turn back into the writable store")
		_, ok = asAny.(Restorer)
		require.False(t, ok)
		v, ok, err := view.Fetch("a", 10)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(1), v)
		require.Equal(t, []winKV{win("a", 10, 1)}, collect(t, view.FetchRange("a", 0, 10)))
		require.Equal(t, []winKV{win("a", 10, 1)}, collect(t, view.FetchAll(0, 10)))
		require.Equal(t, []winKV{win("a", 10, 1)}, collect(t, view.All()))
		require.Equal(t, view, ReadOnlyWindow(view))

		require.NoError(t, ws.Close())
		require.NoError(t, ws.Close())
		_, _, err = ws.Fetch("a", 10)
		require.ErrorIs(t, err, ErrClosed)
		_, _, err = view.Fetch("a", 10)
		require.ErrorIs(t, err, ErrClosed)
		require.ErrorIs(t, ws.Put("a", 1, 10), ErrClosed)
		require.ErrorIs(t, ws.Delete("a", 10), ErrClosed)
		require.ErrorIs(t, ws.Flush(), ErrClosed)
		require.ErrorIs(t, ws.(Restorer).Restore(cat([]byte("a"), be64(1), []byte{0, 0, 0, 0}), nil), ErrClosed)
		for _, scan := range []iter.Seq2[winKV, error]{ws.FetchRange("a", 0, 10), ws.FetchAll(0, 10), ws.All()} {
			var errs []error
			for _, err := range scan {
				errs = append(errs, err)
			}
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], ErrClosed)
		}
	})
}

func TestWindowConcurrentReaders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ws := buildWindow(t, b, dir, false, Context{ChangeLogger: &recorder{}})
		view := ReadOnlyWindow[string, int64](ws)
		done := make(chan struct{})
		errs := make(chan error, 4)
		var wg sync.WaitGroup
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
					for e, err := range view.FetchAll(0, math.MaxInt64) {
						if err != nil {
							errs <- err
							return
						}
						if e.Value != e.Key.Window.Start {
							errs <- fmt.Errorf("window %v holds %d", e.Key, e.Value)
							return
						}
					}
					if _, _, err := view.Fetch("k1", 0); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		// Enough stream time passes for segments to be dropped under the
		// readers.
		for i := range int64(3000) {
			start := i * 1000
			require.NoError(t, ws.Put(fmt.Sprintf("k%d", i%7), start, start))
		}
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	})
}

func TestWindowInvalid(t *testing.T) {
	tests := []struct {
		name string
		b    *WindowBuilder[string, int64]
	}{
		{"no retention", NewWindow("w", serde.String(), serde.Int64(), 0, time.Second, false)},
		{"negative size", NewWindow("w", serde.String(), serde.Int64(), time.Minute, -time.Second, false)},
		{"no key serde", NewWindow[string, int64]("w", nil, serde.Int64(), time.Minute, time.Second, false)},
	}
	for _, tc := range tests {
		_, err := tc.b.Build(Context{})
		require.ErrorIs(t, err, ErrInvalid, tc.name)
	}
	b := NewWindow("w", serde.String(), serde.Int64(), time.Minute, time.Second, true, WithLogConfig(map[string]string{"x": "y"}))
	require.Equal(t, "w", b.Name())
	require.True(t, b.Logged())
	require.False(t, b.Persistent())
	require.Equal(t, map[string]string{"x": "y"}, b.LogConfig())
	require.Equal(t, time.Minute, b.Retention())
	require.Equal(t, time.Second, b.WindowSize())
	require.True(t, b.RetainDuplicates())
}

func TestWindowAndSessionLogTimestamps(t *testing.T) {
	tests := []struct {
		name string
		ctx  Context
		want int64
	}{
		{"record timestamp first", Context{RecordTimestamp: func() int64 { return 5 }, StreamTime: func() int64 { return 8 }}, 5},
		{"else stream time", Context{StreamTime: func() int64 { return 8 }}, 8},
		{"else the window start or session end", Context{}, 3},
	}
	for _, tc := range tests {
		rec := &recorder{}
		tc.ctx.ChangeLogger = rec
		ws := buildWindow(t, backends[0], "", false, tc.ctx)
		require.NoError(t, ws.Put("a", 1, 3))
		require.NoError(t, ws.Delete("a", 3))
		ss := buildSession(t, backends[0], "", tc.ctx)
		require.NoError(t, ss.Put(sess("a", 1, 3), 1))
		require.NoError(t, ss.Remove(sess("a", 1, 3)))
		for _, l := range rec.all() {
			require.Equal(t, tc.want, l.Timestamp, tc.name)
		}
		require.Len(t, rec.all(), 4)
	}
}
