// Package store holds the state that stream processors keep between records.
//
// Three shapes of store follow Kafka Streams: key-value stores (a table's
// current rows, a running count), window stores (one value per key and time
// window, with retention) and session stores (per-key sessions that grow and
// merge). Each shape has an in-memory and a persistent implementation (Pebble)
// behind the same interface, so a topology switches between them with one
// option and no other change.
//
// Stores are typed: a KeyValueStore[string, int64] takes and returns Go values
// and serializes them with the serdes it was built with. Underneath, every
// store is ordered by the serialized bytes of its keys, which is the order
// range scans yield.
//
// A store can be logged: each write is also handed to a ChangeLogger, which the
// Kafka runtime turns into a record on the store's compacted changelog topic.
// After a crash or when a task moves to another instance, the store is rebuilt
// by replaying that topic through Restore.
//
// Processors write through KeyValueStore, WindowStore and SessionStore;
// interactive queries get the ReadOnly views, which cannot write.
package store
