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

func sess(key string, start, end int64) window.Windowed[string] {
	return window.Windowed[string]{Key: key, Window: window.Window{Start: start, End: end}}
}

func sessKV(key string, start, end, v int64) winKV {
	return winKV{Key: sess(key, start, end), Value: v}
}

func buildSession(t *testing.T, b backend, dir string, ctx Context, opts ...Option) SessionStore[string, int64] {
	t.Helper()
	ctx.Dir = dir
	st, err := NewSession("sess", serde.String(), serde.Int64(), testRetention, b.opts(opts...)...).Build(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	ss, ok := st.(SessionStore[string, int64])
	require.True(t, ok, "Build returned %T", st)
	_, ok = st.(Restorer)
	require.True(t, ok)
	_, ok = st.(Checkpointer)
	require.Equal(t, b.persistent, ok)
	return ss
}

func TestSessionFind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ss := buildSession(t, b, dir, Context{})
		for _, p := range []winKV{
			sessKV("a", 10, 20, 2), sessKV("a", 0, 5, 1), sessKV("a", 30, 40, 3),
			sessKV("a", 200_000, 200_000, 4), // a later segment
			sessKV("ab", 0, 50, 5), sessKV("a\x00", 6, 6, 6), sessKV("", 1, 2, 7),
		} {
			require.NoError(t, ss.Put(p.Key, p.Value))
		}
		tests := []struct {
			name string
			scan iter.Seq2[winKV, error]
			want []winKV
		}{
			{"sessions that overlap [6, 30]", ss.FindSessions("a", 6, 30), []winKV{sessKV("a", 10, 20, 2), sessKV("a", 30, 40, 3)}},
			{"ends are inclusive", ss.FindSessions("a", 20, 10), []winKV{sessKV("a", 10, 20, 2)}},
			{"starts are inclusive", ss.FindSessions("a", 40, 30), []winKV{sessKV("a", 30, 40, 3)}},
			{"in a gap", ss.FindSessions("a", 21, 29), nil},
			{"every session, earliest end first", ss.FindSessions("a", math.MinInt64, math.MaxInt64),
				[]winKV{sessKV("a", 0, 5, 1), sessKV("a", 10, 20, 2), sessKV("a", 30, 40, 3), sessKV("a", 200_000, 200_000, 4)}},
			{"Fetch is every session of the key", ss.Fetch("a"),
				[]winKV{sessKV("a", 0, 5, 1), sessKV("a", 10, 20, 2), sessKV("a", 30, 40, 3), sessKV("a", 200_000, 200_000, 4)}},
			{"a key that others extend", ss.FindSessions("a\x00", 0, 100), []winKV{sessKV("a\x00", 6, 6, 6)}},
			{"a longer key", ss.FindSessions("ab", 0, 100), []winKV{sessKV("ab", 0, 50, 5)}},
			{"the empty key", ss.Fetch(""), []winKV{sessKV("", 1, 2, 7)}},
			{"unknown key", ss.Fetch("zz"), nil},
		}
		for _, tc := range tests {
			if diff := cmp.Diff(tc.want, collect(t, tc.scan)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}
		require.Len(t, collect(t, ss.All()), 7)

		v, ok, err := ss.FetchSession("a", 10, 20)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(2), v)
		_, ok, err = ss.FetchSession("a", 10, 21)
		require.NoError(t, err)
		require.False(t, ok)

		// Merging: the two sessions go, the merged one comes.
		require.NoError(t, ss.Remove(sess("a", 10, 20)))
		require.NoError(t, ss.Remove(sess("a", 30, 40)))
		require.NoError(t, ss.Put(sess("a", 10, 40), 5))
		require.Equal(t, []winKV{sessKV("a", 10, 40, 5)}, collect(t, ss.FindSessions("a", 6, 30)))

		require.Error(t, ss.Put(sess("a", 5, 4), 1), "a session ends after it starts")
	})
}

func TestSessionRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		ss := buildSession(t, b, dir, Context{ChangeLogger: rec})
		require.NoError(t, ss.Put(sess("a", 0, 10), 1))
		require.NoError(t, ss.Put(sess("a", 100_000, 120_000), 2))
		require.NoError(t, ss.Put(sess("a", 300_000, 460_000), 3)) // sessions that ended by 160 s expired
		require.Equal(t, []winKV{sessKV("a", 300_000, 460_000, 3)}, collect(t, ss.All()))
		require.Equal(t, 1, rawEntries(t, ss), "the first segment was dropped")
		_, ok, err := ss.FetchSession("a", 100_000, 120_000)
		require.NoError(t, err)
		require.False(t, ok)

		n := len(rec.all())
		require.NoError(t, ss.Put(sess("b", 0, 160_000), 4))
		require.Len(t, rec.all(), n, "an expired put is ignored")
		require.NoError(t, ss.Put(sess("b", 0, 160_001), 5))
		require.Len(t, rec.all(), n+1)
	})
}

// Retention is measured back from the latest session end stored, as Kafka
// Streams' session stores do, never from the task's stream time.
func TestSessionRetentionIgnoresStreamTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		streamTime := int64(500_000)
		ss := buildSession(t, b, dir, Context{StreamTime: func() int64 { return streamTime }})
		require.NoError(t, ss.Put(sess("a", 0, 150_000), 1))
		require.Equal(t, []winKV{sessKV("a", 0, 150_000, 1)}, collect(t, ss.All()), "stream time far ahead expires nothing")
		// A later session end does.
		require.NoError(t, ss.Put(sess("b", 400_000, 450_000), 2))
		require.Equal(t, []winKV{sessKV("b", 400_000, 450_000, 2)}, collect(t, ss.All()))
	})
}

func TestSessionChangelogAndRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		rec := &recorder{}
		ss := buildSession(t, b, dir, Context{ChangeLogger: rec})
		require.NoError(t, ss.Put(sess("a", 1, 2), 1))
		require.NoError(t, ss.Put(sess("b", 3, 9), 2))
		require.NoError(t, ss.Remove(sess("a", 1, 2)))
		require.NoError(t, ss.Put(sess("a", 1, 12), 3))
		want := []logged{
			{Key: cat([]byte("a"), be64(2), be64(1)), Value: be64(1), Timestamp: 2},
			{Key: cat([]byte("b"), be64(9), be64(3)), Value: be64(2), Timestamp: 9},
			{Key: cat([]byte("a"), be64(2), be64(1)), Value: nil, Timestamp: 2},
			{Key: cat([]byte("a"), be64(12), be64(1)), Value: be64(3), Timestamp: 12},
		}
		if diff := cmp.Diff(want, rec.all()); diff != "" {
			t.Fatalf("changelog: key | end | start (-want +got):\n%s", diff)
		}
		for _, other := range backends {
			restored := buildSession(t, other, t.TempDir(), Context{})
			rec.replay(t, restored.(Restorer))
			require.Equal(t, collect(t, ss.All()), collect(t, restored.All()), other.name)
		}
		require.Error(t, ss.(Restorer).Restore([]byte("short"), nil))
	})
}

func TestSessionReopen(t *testing.T) {
	dir := t.TempDir()
	b := backend{persistent: true}
	ss := buildSession(t, b, dir, Context{})
	require.NoError(t, ss.Put(sess("a", 0, 10), 1))
	require.NoError(t, ss.Put(sess("a", 200_000, 301_000), 2)) // the first session is expired, not dropped
	require.NoError(t, ss.Flush())
	require.NoError(t, ss.(Checkpointer).SetCheckpoint(5))
	require.NoError(t, ss.Close())

	again := buildSession(t, b, dir, Context{})
	require.Equal(t, []winKV{sessKV("a", 200_000, 301_000, 2)}, collect(t, again.All()))
	off, ok, err := again.(Checkpointer).Checkpoint()
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(5), off)
}

func TestSessionClosedAndReadOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ss := buildSession(t, b, dir, Context{})
		require.NoError(t, ss.Put(sess("a", 1, 2), 1))
		view := ReadOnlySession[string, int64](ss)
		var asAny any = view
		_, ok := asAny.(SessionStore[string, int64])
		require.False(t, ok, "a view must not turn back into the writable store")
		_, ok = asAny.(Restorer)
		require.False(t, ok)
		want := []winKV{sessKV("a", 1, 2, 1)}
		require.Equal(t, want, collect(t, view.FindSessions("a", 0, 10)))
		require.Equal(t, want, collect(t, view.Fetch("a")))
		require.Equal(t, want, collect(t, view.All()))
		v, ok, err := view.FetchSession("a", 1, 2)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(1), v)
		require.Equal(t, view, ReadOnlySession(view))

		require.NoError(t, ss.Close())
		require.NoError(t, ss.Close())
		_, _, err = view.FetchSession("a", 1, 2)
		require.ErrorIs(t, err, ErrClosed)
		require.ErrorIs(t, ss.Put(sess("a", 1, 2), 1), ErrClosed)
		require.ErrorIs(t, ss.Remove(sess("a", 1, 2)), ErrClosed)
		require.ErrorIs(t, ss.Flush(), ErrClosed)
		require.ErrorIs(t, ss.(Restorer).Restore(cat([]byte("a"), be64(2), be64(1)), nil), ErrClosed)
		for _, scan := range []iter.Seq2[winKV, error]{ss.FindSessions("a", 0, 10), ss.Fetch("a"), ss.All()} {
			var errs []error
			for _, err := range scan {
				errs = append(errs, err)
			}
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], ErrClosed)
		}
	})
}

func TestSessionConcurrentReaders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		ss := buildSession(t, b, dir, Context{})
		view := ReadOnlySession[string, int64](ss)
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
					for e, err := range view.All() {
						if err != nil {
							errs <- err
							return
						}
						if e.Value != e.Key.Window.End-e.Key.Window.Start {
							errs <- fmt.Errorf("session %v holds %d", e.Key, e.Value)
							return
						}
					}
				}
			}()
		}
		for i := range int64(3000) {
			require.NoError(t, ss.Put(sess(fmt.Sprintf("k%d", i%7), i*1000, i*1000+i), i))
		}
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	})
}

func TestSessionBuilder(t *testing.T) {
	_, err := NewSession("s", serde.String(), serde.Int64(), 0).Build(Context{})
	require.ErrorIs(t, err, ErrInvalid)
	b := NewSession("s", serde.String(), serde.Int64(), time.Hour, WithoutLogging(), Persistent())
	require.Equal(t, "s", b.Name())
	require.False(t, b.Logged())
	require.True(t, b.Persistent())
	require.Equal(t, time.Hour, b.Retention())
	_, err = b.Build(Context{})
	require.ErrorIs(t, err, ErrNoStateDir)
}
