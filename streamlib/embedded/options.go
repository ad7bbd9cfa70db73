package embedded

import (
	"fmt"
	"log/slog"
)

// Defaults used when no option overrides them.
const (
	// DefaultBrokers is the number of brokers Start runs when WithBrokers
	// and WithPorts are not given. One broker is enough for every client
	// feature (transactions, groups, read_committed) and keeps the
	// cluster cheap.
	DefaultBrokers = 1
	// DefaultPartitions is the partition count of topics created
	// without an explicit count: auto-created topics and CreateTopic
	// with a count below 1. Three partitions are enough to show how
	// keys spread and how a consumer group shares work.
	DefaultPartitions int32 = 3
)

// Option configures a cluster started by Start.
type Option func(*config)

// config holds what the options set. It is built fresh for every Start,
// so two clusters never share settings.
type config struct {
	brokers           int
	brokersSet        bool
	ports             []int
	defaultPartitions int32
	topics            []topicSpec
	logger            *slog.Logger
	dataDir           string
}

type topicSpec struct {
	name       string
	partitions int32
}

func newConfig(opts []Option) (*config, error) {
	cfg := &config{
		brokers:           DefaultBrokers,
		defaultPartitions: DefaultPartitions,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(cfg)
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (cfg *config) validate() error {
	if cfg.brokers < 1 {
		return fmt.Errorf("embedded: %d brokers requested, need at least 1", cfg.brokers)
	}
	if len(cfg.ports) > 0 {
		if cfg.brokersSet && cfg.brokers != len(cfg.ports) {
			return fmt.Errorf("embedded: WithBrokers(%d) conflicts with %d ports from WithPorts", cfg.brokers, len(cfg.ports))
		}
		for _, p := range cfg.ports {
			if p < 0 || p > 65535 {
				return fmt.Errorf("embedded: port %d out of range 0-65535", p)
			}
		}
	}
	if cfg.defaultPartitions < 1 {
		return fmt.Errorf("embedded: default partitions %d, need at least 1", cfg.defaultPartitions)
	}
	for _, t := range cfg.topics {
		if t.name == "" {
			return fmt.Errorf("embedded: WithTopic needs a topic name")
		}
		if t.partitions < 1 {
			return fmt.Errorf("embedded: topic %q: %d partitions, need at least 1", t.name, t.partitions)
		}
	}
	return nil
}

// WithBrokers sets the number of brokers (default DefaultBrokers).
// Partition leadership and group coordinators are spread over them, so
// clients meet the same routing they meet on a real cluster.
func WithBrokers(n int) Option {
	return func(c *config) {
		c.brokers = n
		c.brokersSet = true
	}
}

// WithTopic creates a topic with the given number of partitions before
// Start returns. Give it once per topic.
func WithTopic(name string, partitions int32) Option {
	return func(c *config) {
		c.topics = append(c.topics, topicSpec{name: name, partitions: partitions})
	}
}

// WithPorts makes the brokers listen on the given ports of 127.0.0.1,
// one broker per port; 0 picks a free port. Without it every broker
// listens on a free port. It sets the broker count to len(ports).
func WithPorts(ports ...int) Option {
	return func(c *config) {
		if len(ports) == 0 {
			return
		}
		c.ports = append([]int(nil), ports...)
		if !c.brokersSet {
			c.brokers = len(ports)
		}
	}
}

// WithDefaultPartitions sets the partition count of topics that are
// created without one: topics a client auto-creates by asking for their
// metadata, and CreateTopic with a count below 1 (default
// DefaultPartitions).
func WithDefaultPartitions(n int32) Option {
	return func(c *config) { c.defaultPartitions = n }
}

// WithLogger sends the broker's own log lines to logger. Without it the
// broker is silent; its request-level lines are only useful when
// debugging the protocol.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithDataDir keeps the cluster's logs, committed offsets and transaction
// state in dir (created if needed) instead of in memory only, so a cluster
// started again on the same directory carries on where the last one
// stopped: topics, records and consumer groups survive. The demo uses it
// for a state that outlives the process. Records are written through the
// operating system's cache, as Apache Kafka does by default, so a machine
// crash may lose the newest ones; a clean Close keeps them all.
func WithDataDir(dir string) Option {
	return func(c *config) { c.dataDir = dir }
}
