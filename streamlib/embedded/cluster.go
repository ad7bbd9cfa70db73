package embedded

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
)

// ErrClosed is returned by CreateTopic once the cluster is closed.
var ErrClosed = errors.New("embedded: cluster closed")

// closeWait bounds how long Close waits for the broker to drop its client
// connections. The broker closes them as soon as it stops; the bound only
// matters if that ever breaks, and then Close must still return.
const closeWait = 5 * time.Second

// Cluster is a running in-process Kafka cluster. Its methods are safe for
// concurrent use.
type Cluster struct {
	fake  *kfake.Cluster
	addrs []string
	conns *connTracker

	mu     sync.RWMutex // write-held by Close; read-held around calls into fake
	closed bool
}

// Start runs a new cluster on 127.0.0.1 and returns once it accepts
// connections and every WithTopic topic exists. Close it when done.
//
// Defaults: DefaultBrokers brokers on free ports, topics auto-created on
// first use with DefaultPartitions partitions, no log output.
func Start(ctx context.Context, opts ...Option) (*Cluster, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embedded: start: %w", err)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}

	conns := newConnTracker()
	kopts := []kfake.Opt{
		kfake.NumBrokers(cfg.brokers),
		kfake.DefaultNumPartitions(int(cfg.defaultPartitions)),
		kfake.AllowAutoTopicCreation(), // as a default Apache Kafka broker does
		kfake.ListenFn(conns.listen),
	}
	if len(cfg.ports) > 0 {
		kopts = append(kopts, kfake.Ports(cfg.ports...))
	}
	if cfg.logger != nil {
		kopts = append(kopts, kfake.WithLogger(slogLogger{cfg.logger}))
	}
	if cfg.dataDir != "" {
		kopts = append(kopts, kfake.DataDir(cfg.dataDir))
	}
	fake, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("embedded: start %d broker(s) on ports %v: %w", cfg.brokers, cfg.ports, err)
	}
	c := &Cluster{fake: fake, addrs: fake.ListenAddrs(), conns: conns}

	for _, t := range cfg.topics {
		if err := c.CreateTopic(ctx, t.name, t.partitions); err != nil {
			c.Close()
			return nil, fmt.Errorf("embedded: start: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("embedded: start: %w", err)
	}
	return c, nil
}

// Addrs returns the brokers' addresses as "127.0.0.1:port", ready to use
// as a client's bootstrap list. They stay valid until Close.
func (c *Cluster) Addrs() []string {
	return append([]string(nil), c.addrs...)
}

// CreateTopic creates topic with the given number of partitions; a count
// below 1 means the cluster's default. Creating a topic that exists is not
// an error, whatever its partition count, so tests and demos can call it
// unconditionally. It returns ErrClosed after Close, and ctx's error if ctx
// is done before the topic is created.
func (c *Cluster) CreateTopic(ctx context.Context, name string, partitions int32) error {
	if err := validTopicName(name); err != nil {
		return fmt.Errorf("embedded: create topic: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded: create topic %q: %w", name, err)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return fmt.Errorf("embedded: create topic %q: %w", name, ErrClosed)
	}
	// The fake broker applies admin changes on its own loop; this returns
	// as soon as the loop has run it, which is quick while it is alive.
	err := c.fake.CreateTopic(name, partitions, nil)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("embedded: create topic %q with %d partitions: %w", name, partitions, err)
	}
	return nil
}

// maxTopicName is the longest topic name Apache Kafka accepts.
const maxTopicName = 249

// validTopicName applies Apache Kafka's rules for topic names, which the
// fake broker does not check on its admin path: 1 to 249 characters from
// [a-zA-Z0-9._-], and not "." or "..".
func validTopicName(name string) error {
	switch {
	case name == "":
		return errors.New("empty topic name")
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is reserved", name)
	case len(name) > maxTopicName:
		return fmt.Errorf("topic name of %d characters, at most %d allowed", len(name), maxTopicName)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("topic name %q: character %q not allowed, use [a-zA-Z0-9._-]", name, r)
		}
	}
	return nil
}

// Close stops the brokers and waits until every client connection they
// held is closed. Clients still connected see their connections drop.
// Calling Close more than once is safe.
func (c *Cluster) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	c.fake.Close()
	c.conns.wait(closeWait)
}

// connTracker counts the listeners and connections the brokers hold, so
// Close can wait until the broker has closed all of them.
type connTracker struct {
	mu   sync.Mutex
	open int
	idle chan struct{} // closed when open drops to 0 while wait is waiting
}

func newConnTracker() *connTracker { return &connTracker{} }

func (t *connTracker) add() {
	t.mu.Lock()
	t.open++
	t.mu.Unlock()
}

func (t *connTracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open--
	if t.open == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

func (t *connTracker) listen(network, address string) (net.Listener, error) {
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	t.add()
	return &trackedListener{Listener: ln, t: t}, nil
}

// wait returns once every tracked listener and connection is closed, or
// after d.
func (t *connTracker) wait(d time.Duration) {
	t.mu.Lock()
	if t.open == 0 {
		t.mu.Unlock()
		return
	}
	idle := make(chan struct{})
	t.idle = idle
	t.mu.Unlock()

	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
	case <-timer.C:
	}
}

type trackedListener struct {
	net.Listener
	t    *connTracker
	once sync.Once
}

func (l *trackedListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.t.add()
	return &trackedConn{Conn: conn, t: l.t}, nil
}

func (l *trackedListener) Close() error {
	err := l.Listener.Close()
	l.once.Do(l.t.done)
	return err
}

type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.t.done)
	return err
}
