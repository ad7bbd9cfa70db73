package workload

import (
	"encoding/binary"
	"testing"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

func testEnv() *harness.Env {
	return &harness.Env{Settings: harness.Settings{Keys: 7, ValueSize: 200, Base: 1_700_000_040_000}}
}

// The decoders must name, for each result a correct implementation
// emits, the input that caused it: a wrong seq would time the wrong
// record's latency and miscount the results.
func TestDecodersNameTheirInput(t *testing.T) {
	env := testEnv()
	keys := env.Settings.Keys
	counts := map[int64]int64{}
	windowed := map[[2]int64]int64{}
	count, win, js := countDecoder(env), windowedDecoder(env), jsonDecoder(env)
	for seq := range int64(200_000) {
		k := seq % keys
		counts[k]++
		v := binary.BigEndian.AppendUint64(nil, uint64(counts[k]))
		if got, ok := count(KeyOf(k), v); !ok || got != seq {
			t.Fatalf("count %d of key %d: decoded seq %d (ok %v), want %d", counts[k], k, got, ok, seq)
		}
		ts := env.Settings.Base + seq
		start := ts - ts%windowSize
		windowed[[2]int64{k, start}]++
		wk := binary.BigEndian.AppendUint64(KeyOf(k), uint64(start))
		wv := binary.BigEndian.AppendUint64(nil, uint64(windowed[[2]int64{k, start}]))
		if got, ok := win(wk, wv); !ok || got != seq {
			t.Fatalf("windowed count of key %d at %d: decoded seq %d (ok %v), want %d", k, start, got, ok, seq)
		}
		if seq%1000 == 0 {
			val := eventValue(env, seq)
			if len(val) != env.Settings.ValueSize {
				t.Fatalf("value of %d has %d bytes, want %d", seq, len(val), env.Settings.ValueSize)
			}
			if got, ok := js(nil, val); !ok || got != seq {
				t.Fatalf("json value of %d: decoded %d (ok %v)", seq, got, ok)
			}
		}
	}
}

func TestEnrichKeepsTheSeqFirst(t *testing.T) {
	b, err := jsonCodec[Enriched]{}.Encode(enrich(Event{Seq: 42, Key: "k00001", Amount: 30, Category: "c1"}))
	if err != nil {
		t.Fatal(err)
	}
	if seq, ok := seqOfJSON(b); !ok || seq != 42 {
		t.Fatalf("%s: seq %d, ok %v", b, seq, ok)
	}
}
