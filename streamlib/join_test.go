package streamlib_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

type srec = streamlib.Record[string, string]

func concat(_, l, r string) string { return l + "+" + r }

// Joins record which source topics must be co-partitioned: the topics each
// side reads within its sub-topology, repartition topics included, global
// topics never.
func TestJoinCopartitionGroups(t *testing.T) {
	str := serde.String()
	w := window.JoinWithin(time.Minute, 0)
	tests := []struct {
		name  string
		build func(b *streamlib.Builder)
		want  [][]string
	}{
		{"stream-stream", func(b *streamlib.Builder) {
			streamlib.Join(streamlib.Stream(b, "orders", str, str), streamlib.Stream(b, "payments", str, str), concat, w).To("out")
		}, [][]string{{"orders", "payments"}}},
		{"stream-stream after a key change", func(b *streamlib.Builder) {
			payments := streamlib.SelectKey(streamlib.Stream(b, "payments", str, str), func(_, v string) string { return v })
			streamlib.Join(streamlib.Stream(b, "orders", str, str), payments, concat, w, streamlib.Named("order-payment")).To("out")
		}, [][]string{{"order-payment-right-repartition", "orders"}}},
		{"stream-table", func(b *streamlib.Builder) {
			streamlib.JoinTable(streamlib.Stream(b, "orders", str, str), streamlib.Table(b, "customers", str, str), concat).To("out")
		}, [][]string{{"customers", "orders"}}},
		{"stream-table through a filtered table", func(b *streamlib.Builder) {
			gold := streamlib.Table(b, "customers", str, str).Filter(func(_, v string) bool { return v == "gold" })
			streamlib.JoinTable(streamlib.Stream(b, "orders", str, str), gold, concat).To("out")
		}, [][]string{{"customers", "orders"}}},
		{"table-table", func(b *streamlib.Builder) {
			streamlib.TableJoin(streamlib.Table(b, "a", str, str), streamlib.Table(b, "b", str, str), concat).ToStream().To("out")
		}, [][]string{{"a", "b"}}},
		{"stream-global needs none", func(b *streamlib.Builder) {
			g := streamlib.GlobalTable(b, "customers", str, str)
			streamlib.JoinGlobal(streamlib.Stream(b, "orders", str, str), g, func(_, v string) string { return v }, concat).To("out")
		}, [][]string{}},
		{"joins of joins", func(b *streamlib.Builder) {
			ab := streamlib.Join(streamlib.Stream(b, "a", str, str), streamlib.Stream(b, "b", str, str), concat, w)
			streamlib.JoinTable(ab, streamlib.Table(b, "c", str, str), concat).To("out")
		}, [][]string{{"a", "b"}, {"a", "b", "c"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := streamlib.NewBuilder()
			tc.build(b)
			topo, err := b.Build()
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, topo.CopartitionGroups()); diff != "" {
				t.Fatalf("co-partition groups (-want +got):\n%s", diff)
			}
		})
	}
}

// A stream whose key changed is repartitioned before it joins, so that
// records re-keyed by the join key meet their partners.
func TestJoinRepartitionsRekeyedStream(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	orders := streamlib.Stream(b, "orders", str, str)
	// payments are keyed by payment id; the value is the order id.
	byOrder := streamlib.SelectKey(streamlib.Stream(b, "payments", str, str), func(_, orderID string) string { return orderID })
	streamlib.Join(orders, byOrder, func(_, o, p string) string { return o + " paid" }, window.JoinWithin(time.Minute, 0)).To("paid")
	// Joining the same re-keyed stream again reads the same repartition topic.
	streamlib.LeftJoinTable(byOrder, streamlib.Table(b, "orders-table", str, str), func(_, p string, o *string) string { return p }).To("other")
	topo, err := b.Build()
	require.NoError(t, err)

	var repartitions []string
	for _, it := range topo.InternalTopics() {
		if it.Kind == streamlib.RepartitionTopic {
			repartitions = append(repartitions, it.Name)
		}
	}
	require.Len(t, repartitions, 1, "one repartition topic for the re-keyed payments:\n%s", topo.Describe())

	d := testdriver.New(t, topo)
	testdriver.InputTopic(d, "orders", str, str).PipeAt("o1", "order 1", 1000)
	testdriver.InputTopic(d, "payments", str, str).PipeAt("p9", "o1", 2000)
	out := testdriver.OutputTopic(d, "paid", str, str)
	require.Equal(t, []srec{{Key: "o1", Value: "order 1 paid", Timestamp: 2000}}, out.ReadRecords())
}

