// Package workload holds what the bench command measures: for each
// workload its input, which inputs have a result, how to recognise a
// result, and its implementation with each library (streamlib, goka, and
// plain sarama for the ceiling).
//
// Inputs are numbered: record seq has key "k%05d" of seq % Keys, event
// time Base + seq milliseconds (one record per millisecond, so a
// one-minute window holds 60,000 records), and a JSON value of ValueSize
// bytes that starts with {"seq":<seq>, so any result that carries the
// value names its input. Results that do not (counts) name it by
// arithmetic: the c-th count of key k is input (c-1)·Keys + k.
package workload

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

// Lib names an implementation.
type Lib string

// The libraries compared.
const (
	// Ceiling is a raw sarama consumer group piped into a producer: the
	// most any library on sarama can reach.
	Ceiling   Lib = "sarama"
	Streamlib Lib = "streamlib"
	Goka      Lib = "goka"
)

// Starter starts an implementation on env and returns a function that
// stops it (and returns the error that stopped it early, if any).
type Starter func(ctx context.Context, env *harness.Env) (stop func() error, err error)

// Workload is one measured job.
type Workload struct {
	Name  string
	About string
	// Topics are created before the run (logical names; see Env.Topic),
	// with Compacted among them created as compacted topics.
	Topics    []string
	Compacted []string
	// Fixed are topics without the run's suffix (the pipeline's domain
	// topics), reset before the run.
	Fixed []string
	// Input is the topic the numbered records go to; Outputs are read.
	Input   string
	Outputs []string
	// Preload returns records written before the inputs (table rows).
	Preload func(env *harness.Env) []harness.Record
	// Value makes the value of input seq.
	Value func(env *harness.Env, seq int64) []byte
	// Key makes the key of input seq; nil means KeyOf.
	Key func(env *harness.Env, seq int64) []byte
	// Want says whether input seq has a result.
	Want func(seq int64) bool
	// Decode recognises results.
	Decode func(env *harness.Env) harness.Decoder
	// Records overrides Settings.Records for this workload when > 0.
	Records func(s harness.Settings) int64
	// StartFirst: see harness.Job.
	StartFirst bool
	Impls      map[Lib]Starter
}

// Record returns input seq of w.
func (w *Workload) Record(env *harness.Env, seq int64) harness.Record {
	key := KeyOf(seq % env.Settings.Keys)
	if w.Key != nil {
		key = w.Key(env, seq)
	}
	return harness.Record{
		Topic: topicName(env, w.Input, w.Fixed), Key: key, Value: w.Value(env, seq),
		Timestamp: env.Settings.Base + seq,
	}
}

func topicName(env *harness.Env, name string, fixed []string) string {
	for _, f := range fixed {
		if f == name {
			return name
		}
	}
	return env.Topic(name)
}

// OutputTopics returns the run's names of w's outputs.
func (w *Workload) OutputTopics(env *harness.Env) []string {
	out := make([]string, len(w.Outputs))
	for i, o := range w.Outputs {
		out[i] = topicName(env, o, w.Fixed)
	}
	return out
}

// KeyOf returns the key with index i: "k" and five digits.
func KeyOf(i int64) []byte {
	b := make([]byte, 0, 6)
	b = append(b, 'k')
	s := strconv.FormatInt(i, 10)
	for range 5 - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// keyIndex reads the index back from a key made by KeyOf.
func keyIndex(key []byte) (int64, bool) {
	if len(key) < 2 || key[0] != 'k' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(key[1:]), 10, 64)
	return n, err == nil
}

// Event is the input value of the stateless, count and join workloads.
// Seq comes first so that its JSON starts with {"seq":.
type Event struct {
	Seq      int64  `json:"seq"`
	Key      string `json:"key"`
	Amount   int64  `json:"amount"`
	Category string `json:"category"`
	Note     string `json:"note"`
}

