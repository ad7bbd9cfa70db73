package kafka_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// wordCount builds the classic topology: lines in, one count per word out,
// the counts kept in store "counts" (in memory unless persistent).
func wordCount(t testing.TB, in, out string, opts ...streamlib.Option) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, in, serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, line string) []string { return strings.Fields(line) })
	grouped := streamlib.GroupBy(words, func(_ string, w string) string { return w }, streamlib.Named("words"))
	counts := streamlib.Count(grouped, append([]streamlib.Option{streamlib.Materialized("counts")}, opts...)...)
	counts.ToStream().To(out)
	topo, err := b.Build()
	require.NoError(t, err, "build word count")
	return topo
}

// lines makes n lines over a vocabulary of words, and the counts they
// give.
func lines(n int, words ...string) ([]kv, map[string]int64) {
	recs := make([]kv, n)
	want := map[string]int64{}
	for i := range n {
		a, b := words[i%len(words)], words[(i*7+3)%len(words)]
		recs[i] = kv{Key: fmt.Sprintf("line-%d", i), Value: a + " " + b}
		want[a]++
		want[b]++
	}
	return recs, want
}

// scenarioWordCount produces lines, runs the application and reads the
// final count of every word.
//
// With several goroutines the first to join the group usually takes every
// task, then hands half of them to the next: with opts
// streamlib.Persistent() that moves open Pebble stores between goroutines.
func scenarioWordCount(t *testing.T, b broker, guarantee kafka.Guarantee, goroutines int, opts ...streamlib.Option) {
	in, out := b.topic(t, "lines", 3), b.topic(t, "counts", 3)
	cfg := b.config(t, kafkatest.UniqueName(t, "wordcount"))
	cfg.Guarantee = guarantee
	cfg.Goroutines = goroutines
	records, want := lines(300, "kafka", "streams", "go", "sarama", "table", "stream", "join")
	produce(t, b.addrs, in, records...)

	app := start(t, wordCount(t, in, out, opts...), cfg)
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	col := collect(t, b.addrs, out, isolation)
	got := latestInt64(t, col.waitFor(t, "final counts", func(recs []consumed) bool {
		return cmp.Equal(latestInt64(t, recs), want)
	}, app))
	require.Empty(t, cmp.Diff(want, got))

	counts, err := kafka.KeyValueStore[string, int64](app, "counts")
	require.NoError(t, err)
	for w, n := range want {
		v, ok, err := counts.Get(w)
		require.NoError(t, err)
		require.True(t, ok, "count of %q in the store", w)
		require.Equal(t, n, v, "count of %q in the store", w)
	}
	m := app.Metrics()
	require.Equal(t, int64(300+600), m.RecordsIn, "records in: 300 lines, then 600 words through the repartition topic")
	require.Equal(t, int64(600+600), m.RecordsOut, "records out: 600 words to the repartition topic, then 600 count updates")
	eventually(t, "tasks on every processing goroutine", func() bool {
		perGoroutine := map[int]int{}
		for _, tm := range app.Metrics().Tasks {
			perGoroutine[tm.Goroutine]++
		}
		return len(perGoroutine) == goroutines
	})
	eventually(t, "a commit", func() bool { return app.Metrics().Commits > 0 })
	closeApp(t, app)
	require.Equal(t, kafka.NotRunning, app.State())
}

// queryServer serves app's interactive queries at a free local address,
// which becomes the application server of cfg.
type queryServer struct {
	addr string
	mux  *http.ServeMux
}

func newQueryServer(t testing.TB) *queryServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	qs := &queryServer{addr: ln.Addr().String(), mux: http.NewServeMux()}
	srv := &http.Server{Handler: qs.mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return qs
}

// noKeepAlive is an HTTP client that leaves no idle connection behind.
func noKeepAlive() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// getCount asks a query server for the count of word.
func getCount(t testing.TB, addr, word string) (int64, int) {
	t.Helper()
	resp, err := noKeepAlive().Get("http://" + addr + "/counts/" + word)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK {
		return 0, resp.StatusCode
	}
	var n int64
	require.NoError(t, json.Unmarshal(body, &n), "body %q", body)
	return n, resp.StatusCode
}

func addCounts(dst map[string]int64, src map[string]int64) {
	for k, v := range src {
		dst[k] += v
	}
}