func TestStreamStreamJoinTopology(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	l := streamlib.Stream(b, "l", str, str)
	r := streamlib.Stream(b, "r", str, str)
	streamlib.LeftJoin(l, r, func(_, a string, b *string) string { return a }, window.JoinWithin(time.Second, 0),
		streamlib.Named("lr")).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	desc := topo.Describe()
	for _, want := range []string{
		"Processor: lr-this-windowed (stores: [lr-this-join-store])",
		"Processor: lr-other-windowed (stores: [lr-outer-other-join-store])",
		"Processor: lr-this-join (stores: [lr-outer-other-join-store, lr-left-shared-join-store])",
		"Processor: lr-outer-other-join (stores: [lr-this-join-store, lr-left-shared-join-store])",
		"Processor: lr-merge (stores: [])",
	} {
		require.Contains(t, desc, want)
	}
	require.Len(t, topo.Subtopologies(), 1)
	require.ElementsMatch(t, []string{"lr-this-join-store", "lr-outer-other-join-store", "lr-left-shared-join-store"}, topo.StoreNames())
}

func TestJoinBuildErrors(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	l := streamlib.Stream(b, "l", str, str)
	streamlib.Join(l, streamlib.Stream(b, "r", str, str), concat, window.JoinWindows{Before: -time.Second}).To("out")
	other := streamlib.NewBuilder()
	streamlib.JoinTable(l, streamlib.Table(other, "t", str, str), concat).To("out2")
	_, err := b.Build()
	require.ErrorIs(t, err, streamlib.ErrTopology)
	require.ErrorIs(t, err, window.ErrInvalid)
	require.ErrorContains(t, err, "Join: join window before")
	require.ErrorContains(t, err, "JoinTable: the two inputs come from different builders")
}

// A stream-table join reads through tables derived without a store of
// their own.
func TestStreamTableJoinThroughDerivedTable(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	customers := streamlib.Table(b, "customers", str, str)
	upper := streamlib.TableMapValues(customers.Filter(func(_, v string) bool { return v != "banned" }), func(_, v string) string {
		return strings.ToUpper(v)
	})
	streamlib.LeftJoinTable(streamlib.Stream(b, "orders", str, str), upper, func(_, o string, c *string) string {
		return o + "+" + orNull(c)
	}).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	cust := testdriver.InputTopic(d, "customers", str, str)
	orders := testdriver.InputTopic(d, "orders", str, str)
	out := testdriver.OutputTopic(d, "out", str, str)
	cust.PipeAt("c1", "alice", 1)
	cust.PipeAt("c2", "banned", 1)
	orders.PipeAt("c1", "o1", 2)
	orders.PipeAt("c2", "o2", 3)
	want := []srec{{Key: "c1", Value: "o1+ALICE", Timestamp: 2}, {Key: "c2", Value: "o2+null", Timestamp: 3}}
	if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
		t.Fatalf("joined orders (-want +got):\n%s", diff)
	}
}

// A materialized table-table join keeps its rows in a store; an
// unmaterialized one is computed from both sides when something looks it
// up.
func TestTableJoinResultLookups(t *testing.T) {
	str := serde.String()
	for _, materialized := range []bool{true, false} {
		t.Run(map[bool]string{true: "materialized", false: "computed"}[materialized], func(t *testing.T) {
			b := streamlib.NewBuilder()
			var opts []streamlib.Option
			if materialized {
				opts = append(opts, streamlib.Materialized("joined"))
			}
			joined := streamlib.TableOuterJoin(streamlib.Table(b, "a", str, str), streamlib.Table(b, "b", str, str),
				func(_ string, l, r *string) string { return orNull(l) + "+" + orNull(r) }, opts...)
			streamlib.JoinTable(streamlib.Stream(b, "probe", str, str), joined, concat).To("out")
			topo, err := b.Build()
			require.NoError(t, err)
			d := testdriver.New(t, topo)
			a := testdriver.InputTopic(d, "a", str, str)
			bt := testdriver.InputTopic(d, "b", str, str)
			probe := testdriver.InputTopic(d, "probe", str, str)
			out := testdriver.OutputTopic(d, "out", str, str)
			a.PipeAt("k1", "A1", 1)
			bt.PipeAt("k2", "B2", 2)
			a.PipeAt("k3", "A3", 3)
			bt.PipeAt("k3", "B3", 9)
			bt.PipeAt("k4", "B4", 4)
			bt.PipeTombstone("k4", 5)
			for _, k := range []string{"k1", "k2", "k3", "k4"} {
				probe.PipeAt(k, "p", 10)
			}
			want := []srec{
				{Key: "k1", Value: "p+A1+null", Timestamp: 10},
				{Key: "k2", Value: "p+null+B2", Timestamp: 10},
				{Key: "k3", Value: "p+A3+B3", Timestamp: 10},
			}
			if diff := cmp.Diff(want, out.ReadRecords()); diff != "" {
				t.Fatalf("lookups of the joined table (-want +got):\n%s", diff)
			}
			if materialized {
				st := testdriver.KeyValueStore[string, store.ValueAndTimestamp[string]](d, "joined")
				row, ok, err := st.Get("k3")
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, "A3+B3", row.Value)
				require.Equal(t, int64(9), row.Timestamp, "a joined row has the larger timestamp of its two rows")
				_, ok, err = st.Get("k4")
				require.NoError(t, err)
				require.False(t, ok, "the outer join deleted k4 when both sides were gone")
			}
		})
	}
}

