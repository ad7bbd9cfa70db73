package streamlib

import "slices"

// Record is the unit that flows through a topology: a key, a value, the
// event time in milliseconds since the epoch, and headers.
//
// A record whose Tombstone flag is set carries no value: it deletes its key
// from a table. User functions given to the DSL (predicates, mappers,
// aggregators) never see tombstones; operators that keep the value type pass
// them through, operators that need a value to compute a new key drop them.
type Record[K, V any] struct {
	Key       K
	Value     V
	Timestamp int64
	Headers   Headers
	Tombstone bool
}

// WithValue returns a copy of r carrying value v (and no tombstone flag);
// key, timestamp and headers are kept.
func WithValue[K, V, VR any](r Record[K, V], v VR) Record[K, VR] {
	return Record[K, VR]{Key: r.Key, Value: v, Timestamp: r.Timestamp, Headers: r.Headers}
}

// WithKeyValue returns a copy of r with a new key and value; timestamp and
// headers are kept.
func WithKeyValue[K, V, KR, VR any](r Record[K, V], k KR, v VR) Record[KR, VR] {
	return Record[KR, VR]{Key: k, Value: v, Timestamp: r.Timestamp, Headers: r.Headers}
}

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Headers is an ordered list of record headers. Keys may repeat, as in Kafka.
type Headers []Header

// Get returns the value of the last header named key.
func (h Headers) Get(key string) ([]byte, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i].Value, true
		}
	}
	return nil, false
}

// Add returns the headers with one more header appended. The receiver is not
// modified, so headers shared between records stay independent.
func (h Headers) Add(key string, value []byte) Headers {
	out := make(Headers, len(h), len(h)+1)
	copy(out, h)
	return append(out, Header{Key: key, Value: value})
}

// Set returns the headers with every header named key replaced by one.
func (h Headers) Set(key string, value []byte) Headers {
	out := slices.DeleteFunc(slices.Clone(h), func(x Header) bool { return x.Key == key })
	return append(out, Header{Key: key, Value: value})
}

// Change is an update to a table row: the new value and the value it
// replaced. HasOld is false for an insert; HasNew is false for a delete.
// Table operators forward Changes so that downstream aggregations can undo the
// old value and joins can emit tombstones.
type Change[V any] struct {
	New    V
	Old    V
	HasNew bool
	HasOld bool
}

// RawRecord is a record as Kafka stores it: serialized key and value, plus
// where it came from. A nil Value is a tombstone.
type RawRecord struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64
	Headers   Headers
}

// RecordMetadata says where the record being processed came from.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
}

// KeyValue is a key and a value, as returned by test drivers and queries.
type KeyValue[K, V any] struct {
	Key   K
	Value V
}
