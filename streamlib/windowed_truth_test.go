package streamlib_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// TestWindowTruthTables runs the window truth tables in testdata/windows,
// once with in-memory stores and once with persistent ones. Each file
// builds a windowed aggregation of the topic "in", pipes records into it
// and lists what the aggregation emits. Each case cites the Kafka Streams
// behaviour it reproduces. Run with -rewrite to regenerate the expected
// outputs after a deliberate change (then read the diff).
//
// Directives:
//
//	topology window=tumbling|hopping|sliding|session|none|table op=count|reduce|aggregate
//	         [size=ms] [advance=ms] [difference=ms] [gap=ms] [grace=ms]
//	         [retention=ms] [emit=final] [suppress=final|<limit ms>] [max=n]
//	    Starts a fresh test driver. tumbling needs size, hopping size and
//	    advance, sliding difference, session gap; all but none and table
//	    need grace, which has no default. none aggregates without windows;
//	    table reads "in" as a table (op is ignored). reduce joins values
//	    with "+"; aggregate starts from "0" and appends "+value" (Kafka
//	    Streams' MockAggregator); sessions merge aggregates as "a|b".
//	    retention is WithRetention, emit=final EmitFinal; suppress=final adds
//	    SuppressUntilWindowCloses, suppress=<ms> Suppress(UntilTimeLimit(ms)),
//	    and max bounds its buffer.
//	pipe
//	    One record per line, "<key> [<value>|<tombstone>] @<timestamp>"
//	    (the value defaults to "v"). Prints every record emitted, as
//	    "<key>@[start,end) <value> @<timestamp>" ("]" for windows whose end
//	    is inclusive: sliding and session windows).
//	dropped
//	    Prints the records dropped so far, by reason.
//	store
//	    Prints the aggregation's store: every window it still keeps, with
//	    its value and timestamp.
//
// A directive given diverges=<name> documents a known difference from
// Kafka Streams that is yet to be fixed: its expected output is Kafka
// Streams', and the test passes while the output differs, and fails once
// it matches, so that the mark is removed with the fix. No directive carries
// one now: streamlib matches Kafka Streams on every table. (Fixed so far:
// tombstone timestamps and deletion of merged sessions, session store
// retention, EmitFinal for sessions, the order of sliding-window results,
// late counts of sliding windows, and store retention measured from what
// a store holds instead of from the task's stream time.)
//
// One deliberate difference is pinned as expected output rather than
// marked: a retention shorter than a windowed store needs is raised to
// what it needs, where Kafka Streams refuses the topology (retention.txt).
func TestWindowTruthTables(t *testing.T) {
	for _, persistent := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "persistent"}[persistent], func(t *testing.T) {
			datadriven.Walk(t, "testdata/windows", func(t *testing.T, path string) {
				h := &windowHarness{persistent: persistent}
				datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
					out := h.run(t, td)
					if !td.HasArg("diverges") {
						return out
					}
					var name string
					td.ScanArgs(t, "diverges", &name)
					if out == td.Expected {
						t.Errorf("%s: %s matches Kafka Streams now: remove diverges=%s", td.Pos, td.Cmd, name)
						return out
					}
					t.Logf("%s: known divergence %s; streamlib gives:\n%s", td.Pos, name, out)
					return td.Expected
				})
			})
		})
	}
}

const aggStore = "agg"

type windowHarness struct {
	persistent bool
	d          *testdriver.Driver
	in         *testdriver.Input[string, string]
	read       func() string // formats what the topology emitted
	dump       func() string // formats the aggregation's store
}

func (h *windowHarness) run(t *testing.T, td *datadriven.TestData) string {
	switch td.Cmd {
	case "topology":
		h.build(t, td)
		return ""
	case "pipe":
		if h.d == nil {
			td.Fatalf(t, "pipe before topology")
		}
		for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
			h.pipe(t, td, line)
		}
		return h.read()
	case "dropped":
		dropped := h.d.Metrics().Dropped
		var sb strings.Builder
		for _, reason := range slices.Sorted(maps.Keys(dropped)) {
			fmt.Fprintf(&sb, "%s: %d\n", reason, dropped[reason])
		}
		return sb.String()
	case "store":
		return h.dump()
	}
	td.Fatalf(t, "unknown directive %q", td.Cmd)
	return ""
}

func (h *windowHarness) pipe(t *testing.T, td *datadriven.TestData, line string) {
	f := strings.Fields(line)
	if (len(f) != 2 && len(f) != 3) || !strings.HasPrefix(f[len(f)-1], "@") {
		td.Fatalf(t, "want \"<key> [<value>] @<ts>\", got %q", line)
	}
	ts, err := strconv.ParseInt(f[len(f)-1][1:], 10, 64)
	if err != nil {
		td.Fatalf(t, "timestamp in %q: %v", line, err)
	}
	value := "v"
	if len(f) == 3 {
		value = f[1]
	}
	if value == tombstone {
		h.in.PipeTombstone(f[0], ts)
		return
	}
	h.in.PipeAt(f[0], value, ts)
}

