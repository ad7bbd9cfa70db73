package kafka

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/IBM/sarama"
)

// Guarantee is the processing guarantee of an application.
type Guarantee int

const (
	// AtLeastOnce commits input offsets only after every record produced
	// before them is acknowledged by the brokers. After a crash the records
	// since the last commit are processed again: outputs and store updates
	// may be duplicated, never lost.
	AtLeastOnce Guarantee = iota
	// ExactlyOnce writes outputs, changelog records and input offsets in one
	// Kafka transaction per commit, with one transactional producer per
	// processing goroutine. Consumers reading the outputs with isolation
	// level read_committed see every result exactly once, even across
	// crashes. It needs brokers of version 2.5 or later.
	ExactlyOnce
)

// String returns "at-least-once" or "exactly-once".
func (g Guarantee) String() string {
	switch g {
	case AtLeastOnce:
		return "at-least-once"
	case ExactlyOnce:
		return "exactly-once"
	}
	return fmt.Sprintf("Guarantee(%d)", int(g))
}

// OffsetReset says where the application starts reading a source partition
// for which its consumer group has no committed offset.
type OffsetReset string

const (
	// Earliest starts at the oldest record still in the partition.
	Earliest OffsetReset = "earliest"
	// Latest starts after the newest record: only new records are read.
	Latest OffsetReset = "latest"
)

// Defaults of Config fields left zero.
const (
	// DefaultCommitIntervalAtLeastOnce is the commit interval under
	// AtLeastOnce, as in Kafka Streams.
	DefaultCommitIntervalAtLeastOnce = 30 * time.Second
	// DefaultCommitIntervalExactlyOnce is the commit interval under
	// ExactlyOnce: outputs become visible to read_committed consumers when
	// their transaction commits, so it is short.
	DefaultCommitIntervalExactlyOnce = 100 * time.Millisecond
)

// SASL holds SASL authentication settings, passed to sarama.
type SASL struct {
	// Mechanism is sarama.SASLTypePlaintext ("PLAIN", the default),
	// sarama.SASLTypeSCRAMSHA256 or sarama.SASLTypeSCRAMSHA512.
	Mechanism string
	// User and Password are the credentials.
	User, Password string
	// SCRAMClient makes the client side of a SCRAM conversation. sarama has
	// none built in; it is required for the SCRAM mechanisms (for example
	// a wrapper of github.com/xdg-go/scram).
	SCRAMClient func() sarama.SCRAMClient
}

