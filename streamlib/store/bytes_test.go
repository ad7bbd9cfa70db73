package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/stretchr/testify/require"
)

func openBytes(t *testing.T, b backend, dir string) Bytes {
	t.Helper()
	if !b.persistent {
		return NewMemoryBytes()
	}
	raw, err := OpenPebbleBytes(filepath.Join(dir, "raw"), nil, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close() })
	return raw
}

func keysOf(t *testing.T, raw Bytes, from, to []byte) []string {
	t.Helper()
	var out []string
	for k := range raw.Range(from, to) {
		out = append(out, string(k))
	}
	require.NoError(t, raw.Err())
	return out
}

func TestBytes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		raw := openBytes(t, b, dir)
		for _, k := range []string{"b", "a", "ab", "abc", "c", ""} {
			require.NoError(t, raw.Put([]byte(k), []byte("v"+k)))
		}
		v, err := raw.Get([]byte("ab"))
		require.NoError(t, err)
		require.Equal(t, "vab", string(v))
		v, err = raw.Get([]byte("zz"))
		require.NoError(t, err)
		require.Nil(t, v)
		v, err = raw.Get(nil)
		require.NoError(t, err)
		require.Equal(t, "v", string(v), "the empty key is a key")

		tests := []struct {
			name     string
			from, to []byte
			want     []string
		}{
			{"all", nil, nil, []string{"", "a", "ab", "abc", "b", "c"}},
			{"inclusive bounds", []byte("a"), []byte("b"), []string{"a", "ab", "abc", "b"}},
			{"open end", []byte("abc"), nil, []string{"abc", "b", "c"}},
			{"open start", nil, []byte("a"), []string{"", "a"}},
			{"between keys", []byte("aa"), []byte("abd"), []string{"ab", "abc"}},
			{"empty", []byte("d"), []byte("e"), nil},
			{"reversed", []byte("c"), []byte("a"), nil},
		}
		for _, tc := range tests {
			require.Equal(t, tc.want, keysOf(t, raw, tc.from, tc.to), tc.name)
		}

		require.NoError(t, raw.DeleteRange([]byte("a"), []byte("abc")))
		require.Equal(t, []string{"", "abc", "b", "c"}, keysOf(t, raw, nil, nil), "DeleteRange excludes its end")
		require.NoError(t, raw.DeleteRange([]byte("b"), nil))
		require.Equal(t, []string{"", "abc"}, keysOf(t, raw, nil, nil), "DeleteRange with an open end")
		require.NoError(t, raw.Delete([]byte("abc")))
		require.NoError(t, raw.Delete([]byte("missing")))
		require.Equal(t, []string{""}, keysOf(t, raw, nil, nil))
		require.NoError(t, raw.Flush())

		require.NoError(t, raw.Close())
		require.NoError(t, raw.Close(), "closing twice")
		_, err = raw.Get([]byte("a"))
		require.ErrorIs(t, err, ErrClosed)
		require.ErrorIs(t, raw.Put([]byte("a"), nil), ErrClosed)
		require.ErrorIs(t, raw.Delete([]byte("a")), ErrClosed)
		require.ErrorIs(t, raw.DeleteRange(nil, nil), ErrClosed)
		for range raw.Range(nil, nil) {
			t.Fatal("a closed store yields nothing")
		}
		require.ErrorIs(t, raw.Err(), ErrClosed, "a scan of a closed store fails")
		require.NoError(t, raw.Err(), "Err forgets the error it returned")
	})
}

// TestBytesScanWhileWriting checks that a scan survives writes from its own
// loop body and crosses the memory backend's chunk boundaries.
func TestBytesScanWhileWriting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		raw := openBytes(t, b, dir)
		const n = 3*memScanChunk + 5
		var want []string
		for i := range n {
			k := fmt.Sprintf("k%04d", i)
			want = append(want, k)
			require.NoError(t, raw.Put([]byte(k), []byte{1}))
		}
		var got []string
		for k, v := range raw.Range(nil, nil) {
			got = append(got, string(k))
			// Rewrite and delete the key just yielded: the scan must go on.
			require.NoError(t, raw.Put(k, append(v, 2)))
			require.NoError(t, raw.Delete(k))
		}
		require.NoError(t, raw.Err())
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("scan while writing (-want +got):\n%s", diff)
		}
		require.Empty(t, keysOf(t, raw, nil, nil))
	})
}