// scenarioTwoInstances runs two instances of word count: they share the
// tasks; a count held by one is read through the other's HTTP helper;
// when one closes, the other takes its tasks over, restores their stores
// from the changelog, and the counts stay exact.
//
// goroutines and opts (streamlib.Persistent) vary the shape: with several
// goroutines and persistent stores, tasks move between the goroutines of
// one instance too, and a store must be handed over, not opened twice.
func scenarioTwoInstances(t *testing.T, b broker, guarantee kafka.Guarantee, goroutines int, opts ...streamlib.Option) {
	in, out := b.topic(t, "lines", 4), b.topic(t, "counts", 4)
	appID := kafkatest.UniqueName(t, "wordcount")
	vocabulary := []string{"kafka", "streams", "go", "sarama", "table", "stream", "join", "window", "store", "task"}
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	col := collect(t, b.addrs, out, isolation)
	want := map[string]int64{}
	produceBatch := func(batch int) {
		recs, counts := lines(200, vocabulary...)
		for i := range recs {
			recs[i].Key = fmt.Sprintf("b%d-%s", batch, recs[i].Key)
		}
		produce(t, b.addrs, in, recs...)
		addCounts(want, counts)
	}
	waitCounts := func(what string, apps ...*kafka.Application) {
		t.Helper()
		col.waitFor(t, what, func(recs []consumed) bool { return cmp.Equal(latestInt64(t, recs), want) }, apps...)
	}

	newInstance := func() (*kafka.Application, *queryServer) {
		qs := newQueryServer(t)
		cfg := b.config(t, appID)
		cfg.Guarantee = guarantee
		cfg.Goroutines = goroutines
		cfg.ApplicationServer = qs.addr
		cfg.QueryClient = noKeepAlive()
		app := start(t, wordCount(t, in, out, opts...), cfg)
		qs.mux.Handle("GET /counts/{word}", kafka.KeyValueHandler[string, int64](app, "counts", serde.String(),
			func(r *http.Request) (string, error) { return r.PathValue("word"), nil }))
		return app, qs
	}

	a, qa := newInstance()
	waitRunning(t, a)
	produceBatch(1)
	waitCounts("counts after batch 1", a)

	bApp, qb := newInstance()
	eventually(t, "both instances running with tasks", func() bool {
		return a.State() == kafka.Running && bApp.State() == kafka.Running &&
			len(a.Metrics().Tasks) > 0 && len(bApp.Metrics().Tasks) > 0
	})
	require.Len(t, append(a.Metrics().Tasks, bApp.Metrics().Tasks...), 8, "2 sub-topologies × 4 partitions, split between the instances")

	// A word whose count lives on B, asked of A: answered through forwarding.
	var remote string
	for _, w := range vocabulary {
		md, err := kafka.KeyMetadataFor(a, "counts", w, serde.String())
		require.NoError(t, err)
		if !md.Local && md.Host == qb.addr {
			remote = w
			break
		}
	}
	require.NotEmpty(t, remote, "some word's count is held by instance B")
	n, status := getCount(t, qa.addr, remote)
	require.Equal(t, http.StatusOK, status, "GET /counts/%s from A", remote)
	require.Equal(t, want[remote], n, "count of %q read through A from B, which restored it from the changelog", remote)

	produceBatch(2)
	waitCounts("counts after batch 2 on two instances", a, bApp)

	restoredBefore := a.Metrics().Restored
	closeApp(t, bApp)
	eventually(t, "A running all 8 tasks", func() bool {
		return a.State() == kafka.Running && len(a.Metrics().Tasks) == 8
	})
	require.Greater(t, a.Metrics().Restored, restoredBefore, "A restored B's stores from their changelogs")

	produceBatch(3)
	waitCounts("counts after batch 3, A alone", a)
	counts, err := kafka.KeyValueStore[string, int64](a, "counts")
	require.NoError(t, err)
	got := map[string]int64{}
	for kv, err := range counts.All() {
		require.NoError(t, err)
		got[kv.Key] = kv.Value
	}
	require.Empty(t, cmp.Diff(want, got), "A's stores after taking over B's tasks")
	n, status = getCount(t, qa.addr, remote)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, want[remote], n)
}

