package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
)

// thread is one processing goroutine: a member of the application's
// consumer group with its own tasks and producer. Kafka Streams calls it a
// stream thread.
//
// Its goroutine runs sarama's Consume loop, which calls Setup, then
// ConsumeClaim per partition on goroutines of sarama's, then Cleanup, once
// per group generation. Setup starts a session loop that processes the
// records the claims hand over; Cleanup waits for it. tasks, owned,
// current and fatal belong to whichever of these runs (they never run at
// once); the assignment comes from the assignor, under mu.
type thread struct {
	app    *Application
	id     int
	logger *slog.Logger
	client sarama.Client
	group  sarama.ConsumerGroup
	prod   *producer
	topics []string

	mu         sync.Mutex // guards the assignment, set by the assignor
	assigned   []streamlib.TaskID
	instance   []streamlib.TaskID // tasks of every goroutine of this instance
	generation int32

	// tasks are the tasks of the current generation; between generations
	// they wait in the application's pool of suspended tasks, from which
	// any goroutine of this instance may take them. owned lists them for
	// the next join.
	tasks   map[streamlib.TaskID]*task
	owned   []streamlib.TaskID
	current *session
	fatal   error
	// commitFailed is set when a transaction could not be committed: the
	// cluster is unreachable or the producer fenced, and aborting would
	// only retry for as long again. The broker aborts the transaction
	// itself (timeout, or the next producer with this transactional ID).
	commitFailed bool
	lastPurge    time.Time
}

// defaultFetchBytes is the processing consumers' fetch size per
// partition (sarama's Consumer.Fetch.Default).
const defaultFetchBytes = 256 << 10

func newThread(app *Application, id int) (*thread, error) {
	th := &thread{
		app: app, id: id, tasks: map[streamlib.TaskID]*task{},
		logger: app.logger.With("goroutine", id),
	}
	for _, s := range app.plan.subs {
		th.topics = append(th.topics, s.sources...)
	}
	slices.Sort(th.topics)
	th.topics = slices.Compact(th.topics)

	sc := app.cfg.saramaConfig()
	sc.Consumer.Offsets.AutoCommit.Enable = false
	sc.Consumer.IsolationLevel = app.cfg.isolation()
	sc.Consumer.Offsets.Initial = sarama.OffsetOldest
	if app.cfg.AutoOffsetReset == Latest {
		sc.Consumer.Offsets.Initial = sarama.OffsetNewest
	}
	sc.Consumer.Return.Errors = true
	// sarama parses a whole fetch response into messages at once; with
	// its 1 MiB per partition and small records that is tens of thousands
	// of messages per partition waiting in memory. A quarter of it holds
	// a thousand 200-byte records per partition and fetch, enough to keep
	// a goroutine busy, and cuts the peak memory of a count over a
	// million keys from about 190 to 115 MiB (go run ./bench rss).
	// A Sarama hook that set another size keeps it.
	if sc.Consumer.Fetch.Default == sarama.NewConfig().Consumer.Fetch.Default {
		sc.Consumer.Fetch.Default = defaultFetchBytes
	}
	sc.Consumer.Group.Rebalance.Strategy = nil
	sc.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{&assignor{
		subs:     app.plan.subs,
		member:   th.subscription,
		onAssign: th.onAssign,
	}}
	client, err := sarama.NewClient(app.cfg.BootstrapServers, sc)
	if err != nil {
		return nil, fmt.Errorf("client of goroutine %d: %w", id, err)
	}
	group, err := sarama.NewConsumerGroupFromClient(app.cfg.ApplicationID, client)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("consumer group of goroutine %d: %w", id, err)
	}
	txnID := ""
	if app.cfg.Guarantee == ExactlyOnce {
		txnID = app.cfg.transactionalID(id)
	}
	prod, err := newProducer(app.cfg, app.client, txnID, th.logger)
	if err != nil {
		_ = group.Close()
		_ = client.Close()
		return nil, fmt.Errorf("goroutine %d: %w", id, err)
	}
	th.client, th.group, th.prod = client, group, prod
	return th, nil
}

