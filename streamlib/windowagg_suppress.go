package streamlib

import (
	"github.com/streamworkshop/workshop/streamlib/window"
)

// SuppressUntilWindowCloses holds back the updates of a windowed table and
// emits one final result per window when it closes: when this processor's
// stream time reaches the window's end plus grace (for sessions: end + gap +
// grace). Like every closing in Kafka Streams, it waits for newer records: an
// idle stream emits nothing. Deletions (sessions merged into larger ones)
// are never final and are not emitted. Windows that close together leave in
// order of end, then serialized key.
//
// The buffer is a changelogged store named after the operation (Named(n)
// gives n and "n-store"), so held results survive a restart. Lookups of the
// suppressed table (in joins) see what it emitted so far.
func SuppressUntilWindowCloses[K, V any](t KTable[window.Windowed[K], V], opts ...Option) KTable[window.Windowed[K], V] {
	if t.windowClose == nil {
		t.b.errorf("SuppressUntilWindowCloses: table %s is not the result of a windowed aggregation", t.n.name)
		return t
	}
	return suppressTable(t, applyOptions(opts), bufferPolicy[window.Windowed[K], V]{
		timeOf:         windowEnd[K, V],
		wait:           *t.windowClose,
		dropTombstones: true,
	})
}

func windowEnd[K, V any](r Record[window.Windowed[K], Change[V]]) int64 { return r.Key.Window.End }

// emitFinal puts the final-results buffer of EmitFinal after the windowed
// aggregation t (named name): a window leaves once its end + wait <= stream
// time, in order of end, then order(key). Unlike SuppressUntilWindowCloses,
// the result is still the aggregation's table: it is queryable under the
// aggregation's store name and lookups see the current aggregates, as
// Kafka Streams' EmitStrategy.onWindowClose does. The buffer keeps every
// window until it is emitted, however far stream time jumps, so a final
// result never depends on how long the aggregation's store keeps windows.
func emitFinal[K, V any](t KTable[window.Windowed[K], V], name string, o options, wait int64, order func(window.Windowed[K], []byte) []byte) KTable[window.Windowed[K], V] {
	bo := options{name: name + "-EMIT-FINAL", persistent: o.persistent, noLogging: o.noLogging, logConfig: o.logConfig}
	out := suppressTable(t, bo, bufferPolicy[window.Windowed[K], V]{
		timeOf:         windowEnd[K, V],
		wait:           wait,
		dropTombstones: true,
		order:          order,
	})
	out.getter, out.storeName = t.getter, t.storeName
	return out
}

// timeWindowOrder orders the windows of one end by their inner key: the
// serialized time-windowed key without its 8-byte start.
func timeWindowOrder[K any](_ window.Windowed[K], kb []byte) []byte { return kb[:len(kb)-8] }
