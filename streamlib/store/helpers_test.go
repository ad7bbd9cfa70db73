package store

import (
	"bytes"
	"iter"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// backend is a way to build stores: in memory or on Pebble.
type backend struct {
	name       string
	persistent bool
}

var backends = []backend{{name: "memory"}, {name: "pebble", persistent: true}}

// opts returns the builder options of the backend plus extra.
func (b backend) opts(extra ...Option) []Option {
	if b.persistent {
		return append([]Option{Persistent()}, extra...)
	}
	return extra
}

// forEachBackend runs f as a subtest per backend, each with its own state
// directory.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend, dir string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b, t.TempDir()) })
	}
}

// logged is one changelog record.
type logged struct {
	Key, Value []byte
	Timestamp  int64
}

// recorder is a ChangeLogger that keeps what it is given.
type recorder struct {
	mu      sync.Mutex
	records []logged
}

func (r *recorder) LogChange(key, value []byte, ts int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, logged{Key: bytes.Clone(key), Value: cloneOrNil(value), Timestamp: ts})
	return nil
}

func (r *recorder) all() []logged {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]logged(nil), r.records...)
}

// replay restores every recorded change into st.
func (r *recorder) replay(t *testing.T, st Restorer) {
	t.Helper()
	for _, l := range r.all() {
		require.NoError(t, st.Restore(l.Key, l.Value))
	}
}

func cloneOrNil(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// collect drains a scan, failing the test on an error.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// rawEntries lists the byte store underneath a typed store.
func rawEntries(t *testing.T, st any) int {
	t.Helper()
	r, ok := st.(interface{ rawBytes() Bytes })
	require.True(t, ok, "%T has no byte store", st)
	n := 0
	for range r.rawBytes().Range(nil, nil) {
		n++
	}
	require.NoError(t, r.rawBytes().Err())
	return n
}

func be64(v int64) []byte {
	return []byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
