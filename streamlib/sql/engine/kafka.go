package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// KafkaConfig configures a KafkaRuntime.
type KafkaConfig struct {
	// BootstrapServers lists host:port addresses of brokers. Required.
	BootstrapServers []string
	// ServiceID prefixes the application IDs of the queries: a persistent
	// query runs as <ServiceID>query_<query id>, so an engine restarted
	// with the same statements resumes where its queries stopped. Default
	// "streamsql_".
	ServiceID string
	// StateDir is where the queries keep their state. Default: a
	// "streamsql" folder in the temporary directory.
	StateDir string
	// Sarama, when set, is called on every sarama configuration (admin,
	// producer and the queries'), for TLS, SASL, versions and timeouts.
	Sarama func(*sarama.Config)
	// App, when set, is called on the configuration of every query's
	// application before it starts (guarantees, commit interval...).
	App func(*kafka.Config)
	// Logger receives the runtime's and the queries' logs. Default:
	// discarded.
	Logger *slog.Logger
}

// KafkaRuntime runs an engine's queries on a Kafka cluster, each as a
// streamlib/kafka application, and produces and administers topics with
// sarama. Records are partitioned by murmur2 of their key bytes, as the
// queries and Java clients expect.
type KafkaRuntime struct {
	cfg      KafkaConfig
	client   sarama.Client
	admin    sarama.ClusterAdmin
	producer sarama.SyncProducer
	seq      atomic.Int64
}

