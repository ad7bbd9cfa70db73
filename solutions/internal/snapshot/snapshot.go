// Package snapshot reads what a topic holds at one moment, for tests and
// tools that check the order system's topics: every committed record from
// the oldest offset up to the end each partition had when the read began.
package snapshot

import (
	"context"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
)

// Record is one record of a topic, decoded.
type Record[K, V any] struct {
	Partition int32
	Offset    int64
	Key       K
	Value     V
	Timestamp time.Time
}

// idleEnd is how long a partition may stay silent, short of its end
// offset, before the rest is taken to be transaction markers or aborted
// records, which a read_committed consumer never sees.
const idleEnd = 500 * time.Millisecond

// Read returns the committed records of t, partition by partition, up to
// the end offsets the partitions had when Read began. configure, when not
// nil, adjusts the sarama configuration (TLS, SASL).
func Read[K, V any](ctx context.Context, brokers []string, t domain.Topic[K, V], configure func(*sarama.Config)) ([]Record[K, V], error) {
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	if configure != nil {
		configure(c)
	}
	c.Consumer.IsolationLevel = sarama.ReadCommitted
	c.Consumer.Return.Errors = true
	// A short fetch wait: closing a partition consumer waits for the
	// fetch in flight.
	c.Consumer.MaxWaitTime = 50 * time.Millisecond
	client, err := sarama.NewClient(brokers, c)
	if err != nil {
		return nil, fmt.Errorf("snapshot: connect to %v: %w", brokers, err)
	}
	defer client.Close()
	parts, err := client.Partitions(t.Name())
	if err != nil {
		return nil, fmt.Errorf("snapshot: partitions of %s: %w", t.Name(), err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, fmt.Errorf("snapshot: consumer of %s: %w", t.Name(), err)
	}
	defer consumer.Close()

	var out []Record[K, V]
	for _, p := range parts {
		end, err := client.GetOffset(t.Name(), p, sarama.OffsetNewest)
		if err != nil {
			return nil, fmt.Errorf("snapshot: end of %s/%d: %w", t.Name(), p, err)
		}
		start, err := client.GetOffset(t.Name(), p, sarama.OffsetOldest)
		if err != nil {
			return nil, fmt.Errorf("snapshot: start of %s/%d: %w", t.Name(), p, err)
		}
		if start >= end {
			continue
		}
		recs, err := readPartition(ctx, consumer, t, p, start, end)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

func readPartition[K, V any](ctx context.Context, consumer sarama.Consumer, t domain.Topic[K, V], p int32, start, end int64) ([]Record[K, V], error) {
	pc, err := consumer.ConsumePartition(t.Name(), p, start)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read %s/%d: %w", t.Name(), p, err)
	}
	defer pc.Close()
	var out []Record[K, V]
	idle := time.NewTimer(idleEnd)
	defer idle.Stop()
	for {
		select {
		case m := <-pc.Messages():
			if m.Offset >= end {
				return out, nil
			}
			k, err := t.KeySerde().Deserialize(m.Key)
			if err != nil {
				return nil, fmt.Errorf("snapshot: key at %s/%d@%d: %w", t.Name(), p, m.Offset, err)
			}
			v, err := t.ValueSerde().Deserialize(m.Value)
			if err != nil {
				return nil, fmt.Errorf("snapshot: value at %s/%d@%d: %w", t.Name(), p, m.Offset, err)
			}
			out = append(out, Record[K, V]{Partition: p, Offset: m.Offset, Key: k, Value: v, Timestamp: m.Timestamp})
			if m.Offset+1 >= end {
				return out, nil
			}
			idle.Reset(idleEnd)
		case err := <-pc.Errors():
			return nil, fmt.Errorf("snapshot: read %s/%d: %w", t.Name(), p, err)
		case <-idle.C:
			return out, nil
		case <-ctx.Done():
			return nil, fmt.Errorf("snapshot: read %s/%d: %w", t.Name(), p, ctx.Err())
		}
	}
}
