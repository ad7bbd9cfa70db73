package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// Sentinel errors of the application's lifecycle.
var (
	// ErrNotRunning is returned by queries and WaitRunning when the
	// application is not (or no longer) running.
	ErrNotRunning = errors.New("kafka: application is not running")
	// ErrStarted is returned by Start when called twice.
	ErrStarted = errors.New("kafka: application already started")
)

// purgeInterval is how often committed records of repartition topics are
// deleted, as Kafka Streams' default repartition.purge.interval.ms.
const purgeInterval = 30 * time.Second

// shutdownGrace bounds the graceful part of a shutdown: after it, records
// still waiting to be sent are abandoned and stores are closed.
const shutdownGrace = 30 * time.Second

// Application runs a topology on a Kafka cluster. Create it with New,
// start it with Start, stop it with Close or by cancelling Start's
// context. Its methods are safe for concurrent use.
type Application struct {
	topo      *streamlib.Topology
	cfg       Config
	sc        *sarama.Config
	logger    *slog.Logger
	appDir    string
	subStores map[int][]string

	client sarama.Client
	admin  sarama.ClusterAdmin
	plan   *topicPlan

	// purgeEvery is how often a goroutine deletes committed records of
	// repartition topics (purgeInterval).
	purgeEvery time.Duration

	procCtx    context.Context
	procCancel context.CancelFunc
	runCancel  context.CancelFunc
	done       chan struct{}

	commits, rebalances, restored atomic.Int64

	mu       sync.Mutex
	state    State
	changed  chan struct{} // closed and replaced at every state change
	err      error
	threads  []*thread
	running  map[int]bool
	global   *globalRunner
	tasks    map[streamlib.TaskID]*task
	parked   map[streamlib.TaskID]*task
	retired  TaskMetrics
	hosts    map[streamlib.TaskID]string
	hostsGen int32
}