// windowDef is what the topology directive says about windows.
type windowDef struct {
	kind, op                        string
	size, advance, diff, gap, grace time.Duration
	hasGrace                        bool
}

func (h *windowHarness) build(t *testing.T, td *datadriven.TestData) {
	var w windowDef
	td.ScanArgs(t, "window", &w.kind)
	if td.HasArg("op") {
		td.ScanArgs(t, "op", &w.op)
	}
	ms := func(key string) time.Duration {
		var v int64
		if td.HasArg(key) {
			td.ScanArgs(t, key, &v)
		}
		return time.Duration(v) * time.Millisecond
	}
	w.size, w.advance, w.diff, w.gap, w.grace = ms("size"), ms("advance"), ms("difference"), ms("gap"), ms("grace")
	w.hasGrace = td.HasArg("grace")
	if w.kind != "none" && w.kind != "table" && !w.hasGrace {
		td.Fatalf(t, "window=%s needs grace: it has no default", w.kind)
	}
	var emit, suppress string
	if td.HasArg("emit") {
		td.ScanArgs(t, "emit", &emit)
	}
	if td.HasArg("suppress") {
		td.ScanArgs(t, "suppress", &suppress)
	}
	var maxRecords int
	if td.HasArg("max") {
		td.ScanArgs(t, "max", &maxRecords)
	}

	b := streamlib.NewBuilder()
	opts := []streamlib.Option{streamlib.Materialized(aggStore)}
	if h.persistent {
		opts = append(opts, streamlib.Persistent())
	}
	if emit == "final" {
		opts = append(opts, streamlib.EmitFinal())
	}
	if td.HasArg("retention") {
		opts = append(opts, streamlib.WithRetention(ms("retention")))
	}
	str := serde.String()
	var sopts []streamlib.Option
	if h.persistent {
		sopts = append(sopts, streamlib.Persistent())
	}
	suppression := func() streamlib.Suppression {
		n, err := strconv.Atoi(suppress)
		if err != nil {
			td.Fatalf(t, "suppress=%q is neither final nor a time limit in ms", suppress)
		}
		s := streamlib.UntilTimeLimit(time.Duration(n) * time.Millisecond)
		if maxRecords > 0 {
			s = s.MaxRecords(maxRecords)
		}
		return s
	}
	switch w.kind {
	case "none", "table":
		var tbl streamlib.KTable[string, string]
		if w.kind == "table" {
			tbl = streamlib.Table(b, "in", str, str, opts...)
		} else {
			g := streamlib.GroupByKey(streamlib.Stream(b, "in", str, str))
			switch w.op {
			case "count":
				c := streamlib.Count(g, opts...)
				if suppress != "" {
					c = streamlib.Suppress(c, suppression(), sopts...)
				}
				c.ToStream().To("out")
				h.start(t, b)
				h.read = windowReader(testdriver.OutputTopic(h.d, "out", str, serde.Int64()), func(k string) string { return k })
				h.dump = func() string { return "" }
				return
			case "reduce":
				tbl = streamlib.Reduce(g, plusJoin, opts...)
			default:
				tbl = streamlib.Aggregate(g, initZero, appendValue, opts...)
			}
		}
		if suppress != "" {
			tbl = streamlib.Suppress(tbl, suppression(), sopts...)
		}
		tbl.ToStream().To("out")
		h.start(t, b)
		h.read = windowReader(testdriver.OutputTopic(h.d, "out", str, str), func(k string) string { return k })
		h.dump = func() string { return "" }
		return
	}
	g := streamlib.GroupByKey(streamlib.Stream(b, "in", str, str))
	var count streamlib.KTable[window.Windowed[string], int64]
	var text streamlib.KTable[window.Windowed[string], string]
	var keySerde serde.Serde[window.Windowed[string]]
	inclusive := true
	switch w.kind {
	case "tumbling", "hopping":
		tw := window.Tumbling(w.size, w.grace)
		if w.kind == "hopping" {
			tw = window.Hopping(w.size, w.advance, w.grace)
		}
		ws := streamlib.WindowedBy(g, tw)
		switch w.op {
		case "count":
			count = streamlib.WindowedCount(ws, opts...)
		case "reduce":
			text = streamlib.WindowedReduce(ws, plusJoin, opts...)
		default:
			text = streamlib.WindowedAggregate(ws, initZero, appendValue, opts...)
		}
		keySerde, inclusive = streamlib.TimeWindowedSerde(str, w.size), false
	case "sliding":
		ws := streamlib.SlidingWindowedBy(g, window.Sliding(w.diff, w.grace))
		switch w.op {
		case "count":
			count = streamlib.SlidingCount(ws, opts...)
		case "reduce":
			td.Fatalf(t, "sliding windows have no reduce")
		default:
			text = streamlib.SlidingAggregate(ws, initZero, appendValue, opts...)
		}
		keySerde = streamlib.TimeWindowedSerde(str, w.diff)
	case "session":
		ws := streamlib.SessionWindowedBy(g, window.Sessions(w.gap, w.grace))
		switch w.op {
		case "count":
			count = streamlib.SessionCount(ws, opts...)
		case "reduce":
			text = streamlib.SessionReduce(ws, plusJoin, opts...)
		default:
			text = streamlib.SessionAggregate(ws, initZero, appendValue, func(_, a, b string) string { return a + "|" + b }, opts...)
		}
		keySerde = streamlib.SessionWindowedSerde(str)
	default:
		td.Fatalf(t, "unknown window kind %q", w.kind)
	}
	format := func(k window.Windowed[string]) string {
		if inclusive {
			return fmt.Sprintf("%s@[%d,%d]", k.Key, k.Window.Start, k.Window.End)
		}
		return fmt.Sprintf("%s@[%d,%d)", k.Key, k.Window.Start, k.Window.End)
	}
	if w.op == "count" {
		switch {
		case suppress == "final":
			count = streamlib.SuppressUntilWindowCloses(count, sopts...)
		case suppress != "":
			count = streamlib.Suppress(count, suppression(), sopts...)
		}
		count.ToStream().To("out")
		h.start(t, b)
		h.read = windowReader(testdriver.OutputTopic(h.d, "out", keySerde, serde.Int64()), format)
		h.dump = windowStoreDump[int64](t, h.d, w.kind == "session", format)
		return
	}
	switch {
	case suppress == "final":
		text = streamlib.SuppressUntilWindowCloses(text, sopts...)
	case suppress != "":
		text = streamlib.Suppress(text, suppression(), sopts...)
	}
	text.ToStream().To("out")
	h.start(t, b)
	h.read = windowReader(testdriver.OutputTopic(h.d, "out", keySerde, str), format)
	h.dump = windowStoreDump[string](t, h.d, w.kind == "session", format)
}

