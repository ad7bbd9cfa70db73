// Package store holds the state that stream processors keep between records.
//
// Three shapes of store follow Kafka Streams:
//
//   - key-value stores: a table's current rows, a running count
//     (KeyValueStore, built by NewKeyValue);
//   - window stores: one value per key and time window, kept for a retention
//     period (WindowStore, built by NewWindow), for windowed aggregations and
//     the buffers of stream-stream joins;
//   - session stores: per-key sessions that grow and merge (SessionStore,
//     built by NewSession).
//
// A topology declares a store with a builder; the runtime builds one instance
// per task, handing Build a Context with the task's state directory, its
// changelog and its stream time:
//
//	counts := store.NewKeyValue("counts", serde.String(), serde.Int64())
//	st, err := counts.BuildKeyValue(store.Context{ChangeLogger: logger})
//	...
//	n, _, err := st.Get("alice")
//	err = st.Put("alice", n+1)
//
// Stores are typed: they take and return Go values and serialize them with
// the serdes they were built with. Underneath, each is ordered by serialized
// key bytes (a Bytes store), which is the order key-value scans yield.
//
// # Memory or disk
//
// Stores live in memory (a B-tree) unless built with Persistent, which puts
// them in a Pebble database in <Context.Dir>/<store name>. Both behave the
// same; the persistent one survives a restart and implements Checkpointer:
// the Kafka runtime records there the changelog offset the store's contents
// reflect, after a Flush, and on restart replays only the changelog records
// after it. The checkpoint lives under a reserved key that no scan yields.
// Persistent stores share a block cache when the runtime passes one
// (NewCache, Context.Cache).
//
// # Changelogs
//
// A store is logged unless built with WithoutLogging: every write is handed,
// synchronously, to the Context's ChangeLogger, which the Kafka runtime turns
// into a record on the store's compacted changelog topic; a nil value is a
// deletion. After a crash, or when a task moves to another instance, the
// store is rebuilt by replaying that topic through Restore (every store is a
// Restorer). Changelog keys use Kafka Streams' layouts, so that the topics
// read the same from Java:
//
//	key-value: serialized key
//	window:    serialized key | window start (8 bytes) | sequence number (4 bytes)
//	session:   serialized key | session end (8 bytes) | session start (8 bytes)
//
// (integers big-endian; the sequence number tells apart the duplicates of a
// window store that retains them, and is 0 otherwise).
//
// # Time and retention
//
// Window and session stores forget data older than their retention period,
// measured back from the largest timestamp the store has held: the latest
// window start of a window store, the latest session end of a session store
// (Kafka Streams' segmented stores do the same). A window starting at s is
// kept while s > latest start - retention; a session ending at e while
// e > latest end - retention. The task's stream time plays no part, so
// records that are dropped as late, or that other processors handle, expire
// nothing. Puts of data already past retention are ignored. Data is kept in time segments (about
// three per retention period, each at least a minute long on disk and a
// second in memory); a whole segment
// goes at once when all of it has expired, and reads never return expired
// entries still waiting in a segment.
//
// # Reading from other goroutines
//
// Each store has one writer, the task's goroutine, and any number of
// concurrent readers. Interactive queries get read-only views
// (ReadOnlyKeyValue, ReadOnlyWindow, ReadOnlySession) that cannot be turned
// back into the writable store. A processor may write to a store inside a
// loop over one of its scans; whether the scan sees those writes is
// unspecified. Every operation on a closed store fails with ErrClosed.
package store
