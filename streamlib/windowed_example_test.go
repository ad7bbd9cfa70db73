package streamlib_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// A windowed word count: words per minute, with 10 seconds of grace for
// late lines. Every line updates the counts of its words' windows, each
// emitted with the latest timestamp in the window; a line that arrives after
// its minute closed (stream time past end + grace) is dropped.
func ExampleWindowedCount() {
	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_, line string) []string { return strings.Fields(line) })
	byWord := streamlib.GroupBy(words, func(_, word string) string { return word })
	perMinute := streamlib.WindowedBy(byWord, window.Tumbling(time.Minute, 10*time.Second))
	streamlib.WindowedCount(perMinute).ToStream().To("word-counts")

	printWindowed(b, streamlib.TimeWindowedSerde(serde.String(), time.Minute), serde.Int64(), false,
		line{"lines", "", "to be", sec(5)},
		line{"lines", "", "or not", sec(62)},
		line{"lines", "", "to be", sec(30)}, // 62 < 60 + 10: the first minute is open
		line{"lines", "", "be", sec(75)},
		line{"lines", "", "to", sec(40)}, // 75 >= 60 + 10: the first minute closed
	)
	// Output:
	// word-counts to@[0,60000): 1 @5000
	// word-counts be@[0,60000): 1 @5000
	// word-counts or@[60000,120000): 1 @62000
	// word-counts not@[60000,120000): 1 @62000
	// word-counts to@[0,60000): 2 @30000
	// word-counts be@[0,60000): 2 @30000
	// word-counts be@[60000,120000): 1 @75000
}

// Final results: one count per key and minute, emitted when the minute
// closes, instead of an update per record. Closing waits for stream time:
// the last minute stays open until a newer record arrives.
func ExampleSuppressUntilWindowCloses() {
	b := streamlib.NewBuilder()
	clicks := streamlib.Stream(b, "clicks", serde.String(), serde.String())
	perMinute := streamlib.WindowedBy(streamlib.GroupByKey(clicks), window.Tumbling(time.Minute, 0))
	counts := streamlib.WindowedCount(perMinute)
	streamlib.SuppressUntilWindowCloses(counts).ToStream().To("clicks-per-minute")

	printWindowed(b, streamlib.TimeWindowedSerde(serde.String(), time.Minute), serde.Int64(), false,
		line{"clicks", "alice", "/", sec(1)},
		line{"clicks", "bob", "/", sec(20)},
		line{"clicks", "alice", "/cart", sec(59)},
		line{"clicks", "alice", "/pay", sec(61)}, // closes [0, 60s)
		line{"clicks", "bob", "/", sec(90)},
	)
	// Output:
	// clicks-per-minute alice@[0,60000): 2 @59000
	// clicks-per-minute bob@[0,60000): 1 @20000
}

// Sessions of activity per user, ending after 30 minutes without a click.
// A click between two sessions merges them: the merged sessions are deleted
// (tombstones) and the merged one emitted, timestamped with its end.
func ExampleSessionCount() {
	b := streamlib.NewBuilder()
	clicks := streamlib.Stream(b, "clicks", serde.String(), serde.String())
	sessions := streamlib.SessionWindowedBy(streamlib.GroupByKey(clicks), window.Sessions(30*time.Minute, time.Hour))
	streamlib.SessionCount(sessions).ToStream().To("sessions")

	printWindowed(b, streamlib.SessionWindowedSerde(serde.String()), serde.Int64(), true,
		line{"clicks", "alice", "/", minute(0)},
		line{"clicks", "alice", "/", minute(50)},
		line{"clicks", "alice", "/", minute(25)}, // within 30 minutes of both
	)
	// Output:
	// sessions alice@[0,0]: 1 @0
	// sessions alice@[3000000,3000000]: 1 @3000000
	// sessions alice@[0,0]: deleted
	// sessions alice@[3000000,3000000]: deleted
	// sessions alice@[0,3000000]: 3 @3000000
}

// Rate limiting a table: each user's latest count at most once per
// minute of stream time, a minute after its first change.
func ExampleSuppress() {
	b := streamlib.NewBuilder()
	clicks := streamlib.Stream(b, "clicks", serde.String(), serde.String())
	counts := streamlib.Count(streamlib.GroupByKey(clicks))
	streamlib.Suppress(counts, streamlib.UntilTimeLimit(time.Minute)).ToStream().To("click-counts")

	printRecords(b, serde.String(), serde.Int64(), func(k string) string { return k },
		line{"clicks", "alice", "/", sec(0)},
		line{"clicks", "alice", "/", sec(10)},
		line{"clicks", "alice", "/", sec(30)},
		line{"clicks", "bob", "/", sec(60)}, // alice's minute is over
	)
	// Output:
	// click-counts alice: 3 @30000
}

// line is one input record of the examples.
type line struct {
	topic, key, value string
	ts                int64
}

func sec(n int64) int64    { return n * 1000 }
func minute(n int64) int64 { return n * 60_000 }

// printWindowed runs the topology like printRecords, decoding windowed
// keys; inclusive says whether window ends are inclusive (sessions).
func printWindowed[V any](b *streamlib.Builder, ks serde.Serde[window.Windowed[string]], vs serde.Serde[V], inclusive bool, lines ...line) {
	printRecords(b, ks, vs, func(k window.Windowed[string]) string {
		if inclusive {
			return fmt.Sprintf("%s@[%d,%d]", k.Key, k.Window.Start, k.Window.End)
		}
		return k.String()
	}, lines...)
}

// printRecords runs the topology on the lines, in order, in one task, and
// prints what its sinks write. Records written to a topic the task reads
// (a repartition topic) are processed right away. Tests use package
// testdriver instead.
func printRecords[K, V any](b *streamlib.Builder, ks serde.Serde[K], vs serde.Serde[V], key func(K) string, lines ...line) {
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &decoder[K, V]{ks: ks, vs: vs, key: key}
	task, err := topo.NewTask(streamlib.TaskConfig{ApplicationID: "example", Collector: c})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer task.Close()
	c.loop = task.SourceTopics()
	ctx := context.Background()
	for _, l := range lines {
		c.queue = append(c.queue, &streamlib.RawRecord{Topic: l.topic, Key: []byte(l.key), Value: []byte(l.value), Timestamp: l.ts})
		for len(c.queue) > 0 {
			raw := c.queue[0]
			c.queue = c.queue[1:]
			if err := task.Process(ctx, raw); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
}

// decoder prints the records a task writes, or queues them when the task
// reads their topic.
type decoder[K, V any] struct {
	ks    serde.Serde[K]
	vs    serde.Serde[V]
	key   func(K) string
	loop  []string
	queue []*streamlib.RawRecord
}

func (d *decoder[K, V]) Send(_ context.Context, r streamlib.OutgoingRecord) error {
	if slices.Contains(d.loop, r.Topic) {
		d.queue = append(d.queue, &streamlib.RawRecord{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: r.Timestamp, Headers: r.Headers})
		return nil
	}
	k, err := d.ks.Deserialize(r.Key)
	if err != nil {
		return err
	}
	if r.Value == nil {
		fmt.Printf("%s %s: deleted\n", r.Topic, d.key(k))
		return nil
	}
	v, err := d.vs.Deserialize(r.Value)
	if err != nil {
		return err
	}
	fmt.Printf("%s %s: %v @%d\n", r.Topic, d.key(k), v, r.Timestamp)
	return nil
}
