package engine

import (
	"context"
	"errors"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// Runtime is where an engine's queries run and its records live: the
// in-memory test driver (package sqltest) or a Kafka cluster
// (NewKafkaRuntime). The engine calls it with one statement at a time;
// implementations must still be safe for concurrent use, because push
// queries read and stop from other goroutines.
type Runtime interface {
	// EnsureTopic makes sure a topic exists and returns its partition
	// count. With partitions > 0 a missing topic is created with that many
	// partitions (replicas 0 means the cluster's default); with partitions
	// == 0 a missing topic is an error wrapping ErrNoTopic, unless the
	// runtime creates topics on demand.
	EnsureTopic(ctx context.Context, topic string, partitions, replicas int) (int, error)
	// DeleteTopic deletes a topic (DROP ... DELETE TOPIC).
	DeleteTopic(ctx context.Context, topic string) error
	// Topics lists the topics, for SHOW TOPICS.
	Topics(ctx context.Context) ([]TopicInfo, error)
	// Produce writes one record (INSERT INTO ... VALUES).
	Produce(ctx context.Context, r Record) error
	// Start runs a query's topology until it is stopped.
	Start(ctx context.Context, q QuerySpec) (RunningQuery, error)
	// Now is the time of a record inserted without ROWTIME.
	Now() time.Time
}

// ErrNoTopic reports a topic that does not exist.
var ErrNoTopic = errors.New("topic does not exist")

// Record is a serialized record on a topic.
type Record struct {
	Topic      string
	Key, Value []byte // a nil Value is a tombstone
	// Timestamp is the event time in milliseconds.
	Timestamp int64
}

// TopicInfo describes a topic for SHOW TOPICS.
type TopicInfo struct {
	Name       string
	Partitions int
}

// QuerySpec is a query for a runtime to run.
type QuerySpec struct {
	// ID identifies the query among those of the engine (the persistent
	// query's id, or a generated one for a push query); runtimes derive
	// application IDs from it.
	ID string
	// Topology is the compiled query.
	Topology *streamlib.Topology
	// OffsetReset is where the query starts reading its source topics:
	// "earliest" or "latest".
	OffsetReset string
	// Transient is set for push queries, which leave no trace behind.
	Transient bool
	// OnError receives the records the query skips because they cannot
	// be read (a value that is not JSON, say).
	OnError func(err error)
}

// RunningQuery is a query a runtime started.
type RunningQuery interface {
	// Store returns a result store of the query (plan.Plan.Store) for pull
	// queries.
	Store(name string) (store.ReadOnlyKeyValueStore[plan.Row, plan.Row], error)
	// Done is closed when the query has stopped: after Stop, or when it
	// failed.
	Done() <-chan struct{}
	// Err returns the error that stopped the query, or nil while it runs
	// (or after Stop).
	Err() error
	// Stop stops the query and releases what it holds. It may be called
	// more than once.
	Stop() error
}
