package workload

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"path/filepath"

	"github.com/IBM/sarama"
	"github.com/lovoo/goka"
	"github.com/lovoo/goka/storage"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

// The goka implementations of workloads 2 and 3, written as goka's
// examples write them: one processor group, the state in the group table
// (goka's changelog, a compacted topic) on goka's default LevelDB storage.
//
// Fairness: goka gets the clients streamlib has (the same broker,
// protocol version and fetch settings, the same idempotent acks=all
// producer with the same batching, no compression) instead of its own
// defaults (acks from the leader only, snappy, a 100 ms linger); it
// partitions by murmur2 like the input producer and streamlib, so its
// table partitions line up with its input partitions; its codecs are
// binary where streamlib's serdes are (counts as 8 bytes), JSON where
// streamlib's are JSON.

// gokaOptions are the processor options every goka workload shares.
func gokaOptions(env *harness.Env) []goka.ProcessorOption {
	pc := producerConfig()
	cc := consumerConfig()
	cc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{goka.CopartitioningStrategy}
	tmc := goka.NewTopicManagerConfig()
	tmc.Table.Replication = 1
	tmc.Stream.Replication = 1
	return []goka.ProcessorOption{
		goka.WithProducerBuilder(goka.ProducerBuilderWithConfig(pc)),
		goka.WithConsumerGroupBuilder(goka.ConsumerGroupBuilderWithConfig(cc)),
		goka.WithConsumerSaramaBuilder(goka.SaramaConsumerBuilderWithConfig(cc)),
		goka.WithTopicManagerBuilder(goka.TopicManagerBuilderWithConfig(cc, tmc)),
		goka.WithStorageBuilder(storage.DefaultBuilder(filepath.Join(env.StateDir, "goka"))),
		goka.WithHasher(newMurmur2),
		goka.WithLogger(quiet{}),
	}
}

// runGoka starts a processor for g and returns its stop function.
func runGoka(ctx context.Context, env *harness.Env, g *goka.GroupGraph) (func() error, error) {
	p, err := goka.NewProcessor(env.Brokers, g, gokaOptions(env)...)
	if err != nil {
		return nil, fmt.Errorf("goka processor %s: %w", g.Group(), err)
	}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(pctx) }()
	return func() error {
		cancel()
		err := <-done
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		return err
	}, nil
}

func gokaStateless(ctx context.Context, env *harness.Env) (func() error, error) {
	out := goka.Stream(env.Topic(topicOut))
	g := goka.DefineGroup(goka.Group(env.Group("goka-stateless")),
		goka.Input(goka.Stream(env.Topic(topicIn)), jsonCodec[Event]{}, func(ctx goka.Context, msg any) {
			e := msg.(Event)
			if keep(e) {
				ctx.Emit(out, ctx.Key(), enrich(e))
			}
		}),
		goka.Output(out, jsonCodec[Enriched]{}),
	)
	return runGoka(ctx, env, g)
}

func gokaCount(ctx context.Context, env *harness.Env) (func() error, error) {
	out := goka.Stream(env.Topic(topicOut))
	g := goka.DefineGroup(goka.Group(env.Group("goka-count")),
		goka.Input(goka.Stream(env.Topic(topicIn)), rawCodec{}, func(ctx goka.Context, _ any) {
			var n int64
			if v := ctx.Value(); v != nil {
				n = v.(int64)
			}
			n++
			ctx.SetValue(n)
			ctx.Emit(out, ctx.Key(), n)
		}),
		goka.Persist(int64Codec{}),
		goka.Output(out, int64Codec{}),
	)
	return runGoka(ctx, env, g)
}

// windowCounts is the goka windowed count's state per key: the counts of
// the key's open windows. With grace 0, like the streamlib workload, a
// window is forgotten once a record of the key lies past its end (input
// is in time order per partition, so nothing arrives late).
type windowCounts []windowCount

type windowCount struct{ start, count int64 }

