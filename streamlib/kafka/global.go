package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// globalRunner fills the global stores: at start it reads every partition
// of every global topic to its end, before any task processes a record;
// then it follows the topics for as long as the application runs. Its
// stores are persistent or not as the topology says; persistent ones keep
// a checkpoint of the topic offsets, so a restart reads only what is new.
type globalRunner struct {
	app    *Application
	task   *streamlib.GlobalTask
	client sarama.Client
	logger *slog.Logger
	dir    string
	pos    map[tp]int64
	prod   *producer // for dead letters; made on first use

	mu       sync.Mutex
	snap     streamlib.TaskMetrics
	restored int64
	total    int64
	ready    bool
}

func newGlobalRunner(app *Application) (*globalRunner, error) {
	dir := filepath.Join(app.appDir, "global")
	g := &globalRunner{app: app, dir: dir, logger: app.logger.With("task", "global"), pos: map[tp]int64{}}
	gt, err := app.topo.NewGlobalTask(streamlib.GlobalTaskConfig{
		ApplicationID:          app.cfg.ApplicationID,
		StateDir:               app.appDir,
		OnDeserializationError: g.onDeserializationError,
		Logger:                 app.logger,
	})
	if err != nil {
		return nil, err
	}
	if gt == nil {
		return nil, nil
	}
	g.task = gt
	sc := app.cfg.saramaConfig()
	sc.Consumer.IsolationLevel = app.cfg.isolation()
	client, err := sarama.NewClient(app.cfg.BootstrapServers, sc)
	if err != nil {
		_ = gt.Close()
		return nil, fmt.Errorf("global tables: client: %w", err)
	}
	g.client = client
	return g, nil
}

func (g *globalRunner) onDeserializationError(ctx context.Context, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
	fc := FailureContext{Task: streamlib.TaskID{Subtopology: -1, Partition: -1}, Logger: g.logger, produce: g.produce}
	return g.app.cfg.OnDeserializationError(ctx, fc, raw, err)
}

// produce writes a dead letter of a global topic and waits for it: the
// global runner has no transaction to put it in.
func (g *globalRunner) produce(ctx context.Context, r streamlib.OutgoingRecord) error {
	if g.prod == nil {
		p, err := newProducer(g.app.cfg, g.client, "", g.logger)
		if err != nil {
			return err
		}
		g.prod = p
	}
	if err := g.prod.send(ctx, &r, -1); err != nil {
		return err
	}
	return g.prod.flush(ctx)
}

// bootstrap reads the global topics to their current end.
func (g *globalRunner) bootstrap(ctx context.Context) error {
	var parts []tp
	for _, topic := range g.task.Topics() {
		ps, err := g.client.Partitions(topic)
		if err != nil {
			return fmt.Errorf("global topic %s: %w", topic, err)
		}
		for _, p := range ps {
			parts = append(parts, tp{topic, p})
		}
	}
	cp, err := readCheckpoint(g.dir)
	if err != nil {
		return fmt.Errorf("global tables: %w", err)
	}
	starts, err := listOffsets(g.client, g.app.sc, parts, sarama.OffsetOldest, g.app.cfg.isolation())
	if err != nil {
		return fmt.Errorf("global tables: %w", err)
	}
	ends, err := listOffsets(g.client, g.app.sc, parts, sarama.OffsetNewest, g.app.cfg.isolation())
	if err != nil {
		return fmt.Errorf("global tables: %w", err)
	}
	persistent := false
	for _, st := range g.task.Stores() {
		persistent = persistent || st.Persistent()
	}
	var total int64
	todo := map[tp]int64{}
	for _, p := range parts {
		start := starts[p]
		if off, ok := cp[checkpointKey(p)]; ok && persistent && off >= start && off <= ends[p] {
			start = off
		}
		g.pos[p] = start
		if start < ends[p] {
			todo[p] = start
			total += ends[p] - start
		}
	}
	g.mu.Lock()
	g.total = total
	g.mu.Unlock()
	began := time.Now()
	g.logger.Info("reading global tables", "topics", g.task.Topics(), "records_at_most", total)
	r := newReader(g.client, g.app.sc, g.app.cfg.isolation(), 100*time.Millisecond)
	lastLog := began
	var n int64
	apply := func(raw *streamlib.RawRecord) error {
		n++
		return g.task.Process(ctx, raw)
	}
	for len(todo) > 0 {
		if err := g.poll(ctx, r, todo, apply); err != nil {
			return err
		}
		for p, off := range todo {
			g.pos[p] = off
			if off >= ends[p] {
				delete(todo, p)
			}
		}
		g.mu.Lock()
		g.restored = n
		g.mu.Unlock()
		if time.Since(lastLog) >= restoreLogEvery {
			lastLog = time.Now()
			g.logger.Info("reading global tables", "records", n, "records_at_most", total)
		}
	}
	g.app.restored.Add(n)
	g.snapshot()
	g.mu.Lock()
	g.ready = true
	g.mu.Unlock()
	g.logger.Info("global tables ready", "records", n, "duration", time.Since(began).Round(time.Millisecond))
	return g.writeCheckpoint()
}