var errBoom = errors.New("boom: the processor fails once")

// failOnceTopology maps "vNNN" to "out-vNNN" and counts all records under
// one key; the mapper fails at "v050" the first time it sees it.
func failOnceTopology(t testing.TB, in, out, totals string, failed *atomic.Bool, opts ...streamlib.Option) *streamlib.Topology {
	t.Helper()
	b := streamlib.NewBuilder()
	src := streamlib.Stream(b, in, serde.String(), serde.String())
	mapped := streamlib.Process(src, streamlib.ProcessFunc(func(ctx context.Context, pctx streamlib.ProcessorContext[string, string], r streamlib.Record[string, string]) error {
		if r.Value == "v050" && failed.CompareAndSwap(false, true) {
			return errBoom
		}
		return pctx.Forward(ctx, streamlib.WithValue(r, "out-"+r.Value))
	}), nil, streamlib.Named("mapper"))
	mapped.To(out)
	all := streamlib.GroupBy(mapped, func(string, string) string { return "total" }, streamlib.Named("all"))
	streamlib.Count(all, append([]streamlib.Option{streamlib.Materialized("total")}, opts...)...).ToStream().To(totals)
	topo, err := b.Build()
	require.NoError(t, err)
	return topo
}

// untilSentinel reads topic (one partition) with isolation until the
// record with key "END", written after the application stopped, so every
// record before it is decided (committed or aborted).
func untilSentinel(t testing.TB, b broker, topic string, isolation sarama.IsolationLevel, apps ...*kafka.Application) []consumed {
	t.Helper()
	produce(t, b.addrs, topic, kv{Key: "END", Value: "END"})
	col := collect(t, b.addrs, topic, isolation)
	recs := col.waitFor(t, "the END sentinel in "+topic, func(recs []consumed) bool {
		return slices.ContainsFunc(recs, func(r consumed) bool { return string(r.Key) == "END" })
	}, apps...)
	col.stop()
	return slices.DeleteFunc(recs, func(r consumed) bool { return string(r.Key) == "END" })
}

// scenarioFailOnce runs a topology whose processor fails once in the
// middle of a batch: the application stops with that error. A restart
// processes everything again from the last commit. Under exactly-once a
// read_committed consumer sees every result once (the failed
// transaction's records are in the topic, but aborted); under
// at-least-once the results produced before the failure appear twice.
//
// With a persistent store the count is kept in Pebble; under exactly-once
// its data after the failure holds aborted updates, so the restart must
// discard it and rebuild it from the changelog.
func scenarioFailOnce(t *testing.T, b broker, guarantee kafka.Guarantee, opts ...streamlib.Option) {
	in, out, totals := b.topic(t, "in", 1), b.topic(t, "out", 1), b.topic(t, "totals", 1)
	var recs []kv
	for i := range 100 {
		recs = append(recs, kv{Key: fmt.Sprintf("k%03d", i), Value: fmt.Sprintf("v%03d", i)})
	}
	produce(t, b.addrs, in, recs...)

	var failed atomic.Bool
	topo := failOnceTopology(t, in, out, totals, &failed, opts...)
	cfg := b.config(t, kafkatest.UniqueName(t, "failonce"))
	cfg.Guarantee = guarantee
	cfg.CommitInterval = time.Hour // no commit before the failure
	var states []kafka.State
	var mu sync.Mutex
	cfg.StateListener = func(s, _ kafka.State) {
		mu.Lock()
		states = append(states, s)
		mu.Unlock()
	}
	first := start(t, topo, cfg)
	select {
	case <-first.Done():
	case <-time.After(waitTimeout):
		t.Fatalf("the application did not stop after its processor failed")
	}
	err := first.Close()
	require.ErrorIs(t, err, errBoom, "Close returns the processor's error")
	var pe *streamlib.ProcessError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "mapper", pe.Node)
	require.Equal(t, int64(50), pe.Metadata.Offset, "the error names the failed record's offset")
	require.Equal(t, kafka.Error, first.State())
	mu.Lock()
	require.Equal(t, []kafka.State{kafka.Rebalancing, kafka.Running, kafka.PendingShutdown, kafka.Error}, states)
	mu.Unlock()

	cfg.CommitInterval = 100 * time.Millisecond
	cfg.StateListener = nil
	second := start(t, topo, cfg)
	waitRunning(t, second)
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	col := collect(t, b.addrs, out, isolation)
	col.waitFor(t, "all 100 results", func(recs []consumed) bool {
		seen := map[string]bool{}
		for _, r := range recs {
			seen[string(r.Value)] = true
		}
		return len(seen) == 100
	}, second)
	wantTotal := int64(100)
	if guarantee == kafka.AtLeastOnce {
		wantTotal = 150 // at least: the 50 records before the failure are counted twice
	}
	collect(t, b.addrs, totals, isolation).waitFor(t, "the total", func(recs []consumed) bool {
		return latestInt64(t, recs)["total"] >= wantTotal
	}, second)
	closeApp(t, second)

	got := map[string]int{}
	for _, r := range untilSentinel(t, b, out, isolation) {
		got[string(r.Value)]++
	}
	want := map[string]int{}
	for i := range 100 {
		want[fmt.Sprintf("out-v%03d", i)] = 1
		if guarantee == kafka.AtLeastOnce && i < 50 {
			want[fmt.Sprintf("out-v%03d", i)] = 2 // produced before the failure, processed again after it
		}
	}
	require.Empty(t, cmp.Diff(want, got), "results in %s read with %v", out, isolation)

	total := latestInt64(t, untilSentinel(t, b, totals, isolation))["total"]
	if guarantee == kafka.ExactlyOnce {
		require.Equal(t, int64(100), total, "the count store restored from its changelog without the aborted updates")
		uncommitted := untilSentinel(t, b, out, sarama.ReadUncommitted)
		require.Len(t, uncommitted, 150, "the failed transaction's 50 results are in the topic, aborted")
	} else {
		require.GreaterOrEqual(t, total, int64(150), "at least once: the 50 records before the failure are counted twice")
	}
}