// NewKafkaRuntime connects to the cluster.
func NewKafkaRuntime(cfg KafkaConfig) (*KafkaRuntime, error) {
	if len(cfg.BootstrapServers) == 0 {
		return nil, errors.New("engine: KafkaConfig.BootstrapServers is required")
	}
	if cfg.ServiceID == "" {
		cfg.ServiceID = "streamsql_"
	}
	if cfg.StateDir == "" {
		cfg.StateDir = filepath.Join(os.TempDir(), "streamsql")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	sc := sarama.NewConfig()
	sc.Version = sarama.V2_8_0_0
	sc.ClientID = strings.TrimSuffix(cfg.ServiceID, "_") + "-engine"
	sc.Producer.Return.Successes = true
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Partitioner = sarama.NewMurmur2Partitioner
	if cfg.Sarama != nil {
		cfg.Sarama(sc)
	}
	client, err := sarama.NewClient(cfg.BootstrapServers, sc)
	if err != nil {
		return nil, fmt.Errorf("engine: connect to %v: %w", cfg.BootstrapServers, err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("engine: cluster admin: %w", err)
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("engine: producer: %w", err)
	}
	return &KafkaRuntime{cfg: cfg, client: client, admin: admin, producer: producer}, nil
}

// Close disconnects from the cluster. Stop the engine's queries first
// (Engine.Close).
func (k *KafkaRuntime) Close() error {
	return errors.Join(k.producer.Close(), k.client.Close())
}

// Now implements Runtime.
func (k *KafkaRuntime) Now() time.Time { return time.Now() }

// EnsureTopic implements Runtime.
func (k *KafkaRuntime) EnsureTopic(ctx context.Context, topic string, partitions, replicas int) (int, error) {
	n, ok, err := k.partitions(topic)
	if err != nil || ok {
		return n, err
	}
	if partitions <= 0 {
		return 0, fmt.Errorf("%s: %w", topic, ErrNoTopic)
	}
	rf := int16(-1)
	if replicas > 0 {
		rf = int16(replicas)
	}
	err = k.admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: int32(partitions), ReplicationFactor: rf}, false)
	if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		return 0, fmt.Errorf("create topic %s: %w", topic, err)
	}
	// Wait until the brokers know it, so queries and producers find it.
	for {
		n, ok, err := k.partitions(topic)
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("create topic %s: %w", topic, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (k *KafkaRuntime) partitions(topic string) (int, bool, error) {
	md, err := k.admin.DescribeTopics([]string{topic})
	if err != nil {
		return 0, false, fmt.Errorf("describe topic %s: %w", topic, err)
	}
	for _, t := range md {
		if t.Name != topic {
			continue
		}
		if errors.Is(t.Err, sarama.ErrUnknownTopicOrPartition) {
			return 0, false, nil
		}
		if t.Err != sarama.ErrNoError {
			return 0, false, fmt.Errorf("describe topic %s: %w", topic, t.Err)
		}
		return len(t.Partitions), len(t.Partitions) > 0, nil
	}
	return 0, false, nil
}

// DeleteTopic implements Runtime.
func (k *KafkaRuntime) DeleteTopic(_ context.Context, topic string) error {
	if err := k.admin.DeleteTopic(topic); err != nil {
		return fmt.Errorf("delete topic %s: %w", topic, err)
	}
	return nil
}

// Topics implements Runtime. Internal topics of the queries are left out.
func (k *KafkaRuntime) Topics(context.Context) ([]TopicInfo, error) {
	ts, err := k.admin.ListTopics()
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	out := make([]TopicInfo, 0, len(ts))
	for name, d := range ts {
		if strings.HasPrefix(name, k.cfg.ServiceID+"query_") || strings.HasPrefix(name, "__") {
			continue
		}
		out = append(out, TopicInfo{Name: name, Partitions: int(d.NumPartitions)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Produce implements Runtime.
func (k *KafkaRuntime) Produce(_ context.Context, r Record) error {
	msg := &sarama.ProducerMessage{Topic: r.Topic, Timestamp: time.UnixMilli(r.Timestamp)}
	if r.Key != nil {
		msg.Key = sarama.ByteEncoder(r.Key)
	}
	if r.Value != nil {
		msg.Value = sarama.ByteEncoder(r.Value)
	}
	if _, _, err := k.producer.SendMessage(msg); err != nil {
		return fmt.Errorf("produce to %s: %w", r.Topic, err)
	}
	return nil
}

// Start implements Runtime: the query becomes a streamlib/kafka
// application. It returns once the application has its partitions.
func (k *KafkaRuntime) Start(ctx context.Context, spec QuerySpec) (RunningQuery, error) {
	appID := k.cfg.ServiceID + "query_" + spec.ID
	if spec.Transient {
		// A push query never resumes: a fresh group every time.
		appID = fmt.Sprintf("%s_%d_%d", appID, time.Now().UnixNano(), k.seq.Add(1))
	}
	onErr := spec.OnError
	if onErr == nil {
		onErr = func(error) {}
	}
	reset := kafka.Latest
	if spec.OffsetReset == "earliest" {
		reset = kafka.Earliest
	}
	kc := kafka.Config{
		ApplicationID:    appID,
		BootstrapServers: k.cfg.BootstrapServers,
		StateDir:         k.cfg.StateDir,
		AutoOffsetReset:  reset,
		Sarama:           k.cfg.Sarama,
		Logger:           k.cfg.Logger.With("query", spec.ID),
		OnDeserializationError: func(_ context.Context, _ kafka.FailureContext, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
			onErr(fmt.Errorf("skipped the record at %s/%d@%d: %w", raw.Topic, raw.Partition, raw.Offset, err))
			return streamlib.ContinueOnError
		},
	}
	if spec.Transient {
		kc.CommitInterval = time.Second
	}
	if k.cfg.App != nil {
		k.cfg.App(&kc)
	}
	app, err := kafka.New(spec.Topology, kc)
	if err != nil {
		return nil, err
	}
	// The application outlives this call: it runs until Stop.
	if err := app.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	if err := app.WaitRunning(ctx); err != nil {
		_ = app.Close()
		return nil, fmt.Errorf("query %s did not start: %w", spec.ID, err)
	}
	return &kafkaQuery{rt: k, app: app, appID: appID, transient: spec.Transient}, nil
}

// kafkaQuery is a query running as an application on the cluster.
type kafkaQuery struct {
	rt        *KafkaRuntime
	app       *kafka.Application
	appID     string
	transient bool
	once      sync.Once
	stopErr   error
}

func (q *kafkaQuery) Done() <-chan struct{} { return q.app.Done() }

func (q *kafkaQuery) Err() error { return q.app.Err() }

func (q *kafkaQuery) Store(name string) (store.ReadOnlyKeyValueStore[plan.Row, plan.Row], error) {
	return kafka.KeyValueStore[plan.Row, plan.Row](q.app, name)
}

// Stop closes the application; a push query's internal topics are
// deleted too.
func (q *kafkaQuery) Stop() error {
	q.once.Do(func() {
		q.stopErr = q.app.Close()
		if q.transient {
			q.stopErr = errors.Join(q.stopErr, q.rt.deleteInternalTopics(q.appID))
		}
	})
	return q.stopErr
}

func (k *KafkaRuntime) deleteInternalTopics(appID string) error {
	ts, err := k.admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var errs []error
	for name := range ts {
		if strings.HasPrefix(name, appID+"-") {
			if err := k.admin.DeleteTopic(name); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				errs = append(errs, fmt.Errorf("delete %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}