// subscription is what this member tells the leader at each join.
func (th *thread) subscription() subscription {
	sub := subscription{Version: 1, Instance: th.app.cfg.InstanceID, Server: th.app.cfg.ApplicationServer, Thread: th.id}
	// Called by sarama on this thread's goroutine, between sessions.
	sub.Owned = taskStrings(th.owned)
	slices.Sort(sub.Owned)
	sub.State = tasksWithState(th.app.appDir)
	return sub
}

// onAssign receives this member's tasks and the group's task map.
func (th *thread) onAssign(a assignment, generation int32) {
	ids := taskIDs(a.Tasks)
	slices.SortFunc(ids, compareTaskIDs)
	th.mu.Lock()
	th.assigned, th.instance, th.generation = ids, taskIDs(a.Instance), generation
	th.mu.Unlock()
	th.app.setHosts(a.Hosts, generation)
}

// run is the goroutine of the thread. It returns when ctx is done or the
// thread failed, after closing its tasks, producer and group membership.
func (th *thread) run(ctx context.Context) error {
	defer th.shutdown()
	backoff := 100 * time.Millisecond
	for {
		err := th.group.Consume(ctx, th.topics, th)
		if th.fatal != nil {
			return th.fatal
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if fatalGroupError(err) {
				return th.fail(fmt.Errorf("goroutine %d: consumer group %s: %w", th.id, th.app.cfg.ApplicationID, err))
			}
			th.logger.Warn("consumer group session failed, rejoining", "error", err, "backoff", backoff)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
	}
}

// fatalGroupError reports errors of the consumer group that retrying
// cannot fix: the application is not allowed in, or the group is used by
// consumers that are not this application.
func fatalGroupError(err error) bool {
	for _, e := range []error{
		sarama.ErrClosedConsumerGroup, sarama.ErrGroupAuthorizationFailed, sarama.ErrTopicAuthorizationFailed,
		sarama.ErrInconsistentGroupProtocol, sarama.ErrInvalidGroupId, sarama.ErrUnsupportedVersion,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ce sarama.ConfigurationError
	return errors.As(err, &ce)
}

// drainErrors logs the consumer group's asynchronous errors (failed
// offset commits, fetch errors) until the group is closed.
func (th *thread) drainErrors() {
	for err := range th.group.Errors() {
		th.logger.Warn("consumer group error", "error", err)
	}
}

// shutdown closes tasks (cleanly unless the thread failed), the producer,
// and leaves the group.
func (th *thread) shutdown() {
	clean := th.fatal == nil
	if !clean && th.app.cfg.Guarantee == ExactlyOnce && !th.commitFailed {
		if err := th.prod.abort(); err != nil {
			th.logger.Warn("abort transaction", "error", err)
		}
	}
	for _, id := range slices.SortedFunc(maps.Keys(th.tasks), compareTaskIDs) {
		th.closeTask(th.tasks[id], clean)
	}
	th.prod.close()
	if err := th.group.Close(); err != nil {
		th.logger.Warn("leave consumer group", "error", err)
	}
	if err := th.client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
		th.logger.Warn("close client", "error", err)
	}
}

func (th *thread) closeTask(t *task, clean bool) {
	if err := t.close(clean); err != nil {
		th.logger.Warn("close task", "task", t.id.String(), "error", err)
	}
	th.app.unregisterTask(t)
	delete(th.tasks, t.id)
}

// fail records the thread's fatal error and stops the application.
func (th *thread) fail(err error) error {
	if th.fatal == nil {
		th.fatal = err
	}
	th.app.fail(err)
	return err
}

// Setup implements sarama.ConsumerGroupHandler: it closes the tasks this
// member lost, builds the new ones, restores their stores, and starts
// processing.
func (th *thread) Setup(sess sarama.ConsumerGroupSession) error {
	th.app.threadState(th.id, false)
	th.app.rebalances.Add(1)
	th.mu.Lock()
	assigned, instance, gen := th.assigned, th.instance, th.generation
	th.mu.Unlock()
	if gen != sess.GenerationID() {
		return fmt.Errorf("goroutine %d: assignment of generation %d, session of generation %d", th.id, gen, sess.GenerationID())
	}
	th.owned = assigned
	// Suspended tasks that no goroutine of this instance runs any more are
	// closed; those that one does wait for it in the pool.
	for _, t := range th.app.unparkUnless(instance) {
		th.closeTask(t, true)
	}
	var active []*task
	for _, id := range assigned {
		t, ok := th.tasks[id]
		if !ok {
			t = th.app.unpark(id)
		}
		if t != nil {
			t.adopt(th)
			th.tasks[id] = t
			if err := t.resume(); err != nil {
				return th.fail(err)
			}
		} else {
			var err error
			if t, err = th.newTask(id); err != nil {
				return th.fail(fmt.Errorf("goroutine %d: %w", th.id, err))
			}
			th.tasks[id] = t
		}
		active = append(active, t)
	}
	if err := th.restore(sess.Context(), active); err != nil {
		if sess.Context().Err() != nil {
			return nil // a new rebalance began; the session ends at once
		}
		return th.fail(fmt.Errorf("goroutine %d: %w", th.id, err))
	}
	for _, t := range active {
		th.app.registerTask(t)
	}
	s := &session{th: th, sess: sess, in: make(chan *sarama.ConsumerMessage, 1024), done: make(chan struct{}), byTP: map[tp]*task{}, tasks: active}
	for _, t := range active {
		for _, src := range th.app.plan.bySub[t.id.Subtopology].sources {
			s.byTP[tp{src, t.id.Partition}] = t
		}
	}
	th.current = s
	go s.run()
	th.logger.Info("tasks assigned", "generation", gen, "tasks", taskStrings(assigned))
	th.app.threadState(th.id, true)
	return nil
}

// ConsumeClaim implements sarama.ConsumerGroupHandler: it hands the
// partition's records to the session loop.
func (th *thread) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	s := th.current
	if s == nil {
		return nil
	}
	ctx := sess.Context()
	for {
		select {
		case m, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			select {
			case s.in <- m:
			case <-s.done:
				return nil
			case <-ctx.Done():
				return nil
			}
		case <-s.done:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// Cleanup implements sarama.ConsumerGroupHandler: it waits for the session
// loop, which commits before it returns, then suspends the tasks.
func (th *thread) Cleanup(sarama.ConsumerGroupSession) error {
	th.app.threadState(th.id, false)
	s := th.current
	th.current = nil
	if s == nil {
		th.park() // a restore was interrupted: nothing ran, nothing to commit
		return nil
	}
	<-s.done
	if errors.Is(s.err, errTasksMigrated) {
		th.logger.Warn("dropping tasks that moved to another member; rejoining", "error", s.err)
		if err := th.prod.abort(); err != nil {
			return th.fail(fmt.Errorf("goroutine %d: after losing its tasks: %w", th.id, err))
		}
		for _, id := range slices.SortedFunc(maps.Keys(th.tasks), compareTaskIDs) {
			th.closeTask(th.tasks[id], false)
		}
		return nil
	}
	if s.err != nil {
		return th.fail(s.err)
	}
	for _, t := range s.tasks {
		if err := t.suspend(); err != nil {
			return th.fail(err)
		}
	}
	th.park()
	return nil
}

// park hands the thread's tasks to the application's pool of suspended
// tasks, where the goroutine of this instance they are assigned to next
// (this one or another) finds them.
func (th *thread) park() {
	th.app.park(slices.Collect(maps.Values(th.tasks)))
	clear(th.tasks)
}