// int64Bytes serializes n as the int64 serde does.
func int64Bytes(n int64) string {
	b, _ := serde.Int64().Serialize(n)
	return string(b)
}

// scenarioPoisonPill sends a record whose value is not an int64 among
// good ones, under each deserialization handler.
func scenarioPoisonPill(t *testing.T, b broker, guarantee kafka.Guarantee) {
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	tests := []struct {
		name    string
		handler func(dlq string) kafka.DeserializationHandler
	}{
		{"log and continue", func(string) kafka.DeserializationHandler { return kafka.LogAndContinue }},
		{"log and fail", func(string) kafka.DeserializationHandler { return kafka.LogAndFail }},
		{"dead letter topic", kafka.DeadLetterTopic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, out, dlq := b.topic(t, "in", 1), b.topic(t, "out", 1), b.topic(t, "dlq", 1)
			produce(t, b.addrs, in,
				kv{"a", int64Bytes(1)}, kv{"b", int64Bytes(2)},
				kv{"poison", "not an int64"},
				kv{"c", int64Bytes(3)})
			bld := streamlib.NewBuilder()
			doubled := streamlib.MapValues(streamlib.Stream(bld, in, serde.String(), serde.Int64()),
				func(_ string, v int64) int64 { return 2 * v })
			doubled.To(out)
			topo, err := bld.Build()
			require.NoError(t, err)
			cfg := b.config(t, kafkatest.UniqueName(t, "poison"))
			cfg.OnDeserializationError = tt.handler(dlq)
			cfg.Guarantee = guarantee
			app := start(t, topo, cfg)

			if tt.name == "log and fail" {
				select {
				case <-app.Done():
				case <-time.After(waitTimeout):
					t.Fatal("the application did not stop at the poison pill")
				}
				err := app.Close()
				var se *serde.Error
				require.ErrorAs(t, err, &se, "the error is the deserialization error")
				require.Equal(t, in, se.Topic)
				require.Equal(t, int64(2), se.Offset)
				require.Equal(t, serde.ValueSide, se.Side)
				require.Contains(t, err.Error(), fmt.Sprintf("%s/0@2", in), "the message names the record")
				require.Equal(t, kafka.Error, app.State())
				return
			}

			col := collect(t, b.addrs, out, isolation)
			got := latestInt64(t, col.waitFor(t, "the three good records", func(recs []consumed) bool { return len(recs) == 3 }, app))
			require.Equal(t, map[string]int64{"a": 2, "b": 4, "c": 6}, got)
			eventually(t, "the pill counted as dropped", func() bool { return app.Metrics().Dropped["deserialization"] == 1 })
			require.NoError(t, app.Err())
			if tt.name != "dead letter topic" {
				return
			}
			dead := collect(t, b.addrs, dlq, isolation).waitFor(t, "the dead letter", func(recs []consumed) bool { return len(recs) == 1 }, app)
			require.Equal(t, "poison", string(dead[0].Key))
			require.Equal(t, "not an int64", string(dead[0].Value), "the raw bytes")
			h := dead[0].Headers
			require.Contains(t, h[kafka.HeaderError], "cannot read value", "header %s: %v", kafka.HeaderError, h)
			require.Equal(t, in, h[kafka.HeaderTopic])
			require.Equal(t, "0", h[kafka.HeaderPartition])
			require.Equal(t, "2", h[kafka.HeaderOffset])
			require.Equal(t, "value", h[kafka.HeaderErrorSide])
			require.Equal(t, "0_0", h[kafka.HeaderTask])
		})
	}
}

