package harness

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// Settings are the sizes of a benchmark invocation.
type Settings struct {
	// Records is N, the input records of a throughput run.
	Records int64
	// Keys is the number of distinct keys; record seq has key seq % Keys.
	Keys int64
	// Partitions of every topic.
	Partitions int32
	// ValueSize is the size of an input value in bytes.
	ValueSize int
	// LatencyRecords are produced after the throughput part, at
	// LatencyRate records per second, to time each one end to end.
	LatencyRecords int64
	LatencyRate    int64
	// Timeout bounds the wait for one phase's output.
	Timeout time.Duration
	// Base is the event time of input 0 in milliseconds, a whole minute.
	Base int64
}

// Record is one input record.
type Record struct {
	Topic      string
	Key, Value []byte
	// Timestamp in milliseconds: the record's event time.
	Timestamp int64
}

// Producer writes input records with the partitioning the applications
// use (murmur2 of the key, like the Java client), batching as much as it
// can.
type Producer struct {
	ap         sarama.AsyncProducer
	partitions int32
	errs       atomic.Pointer[error]
	acked      atomic.Int64
	sent       int64
	done       chan struct{}
}

// NewProducer starts a producer on env's brokers.
func NewProducer(env *Env) (*Producer, error) {
	c := ClientConfig()
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Flush.Bytes = 256 << 10
	c.Producer.Flush.Frequency = time.Millisecond
	c.ChannelBufferSize = 4096
	ap, err := sarama.NewAsyncProducer(env.Brokers, c)
	if err != nil {
		return nil, fmt.Errorf("input producer: %w", err)
	}
	p := &Producer{ap: ap, partitions: env.Settings.Partitions, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		succ, errs := ap.Successes(), ap.Errors()
		for succ != nil || errs != nil {
			select {
			case _, ok := <-succ:
				if !ok {
					succ = nil
					continue
				}
				p.acked.Add(1)
			case e, ok := <-errs:
				if !ok {
					errs = nil
					continue
				}
				err := fmt.Errorf("produce to %s: %w", e.Msg.Topic, e.Err)
				p.errs.CompareAndSwap(nil, &err)
				p.acked.Add(1)
			}
		}
	}()
	return p, nil
}

// Send hands r to the producer.
func (p *Producer) Send(r Record) {
	p.sent++
	p.ap.Input() <- &sarama.ProducerMessage{
		Topic:     r.Topic,
		Partition: kafka.PartitionForKey(r.Key, p.partitions),
		Key:       sarama.ByteEncoder(r.Key),
		Value:     sarama.ByteEncoder(r.Value),
		Timestamp: time.UnixMilli(r.Timestamp),
	}
}

// Wait blocks until every record sent is acknowledged and returns the
// first production error.
func (p *Producer) Wait(ctx context.Context) error {
	for p.acked.Load() < p.sent {
		if e := p.errs.Load(); e != nil {
			return *e
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	if e := p.errs.Load(); e != nil {
		return *e
	}
	return nil
}

// Close stops the producer.
func (p *Producer) Close() {
	p.ap.AsyncClose()
	<-p.done
}

// Pace sends records from..to-1 of gen at rate records per second,
// storing each record's send time (Unix nanoseconds) in sent[seq-from]
// just before sending it, and returns when all are sent.
func (p *Producer) Pace(ctx context.Context, from, to, rate int64, sent []atomic.Int64, gen func(seq int64) Record) error {
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	seq := from
	for seq < to {
		due := from + int64(time.Since(start).Seconds()*float64(rate))
		for ; seq < to && seq <= due; seq++ {
			r := gen(seq)
			sent[seq-from].Store(time.Now().UnixNano())
			p.Send(r)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}
