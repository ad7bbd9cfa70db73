// Package harness is the measuring half of the bench command: the broker a
// run uses, the producer that loads and paces input, the reader that
// watches the output and times it, and the statistics of repeated runs.
// What a workload computes lives in package workload; the harness only
// knows records by their sequence number.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// Broker hands out a fresh topic set for every run: a new in-process
// cluster (Embedded) or a unique suffix on a real cluster (Remote).
type Broker interface {
	// Begin prepares a run and returns its environment.
	Begin(ctx context.Context, s Settings) (*Env, error)
	// Name describes the broker for reports: "embedded (kfake)" or the
	// bootstrap address.
	Name() string
}

// Env is one run: where the broker is, the suffix that makes its topic
// and group names unique, and a state directory of its own.
type Env struct {
	Brokers  []string
	Suffix   string
	StateDir string
	Settings Settings

	admin   sarama.ClusterAdmin
	created []string
	end     func()
}

// Topic returns the run's name for a logical topic name.
func (e *Env) Topic(name string) string { return name + e.Suffix }

// Group returns the run's name for a consumer group or application ID.
func (e *Env) Group(name string) string { return name + e.Suffix }

// ClientConfig is the base sarama configuration every client of a run
// starts from (the bench's own producer and reader, the ceiling, goka):
// the protocol version and fetch settings streamlib uses too.
func ClientConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V4_0_0_0
	c.Consumer.MaxWaitTime = 100 * time.Millisecond
	c.Consumer.Return.Errors = true
	c.Metadata.Retry.Backoff = 100 * time.Millisecond
	return c
}

// CreateTopics creates topics with the run's partition count and waits
// until the cluster's metadata shows them.
func (e *Env) CreateTopics(ctx context.Context, compacted bool, names ...string) error {
	for _, name := range names {
		detail := &sarama.TopicDetail{NumPartitions: e.Settings.Partitions, ReplicationFactor: 1}
		if compacted {
			policy := "compact"
			detail.ConfigEntries = map[string]*string{"cleanup.policy": &policy}
		}
		err := e.admin.CreateTopic(name, detail, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", name, err)
		}
		e.created = append(e.created, name)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		topics, err := e.admin.ListTopics()
		if err == nil {
			missing := 0
			for _, n := range names {
				if d, ok := topics[n]; !ok || d.NumPartitions != e.Settings.Partitions {
					missing++
				}
			}
			if missing == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topics %v not visible after 30s (last error: %v)", names, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ResetTopics deletes fixed-name topics left by an earlier run (the order
// pipeline's domain topics cannot take a suffix) and waits until they are
// gone, so the run starts empty.
func (e *Env) ResetTopics(ctx context.Context, names ...string) error {
	topics, err := e.admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var doomed []string
	for _, n := range names {
		if _, ok := topics[n]; ok {
			doomed = append(doomed, n)
		}
	}
	for _, n := range doomed {
		if err := e.admin.DeleteTopic(n); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("delete topic %s: %w", n, err)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(doomed) > 0 {
		topics, err := e.admin.ListTopics()
		if err == nil {
			doomed = slices.DeleteFunc(doomed, func(n string) bool { _, ok := topics[n]; return !ok })
		}
		if len(doomed) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topics %v still exist 60s after deletion", doomed)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// End releases the run: the embedded cluster stops; on a real cluster the
// run's topics (its own and those the applications created, which carry
// the suffix) are deleted.
func (e *Env) End() {
	if e.end != nil {
		e.end()
	}
	_ = os.RemoveAll(e.StateDir)
}

func newEnv(addrs []string, suffix string, s Settings) (*Env, error) {
	admin, err := sarama.NewClusterAdmin(addrs, ClientConfig())
	if err != nil {
		return nil, fmt.Errorf("admin client for %v: %w", addrs, err)
	}
	dir, err := os.MkdirTemp("", "streamlib-bench-")
	if err != nil {
		_ = admin.Close()
		return nil, err
	}
	return &Env{Brokers: addrs, Suffix: suffix, StateDir: dir, Settings: s, admin: admin}, nil
}

// Embedded starts a new in-process kfake cluster for every run: nothing
// of an earlier run (records held in memory, groups) is left around.
type Embedded struct{}

// Name implements Broker.
func (Embedded) Name() string { return "embedded (kfake, in-process)" }

// Begin implements Broker.
func (Embedded) Begin(ctx context.Context, s Settings) (*Env, error) {
	c, err := embedded.Start(ctx, embedded.WithDefaultPartitions(s.Partitions))
	if err != nil {
		return nil, err
	}
	env, err := newEnv(c.Addrs(), "", s)
	if err != nil {
		c.Close()
		return nil, err
	}
	env.end = func() {
		_ = env.admin.Close()
		c.Close()
	}
	return env, nil
}

// Remote is a real cluster; every run gets topic and group names with a
// suffix of its own.
type Remote struct {
	Addrs []string
	runs  atomic.Int64
}

// Name implements Broker.
func (r *Remote) Name() string { return "Apache Kafka at " + strings.Join(r.Addrs, ",") }

// Begin implements Broker.
func (r *Remote) Begin(_ context.Context, s Settings) (*Env, error) {
	suffix := fmt.Sprintf("-b%x-%d", time.Now().Unix()&0xffffff, r.runs.Add(1))
	env, err := newEnv(r.Addrs, suffix, s)
	if err != nil {
		return nil, err
	}
	env.end = func() {
		defer func() { _ = env.admin.Close() }()
		topics, err := env.admin.ListTopics()
		if err != nil {
			return
		}
		for name := range topics {
			if strings.Contains(name, suffix) || slices.Contains(env.created, name) {
				_ = env.admin.DeleteTopic(name)
			}
		}
		groups, err := env.admin.ListConsumerGroups()
		if err != nil {
			return
		}
		for g := range groups {
			if strings.HasSuffix(g, suffix) {
				_ = env.admin.DeleteConsumerGroup(g)
			}
		}
	}
	return env, nil
}
