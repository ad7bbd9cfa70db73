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
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// TestJoinTruthTables runs the join truth tables in testdata/joins, once
// with in-memory stores and once with persistent ones. Each file builds a
// join between the topics "left" and "right", pipes records into them and
// lists what the join emits. Run with -rewrite to regenerate the expected
// outputs after a deliberate change (then read the diff).
//
// Directives:
//
//	build join=stream-stream|stream-table|stream-global|table-table kind=inner|left|outer
//	      [window=ms | before=ms after=ms] [grace=ms]
//	    Starts a fresh test driver. Joiners concatenate "left+right", with
//	    "null" for a missing side. stream-global looks rows up by the part of
//	    the stream value before "/".
//	pipe
//	    One record per line, "<left|right> <key> <value|<tombstone>> @<timestamp>".
//	    Prints every record the join emitted, "<key> <value> @<timestamp>".
//	dropped
//	    Prints the records the join dropped, by reason.
func TestJoinTruthTables(t *testing.T) {
	for _, persistent := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "persistent"}[persistent], func(t *testing.T) {
			datadriven.Walk(t, "testdata/joins", func(t *testing.T, path string) {
				h := &joinHarness{persistent: persistent}
				datadriven.RunTest(t, path, h.run)
			})
		})
	}
}

type joinHarness struct {
	persistent  bool
	d           *testdriver.Driver
	left, right *testdriver.Input[string, string]
	out         *testdriver.Output[string, string]
}

func (h *joinHarness) run(t *testing.T, td *datadriven.TestData) string {
	switch td.Cmd {
	case "build":
		return h.build(t, td)
	case "pipe":
		if h.d == nil {
			td.Fatalf(t, "pipe before build")
		}
		for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
			h.pipe(t, td, line)
		}
		return formatRecords(h.out.ReadRecords())
	case "dropped":
		dropped := h.d.Metrics().Dropped
		var sb strings.Builder
		for _, reason := range slices.Sorted(maps.Keys(dropped)) {
			fmt.Fprintf(&sb, "%s: %d\n", reason, dropped[reason])
		}
		return sb.String()
	}
	td.Fatalf(t, "unknown directive %q", td.Cmd)
	return ""
}

func (h *joinHarness) build(t *testing.T, td *datadriven.TestData) string {
	var join, kind string
	td.ScanArgs(t, "join", &join)
	td.ScanArgs(t, "kind", &kind)
	ms := func(key string) time.Duration {
		var v int64
		if td.HasArg(key) {
			td.ScanArgs(t, key, &v)
		}
		return time.Duration(v) * time.Millisecond
	}
	w := window.JoinWindows{Before: ms("before"), After: ms("after"), Grace: ms("grace")}
	if td.HasArg("window") {
		w.Before, w.After = ms("window"), ms("window")
	}
	str := serde.String()
	b := streamlib.NewBuilder()
	var opts []streamlib.Option
	if h.persistent {
		opts = append(opts, streamlib.Persistent())
	}
	switch join {
	case "stream-stream":
		l := streamlib.Stream(b, "left", str, str)
		r := streamlib.Stream(b, "right", str, str)
		var out streamlib.KStream[string, string]
		switch kind {
		case "inner":
			out = streamlib.Join(l, r, func(_, lv, rv string) string { return lv + "+" + rv }, w, opts...)
		case "left":
			out = streamlib.LeftJoin(l, r, func(_, lv string, rv *string) string { return lv + "+" + orNull(rv) }, w, opts...)
		case "outer":
			out = streamlib.OuterJoin(l, r, func(_ string, lv, rv *string) string { return orNull(lv) + "+" + orNull(rv) }, w, opts...)
		}
		out.To("out")
	case "stream-table":
		l := streamlib.Stream(b, "left", str, str)
		r := streamlib.Table(b, "right", str, str, opts...)
		switch kind {
		case "inner":
			streamlib.JoinTable(l, r, func(_, v, row string) string { return v + "+" + row }).To("out")
		case "left":
			streamlib.LeftJoinTable(l, r, func(_, v string, row *string) string { return v + "+" + orNull(row) }).To("out")
		}
	case "stream-global":
		l := streamlib.Stream(b, "left", str, str)
		g := streamlib.GlobalTable(b, "right", str, str, opts...)
		keyOf := func(_, v string) string { k, _, _ := strings.Cut(v, "/"); return k }
		switch kind {
		case "inner":
			streamlib.JoinGlobal(l, g, keyOf, func(_, v, row string) string { return v + "+" + row }).To("out")
		case "left":
			streamlib.LeftJoinGlobal(l, g, keyOf, func(_, v string, row *string) string { return v + "+" + orNull(row) }).To("out")
		}
	case "table-table":
		l := streamlib.Table(b, "left", str, str, opts...)
		r := streamlib.Table(b, "right", str, str, opts...)
		var out streamlib.KTable[string, string]
		switch kind {
		case "inner":
			out = streamlib.TableJoin(l, r, func(_, lv, rv string) string { return lv + "+" + rv })
		case "left":
			out = streamlib.TableLeftJoin(l, r, func(_, lv string, rv *string) string { return lv + "+" + orNull(rv) })
		case "outer":
			out = streamlib.TableOuterJoin(l, r, func(_ string, lv, rv *string) string { return orNull(lv) + "+" + orNull(rv) })
		}
		out.ToStream().To("out")
	default:
		td.Fatalf(t, "unknown join %q", join)
	}
	topo, err := b.Build()
	if err != nil {
		td.Fatalf(t, "build %s %s: %v", join, kind, err)
	}
	h.d = testdriver.New(t, topo)
	h.left = testdriver.InputTopic(h.d, "left", str, str)
	h.right = testdriver.InputTopic(h.d, "right", str, str)
	h.out = testdriver.OutputTopic(h.d, "out", str, str)
	return ""
}

const tombstone = "<tombstone>"

func (h *joinHarness) pipe(t *testing.T, td *datadriven.TestData, line string) {
	f := strings.Fields(line)
	if len(f) != 4 || !strings.HasPrefix(f[3], "@") {
		td.Fatalf(t, "want \"<left|right> <key> <value> @<ts>\", got %q", line)
	}
	ts, err := strconv.ParseInt(f[3][1:], 10, 64)
	if err != nil {
		td.Fatalf(t, "timestamp in %q: %v", line, err)
	}
	in := h.left
	switch f[0] {
	case "left":
	case "right":
		in = h.right
	default:
		td.Fatalf(t, "side %q is neither left nor right", f[0])
	}
	if f[2] == tombstone {
		in.PipeTombstone(f[1], ts)
	} else {
		in.PipeAt(f[1], f[2], ts)
	}
}

func formatRecords(rs []streamlib.Record[string, string]) string {
	var sb strings.Builder
	for _, r := range rs {
		v := r.Value
		if r.Tombstone {
			v = tombstone
		}
		fmt.Fprintf(&sb, "%s %s @%d\n", r.Key, v, r.Timestamp)
	}
	return sb.String()
}

func orNull(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