// New checks cfg and prepares an application for topo. It does not
// connect to the cluster; Start does.
func New(topo *streamlib.Topology, cfg Config) (*Application, error) {
	if topo == nil {
		return nil, errors.New("kafka: New: nil topology")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Application{
		topo:       topo,
		cfg:        cfg,
		sc:         cfg.saramaConfig(),
		logger:     cfg.Logger.With("application", cfg.ApplicationID),
		appDir:     filepath.Join(cfg.StateDir, cfg.ApplicationID),
		subStores:  map[int][]string{},
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
		running:    map[int]bool{},
		tasks:      map[streamlib.TaskID]*task{},
		parked:     map[streamlib.TaskID]*task{},
		retired:    TaskMetrics{Dropped: map[string]int64{}},
		hosts:      map[streamlib.TaskID]string{},
		purgeEvery: purgeInterval,
	}
	for _, st := range topo.Subtopologies() {
		if !st.Global {
			a.subStores[st.ID] = st.Stores
		}
	}
	a.procCtx, a.procCancel = context.WithCancel(context.Background())
	return a, nil
}

// Start connects to the cluster, checks the source topics, creates the
// internal topics, and starts processing in the background. It returns
// once that is under way, or with the reason it cannot be: missing source
// topics (ErrMissingTopics), partition counts that do not fit
// (ErrPartitionMismatch, naming the topics), an unreachable cluster.
//
// The application runs until ctx is cancelled, Close is called, or it
// fails; Done is closed then, and Err (or Close) returns the failure.
// Cancelling ctx shuts down gracefully, like Close.
func (a *Application) Start(ctx context.Context) error {
	a.mu.Lock()
	if a.state != Created {
		a.mu.Unlock()
		return ErrStarted
	}
	a.mu.Unlock()
	if err := a.prepare(ctx); err != nil {
		a.abortStart(err)
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	a.mu.Lock()
	a.runCancel = cancel
	a.mu.Unlock()
	a.setState(Rebalancing)
	go a.run(runCtx)
	return nil
}

// prepare does Start's checks and topic creation.
func (a *Application) prepare(ctx context.Context) error {
	client, err := sarama.NewClient(a.cfg.BootstrapServers, a.sc)
	if err != nil {
		return fmt.Errorf("kafka: connect to %v: %w", a.cfg.BootstrapServers, err)
	}
	a.client = client
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return fmt.Errorf("kafka: admin client: %w", err)
	}
	a.admin = admin
	existing, err := existingTopics(admin, allTopics(a.topo, a.cfg.ApplicationID))
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	plan, err := planTopics(a.topo, a.cfg.ApplicationID, existing)
	if err != nil {
		return fmt.Errorf("kafka: application %s: %w", a.cfg.ApplicationID, err)
	}
	a.mu.Lock()
	a.plan = plan
	a.mu.Unlock()
	if err := createInternalTopics(ctx, admin, client, plan, existing, a.cfg.ReplicationFactor); err != nil {
		return fmt.Errorf("kafka: application %s: %w", a.cfg.ApplicationID, err)
	}
	if err := os.MkdirAll(a.appDir, 0o755); err != nil {
		return fmt.Errorf("kafka: state directory: %w", err)
	}
	return nil
}

// abortStart ends an application whose Start failed.
func (a *Application) abortStart(err error) {
	if a.admin != nil {
		_ = a.admin.Close() // closes the client too
	} else if a.client != nil {
		_ = a.client.Close()
	}
	a.mu.Lock()
	a.err = err
	a.mu.Unlock()
	a.setState(PendingShutdown)
	a.setState(Error)
	a.procCancel()
	close(a.done)
}

// run is the application's goroutine: global tables first, then the
// processing goroutines, until runCtx is done.
func (a *Application) run(runCtx context.Context) {
	defer close(a.done)
	var wg sync.WaitGroup
	wg.Go(func() {
		<-runCtx.Done()
		a.setState(PendingShutdown)
	})

	g, err := newGlobalRunner(a)
	if err != nil {
		a.fail(fmt.Errorf("kafka: global tables: %w", err))
	} else if g != nil {
		a.mu.Lock()
		a.global = g
		a.mu.Unlock()
		if err := g.bootstrap(runCtx); err != nil && runCtx.Err() == nil {
			a.fail(err)
		}
	}
	if runCtx.Err() == nil {
		if g != nil {
			wg.Go(func() {
				if err := g.follow(runCtx); err != nil {
					a.fail(err)
				}
			})
		}
		if len(a.plan.subs) == 0 {
			a.setState(Running) // only global tables: nothing to consume as a group
		} else {
			a.startThreads(runCtx, &wg)
		}
	}
	<-runCtx.Done()
	hard := time.AfterFunc(shutdownGrace, a.procCancel)
	wg.Wait()
	hard.Stop()
	// Tasks suspended at the last rebalance and never taken up again were
	// committed then: they close cleanly.
	for _, t := range a.unparkUnless(nil) {
		if err := t.close(true); err != nil {
			a.logger.Warn("close task", "task", t.id.String(), "error", err)
		}
		a.unregisterTask(t)
	}
	if g != nil {
		g.close(a.Err() == nil)
	}
	if err := a.admin.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
		a.logger.Warn("close admin client", "error", err)
	}
	a.procCancel()
	a.mu.Lock()
	a.runCancel()
	a.mu.Unlock()
	a.setState(PendingShutdown)
	if a.Err() != nil {
		a.setState(Error)
		a.logger.Error("application stopped", "error", a.Err())
	} else {
		a.setState(NotRunning)
		a.logger.Info("application stopped")
	}
}

// startThreads starts the processing goroutines, each a group member.
func (a *Application) startThreads(runCtx context.Context, wg *sync.WaitGroup) {
	for i := range a.cfg.Goroutines {
		th, err := newThread(a, i)
		if err != nil {
			a.fail(fmt.Errorf("kafka: %w", err))
			return
		}
		a.mu.Lock()
		a.threads = append(a.threads, th)
		a.running[i] = false
		a.mu.Unlock()
		wg.Go(th.drainErrors)
		wg.Go(func() {
			if err := th.run(runCtx); err != nil {
				a.fail(err)
			}
		})
	}
}

