package system

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
)

// DefaultPartitions is the partition count of the topics CreateTopics
// makes. The topics the services join by key (orders, order-validations,
// payments, warehouse-inventory) must have equal counts.
const DefaultPartitions = 3

func admin(brokers []string, configure func(*sarama.Config)) (sarama.ClusterAdmin, error) {
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	if configure != nil {
		configure(c)
	}
	a, err := sarama.NewClusterAdmin(brokers, c)
	if err != nil {
		return nil, fmt.Errorf("system: admin client on %v: %w", brokers, err)
	}
	return a, nil
}

// CreateTopics creates every topic of the order system (domain.TopicNames)
// that does not exist yet, with partitions partitions each
// (DefaultPartitions when < 1) and the brokers' default replication.
// configure, when not nil, adjusts the sarama configuration (TLS, SASL).
func CreateTopics(ctx context.Context, brokers []string, configure func(*sarama.Config), partitions int32) error {
	if partitions < 1 {
		partitions = DefaultPartitions
	}
	a, err := admin(brokers, configure)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, name := range domain.TopicNames() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("system: create topic %s: %w", name, err)
		}
		err := a.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: -1}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("system: create topic %s with %d partitions: %w", name, partitions, err)
		}
	}
	return nil
}

// ResetTopics deletes the order system's topics and creates them again,
// empty: what a test needs on a broker that outlives it, since the
// services' topic names are fixed. It waits until the deletion is done.
func ResetTopics(ctx context.Context, brokers []string, configure func(*sarama.Config), partitions int32) error {
	a, err := admin(brokers, configure)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, name := range domain.TopicNames() {
		err := a.DeleteTopic(name)
		if err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("system: delete topic %s: %w", name, err)
		}
	}
	// Deletion finishes in the background: wait until the topics are
	// gone, or "create" would find them still there.
	for {
		topics, err := a.ListTopics()
		if err != nil {
			return fmt.Errorf("system: list topics: %w", err)
		}
		left := 0
		for _, name := range domain.TopicNames() {
			if _, ok := topics[name]; ok {
				left++
			}
		}
		if left == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("system: %d topics still being deleted: %w", left, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	// A topic just deleted may refuse to be created for a moment.
	for {
		err := CreateTopics(ctx, brokers, configure, partitions)
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("system: topics not recreated: %w (last: %w)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