// Config configures an Application. ApplicationID and BootstrapServers are
// required; every other field has a documented default.
type Config struct {
	// ApplicationID names the application. It is the consumer group ID, the
	// prefix of every internal topic (<id>-<store>-changelog,
	// <id>-<name>-repartition), of transactional IDs, and the folder of the
	// application's state under StateDir. Instances of one application
	// share it; two applications must not.
	ApplicationID string
	// BootstrapServers lists host:port addresses of brokers.
	BootstrapServers []string
	// StateDir is where persistent stores and checkpoints live, in
	// StateDir/<application id>/<task id>. Two instances on one machine
	// need different directories. Default: <os temp dir>/streamlib.
	StateDir string
	// Goroutines is the number of processing goroutines, each a member of
	// the consumer group with its own tasks (and, under ExactlyOnce, its own
	// transactional producer). Default 1.
	Goroutines int
	// Guarantee is AtLeastOnce (the default) or ExactlyOnce.
	Guarantee Guarantee
	// CommitInterval is how often input offsets are committed (with the
	// transaction under ExactlyOnce). Default
	// DefaultCommitIntervalAtLeastOnce or DefaultCommitIntervalExactlyOnce.
	CommitInterval time.Duration
	// AutoOffsetReset applies to partitions without a committed offset.
	// Default Earliest.
	AutoOffsetReset OffsetReset
	// ApplicationServer is the host:port at which this instance answers
	// interactive queries (see Application.ServeKey). Every instance
	// publishes it through the group protocol, so any instance can tell
	// which one holds a key. Empty means this instance takes no part in
	// forwarding.
	ApplicationServer string
	// InstanceID identifies this instance across restarts; it is part of
	// the transactional IDs, so a restarted instance fences its previous
	// incarnation at once instead of waiting for its transactions to time
	// out. Default: derived from ApplicationServer, or from the host name
	// and the absolute state directory.
	InstanceID string
	// ReplicationFactor of the internal topics the application creates.
	// Default (0): the broker's default.
	ReplicationFactor int16
	// ClientID is sarama's client ID. Default: the application ID.
	ClientID string
	// TLS, when set, encrypts connections to the brokers.
	TLS *tls.Config
	// SASL, when set, authenticates to the brokers.
	SASL *SASL
	// Sarama, when set, is called last on every sarama configuration the
	// application makes (consumers, producers, admin), for settings this
	// struct does not cover: the protocol version, timeouts, fetch sizes.
	// Settings the guarantees depend on (isolation level, idempotence,
	// transactional IDs, manual commits) are applied after it.
	Sarama func(*sarama.Config)
	// OnDeserializationError decides about records that cannot be
	// deserialized. Default LogAndFail.
	OnDeserializationError DeserializationHandler
	// OnProductionError decides about records the brokers refuse. Default
	// FailOnProductionError. Under ExactlyOnce every production error fails
	// the application, since it aborts the transaction.
	OnProductionError ProductionHandler
	// StateListener, when set, is called on every state change, from the
	// goroutine that makes it. It must return quickly.
	StateListener func(newState, oldState State)
	// Logger receives the application's logs. Default: discarded.
	Logger *slog.Logger
	// QueryClient forwards interactive queries to other instances.
	// Default: a client with a 10 s timeout.
	QueryClient *http.Client
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// withDefaults validates c and returns a copy with defaults applied.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.ApplicationID == "" {
		errs = append(errs, errors.New("ApplicationID is required"))
	} else if !validName.MatchString(c.ApplicationID) {
		errs = append(errs, fmt.Errorf("ApplicationID %q: use only letters, digits, '.', '_' and '-' (it prefixes topic names)", c.ApplicationID))
	}
	var servers []string
	for _, s := range c.BootstrapServers {
		for part := range strings.SplitSeq(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				servers = append(servers, part)
			}
		}
	}
	if len(servers) == 0 {
		errs = append(errs, errors.New("BootstrapServers is required"))
	}
	c.BootstrapServers = servers
	if c.Goroutines < 0 {
		errs = append(errs, fmt.Errorf("field Goroutines is %d, need at least 1", c.Goroutines))
	}
	if c.Goroutines == 0 {
		c.Goroutines = 1
	}
	if c.Guarantee != AtLeastOnce && c.Guarantee != ExactlyOnce {
		errs = append(errs, fmt.Errorf("unknown Guarantee %d", int(c.Guarantee)))
	}
	if c.CommitInterval < 0 {
		errs = append(errs, fmt.Errorf("CommitInterval %v is negative", c.CommitInterval))
	}
	if c.CommitInterval == 0 {
		c.CommitInterval = DefaultCommitIntervalAtLeastOnce
		if c.Guarantee == ExactlyOnce {
			c.CommitInterval = DefaultCommitIntervalExactlyOnce
		}
	}
	switch c.AutoOffsetReset {
	case "":
		c.AutoOffsetReset = Earliest
	case Earliest, Latest:
	default:
		errs = append(errs, fmt.Errorf("AutoOffsetReset %q: use %q or %q", c.AutoOffsetReset, Earliest, Latest))
	}
	if c.ApplicationServer != "" {
		if _, _, err := net.SplitHostPort(c.ApplicationServer); err != nil {
			errs = append(errs, fmt.Errorf("ApplicationServer %q is not host:port: %w", c.ApplicationServer, err))
		}
	}
	if c.SASL != nil {
		switch c.SASL.Mechanism {
		case "", sarama.SASLTypePlaintext:
		case sarama.SASLTypeSCRAMSHA256, sarama.SASLTypeSCRAMSHA512:
			if c.SASL.SCRAMClient == nil {
				errs = append(errs, fmt.Errorf("SASL mechanism %s needs SASL.SCRAMClient", c.SASL.Mechanism))
			}
		default:
			errs = append(errs, fmt.Errorf("SASL mechanism %q is not supported here; set it through Config.Sarama", c.SASL.Mechanism))
		}
	}
	if c.StateDir == "" {
		c.StateDir = filepath.Join(os.TempDir(), "streamlib")
	}
	abs, err := filepath.Abs(c.StateDir)
	if err != nil {
		errs = append(errs, fmt.Errorf("StateDir %q: %w", c.StateDir, err))
	}
	c.StateDir = abs
	if c.ClientID == "" {
		c.ClientID = c.ApplicationID
	}
	if c.InstanceID == "" {
		c.InstanceID = defaultInstanceID(c)
	} else if !validName.MatchString(c.InstanceID) {
		errs = append(errs, fmt.Errorf("InstanceID %q: use only letters, digits, '.', '_' and '-'", c.InstanceID))
	}
	if c.OnDeserializationError == nil {
		c.OnDeserializationError = LogAndFail
	}
	if c.OnProductionError == nil {
		c.OnProductionError = FailOnProductionError
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.QueryClient == nil {
		c.QueryClient = &http.Client{Timeout: 10 * time.Second}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("kafka: invalid config: %w", errors.Join(errs...))
	}
	return c, nil
}

// defaultInstanceID is stable across restarts of one instance and differs
// between instances that do not share a state directory.
func defaultInstanceID(c Config) string {
	src := c.ApplicationServer
	if src == "" {
		host, _ := os.Hostname()
		src = host + "|" + c.StateDir
	}
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:6])
}

// saramaConfig returns the base client configuration: protocol version,
// security, client ID, then the user's hook.
func (c Config) saramaConfig() *sarama.Config {
	sc := sarama.NewConfig()
	sc.Version = sarama.V4_0_0_0
	sc.ClientID = c.ClientID
	sc.Metadata.Retry.Backoff = 100 * time.Millisecond
	sc.Consumer.MaxWaitTime = 100 * time.Millisecond
	sc.Consumer.Return.Errors = true
	sc.Consumer.Group.Heartbeat.Interval = time.Second
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	if c.TLS != nil {
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = c.TLS
	}
	if c.SASL != nil {
		sc.Net.SASL.Enable = true
		sc.Net.SASL.User = c.SASL.User
		sc.Net.SASL.Password = c.SASL.Password
		sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		if c.SASL.Mechanism != "" {
			sc.Net.SASL.Mechanism = sarama.SASLMechanism(c.SASL.Mechanism)
		}
		if c.SASL.SCRAMClient != nil {
			sc.Net.SASL.SCRAMClientGeneratorFunc = c.SASL.SCRAMClient
		}
	}
	if c.Sarama != nil {
		c.Sarama(sc)
	}
	return sc
}

// isolation is the isolation level of every reader of the application.
func (c Config) isolation() sarama.IsolationLevel {
	if c.Guarantee == ExactlyOnce {
		return sarama.ReadCommitted
	}
	return sarama.ReadUncommitted
}

// transactionalID is stable per application, instance and goroutine.
func (c Config) transactionalID(thread int) string {
	return fmt.Sprintf("%s-%s-%d", c.ApplicationID, c.InstanceID, thread)
}
