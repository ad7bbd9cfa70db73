package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// Benchmarks of the typed stores on both backends. Keys are strings of
// 8 bytes, values int64 counts: the shape of a count store. Keys are visited
// in scrambled order (a stride of 7919 through 65,536 keys), as records of
// many keys arrive.
//
//	go test -run '^$' -bench . -benchmem ./streamlib/store/

const benchKeys = 1 << 16

func benchKeyNames() []string {
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("key%05d", i)
	}
	return keys
}

func benchKV(b *testing.B, bk backend) KeyValueStore[string, int64] {
	b.Helper()
	st, err := NewKeyValue("bench", serde.String(), serde.Int64(), bk.opts(WithoutLogging())...).
		BuildKeyValue(Context{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	return st
}

func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func BenchmarkKeyValuePut(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st := benchKV(b, bk)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := st.Put(keys[(i*7919)%benchKeys], int64(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportOps(b)
		})
	}
}

func BenchmarkKeyValueGet(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st := benchKV(b, bk)
			for i, k := range keys {
				if err := st.Put(k, int64(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, ok, err := st.Get(keys[(i*7919)%benchKeys]); err != nil || !ok {
					b.Fatal(ok, err)
				}
				i++
			}
			reportOps(b)
		})
	}
}

// BenchmarkKeyValueCount is a count aggregation's step: Get, then Put of
// the incremented value, with changelogging to a no-op logger.
func BenchmarkKeyValueCount(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st, err := NewKeyValue("bench", serde.String(), serde.Int64(), bk.opts()...).
				BuildKeyValue(Context{Dir: b.TempDir(), ChangeLogger: discard{}})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := keys[(i*7919)%benchKeys]
				n, _, err := st.Get(k)
				if err != nil {
					b.Fatal(err)
				}
				if err := st.Put(k, n+1); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportOps(b)
		})
	}
}

// BenchmarkKeyValueRange scans 100 consecutive entries per op.
func BenchmarkKeyValueRange(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st := benchKV(b, bk)
			for i, k := range keys {
				if err := st.Put(k, int64(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := (i * 101) % (benchKeys - 100)
				n := 0
				for _, err := range st.Range(keys[from], keys[from+99]) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 100 {
					b.Fatalf("range yielded %d entries", n)
				}
				i++
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkWindowCount is a windowed count's step: Fetch, then Put of the
// incremented value, logged to a no-op logger. 10,000 keys arrive in
// scrambled order, one record per millisecond of stream time, counted in
// tumbling one-minute windows kept for ten minutes: about six records per
// key and window, and some 100,000 windows in the store.
func BenchmarkWindowCount(b *testing.B) {
	keys := benchKeyNames()
	const nKeys = 10_000
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st, err := NewWindow("bench", serde.String(), serde.Int64(), 10*time.Minute, time.Minute, false, bk.opts()...).
				BuildWindow(Context{Dir: b.TempDir(), ChangeLogger: discard{}})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := keys[(i*7919)%nKeys]
				ts := int64(i)
				start := ts - ts%60_000
				n, _, err := st.Fetch(k, start)
				if err != nil {
					b.Fatal(err)
				}
				if err := st.Put(k, n+1, start); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportOps(b)
		})
	}
}

// BenchmarkWindowPut puts distinct windows (a join store's load).
func BenchmarkWindowPut(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st, err := NewWindow("bench", serde.String(), serde.Int64(), 10*time.Minute, time.Second, true, bk.opts(WithoutLogging())...).
				BuildWindow(Context{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := st.Put(keys[i%benchKeys], int64(i), int64(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportOps(b)
		})
	}
}

// BenchmarkWindowFetchRange fetches one key's windows over 10 s, as a
// stream-stream join probe does (about 10 entries).
func BenchmarkWindowFetchRange(b *testing.B) {
	keys := benchKeyNames()
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			st, err := NewWindow("bench", serde.String(), serde.Int64(), 10*time.Minute, time.Second, true, bk.opts(WithoutLogging())...).
				BuildWindow(Context{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			// 100 keys, one record per key every second for 100 s.
			for ts := int64(0); ts < 100_000; ts += 10 {
				if err := st.Put(keys[(ts/10)%100], ts, ts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := int64(i%90) * 1000
				n := 0
				for _, err := range st.FetchRange(keys[i%100], from, from+9999) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 10 {
					b.Fatalf("fetched %d windows", n)
				}
				i++
			}
			reportOps(b)
		})
	}
}

type discard struct{}

func (discard) LogChange(key, value []byte, ts int64) error { return nil }