// fail records the first error that stops the application and starts the
// shutdown.
func (a *Application) fail(err error) {
	a.mu.Lock()
	if a.err == nil {
		a.err = err
	}
	cancel := a.runCancel
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Close stops the application: every processing goroutine commits,
// flushes its producer and closes its tasks (checkpointing persistent
// stores); then the application leaves its group. It waits until that is
// done and returns the error that stopped the application, if one did
// (nil after a clean stop). Calling it again returns the same.
func (a *Application) Close() error {
	a.mu.Lock()
	state, cancel := a.state, a.runCancel
	a.mu.Unlock()
	if state == Created {
		a.setState(PendingShutdown)
		a.setState(NotRunning)
		a.procCancel()
		close(a.done)
		return nil
	}
	if cancel != nil {
		cancel()
	}
	<-a.done
	return a.Err()
}

// Run starts the application and blocks until ctx is done or the
// application fails, then closes it and returns the failure (nil after a
// clean stop).
func (a *Application) Run(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	<-a.done
	return a.Close()
}

// Done is closed when the application has stopped.
func (a *Application) Done() <-chan struct{} { return a.done }

// Err returns the error that stopped the application, or nil.
func (a *Application) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// State returns the application's current state.
func (a *Application) State() State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// WaitRunning blocks until the application is Running and returns nil. It
// returns ErrNotRunning (or the failure) if the application stops first,
// and ctx's error if ctx is done first.
func (a *Application) WaitRunning(ctx context.Context) error {
	for {
		a.mu.Lock()
		state, changed, err := a.state, a.changed, a.err
		a.mu.Unlock()
		switch {
		case state == Running:
			return nil
		case err != nil:
			return err
		case state == PendingShutdown || state.terminal():
			return ErrNotRunning
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// setState moves to state s if that is a valid transition, and tells the
// listener.
func (a *Application) setState(s State) {
	a.mu.Lock()
	old := a.state
	if old == s || !validTransition(old, s) {
		a.mu.Unlock()
		return
	}
	a.state = s
	close(a.changed)
	a.changed = make(chan struct{})
	a.mu.Unlock()
	a.logger.Info("state changed", "from", old.String(), "to", s.String())
	if a.cfg.StateListener != nil {
		a.cfg.StateListener(s, old)
	}
}

// threadState records whether a processing goroutine runs its tasks, and
// moves the application between Rebalancing and Running.
func (a *Application) threadState(id int, running bool) {
	a.mu.Lock()
	a.running[id] = running
	all := len(a.running) == a.cfg.Goroutines
	for _, r := range a.running {
		all = all && r
	}
	if a.global != nil {
		all = all && a.global.isReady()
	}
	a.mu.Unlock()
	if all {
		a.setState(Running)
	} else {
		a.setState(Rebalancing)
	}
}

// currentPlan returns the topic plan, or nil before Start worked it out.
func (a *Application) currentPlan() *topicPlan {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.plan
}

func (a *Application) globalStores() map[string]store.StateStore {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.global.stores()
}

func (a *Application) registerTask(t *task) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tasks[t.id] = t
}

// park keeps suspended tasks between group generations.
func (a *Application) park(tasks []*task) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range tasks {
		a.parked[t.id] = t
	}
}

// unpark takes a suspended task out of the pool, or returns nil.
func (a *Application) unpark(id streamlib.TaskID) *task {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.parked[id]
	delete(a.parked, id)
	return t
}

// unparkUnless takes out of the pool the suspended tasks that are not in
// keep, for the caller to close.
func (a *Application) unparkUnless(keep []streamlib.TaskID) []*task {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*task
	for id, t := range a.parked {
		if !slices.Contains(keep, id) {
			out = append(out, t)
			delete(a.parked, id)
		}
	}
	slices.SortFunc(out, func(x, y *task) int { return compareTaskIDs(x.id, y.id) })
	return out
}

// unregisterTask forgets a closed task; its counters go to the totals.
func (a *Application) unregisterTask(t *task) {
	m := t.metrics()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tasks[t.id] == t {
		delete(a.tasks, t.id)
	}
	a.retired.RecordsIn += m.RecordsIn
	a.retired.RecordsOut += m.RecordsOut
	a.retired.Punctuations += m.Punctuations
	addCounts(a.retired.Dropped, m.Dropped)
}

// setHosts records which application server runs each task, as the
// group leader announced it with generation gen.
func (a *Application) setHosts(hosts map[string][]string, gen int32) {
	owners := map[streamlib.TaskID]string{}
	for host, ids := range hosts {
		for _, id := range taskIDs(ids) {
			owners[id] = host
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen < a.hostsGen {
		return
	}
	a.hosts, a.hostsGen = owners, gen
}