// Unmatched records of a left join wait in a logged store, so that they
// survive a restart: the buffer's changelog shows them come and go.
func TestLeftJoinBufferIsLogged(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	streamlib.LeftJoin(streamlib.Stream(b, "l", str, str), streamlib.Stream(b, "r", str, str),
		func(_, a string, r *string) string { return a + "+" + orNull(r) }, window.JoinWithin(10*time.Millisecond, 0),
		streamlib.Materialized("lr")).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	l := testdriver.InputTopic(d, "l", str, str)
	l.PipeAt("k", "A", 1)
	l.PipeAt("k2", "B", 100)
	changelog := testdriver.OutputTopic(d, d.ChangelogTopic("lr-left-shared-join-store"), serde.Bytes(), serde.Bytes())
	var puts, deletes int
	for _, r := range changelog.ReadRecords() {
		if r.Tombstone {
			deletes++
		} else {
			puts++
		}
	}
	require.Equal(t, 2, puts, "A and B were buffered")
	require.Equal(t, 1, deletes, "A was emitted and removed")
	out := testdriver.OutputTopic(d, "out", str, str)
	require.Equal(t, []srec{{Key: "k", Value: "A+null", Timestamp: 1}}, out.ReadRecords())
}

// Results carry the headers of the record that produced them.
func TestJoinKeepsHeaders(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	streamlib.JoinTable(streamlib.Stream(b, "s", str, str), streamlib.Table(b, "t", str, str), concat).To("out")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	testdriver.InputTopic(d, "t", str, str).PipeAt("k", "row", 1)
	h := streamlib.Headers{}.Add("trace", []byte("42"))
	testdriver.InputTopic(d, "s", str, str).PipeRecord(srec{Key: "k", Value: "v", Timestamp: 2, Headers: h})
	got := testdriver.OutputTopic(d, "out", str, str).ReadRecords()
	require.Len(t, got, 1)
	require.Equal(t, h, got[0].Headers)
}

// Unmatched left records survive a restart: a new task restored from the
// changelogs (as the Kafka runtime restores it) releases them when their
// window closes.
func TestLeftJoinBufferSurvivesRestore(t *testing.T) {
	str := serde.String()
	b := streamlib.NewBuilder()
	streamlib.LeftJoin(streamlib.Stream(b, "l", str, str), streamlib.Stream(b, "r", str, str),
		func(_, a string, r *string) string { return a + "+" + orNull(r) }, window.JoinWithin(10*time.Millisecond, 0)).To("out")
	topo, err := b.Build()
	require.NoError(t, err)

	ctx := context.Background()
	logs := map[string]*changelogCapture{}
	out := &outputCapture{}
	start := func() *streamlib.Task {
		task, err := topo.NewTask(streamlib.TaskConfig{
			ApplicationID: "app", Collector: out,
			ChangeLogger: func(name string) store.ChangeLogger {
				if logs[name] == nil {
					logs[name] = &changelogCapture{}
				}
				return logs[name]
			},
		})
		require.NoError(t, err)
		return task
	}
	pipe := func(task *streamlib.Task, topic, key, value string, ts int64) {
		require.NoError(t, task.Process(ctx, &streamlib.RawRecord{Topic: topic, Key: []byte(key), Value: []byte(value), Timestamp: ts}))
	}

	task := start()
	pipe(task, "l", "k", "A", 1)
	pipe(task, "l", "k", "B", 5)
	require.NoError(t, task.Close())
	require.Empty(t, out.records)

	recorded := logs
	logs = map[string]*changelogCapture{}
	task = start()
	for _, name := range task.StoreNames() {
		st, err := task.Store(name)
		require.NoError(t, err)
		for _, e := range recorded[name].entries {
			require.NoError(t, st.(store.Restorer).Restore(e.key, e.value), "restore %s", name)
		}
	}
	// Stream time 14 closes A's window (1 + 10) before b probes: b joins B
	// (9 ms apart), and A comes out unmatched first.
	pipe(task, "r", "k", "b", 14)
	pipe(task, "l", "z", "Z", 30) // B found a partner: nothing more
	require.NoError(t, task.Close())
	want := []string{"k A+null @1", "k B+b @14"}
	if diff := cmp.Diff(want, out.records); diff != "" {
		t.Fatalf("after restore (-want +got):\n%s", diff)
	}
}

type changelogEntry struct{ key, value []byte }

type changelogCapture struct{ entries []changelogEntry }

func (c *changelogCapture) LogChange(key, value []byte, _ int64) error {
	c.entries = append(c.entries, changelogEntry{key: bytes.Clone(key), value: bytes.Clone(value)})
	return nil
}

type outputCapture struct{ records []string }

func (o *outputCapture) Send(_ context.Context, r streamlib.OutgoingRecord) error {
	o.records = append(o.records, fmt.Sprintf("%s %s @%d", r.Key, r.Value, r.Timestamp))
	return nil
}
