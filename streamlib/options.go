package streamlib

import "time"

// Option refines one DSL operation: its node name, the store it
// materializes into, how that store is kept. Options that do not apply to
// an operation are ignored.
type Option func(*options)

type options struct {
	name          string
	storeName     string
	persistent    bool
	noLogging     bool
	logConfig     map[string]string
	extractor     TimestampExtractor
	retention     time.Duration
	partitions    int32
	partitioner   Partitioner
	offsetReset   string
	emitFinal     bool
	queryableName bool
}

func applyOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// Named gives the operation's processor node (and the internal topics it
// creates) a fixed name instead of a generated one such as
// KSTREAM-FILTER-0000000003. Fixed names keep internal topic names stable
// when the topology changes.
func Named(name string) Option { return func(o *options) { o.name = name } }

// Materialized names the state store an operation keeps its result in. A
// named store can be queried (interactive queries, the test driver) and its
// changelog topic is <application id>-<name>-changelog.
func Materialized(storeName string) Option {
	return func(o *options) { o.storeName = storeName; o.queryableName = true }
}

// Persistent keeps the operation's state store on disk (Pebble) instead of
// in memory. Either way the store is backed by a changelog topic.
func Persistent() Option { return func(o *options) { o.persistent = true } }

// WithoutLogging turns off the changelog topic of the operation's store.
// The state is then lost with the instance; use it only for state that can
// be rebuilt from the input.
func WithoutLogging() Option { return func(o *options) { o.noLogging = true } }

// WithLogConfig sets topic configs (such as "retention.ms") of the store's
// changelog topic.
func WithLogConfig(cfg map[string]string) Option { return func(o *options) { o.logConfig = cfg } }

// WithRetention sets how long a window or session store keeps windows,
// measured back from the latest window start (session end) it holds. The
// default is what closing needs, so that a window is forgotten about when
// it closes: size + grace for time windows, 2 × difference + grace for
// sliding windows, gap + grace for sessions. A longer retention keeps
// closed windows queryable; a shorter one is raised to the default (where
// Kafka Streams refuses the topology).
func WithRetention(d time.Duration) Option { return func(o *options) { o.retention = d } }

// WithTimestampExtractor sets how a source finds a record's event time.
func WithTimestampExtractor(f TimestampExtractor) Option {
	return func(o *options) { o.extractor = f }
}

// WithPartitions sets the partition count of a repartition topic. By default
// it has as many partitions as the topics feeding it.
func WithPartitions(n int32) Option { return func(o *options) { o.partitions = n } }

// WithPartitioner chooses the partition of every record a sink writes.
func WithPartitioner(p Partitioner) Option { return func(o *options) { o.partitioner = p } }

// WithOffsetReset sets where a source starts when its group has no committed
// offset: "earliest" or "latest". The default is the application's.
func WithOffsetReset(reset string) Option { return func(o *options) { o.offsetReset = reset } }

// EmitFinal makes a windowed aggregation emit one result per window, when
// the window closes, instead of an update per record: Kafka Streams'
// EmitStrategy.onWindowClose. A time window is final when stream time
// reaches its end + grace; a sliding window when its end is before stream
// time - grace, a session when its end is before stream time - gap - grace
// (both ends of those windows are inclusive). Like every closing, it waits
// for newer records; an idle stream emits nothing. The table stays
// queryable under the aggregation's store name.
func EmitFinal() Option { return func(o *options) { o.emitFinal = true } }

// TimestampExtractor returns the event time of a raw record in milliseconds.
// partitionTime is the largest timestamp seen so far on the record's
// partition, for extractors that need a fallback. A negative result drops
// the record.
type TimestampExtractor func(r *RawRecord, partitionTime int64) int64

// RecordTimestamp is the default extractor: the timestamp Kafka stored with
// the record (the producer's create time or the broker's append time).
func RecordTimestamp(r *RawRecord, _ int64) int64 { return r.Timestamp }

// Partitioner picks the partition for a record a sink writes, given the
// serialized key and value and the number of partitions. A negative result
// leaves the choice to the producer's default partitioner.
type Partitioner func(topic string, key, value []byte, numPartitions int32) int32