// scenarioCheckpoint shows that a persistent store restarts from its
// checkpoint: instance A counts batch 1 and stops; instance B, with an
// empty state directory, restores A's changelog records, counts batch 2
// and stops; A restarts and restores only the records B added. (The
// changelog holds each word's last count per commit interval, so how many
// records a batch adds depends on the commits; a third instance with an
// empty directory, which restores them all, tells.)
func scenarioCheckpoint(t *testing.T, b broker, guarantee kafka.Guarantee) {
	in, out := b.topic(t, "lines", 2), b.topic(t, "counts", 2)
	topo := wordCount(t, in, out, streamlib.Persistent())
	appID := kafkatest.UniqueName(t, "wordcount")
	cfgA := b.config(t, appID)
	cfgA.Guarantee = guarantee
	cfgB := cfgA
	cfgB.StateDir = t.TempDir()
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	col := collect(t, b.addrs, out, isolation)
	want := map[string]int64{}
	run := func(cfg kafka.Config, batch int) (restored int64) {
		t.Helper()
		app := start(t, topo, cfg)
		waitRunning(t, app)
		restored = app.Metrics().Restored
		recs, counts := lines(200, "alpha", "beta", "gamma", "delta", "epsilon")
		for i := range recs {
			recs[i].Key = fmt.Sprintf("b%d-%s", batch, recs[i].Key)
		}
		produce(t, b.addrs, in, recs...)
		addCounts(want, counts)
		col.waitFor(t, fmt.Sprintf("counts after batch %d", batch), func(recs []consumed) bool {
			return cmp.Equal(latestInt64(t, recs), want)
		}, app)
		closeApp(t, app)
		return restored
	}
	require.Zero(t, run(cfgA, 1), "batch 1: nothing to restore yet")
	// B has no state: it restores batch 1's records, at least the last
	// count of each of the 5 words, at most one per update (200 lines × 2
	// words).
	fromA := run(cfgB, 2)
	require.True(t, fromA >= 5 && fromA <= 400, "B restored %d records of batch 1, want 5 to 400", fromA)
	cfgC := cfgA
	cfgC.StateDir = t.TempDir()
	c := start(t, topo, cfgC)
	waitRunning(t, c)
	all := c.Metrics().Restored
	closeApp(t, c)
	// A has batch 1 on disk: it restores only what B added.
	require.Equal(t, all-fromA, run(cfgA, 3), "A restored from its checkpoint: only the %d records B added to the %d of batch 1", all-fromA, fromA)
}