func gokaWindowed(ctx context.Context, env *harness.Env) (func() error, error) {
	out := goka.Stream(env.Topic(topicOut))
	g := goka.DefineGroup(goka.Group(env.Group("goka-windowed")),
		goka.Input(goka.Stream(env.Topic(topicIn)), rawCodec{}, func(ctx goka.Context, _ any) {
			var ws windowCounts
			if v := ctx.Value(); v != nil {
				ws = v.(windowCounts)
			}
			ts := ctx.Timestamp().UnixMilli()
			start := ts - ts%windowSize
			// Windows whose end has passed are closed: forget them.
			kept := ws[:0]
			for _, w := range ws {
				if w.start+windowSize > ts {
					kept = append(kept, w)
				}
			}
			ws = kept
			i := 0
			for i < len(ws) && ws[i].start != start {
				i++
			}
			if i == len(ws) {
				ws = append(ws, windowCount{start: start})
			}
			ws[i].count++
			ctx.SetValue(ws)
			key := binary.BigEndian.AppendUint64([]byte(ctx.Key()), uint64(start))
			ctx.Emit(out, string(key), ws[i].count)
		}),
		goka.Persist(windowCodec{}),
		goka.Output(out, int64Codec{}),
	)
	return runGoka(ctx, env, g)
}

// jsonCodec encodes T as JSON, as serde.JSON does.
type jsonCodec[T any] struct{}

func (jsonCodec[T]) Encode(v any) ([]byte, error) { return json.Marshal(v) }

func (jsonCodec[T]) Decode(data []byte) (any, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

// rawCodec passes bytes through, as serde.Bytes does.
type rawCodec struct{}

func (rawCodec) Encode(v any) ([]byte, error)    { return v.([]byte), nil }
func (rawCodec) Decode(data []byte) (any, error) { return data, nil }

// int64Codec is 8 bytes big-endian, as serde.Int64.
type int64Codec struct{}

func (int64Codec) Encode(v any) ([]byte, error) {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(v.(int64))), nil
}

func (int64Codec) Decode(data []byte) (any, error) {
	if len(data) != 8 {
		return nil, fmt.Errorf("int64 needs 8 bytes, got %d", len(data))
	}
	return int64(binary.BigEndian.Uint64(data)), nil
}

// windowCodec encodes windowCounts as pairs of 8-byte big-endian numbers.
type windowCodec struct{}

func (windowCodec) Encode(v any) ([]byte, error) {
	ws := v.(windowCounts)
	b := make([]byte, 0, 16*len(ws))
	for _, w := range ws {
		b = binary.BigEndian.AppendUint64(b, uint64(w.start))
		b = binary.BigEndian.AppendUint64(b, uint64(w.count))
	}
	return b, nil
}

func (windowCodec) Decode(data []byte) (any, error) {
	if len(data)%16 != 0 {
		return nil, fmt.Errorf("window counts need a multiple of 16 bytes, got %d", len(data))
	}
	ws := make(windowCounts, len(data)/16)
	for i := range ws {
		ws[i] = windowCount{start: int64(binary.BigEndian.Uint64(data[16*i:])), count: int64(binary.BigEndian.Uint64(data[16*i+8:]))}
	}
	return ws, nil
}

// quiet discards goka's logs.
type quiet struct{}

func (quiet) Print(...any)          {}
func (quiet) Println(...any)        {}
func (quiet) Printf(string, ...any) {}

// murmur2 is hash.Hash32 over Kafka's murmur2, with the sign bit cleared
// as the Java client clears it, so that goka's partitioner
// (Sum32 mod partitions) picks the partitions streamlib and the input
// producer pick.
type murmur2 struct{ buf []byte }

func newMurmur2() hash.Hash32 { return &murmur2{} }

func (m *murmur2) Write(p []byte) (int, error) { m.buf = append(m.buf, p...); return len(p), nil }
func (m *murmur2) Sum(b []byte) []byte         { return binary.BigEndian.AppendUint32(b, m.Sum32()) }
func (m *murmur2) Reset()                      { m.buf = m.buf[:0] }
func (m *murmur2) Size() int                   { return 4 }
func (m *murmur2) BlockSize() int              { return 4 }

func (m *murmur2) Sum32() uint32 {
	const (
		seed uint32 = 0x9747b28c
		mul  uint32 = 0x5bd1e995
	)
	data := m.buf
	h := seed ^ uint32(len(data))
	for len(data) >= 4 {
		k := binary.LittleEndian.Uint32(data)
		k *= mul
		k ^= k >> 24
		k *= mul
		h *= mul
		h ^= k
		data = data[4:]
	}
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= mul
	}
	h ^= h >> 13
	h *= mul
	h ^= h >> 15
	return h & 0x7fffffff
}
