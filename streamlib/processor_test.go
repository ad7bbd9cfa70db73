package streamlib_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// dedup forwards the first record of each key and remembers it in a store;
// every 10 ms of stream time it emits how many keys it has seen, and on the
// wall clock it emits a heartbeat.
type dedup struct {
	pctx streamlib.ProcessorContext[string, string]
	seen store.KeyValueStore[string, int64]
}

func (p *dedup) Init(pctx streamlib.ProcessorContext[string, string]) error {
	p.pctx = pctx
	st, err := streamlib.KeyValueStoreOf[string, int64](pctx, "seen")
	if err != nil {
		return err
	}
	p.seen = st
	if _, err := pctx.Schedule(10*time.Millisecond, streamlib.StreamTime, func(ctx context.Context, ts int64) error {
		return pctx.Forward(ctx, streamlib.Record[string, string]{Key: "stream-tick", Value: "", Timestamp: ts})
	}); err != nil {
		return err
	}
	_, err = pctx.Schedule(time.Second, streamlib.WallClockTime, func(ctx context.Context, ts int64) error {
		return pctx.Forward(ctx, streamlib.Record[string, string]{Key: "wall-tick", Timestamp: ts})
	})
	return err
}

func (p *dedup) Process(ctx context.Context, r streamlib.Record[string, string]) error {
	if r.Value == "boom" {
		return errors.New("cannot handle boom")
	}
	if _, ok, err := p.seen.Get(r.Key); err != nil || ok {
		return err
	}
	if err := p.seen.Put(r.Key, r.Timestamp); err != nil {
		return err
	}
	return p.pctx.Forward(ctx, r)
}

func (p *dedup) Close() error { return nil }

func dedupTopology(t *testing.T) *streamlib.Topology {
	b := streamlib.NewBuilder()
	b.AddStore(store.NewKeyValue("seen", serde.String(), serde.Int64()))
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	out := streamlib.Process(s, func() streamlib.Processor[string, string, string, string] { return &dedup{} }, []string{"seen"}, streamlib.Named("dedup"))
	out.WithSerdes(serde.String(), serde.String()).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

func TestProcessorStorePunctuationAndErrors(t *testing.T) {
	d := testdriver.New(t, dedupTopology(t))
	in := testdriver.InputTopic(d, "in", serde.String(), serde.String())
	out := testdriver.OutputTopic(d, "out", serde.String(), serde.String())

	in.PipeAt("a", "1", 0)  // first record: stream-time punctuation fires at once
	in.PipeAt("a", "2", 5)  // duplicate
	in.PipeAt("b", "3", 12) // due again: 0+10 <= 12
	var keys []string
	for _, r := range out.ReadRecords() {
		keys = append(keys, r.Key)
	}
	require.Equal(t, []string{"a", "stream-tick", "b", "stream-tick"}, keys)

	d.AdvanceWallClock(999 * time.Millisecond)
	require.True(t, out.IsEmpty(), "wall-clock punctuation must wait a full second")
	d.AdvanceWallClock(time.Millisecond)
	require.Equal(t, "wall-tick", out.ReadRecord().Key)

	err := testdriver.InputTopic(d, "in", serde.String(), serde.String()).
		TryPipeRecord(streamlib.Record[string, string]{Key: "c", Value: "boom", Timestamp: 13})
	var pe *streamlib.ProcessError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "dedup", pe.Node)
	require.Equal(t, "in", pe.Metadata.Topic)
	require.ErrorContains(t, err, "cannot handle boom")
}

func TestDeserializationHandler(t *testing.T) {
	b := streamlib.NewBuilder()
	streamlib.Stream(b, "in", serde.String(), serde.Int64()).To("out")
	topo, err := b.Build()
	require.NoError(t, err)

	// Without a handler a poison pill fails with a serde.Error naming the record.
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	err = in.PipeRaw([]byte("k"), []byte("not eight bytes"), 1, nil)
	var se *serde.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, "in", se.Topic)
	require.Equal(t, serde.ValueSide, se.Side)

	// With log-and-continue the record is skipped and counted.
	var seen []string
	d2 := testdriver.New(t, topo, testdriver.WithDeserializationHandler(func(_ context.Context, raw *streamlib.RawRecord, _ error) streamlib.DeserializationAction {
		seen = append(seen, string(raw.Key))
		return streamlib.ContinueOnError
	}))
	in2 := testdriver.InputTopic(d2, "in", serde.String(), serde.Int64())
	require.NoError(t, in2.PipeRaw([]byte("bad"), []byte("x"), 1, nil))
	in2.PipeAt("good", 7, 2)
	require.Equal(t, []string{"bad"}, seen)
	require.Equal(t, int64(1), d2.Metrics().Dropped["deserialization"])
	require.Equal(t, []int64{7}, testdriver.OutputTopic(d2, "out", serde.String(), serde.Int64()).ReadValues())
}

// failing is a processor whose Init or Close fails.
type failing struct{ initErr, closeErr error }

func (p *failing) Init(streamlib.ProcessorContext[string, string]) error { return p.initErr }
func (p *failing) Process(context.Context, streamlib.Record[string, string]) error {
	return nil
}
func (p *failing) Close() error { return p.closeErr }

type discard struct{}

func (discard) Send(context.Context, streamlib.OutgoingRecord) error { return nil }

func failingTopology(t *testing.T, p *failing) *streamlib.Topology {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	streamlib.Process(s, func() streamlib.Processor[string, string, string, string] { return p }, nil, streamlib.Named("fragile"))
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

// An error from Init stops the task from starting, and one from Close is
// reported by Close; both name the processor.
func TestProcessorInitAndCloseErrors(t *testing.T) {
	cfg := streamlib.TaskConfig{ApplicationID: "app", Collector: discard{}}
	_, err := failingTopology(t, &failing{initErr: errors.New("no config")}).NewTask(cfg)
	var pe *streamlib.ProcessError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "fragile", pe.Node)
	require.ErrorContains(t, err, "init: no config")

	task, err := failingTopology(t, &failing{closeErr: errors.New("flush failed")}).NewTask(cfg)
	require.NoError(t, err)
	err = task.Close()
	require.ErrorContains(t, err, "close processor fragile: flush failed")
}

// Unconnected stores are out of reach, with an error that lists the
// connected ones.
func TestProcessorReachesOnlyConnectedStores(t *testing.T) {
	b := streamlib.NewBuilder()
	b.AddStore(store.NewKeyValue("mine", serde.String(), serde.Int64()))
	b.AddStore(store.NewKeyValue("theirs", serde.String(), serde.Int64()))
	s := streamlib.Stream(b, "in", serde.String(), serde.String())
	var got error
	streamlib.Process(s, streamlib.ProcessFunc(func(_ context.Context, pctx streamlib.ProcessorContext[string, string], _ streamlib.Record[string, string]) error {
		_, got = streamlib.KeyValueStoreOf[string, int64](pctx, "theirs")
		return nil
	}), []string{"mine"})
	streamlib.Process(s, streamlib.ProcessFunc(func(context.Context, streamlib.ProcessorContext[string, string], streamlib.Record[string, string]) error {
		return nil
	}), []string{"theirs"})
	topo, err := b.Build()
	require.NoError(t, err)
	testdriver.InputTopic(testdriver.New(t, topo), "in", serde.String(), serde.String()).PipeAt("k", "v", 1)
	require.ErrorIs(t, got, streamlib.ErrNoSuchStore)
	require.ErrorContains(t, got, `not connected to store "theirs" (connected: [mine])`)
}