// amount is the amount of input seq: 0..99, spread evenly.
func amount(seq int64) int64 { return seq * 37 % 100 }

// eventValue is the JSON of input seq's Event, padded with the note to
// size bytes.
func eventValue(env *harness.Env, seq int64) []byte {
	size := env.Settings.ValueSize
	b := make([]byte, 0, max(size, 96))
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"key":"`...)
	b = append(b, KeyOf(seq%env.Settings.Keys)...)
	b = append(b, `","amount":`...)
	b = strconv.AppendInt(b, amount(seq), 10)
	b = append(b, `,"category":"c`...)
	b = strconv.AppendInt(b, seq%8, 10)
	b = append(b, `","note":"`...)
	for len(b) < size-2 {
		b = append(b, 'x')
	}
	return append(b, `"}`...)
}

var seqPrefix = []byte(`{"seq":`)

// seqOfJSON reads the seq of a JSON value that starts with {"seq":.
func seqOfJSON(v []byte) (int64, bool) {
	if !bytes.HasPrefix(v, seqPrefix) {
		return 0, false
	}
	var n int64
	i := len(seqPrefix)
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		n = n*10 + int64(v[i]-'0')
	}
	return n, i > len(seqPrefix)
}

func jsonDecoder(*harness.Env) harness.Decoder {
	return func(_, v []byte) (int64, bool) { return seqOfJSON(v) }
}

// countDecoder reads (key, 8-byte count) results: the c-th count of key k
// answers input (c-1)·Keys + k.
func countDecoder(env *harness.Env) harness.Decoder {
	keys := env.Settings.Keys
	return func(k, v []byte) (int64, bool) {
		i, ok := keyIndex(k)
		if !ok || len(v) != 8 {
			return 0, false
		}
		c := int64(binary.BigEndian.Uint64(v))
		return (c-1)*keys + i, c > 0
	}
}

// windowSize of the windowed count, in milliseconds.
const windowSize = 60_000

// windowedDecoder reads (key + 8-byte window start, 8-byte count)
// results. Input seq has event time Base + seq, so the window starting at
// s holds seqs [s-Base, s-Base+windowSize), and in it the c-th record of
// key k is the c-th seq ≡ k (mod Keys) from its start.
func windowedDecoder(env *harness.Env) harness.Decoder {
	keys, base := env.Settings.Keys, env.Settings.Base
	return func(k, v []byte) (int64, bool) {
		if len(k) < 9 || len(v) != 8 {
			return 0, false
		}
		i, ok := keyIndex(k[:len(k)-8])
		if !ok {
			return 0, false
		}
		start := int64(binary.BigEndian.Uint64(k[len(k)-8:])) - base
		c := int64(binary.BigEndian.Uint64(v))
		first := start + ((i-start)%keys+keys)%keys
		return first + (c-1)*keys, c > 0
	}
}

// Job returns the harness's plan for running w with lib.
func (w *Workload) Job(lib Lib, s harness.Settings) harness.Job {
	n := s.Records
	if w.Records != nil {
		n = w.Records(s)
	}
	return harness.Job{
		Setup: func(ctx context.Context, env *harness.Env) error {
			if len(w.Fixed) > 0 {
				if err := env.ResetTopics(ctx, w.Fixed...); err != nil {
					return err
				}
			}
			var plain, compacted []string
			for _, t := range w.Topics {
				name := topicName(env, t, w.Fixed)
				if slices.Contains(w.Compacted, t) {
					compacted = append(compacted, name)
				} else {
					plain = append(plain, name)
				}
			}
			if err := env.CreateTopics(ctx, false, plain...); err != nil {
				return err
			}
			return env.CreateTopics(ctx, true, compacted...)
		},
		Records:    n,
		Preload:    w.Preload,
		Input:      w.Record,
		Outputs:    w.OutputTopics,
		Want:       w.Want,
		Decode:     w.Decode,
		Start:      w.Impls[lib],
		StartFirst: w.StartFirst,
	}
}