// scenarioStartErrors checks what Start refuses: missing source topics,
// and joined topics with different partition counts; it names the topics.
func scenarioStartErrors(t *testing.T, b broker) {
	t.Run("missing source topic", func(t *testing.T) {
		missing := kafkatest.UniqueName(t, "missing")
		bld := streamlib.NewBuilder()
		streamlib.Stream(bld, missing, serde.String(), serde.String()).To(b.topic(t, "out", 1))
		topo, err := bld.Build()
		require.NoError(t, err)
		app, err := kafka.New(topo, b.config(t, kafkatest.UniqueName(t, "app")))
		require.NoError(t, err)
		err = app.Start(t.Context())
		require.ErrorIs(t, err, kafka.ErrMissingTopics)
		require.Contains(t, err.Error(), missing)
		require.Equal(t, kafka.Error, app.State())
		require.ErrorIs(t, app.Close(), kafka.ErrMissingTopics)
	})
	t.Run("co-partitioning mismatch", func(t *testing.T) {
		orders, customers := b.topic(t, "orders", 3), b.topic(t, "customers", 2)
		bld := streamlib.NewBuilder()
		table := streamlib.Table(bld, customers, serde.String(), serde.String())
		stream := streamlib.Stream(bld, orders, serde.String(), serde.String())
		streamlib.JoinTable(stream, table, func(_, o, c string) string { return o + "/" + c }).To(b.topic(t, "out", 3))
		topo, err := bld.Build()
		require.NoError(t, err)
		app, err := kafka.New(topo, b.config(t, kafkatest.UniqueName(t, "app")))
		require.NoError(t, err)
		err = app.Start(t.Context())
		require.ErrorIs(t, err, kafka.ErrPartitionMismatch)
		require.Contains(t, err.Error(), orders+" (3)")
		require.Contains(t, err.Error(), customers+" (2)")
		require.ErrorIs(t, app.Close(), kafka.ErrPartitionMismatch)
	})
}

// scenarioGlobalTable joins orders with a global table of customers that
// was filled before the application started: every order finds its
// customer, because the table is read to its end before any task runs. A
// persistent global table restarts from its checkpoint.
func scenarioGlobalTable(t *testing.T, b broker, guarantee kafka.Guarantee) {
	customers, orders, out := b.topic(t, "customers", 3), b.topic(t, "orders", 2), b.topic(t, "enriched", 2)
	var cs []kv
	for i := range 50 {
		cs = append(cs, kv{fmt.Sprintf("c%02d", i), fmt.Sprintf("customer %d", i)})
	}
	produce(t, b.addrs, customers, cs...)
	bld := streamlib.NewBuilder()
	table := streamlib.GlobalTable(bld, customers, serde.String(), serde.String(), streamlib.Materialized("customers"), streamlib.Persistent())
	stream := streamlib.Stream(bld, orders, serde.String(), serde.String())
	streamlib.JoinGlobal(stream, table, func(_, customer string) string { return customer },
		func(order, _ string, name string) string { return order + " by " + name }).To(out)
	topo, err := bld.Build()
	require.NoError(t, err)
	cfg := b.config(t, kafkatest.UniqueName(t, "global"))
	cfg.Guarantee = guarantee

	app := start(t, topo, cfg)
	waitRunning(t, app)
	require.Equal(t, int64(50), app.Metrics().Global.Restored, "the whole global topic read at start")
	var os []kv
	for i := range 50 {
		os = append(os, kv{fmt.Sprintf("o%02d", i), fmt.Sprintf("c%02d", i)})
	}
	produce(t, b.addrs, orders, os...)
	isolation := sarama.ReadUncommitted
	if guarantee == kafka.ExactlyOnce {
		isolation = sarama.ReadCommitted
	}
	recs := collect(t, b.addrs, out, isolation).waitFor(t, "50 enriched orders", func(recs []consumed) bool { return len(recs) >= 50 }, app)
	got, want := map[string]string{}, map[string]string{}
	for i, r := range recs {
		got[string(r.Key)] = string(r.Value)
		want[fmt.Sprintf("o%02d", i)] = fmt.Sprintf("o%02d by customer %d", i, i)
	}
	require.Empty(t, cmp.Diff(want, got), "every order joined with its customer")

	names, err := kafka.KeyValueStore[string, string](app, "customers")
	require.NoError(t, err)
	name, ok, err := names.Get("c07")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "customer 7", name)
	md, err := kafka.KeyMetadataFor(app, "customers", "c07", serde.String())
	require.NoError(t, err)
	require.True(t, md.Local, "a global store is local everywhere")

	produce(t, b.addrs, customers, kv{"c50", "customer 50"})
	eventually(t, "the new customer in the global store", func() bool {
		v, ok, err := names.Get("c50")
		return err == nil && ok && v == "customer 50"
	})
	closeApp(t, app)

	produce(t, b.addrs, customers, kv{"c51", "customer 51"}, kv{"c52", "customer 52"})
	again := start(t, topo, cfg)
	waitRunning(t, again)
	require.Equal(t, int64(2), again.Metrics().Global.Restored, "a persistent global table reads only what is new since its checkpoint")
	closeApp(t, again)
}

