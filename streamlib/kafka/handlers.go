package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// FailureContext is what an error handler may use besides the failed
// record: the task it happened in, the task's logger, and the task's
// producer.
type FailureContext struct {
	// Task is the task that met the record; {-1, -1} for global tables.
	Task streamlib.TaskID
	// Logger is the task's logger.
	Logger  *slog.Logger
	produce func(ctx context.Context, r streamlib.OutgoingRecord) error
}

// Produce writes r through the task's producer: inside the running
// transaction under ExactlyOnce, acknowledged before the next offset commit
// under AtLeastOnce. A record without a partitioner goes to the partition
// of its key. For records of global tables, which are read outside any
// transaction, Produce waits until the brokers acknowledged r.
func (fc FailureContext) Produce(ctx context.Context, r streamlib.OutgoingRecord) error {
	if fc.produce == nil {
		return errors.New("kafka: no producer in this failure context")
	}
	return fc.produce(ctx, r)
}

// DeserializationHandler decides what happens to a record whose key or
// value cannot be deserialized (a poison pill). err is a *serde.Error
// naming the record's topic, partition and offset. Returning
// streamlib.ContinueOnError skips the record, which is counted in the
// metrics as dropped for reason "deserialization"; streamlib.FailOnError
// stops the application with err.
type DeserializationHandler func(ctx context.Context, fc FailureContext, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction

// LogAndContinue logs a poison pill at warning level and skips it.
func LogAndContinue(_ context.Context, fc FailureContext, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
	fc.Logger.Warn("skipping a record that cannot be deserialized",
		"topic", raw.Topic, "partition", raw.Partition, "offset", raw.Offset, "error", err)
	return streamlib.ContinueOnError
}

// LogAndFail logs a poison pill at error level and stops the application
// with the deserialization error. It is the default.
func LogAndFail(_ context.Context, fc FailureContext, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
	fc.Logger.Error("stopping at a record that cannot be deserialized",
		"topic", raw.Topic, "partition", raw.Partition, "offset", raw.Offset, "error", err)
	return streamlib.FailOnError
}

// Headers DeadLetterTopic adds to a dead-lettered record, after the
// record's own headers.
const (
	HeaderError     = "streamlib.error"           // the error message
	HeaderErrorSide = "streamlib.error.side"      // "key" or "value"
	HeaderTopic     = "streamlib.error.topic"     // where the record was read
	HeaderPartition = "streamlib.error.partition" // decimal
	HeaderOffset    = "streamlib.error.offset"    // decimal
	HeaderTask      = "streamlib.error.task"      // the task that read it, e.g. "0_2"
)

// DeadLetterTopic returns a handler that writes each poison pill, key and
// value bytes unchanged, to topic (which must exist), with headers naming
// the error and the record's origin (HeaderError and the others), then
// skips it. Under ExactlyOnce the dead letter of a task's record is part
// of the transaction that moves the input offset past the pill. If the
// write fails, the application stops.
func DeadLetterTopic(topic string) DeserializationHandler {
	return func(ctx context.Context, fc FailureContext, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
		headers := raw.Headers.
			Add(HeaderError, []byte(err.Error())).
			Add(HeaderTopic, []byte(raw.Topic)).
			Add(HeaderPartition, []byte(strconv.Itoa(int(raw.Partition)))).
			Add(HeaderOffset, []byte(strconv.FormatInt(raw.Offset, 10))).
			Add(HeaderTask, []byte(fc.Task.String()))
		var se *serde.Error
		if errors.As(err, &se) {
			headers = headers.Add(HeaderErrorSide, []byte(se.Side))
		}
		out := streamlib.OutgoingRecord{Topic: topic, Key: raw.Key, Value: raw.Value, Timestamp: raw.Timestamp, Headers: headers}
		if perr := fc.Produce(ctx, out); perr != nil {
			fc.Logger.Error("cannot dead-letter a record that cannot be deserialized", "topic", raw.Topic,
				"partition", raw.Partition, "offset", raw.Offset, "dead_letter_topic", topic, "error", perr)
			return streamlib.FailOnError
		}
		fc.Logger.Warn("dead-lettered a record that cannot be deserialized", "topic", raw.Topic,
			"partition", raw.Partition, "offset", raw.Offset, "dead_letter_topic", topic, "error", err)
		return streamlib.ContinueOnError
	}
}

// ProductionAction is what a ProductionHandler decides.
type ProductionAction int

const (
	// FailProduction stops the application with the production error.
	FailProduction ProductionAction = iota
	// ContinueProduction drops the record and goes on; it is counted in
	// the metrics as dropped for reason "production".
	ContinueProduction
)

// ProductionHandler decides about a record the brokers refused (too large,
// not authorized, the topic does not exist...) after the producer's own
// retries. It runs on the producer's goroutine. Under ExactlyOnce the
// application fails whatever it returns: the transaction is lost.
type ProductionHandler func(r *streamlib.OutgoingRecord, err error) ProductionAction

// FailOnProductionError stops the application. It is the default.
func FailOnProductionError(*streamlib.OutgoingRecord, error) ProductionAction { return FailProduction }

// ContinueOnProductionError drops the record.
func ContinueOnProductionError(*streamlib.OutgoingRecord, error) ProductionAction {
	return ContinueProduction
}

// errProduction wraps a record the brokers refused.
func errProduction(topic string, partition int32, err error) error {
	return fmt.Errorf("produce to %s/%d: %w", topic, partition, err)
}