// poll is reader.poll with the retries a long-running reader needs.
func (g *globalRunner) poll(ctx context.Context, r *reader, pos map[tp]int64, apply func(*streamlib.RawRecord) error) error {
	err := r.poll(ctx, pos, apply)
	var oor *errOffsetOutOfRange
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &oor):
		starts, lerr := listOffsets(g.client, g.app.sc, []tp{oor.tp}, sarama.OffsetOldest, g.app.cfg.isolation())
		if lerr != nil {
			return lerr
		}
		g.logger.Warn("global topic position out of range, reading from its first offset", "partition", oor.tp.String(), "position", oor.offset)
		pos[oor.tp] = starts[oor.tp]
		return nil
	}
	var ae *applyError
	if errors.As(err, &ae) {
		return fmt.Errorf("global tables: %w", ae.err)
	}
	g.logger.Warn("global topic fetch failed, retrying", "error", err)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(200 * time.Millisecond):
	}
	return nil
}

// follow applies new records of the global topics until ctx is done.
func (g *globalRunner) follow(ctx context.Context) error {
	r := newReader(g.client, g.app.sc, g.app.cfg.isolation(), g.app.sc.Consumer.MaxWaitTime)
	next := time.Now().Add(g.app.cfg.CommitInterval)
	for ctx.Err() == nil {
		applied := false
		err := g.poll(ctx, r, g.pos, func(raw *streamlib.RawRecord) error {
			applied = true
			return g.task.Process(ctx, raw)
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return err
		}
		if applied {
			g.snapshot()
		}
		if time.Now().After(next) {
			if err := g.writeCheckpoint(); err != nil {
				return err
			}
			next = time.Now().Add(g.app.cfg.CommitInterval)
		}
	}
	return nil
}

func (g *globalRunner) snapshot() {
	m := g.task.Metrics()
	g.mu.Lock()
	g.snap = m
	g.mu.Unlock()
}

// writeCheckpoint flushes persistent global stores and records the topic
// positions they hold.
func (g *globalRunner) writeCheckpoint() error {
	persistent := false
	for _, st := range g.task.Stores() {
		persistent = persistent || st.Persistent()
	}
	if !persistent {
		return nil
	}
	if err := g.task.Flush(); err != nil {
		return fmt.Errorf("global tables: %w", err)
	}
	cp := checkpoint{}
	for p, off := range g.pos {
		cp[checkpointKey(p)] = off
	}
	if err := writeCheckpoint(g.dir, cp); err != nil {
		return fmt.Errorf("global tables: %w", err)
	}
	return nil
}

// stores returns the global stores by name.
func (g *globalRunner) stores() map[string]store.StateStore {
	if g == nil {
		return nil
	}
	return g.task.Stores()
}

// close checkpoints (after a clean run) and closes the stores and clients.
func (g *globalRunner) close(clean bool) {
	if clean && g.isReady() {
		if err := g.writeCheckpoint(); err != nil {
			g.logger.Warn("checkpoint global tables", "error", err)
		}
	}
	if err := g.task.Close(); err != nil {
		g.logger.Warn("close global stores", "error", err)
	}
	if g.prod != nil {
		g.prod.close()
	}
	if err := g.client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
		g.logger.Warn("close global client", "error", err)
	}
}

func (g *globalRunner) isReady() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ready
}

func (g *globalRunner) metrics() GlobalMetrics {
	g.mu.Lock()
	defer g.mu.Unlock()
	return GlobalMetrics{
		RecordsIn: g.snap.RecordsIn, Dropped: cloneCounts(g.snap.Dropped),
		Restored: g.restored, Total: g.total, Ready: g.ready,
	}
}
