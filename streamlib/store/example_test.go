package store_test

import (
	"fmt"
	"os"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// printLog is a ChangeLogger that prints what a runtime would send to the
// store's changelog topic.
type printLog struct{}

func (printLog) LogChange(key, value []byte, ts int64) error {
	if value == nil {
		fmt.Printf("  changelog: %q deleted\n", key)
	} else {
		fmt.Printf("  changelog: %q = %x\n", key, value)
	}
	return nil
}

// A key-value store as a count aggregation uses it. A runtime builds it
// from the builder; here the context has no state directory and the
// changelog is printed.
func Example() {
	builder := store.NewKeyValue("counts", serde.String(), serde.Int64())
	counts, err := builder.BuildKeyValue(store.Context{ChangeLogger: printLog{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer counts.Close()

	for _, user := range []string{"bob", "alice", "bob"} {
		n, _, err := counts.Get(user)
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := counts.Put(user, n+1); err != nil {
			fmt.Println(err)
			return
		}
	}
	for kv, err := range counts.All() {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(kv.Key, kv.Value)
	}
	// Output:
	//   changelog: "bob" = 0000000000000001
	//   changelog: "alice" = 0000000000000001
	//   changelog: "bob" = 0000000000000002
	// alice 1
	// bob 2
}

// A window store holding per-minute counts. Windows that started a
// retention period or more before the latest window put (there is no stream
// time in this context) are gone: here the window at 0 with its two clicks.
func ExampleNewWindow() {
	builder := store.NewWindow("clicks-per-minute", serde.String(), serde.Int64(),
		10*time.Minute, time.Minute, false, store.WithoutLogging())
	clicks, err := builder.BuildWindow(store.Context{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer clicks.Close()

	minute := time.Minute.Milliseconds()
	for _, ts := range []int64{5_000, 50_000, 70_000, 10*minute + 1} {
		start := ts - ts%minute
		n, _, _ := clicks.Fetch("page-1", start)
		_ = clicks.Put("page-1", n+1, start)
	}
	for kv, err := range clicks.FetchRange("page-1", 0, 20*minute) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(kv.Key, kv.Value)
	}
	// Output:
	// page-1@[60000,120000) 1
	// page-1@[600000,660000) 1
}

// A session store: when a record falls between two sessions of its key, the
// sessions merge into one.
func ExampleNewSession() {
	sessions, err := store.NewSession("visits", serde.String(), serde.Int64(), time.Hour).
		BuildSession(store.Context{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sessions.Close()

	session := func(start, end int64) window.Windowed[string] {
		return window.Windowed[string]{Key: "alice", Window: window.Window{Start: start, End: end}}
	}
	_ = sessions.Put(session(0, 100), 2)
	_ = sessions.Put(session(400, 500), 3)

	// A record at 250 with an inactivity gap of 200 touches both sessions.
	merged, total := session(250, 250), int64(1)
	for kv, err := range sessions.FindSessions("alice", 250-200, 250+200) {
		if err != nil {
			fmt.Println(err)
			return
		}
		merged.Window.Start = min(merged.Window.Start, kv.Key.Window.Start)
		merged.Window.End = max(merged.Window.End, kv.Key.Window.End)
		total += kv.Value
		_ = sessions.Remove(kv.Key)
	}
	_ = sessions.Put(merged, total)
	for kv := range sessions.Fetch("alice") {
		fmt.Println(kv.Key, kv.Value)
	}
	// Output:
	// alice@[0,500) 6
}

// An interactive query gets a read-only view: it reads what the task
// writes but cannot write, not even by a type assertion.
func ExampleReadOnlyKeyValue() {
	counts, _ := store.NewKeyValue("counts", serde.String(), serde.Int64()).BuildKeyValue(store.Context{})
	defer counts.Close()
	_ = counts.Put("bob", 2)

	view := store.ReadOnlyKeyValue[string, int64](counts)
	n, ok, err := view.Get("bob")
	fmt.Println(n, ok, err)
	_, writable := view.(store.KeyValueStore[string, int64])
	fmt.Println("writable:", writable)
	// Output:
	// 2 true <nil>
	// writable: false
}

// A persistent store lives in <state dir>/<store name> and keeps its data and
// its changelog checkpoint across restarts.
func ExampleCheckpointer() {
	dir, err := os.MkdirTemp("", "state")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	builder := store.NewKeyValue("counts", serde.String(), serde.Int64(), store.Persistent())

	counts, err := builder.BuildKeyValue(store.Context{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = counts.Put("bob", 2)
	// After the changelog record at offset 41 was written and the store
	// flushed, the runtime records the offset.
	_ = counts.Flush()
	_ = counts.(store.Checkpointer).SetCheckpoint(41)
	_ = counts.Close()

	reopened, err := builder.BuildKeyValue(store.Context{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer reopened.Close()
	offset, ok, _ := reopened.(store.Checkpointer).Checkpoint()
	n, _, _ := reopened.Get("bob")
	fmt.Println("restore from offset", offset+1, ok, "bob =", n)
	// Output:
	// restore from offset 42 true bob = 2
}