// scenarioWindowQuery counts clicks per user in one-minute windows and
// reads the windows back through the application's window store view.
func scenarioWindowQuery(t *testing.T, b broker) {
	in := b.topic(t, "clicks", 2)
	bld := streamlib.NewBuilder()
	clicks := streamlib.Stream(bld, in, serde.String(), serde.String())
	streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(clicks), window.Tumbling(time.Minute, time.Hour)),
		streamlib.Materialized("clicks-per-minute"))
	topo, err := bld.Build()
	require.NoError(t, err)
	app := start(t, topo, b.config(t, kafkatest.UniqueName(t, "windows")))
	waitRunning(t, app)

	base := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	cfg := kafkatest.ClientConfig()
	cfg.Producer.Partitioner = sarama.NewMurmur2Partitioner
	p, err := sarama.NewSyncProducer(b.addrs, cfg)
	require.NoError(t, err)
	defer p.Close()
	for i, at := range []time.Duration{0, 10 * time.Second, 70 * time.Second, 75 * time.Second, 80 * time.Second} {
		user := "ann"
		if i == 4 {
			user = "bob"
		}
		_, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: in, Key: sarama.StringEncoder(user), Value: sarama.StringEncoder("click"), Timestamp: base.Add(at)})
		require.NoError(t, err)
	}

	windows, err := kafka.WindowStore[string, int64](app, "clicks-per-minute")
	require.NoError(t, err)
	minute := base.UnixMilli()
	eventually(t, "ann's second window counted", func() bool {
		n, ok, err := windows.Fetch("ann", minute+60_000)
		return err == nil && ok && n == 2
	})
	got := map[int64]int64{}
	for kv, err := range windows.FetchRange("ann", minute, minute+60_000) {
		require.NoError(t, err)
		got[kv.Key.Window.Start-minute] = kv.Value
	}
	require.Equal(t, map[int64]int64{0: 2, 60_000: 2}, got, "ann's windows by start")
	eventually(t, "bob's window", func() bool {
		n, ok, err := windows.Fetch("bob", minute+60_000)
		return err == nil && ok && n == 1
	})
}

// scenarioProductionError makes a record larger than the producer accepts:
// by default the application stops, naming the topic; with
// ContinueOnProductionError the record is dropped and counted.
func scenarioProductionError(t *testing.T, b broker) {
	for _, cont := range []bool{false, true} {
		t.Run(fmt.Sprintf("continue=%v", cont), func(t *testing.T) {
			in, out := b.topic(t, "in", 1), b.topic(t, "out", 1)
			bld := streamlib.NewBuilder()
			streamlib.MapValues(streamlib.Stream(bld, in, serde.String(), serde.String()), func(k, v string) string {
				if k == "huge" {
					return strings.Repeat("x", 2<<20) // above sarama's 1 MB default
				}
				return v
			}).To(out)
			topo, err := bld.Build()
			require.NoError(t, err)
			cfg := b.config(t, kafkatest.UniqueName(t, "toolarge"))
			if cont {
				cfg.OnProductionError = kafka.ContinueOnProductionError
			}
			produce(t, b.addrs, in, kv{"a", "1"}, kv{"huge", "2"}, kv{"b", "3"})
			app := start(t, topo, cfg)
			if !cont {
				select {
				case <-app.Done():
				case <-time.After(waitTimeout):
					t.Fatal("the application did not stop after the brokers refused a record")
				}
				require.ErrorContains(t, app.Err(), "larger than configured Producer.MaxMessageBytes")
				require.ErrorContains(t, app.Err(), "produce to "+out+"/0")
				return
			}
			recs := collect(t, b.addrs, out, sarama.ReadUncommitted).waitFor(t, "the two small records", func(recs []consumed) bool { return len(recs) == 2 }, app)
			require.Equal(t, "a", string(recs[0].Key))
			require.Equal(t, "b", string(recs[1].Key))
			eventually(t, "the dropped record counted", func() bool { return app.Metrics().Dropped["production"] == 1 })
		})
	}
}
