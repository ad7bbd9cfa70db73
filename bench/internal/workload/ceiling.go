package workload

import (
	"context"
	"fmt"
	"sync"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

// producerConfig is the producer streamlib/kafka runs (idempotent, acks
// from all in-sync replicas, one request in flight per broker, no
// compression, sarama's batching defaults): the ceiling and goka produce
// with the same, so that no library wins by a cheaper delivery contract.
func producerConfig() *sarama.Config {
	c := harness.ClientConfig()
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Compression = sarama.CompressionNone
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	return c
}

// consumerConfig is the consumer side every implementation shares: read
// from the oldest record, commit by sarama's auto-commit of marked
// offsets.
func consumerConfig() *sarama.Config {
	c := producerConfig()
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	return c
}

// ceilingPipe is a consumer group whose claims hand every record, as it
// is, to an async producer writing the same partition of the output
// topic, and mark it consumed. It does no deserialization and no work:
// it is what any library on sarama can at best reach on this broker.
func ceilingPipe(ctx context.Context, env *harness.Env) (func() error, error) {
	pc := producerConfig()
	pc.Producer.Partitioner = sarama.NewManualPartitioner
	prod, err := sarama.NewAsyncProducer(env.Brokers, pc)
	if err != nil {
		return nil, fmt.Errorf("ceiling producer: %w", err)
	}
	var drain sync.WaitGroup
	var mu sync.Mutex
	var prodErr error
	drain.Go(func() {
		for range prod.Successes() {
		}
	})
	drain.Go(func() {
		for e := range prod.Errors() {
			mu.Lock()
			if prodErr == nil {
				prodErr = e
			}
			mu.Unlock()
		}
	})
	group, err := sarama.NewConsumerGroup(env.Brokers, env.Group("sarama-ceiling"), consumerConfig())
	if err != nil {
		prod.AsyncClose()
		drain.Wait()
		return nil, fmt.Errorf("ceiling consumer group: %w", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	out := env.Topic(topicOut)
	done := make(chan error, 1)
	go func() {
		h := pipe{prod: prod, topic: out}
		var err error
		for cctx.Err() == nil && err == nil {
			err = group.Consume(cctx, []string{env.Topic(topicIn)}, h)
		}
		done <- err
	}()
	return func() error {
		cancel()
		err := <-done
		_ = group.Close()
		prod.AsyncClose()
		drain.Wait()
		if err == nil {
			err = prodErr
		}
		return err
	}, nil
}

type pipe struct {
	prod  sarama.AsyncProducer
	topic string
}

func (pipe) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (pipe) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (p pipe) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		p.prod.Input() <- &sarama.ProducerMessage{
			Topic: p.topic, Partition: m.Partition, Timestamp: m.Timestamp,
			Key: sarama.ByteEncoder(m.Key), Value: sarama.ByteEncoder(m.Value),
		}
		sess.MarkMessage(m, "")
	}
	return nil
}
