package testdriver

import (
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// Input pipes typed records into one topic of the topology.
type Input[K, V any] struct {
	d          *Driver
	topic      string
	log        *topicLog
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
	next       int64
	advance    int64
}

// InputOption configures an Input.
type InputOption func(*inputConfig)

type inputConfig struct {
	start   *time.Time
	advance time.Duration
}

// StartAt sets the timestamp of the first record piped without one.
func StartAt(t time.Time) InputOption { return func(c *inputConfig) { c.start = &t } }

// AutoAdvance makes each record piped without a timestamp d later than
// the previous one.
func AutoAdvance(d time.Duration) InputOption { return func(c *inputConfig) { c.advance = d } }

// InputTopic returns a pipe into topic, which the topology must read. By
// default records piped without a timestamp get the driver's wall-clock time
// at creation, all the same; see StartAt and AutoAdvance.
func InputTopic[K, V any](d *Driver, topic string, keySerde serde.Serde[K], valueSerde serde.Serde[V], opts ...InputOption) *Input[K, V] {
	d.tb.Helper()
	if !d.sources[topic] && !d.globals[topic] {
		d.tb.Fatalf("testdriver: the topology does not read topic %q; %s", topic, d.knownTopics())
	}
	var c inputConfig
	for _, o := range opts {
		o(&c)
	}
	next := d.wall
	if c.start != nil {
		next = c.start.UnixMilli()
	}
	return &Input[K, V]{d: d, topic: topic, log: d.topic(topic), keySerde: keySerde, valueSerde: valueSerde, next: next, advance: c.advance.Milliseconds()}
}

func (in *Input[K, V]) autoTime() int64 {
	ts := in.next
	in.next += in.advance
	return ts
}

// AdvanceTime moves the timestamp of the next record piped without one.
// It does not move stream time or the wall clock.
func (in *Input[K, V]) AdvanceTime(d time.Duration) { in.next += d.Milliseconds() }

// Pipe sends key and value with the next automatic timestamp.
func (in *Input[K, V]) Pipe(key K, value V) {
	in.d.tb.Helper()
	in.PipeRecord(streamlib.Record[K, V]{Key: key, Value: value, Timestamp: in.autoTime()})
}

// PipeAt sends key and value with timestamp ts (milliseconds).
func (in *Input[K, V]) PipeAt(key K, value V, ts int64) {
	in.d.tb.Helper()
	in.PipeRecord(streamlib.Record[K, V]{Key: key, Value: value, Timestamp: ts})
}

// PipeTombstone sends a record with a null value (a delete) for key at ts.
func (in *Input[K, V]) PipeTombstone(key K, ts int64) {
	in.d.tb.Helper()
	in.PipeRecord(streamlib.Record[K, V]{Key: key, Timestamp: ts, Tombstone: true})
}

// PipeKeyValues sends each pair with automatic timestamps.
func (in *Input[K, V]) PipeKeyValues(kvs ...streamlib.KeyValue[K, V]) {
	in.d.tb.Helper()
	for _, kv := range kvs {
		in.Pipe(kv.Key, kv.Value)
	}
}

// PipeRecord sends r as it is (its timestamp included) and fails the test if
// the topology returns an error.
func (in *Input[K, V]) PipeRecord(r streamlib.Record[K, V]) {
	in.d.tb.Helper()
	if err := in.TryPipeRecord(r); err != nil {
		in.d.tb.Fatalf("testdriver: processing %v=%v on %s: %v", r.Key, r.Value, in.topic, err)
	}
}

// TryPipeRecord sends r and returns the topology's error, if any, instead
// of failing the test.
func (in *Input[K, V]) TryPipeRecord(r streamlib.Record[K, V]) error {
	k, err := in.keySerde.Serialize(r.Key)
	if err != nil {
		return fmt.Errorf("serialize key: %w", err)
	}
	var v []byte
	if !r.Tombstone {
		if v, err = in.valueSerde.Serialize(r.Value); err != nil {
			return fmt.Errorf("serialize value: %w", err)
		}
		if v == nil {
			v = []byte{}
		}
	}
	return in.PipeRaw(k, v, r.Timestamp, r.Headers)
}

// PipeRaw sends already serialized bytes, e.g. a poison pill that no serde
// would produce. A nil value is a tombstone.
func (in *Input[K, V]) PipeRaw(key, value []byte, ts int64, headers streamlib.Headers) error {
	raw := in.d.newRaw()
	*raw = streamlib.RawRecord{Topic: in.topic, Key: key, Value: value, Timestamp: ts, Headers: headers}
	return in.d.pipe(in.log, raw)
}

// Output reads the typed records a topology wrote to one topic, in order.
// Each record is read once.
type Output[K, V any] struct {
	d          *Driver
	topic      string
	log        *topicLog
	keySerde   serde.Serde[K]
	valueSerde serde.Serde[V]
}

// OutputTopic returns a reader of topic, which the topology must write (a
// sink topic or a changelog; see Driver.ChangelogTopic).
func OutputTopic[K, V any](d *Driver, topic string, keySerde serde.Serde[K], valueSerde serde.Serde[V]) *Output[K, V] {
	d.tb.Helper()
	if !d.sinks[topic] && !d.dynamic {
		d.tb.Fatalf("testdriver: the topology never writes topic %q; %s", topic, d.knownTopics())
	}
	return &Output[K, V]{d: d, topic: topic, log: d.topic(topic), keySerde: keySerde, valueSerde: valueSerde}
}

// QueueSize returns how many records are waiting to be read.
func (o *Output[K, V]) QueueSize() int { return o.log.pending() }

// IsEmpty reports whether every record has been read.
func (o *Output[K, V]) IsEmpty() bool { return o.QueueSize() == 0 }

// TryReadRecord reads the next record, or returns an error when there is none
// or it cannot be deserialized.
func (o *Output[K, V]) TryReadRecord() (streamlib.Record[K, V], error) {
	if o.log.pending() == 0 {
		return streamlib.Record[K, V]{}, fmt.Errorf("no record on topic %q", o.topic)
	}
	raw := o.log.next()
	r := streamlib.Record[K, V]{Timestamp: raw.Timestamp, Headers: raw.Headers}
	if raw.Key != nil {
		k, err := o.keySerde.Deserialize(raw.Key)
		if err != nil {
			return r, fmt.Errorf("read key on %q at offset %d: %w", o.topic, raw.Offset, err)
		}
		r.Key = k
	}
	if raw.Value == nil {
		r.Tombstone = true
		return r, nil
	}
	v, err := o.valueSerde.Deserialize(raw.Value)
	if err != nil {
		return r, fmt.Errorf("read value on %q at offset %d: %w", o.topic, raw.Offset, err)
	}
	r.Value = v
	return r, nil
}

// ReadRecord reads the next record; it fails the test when there is none.
func (o *Output[K, V]) ReadRecord() streamlib.Record[K, V] {
	o.d.tb.Helper()
	return o.read()
}

// read is ReadRecord for callers that marked themselves helpers already
// (marking is not free, and bulk reads would pay it per record).
func (o *Output[K, V]) read() streamlib.Record[K, V] {
	r, err := o.TryReadRecord()
	if err != nil {
		o.d.tb.Fatalf("testdriver: %v", err)
	}
	return r
}

// ReadKeyValue reads the next record's key and value.
func (o *Output[K, V]) ReadKeyValue() streamlib.KeyValue[K, V] {
	o.d.tb.Helper()
	r := o.read()
	return streamlib.KeyValue[K, V]{Key: r.Key, Value: r.Value}
}

// ReadValue reads the next record's value.
func (o *Output[K, V]) ReadValue() V {
	o.d.tb.Helper()
	return o.read().Value
}

// ReadRecords reads every waiting record.
func (o *Output[K, V]) ReadRecords() []streamlib.Record[K, V] {
	o.d.tb.Helper()
	var out []streamlib.Record[K, V]
	if n := o.QueueSize(); n > 0 {
		out = make([]streamlib.Record[K, V], 0, n)
	}
	for !o.IsEmpty() {
		out = append(out, o.read())
	}
	return out
}

// ReadKeyValues reads every waiting record's key and value.
func (o *Output[K, V]) ReadKeyValues() []streamlib.KeyValue[K, V] {
	o.d.tb.Helper()
	var out []streamlib.KeyValue[K, V]
	if n := o.QueueSize(); n > 0 {
		out = make([]streamlib.KeyValue[K, V], 0, n)
	}
	for !o.IsEmpty() {
		r := o.read()
		out = append(out, streamlib.KeyValue[K, V]{Key: r.Key, Value: r.Value})
	}
	return out
}

// ReadValues reads every waiting record's value.
func (o *Output[K, V]) ReadValues() []V {
	o.d.tb.Helper()
	var out []V
	if n := o.QueueSize(); n > 0 {
		out = make([]V, 0, n)
	}
	for !o.IsEmpty() {
		out = append(out, o.read().Value)
	}
	return out
}

// ReadToMap reads every waiting record and returns the last value per key,
// like a table: a tombstone removes its key.
func ReadToMap[K comparable, V any](o *Output[K, V]) map[K]V {
	o.d.tb.Helper()
	out := map[K]V{}
	for !o.IsEmpty() {
		r := o.read()
		if r.Tombstone {
			delete(out, r.Key)
		} else {
			out[r.Key] = r.Value
		}
	}
	return out
}

func storeOf[S any](d *Driver, name, kind string) S {
	d.tb.Helper()
	var zero S
	st, err := d.Store(name)
	if err != nil {
		d.tb.Fatalf("%v", err)
		return zero
	}
	s, ok := st.(S)
	if !ok {
		d.tb.Fatalf("testdriver: store %q is a %T, not a %s with these types", name, st, kind)
	}
	return s
}

// KeyValueStore returns the topology's key-value store with that name.
// For the store of a table (which keeps each row with its timestamp) it
// returns the plain values, see streamlib.PlainValues.
func KeyValueStore[K, V any](d *Driver, name string) store.KeyValueStore[K, V] {
	d.tb.Helper()
	if st, err := d.Store(name); err == nil {
		if ts, ok := st.(store.KeyValueStore[K, store.ValueAndTimestamp[V]]); ok {
			return streamlib.PlainValues(ts)
		}
	}
	return storeOf[store.KeyValueStore[K, V]](d, name, "key-value store")
}

// WindowStore returns the topology's window store with that name.
func WindowStore[K, V any](d *Driver, name string) store.WindowStore[K, V] {
	d.tb.Helper()
	return storeOf[store.WindowStore[K, V]](d, name, "window store")
}

// SessionStore returns the topology's session store with that name.
func SessionStore[K, V any](d *Driver, name string) store.SessionStore[K, V] {
	d.tb.Helper()
	return storeOf[store.SessionStore[K, V]](d, name, "session store")
}