func (h *windowHarness) start(t *testing.T, b *streamlib.Builder) {
	topo, err := b.Build()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	h.d = testdriver.New(t, topo)
	h.in = testdriver.InputTopic(h.d, "in", serde.String(), serde.String())
}

func plusJoin(a, b string) string                { return a + "+" + b }
func initZero() string                           { return "0" }
func appendValue(_ string, v, agg string) string { return agg + "+" + v }

// windowReader formats the records an output topic received since the last call.
func windowReader[K, V any](out *testdriver.Output[K, V], key func(K) string) func() string {
	return func() string {
		var sb strings.Builder
		for _, r := range out.ReadRecords() {
			v := fmt.Sprint(r.Value)
			if r.Tombstone {
				v = tombstone
			}
			fmt.Fprintf(&sb, "%s %s @%d\n", key(r.Key), v, r.Timestamp)
		}
		return sb.String()
	}
}

// windowStoreDump formats the windows the aggregation's store keeps.
func windowStoreDump[V any](t *testing.T, d *testdriver.Driver, session bool, key func(window.Windowed[string]) string) func() string {
	return func() string {
		st, err := d.Store(aggStore)
		if err != nil {
			t.Fatalf("store: %v", err)
		}
		var sb strings.Builder
		if session {
			ss, ok := st.(store.ReadOnlySessionStore[string, V])
			if !ok {
				t.Fatalf("store %s is a %T", aggStore, st)
			}
			for kv, err := range ss.All() {
				if err != nil {
					t.Fatalf("store %s: %v", aggStore, err)
				}
				fmt.Fprintf(&sb, "%s %v @%d\n", key(kv.Key), kv.Value, kv.Key.Window.End)
			}
			return sb.String()
		}
		ws, ok := st.(store.ReadOnlyWindowStore[string, store.ValueAndTimestamp[V]])
		if !ok {
			t.Fatalf("store %s is a %T", aggStore, st)
		}
		for kv, err := range ws.All() {
			if err != nil {
				t.Fatalf("store %s: %v", aggStore, err)
			}
			fmt.Fprintf(&sb, "%s %v @%d\n", key(kv.Key), kv.Value.Value, kv.Value.Timestamp)
		}
		return sb.String()
	}
}