// TestBytesCloseInsideScan closes the store from a scan's loop body: Close
// must not wait for the scan (it once did on Pebble, forever), and the scan
// ends with ErrClosed at its next read.
func TestBytesCloseInsideScan(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		raw := openBytes(t, b, dir)
		// More than one chunk on either backend.
		const n = 2*max(memScanChunk, pebbleScanChunk) + 5
		for i := range n {
			require.NoError(t, raw.Put([]byte(fmt.Sprintf("k%04d", i)), []byte{1}))
		}
		done := make(chan int, 1)
		go func() {
			seen := 0
			for range raw.Range(nil, nil) {
				if seen == 0 {
					_ = raw.Close()
				}
				seen++
			}
			done <- seen
		}()
		select {
		case seen := <-done:
			require.Less(t, seen, n, "the scan went on after Close")
		case <-time.After(10 * time.Second):
			t.Fatal("Close inside a scan did not return")
		}
		require.ErrorIs(t, raw.Err(), ErrClosed)
	})
}

func TestBytesYieldedSlicesStayValid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend, dir string) {
		raw := openBytes(t, b, dir)
		for _, k := range []string{"a", "b", "c"} {
			require.NoError(t, raw.Put([]byte(k), []byte("v"+k)))
		}
		var keys, values [][]byte
		for k, v := range raw.Range(nil, nil) {
			keys, values = append(keys, k), append(values, v)
		}
		got, err := raw.Get([]byte("a"))
		require.NoError(t, err)
		require.NoError(t, raw.Put([]byte("a"), []byte("changed")))
		require.Equal(t, "va", string(got))
		require.Equal(t, [][]byte{[]byte("a"), []byte("b"), []byte("c")}, keys)
		require.Equal(t, [][]byte{[]byte("va"), []byte("vb"), []byte("vc")}, values)
	})
}

func TestPebbleMetaIsOutsideTheKeySpace(t *testing.T) {
	raw := openBytes(t, backend{persistent: true}, t.TempDir())
	ms := raw.(metaStore)
	require.NoError(t, ms.setMeta("checkpoint", []byte("x"), true))
	require.NoError(t, raw.Put([]byte{}, []byte("empty key")))
	require.NoError(t, raw.Put([]byte{0x00}, []byte("zero key")))
	require.Equal(t, []string{"", "\x00"}, keysOf(t, raw, nil, nil))
	require.NoError(t, raw.DeleteRange(nil, nil))
	v, err := ms.getMeta("checkpoint")
	require.NoError(t, err)
	require.Equal(t, "x", string(v), "DeleteRange over all data keeps meta values")
}

func TestPebbleLockedDirectory(t *testing.T) {
	dir := t.TempDir()
	raw, err := OpenPebbleBytes(dir, nil, nil)
	require.NoError(t, err)
	defer raw.Close()
	_, err = OpenPebbleBytes(dir, nil, nil)
	require.Error(t, err, "a directory is opened by one store at a time")
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct{ in, want []byte }{
		{[]byte("ab"), []byte("ac")},
		{[]byte{'a', 0xff}, []byte("b")},
		{[]byte{0xff, 0xff}, nil},
		{nil, nil},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, PrefixEnd(tc.in), "%x", tc.in)
	}
}

func TestPersistentNeedsADirectory(t *testing.T) {
	_, err := NewKeyValue("kv", serde.String(), serde.String(), Persistent()).Build(Context{})
	require.True(t, errors.Is(err, ErrNoStateDir), "got %v", err)
	for _, name := range []string{"../kv", "a/b", "", "/abs", ".", ".."} {
		_, err = NewKeyValue(name, serde.String(), serde.String(), Persistent()).Build(Context{Dir: t.TempDir()})
		require.ErrorIs(t, err, ErrInvalid, name)
	}
	_, err = NewKeyValue[string, string]("kv", nil, serde.String()).Build(Context{})
	require.ErrorIs(t, err, ErrInvalid)
}
