package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// changelog is one logged store of a task and how far the store has read
// its changelog partition.
type changelog struct {
	store      string
	tp         tp
	persistent bool
	// position is the offset after the last changelog record the store
	// holds; -1 means "from the beginning".
	position int64
	// restore progress, for metrics and logs.
	restored int64
	total    int64
	done     bool
}

// task is a streamlib.Task as the runtime runs it: its source partitions
// and their buffered records, the offsets to commit, its changelogs, and a
// snapshot of its counters that other goroutines may read.
type task struct {
	id     streamlib.TaskID
	th     *thread
	t      *streamlib.Task
	dir    string
	logger *slog.Logger

	queues   map[tp][]*sarama.ConsumerMessage
	consumed map[tp]int64 // next offset to commit per source partition
	pending  bool         // records processed since the last commit
	// changelogs is guarded by mu (restore progress is read by Metrics).
	changelogs []*changelog
	// logs buffer the stores' changelog writes until the next commit.
	logs []*changelogWriter

	mu     sync.Mutex
	snap   streamlib.TaskMetrics
	closed bool
}

// newTask builds task id: its stores and processors, and where each
// store's restore starts. A persistent store restores from its checkpoint
// (store.Checkpointer) when that is usable; state on disk without one is
// discarded and rebuilt from the changelog.
func (th *thread) newTask(id streamlib.TaskID) (*task, error) {
	app := th.app
	dir := filepath.Join(app.appDir, id.String())
	logger := th.logger.With("task", id.String())
	t := &task{
		id: id, th: th, dir: dir, logger: logger,
		queues: map[tp][]*sarama.ConsumerMessage{}, consumed: map[tp]int64{},
	}
	existed := map[string]bool{}
	for _, name := range app.subStores[id.Subtopology] {
		logical, ok := app.topo.ChangelogTopic(name)
		if !ok {
			continue
		}
		t.changelogs = append(t.changelogs, &changelog{store: name, tp: tp{app.topo.TopicName(app.cfg.ApplicationID, logical), id.Partition}, position: -1})
		existed[name] = dirExists(filepath.Join(dir, name))
	}
	if err := t.build(); err != nil {
		return nil, err
	}
	if len(t.changelogs) == 0 {
		return t, nil
	}
	parts := make([]tp, len(t.changelogs))
	for i, c := range t.changelogs {
		parts[i] = c.tp
	}
	ends, err := listOffsets(app.client, app.sc, parts, sarama.OffsetNewest, app.cfg.isolation())
	if err != nil {
		_ = t.t.Close()
		return nil, fmt.Errorf("task %s: end offsets of changelogs: %w", id, err)
	}
	var discard []string
	for _, c := range t.changelogs {
		if !c.persistent {
			continue
		}
		off, ok, err := t.storedCheckpoint(c)
		if err != nil {
			_ = t.t.Close()
			return nil, err
		}
		switch {
		case ok && off >= 0 && off <= ends[c.tp]:
			c.position = off
		case existed[c.store]:
			// State on disk without a usable checkpoint: it may hold writes
			// the changelog does not (a crash under exactly-once) or miss
			// some; rebuild it from the changelog.
			logger.Info("discarding local state without a usable checkpoint", "store", c.store,
				"checkpoint", off, "has_checkpoint", ok, "changelog_end", ends[c.tp])
			discard = append(discard, c.store)
		}
	}
	if len(discard) > 0 {
		if err := t.t.Close(); err != nil {
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		for _, name := range discard {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("task %s: discard store %s: %w", id, name, err)
			}
		}
		if err := t.build(); err != nil {
			return nil, err
		}
	}
	if err := t.markInUse(); err != nil {
		_ = t.t.Close()
		return nil, err
	}
	return t, nil
}

// build makes the streamlib.Task with its stores.
func (t *task) build() error {
	app := t.th.app
	t.logs = nil
	st, err := app.topo.NewTask(streamlib.TaskConfig{
		ID:                     t.id,
		ApplicationID:          app.cfg.ApplicationID,
		Subtopologies:          []int{t.id.Subtopology},
		Collector:              taskCollector{t},
		StateDir:               app.appDir,
		ChangeLogger:           t.changeLogger,
		GlobalStores:           app.globalStores(),
		OnDeserializationError: t.onDeserializationError,
		Logger:                 t.logger,
	})
	if err != nil {
		return err
	}
	for _, c := range t.changelogs {
		s, err := st.Store(c.store)
		if err != nil {
			_ = st.Close()
			return err
		}
		c.persistent = s.Persistent()
		c.position = -1
	}
	t.t = st
	t.snap = st.Metrics()
	return nil
}

// storedCheckpoint reads the checkpoint of a persistent store; ok is false
// when it has none (or cannot keep one).
func (t *task) storedCheckpoint(c *changelog) (int64, bool, error) {
	s, err := t.t.Store(c.store)
	if err != nil {
		return 0, false, err
	}
	cp, ok := s.(store.Checkpointer)
	if !ok {
		return 0, false, nil
	}
	off, ok, err := cp.Checkpoint()
	if err != nil {
		return 0, false, fmt.Errorf("task %s: %w", t.id, err)
	}
	return off, ok, nil
}

// markInUse invalidates the checkpoints of the task's persistent stores
// under exactly-once while the task processes: their data may then hold
// writes of a transaction that will abort, so after a crash they must be
// rebuilt. A clean suspend or close writes valid checkpoints again.
func (t *task) markInUse() error {
	if t.th.app.cfg.Guarantee != ExactlyOnce {
		return nil
	}
	return t.setCheckpoints(func(*changelog) int64 { return -1 })
}

// setCheckpoints records an offset in each persistent store that keeps
// checkpoints.
func (t *task) setCheckpoints(offset func(*changelog) int64) error {
	for _, c := range t.changelogs {
		if !c.persistent {
			continue
		}
		s, err := t.t.Store(c.store)
		if err != nil {
			return err
		}
		cp, ok := s.(store.Checkpointer)
		if !ok {
			continue
		}
		if err := cp.SetCheckpoint(offset(c)); err != nil {
			return fmt.Errorf("task %s: %w", t.id, err)
		}
	}
	return nil
}

func dirExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// taskCollector hands a task's output to its goroutine's producer.
type taskCollector struct{ t *task }

// Send implements streamlib.RecordCollector.
func (c taskCollector) Send(ctx context.Context, r streamlib.OutgoingRecord) error {
	return c.t.th.prod.send(ctx, &r, -1)
}

// changeLogger is the task's streamlib.TaskConfig.ChangeLogger.
func (t *task) changeLogger(storeName string) store.ChangeLogger {
	logical, _ := t.th.app.topo.ChangelogTopic(storeName)
	w := &changelogWriter{t: t, tp: tp{t.th.app.topo.TopicName(t.th.app.cfg.ApplicationID, logical), t.id.Partition}}
	t.logs = append(t.logs, w)
	return w
}

// onDeserializationError runs the configured handler with the task's
// failure context.
func (t *task) onDeserializationError(ctx context.Context, raw *streamlib.RawRecord, err error) streamlib.DeserializationAction {
	fc := FailureContext{Task: t.id, Logger: t.logger, produce: func(ctx context.Context, r streamlib.OutgoingRecord) error {
		return t.th.prod.send(ctx, &r, -1)
	}}
	return t.th.app.cfg.OnDeserializationError(ctx, fc, raw, err)
}

// enqueue buffers a record of one of the task's partitions.
func (t *task) enqueue(m *sarama.ConsumerMessage) {
	k := tp{m.Topic, m.Partition}
	t.queues[k] = append(t.queues[k], m)
}

// process runs the buffered records. Across its partitions a task takes
// the record with the smallest timestamp first, so that joins see both
// sides in time order as far as the buffers allow.
func (t *task) process(ctx context.Context) error {
	n := 0
	for {
		var best tp
		var head *sarama.ConsumerMessage
		for k, q := range t.queues {
			if len(q) == 0 {
				continue
			}
			if head == nil || q[0].Timestamp.Before(head.Timestamp) {
				best, head = k, q[0]
			}
		}
		if head == nil {
			break
		}
		q := t.queues[best]
		q[0] = nil
		t.queues[best] = q[1:]
		if len(q) == 1 {
			t.queues[best] = q[:0]
		}
		raw := &streamlib.RawRecord{
			Topic: head.Topic, Partition: head.Partition, Offset: head.Offset,
			Key: head.Key, Value: head.Value, Timestamp: head.Timestamp.UnixMilli(),
		}
		if len(head.Headers) > 0 {
			raw.Headers = make(streamlib.Headers, len(head.Headers))
			for i, h := range head.Headers {
				raw.Headers[i] = streamlib.Header{Key: string(h.Key), Value: h.Value}
			}
		}
		if err := t.t.Process(ctx, raw); err != nil {
			t.clearQueues()
			t.snapshot()
			return err
		}
		t.consumed[best] = head.Offset + 1
		t.pending = true
		n++
	}
	if n > 0 {
		t.snapshot()
	}
	return nil
}

func (t *task) clearQueues() {
	for k := range t.queues {
		t.queues[k] = nil
	}
}

// punctuate fires the task's due wall-clock punctuations.
func (t *task) punctuate(ctx context.Context, now int64) error {
	before := t.snap.Punctuations
	err := t.t.Punctuate(ctx, now)
	if m := t.t.Metrics(); m.Punctuations != before || err != nil {
		t.pending = true
		t.setSnapshot(m)
	}
	return err
}

func (t *task) snapshot() { t.setSnapshot(t.t.Metrics()) }

func (t *task) setSnapshot(m streamlib.TaskMetrics) {
	t.mu.Lock()
	t.snap = m
	t.mu.Unlock()
}

// offsets returns the source offsets to commit.
func (t *task) offsets() map[tp]int64 { return t.consumed }

// updatePositions takes the changelog positions of acknowledged writes
// from the producer. Call it after a flush or a committed transaction.
func (t *task) updatePositions() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.changelogs {
		if o := t.th.prod.offset(c.tp); o > c.position {
			c.position = o
		}
	}
}

// checkpoint flushes the task's stores and records in each persistent one
// the changelog position its data reaches.
func (t *task) checkpoint() error {
	persistent := false
	for _, c := range t.changelogs {
		persistent = persistent || c.persistent
	}
	if !persistent {
		return nil
	}
	if err := t.t.Flush(); err != nil {
		return fmt.Errorf("task %s: %w", t.id, err)
	}
	t.mu.Lock()
	positions := map[*changelog]int64{}
	for _, c := range t.changelogs {
		positions[c] = c.position
	}
	t.mu.Unlock()
	return t.setCheckpoints(func(c *changelog) int64 { return positions[c] })
}

// adopt makes th the goroutine running the task: its producer writes the
// task's output from now on.
func (t *task) adopt(th *thread) {
	if t.th == th {
		return
	}
	t.mu.Lock()
	t.th = th
	t.logger = th.logger.With("task", t.id.String())
	t.mu.Unlock()
}

// resume prepares a suspended task to process again.
func (t *task) resume() error { return t.markInUse() }

// suspend ends a session of a task that stays with this goroutine for now:
// the commit is done; its buffers are dropped (the consumer will fetch from
// the committed offsets again) and its persistent stores checkpointed.
func (t *task) suspend() error {
	t.clearQueues()
	clear(t.consumed)
	t.pending = false
	return t.checkpoint()
}

// close closes the task. A clean close follows a commit and checkpoints
// first; a dirty one (after a failure) does not, so that the next start
// rebuilds what it cannot trust.
func (t *task) close(clean bool) error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.mu.Unlock()
	var errs []error
	if clean {
		errs = append(errs, t.checkpoint())
	}
	errs = append(errs, t.t.Close())
	t.mu.Lock()
	t.closed = true
	t.snap = t.t.Metrics()
	t.mu.Unlock()
	return errors.Join(errs...)
}

// metrics returns the task's counters and restore progress.
func (t *task) metrics() TaskMetrics {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := TaskMetrics{
		Task: t.id, Goroutine: t.th.id,
		RecordsIn: t.snap.RecordsIn, RecordsOut: t.snap.RecordsOut,
		Dropped: cloneCounts(t.snap.Dropped), Punctuations: t.snap.Punctuations,
	}
	for _, c := range t.changelogs {
		m.Restore = append(m.Restore, RestoreProgress{
			Store: c.store, Changelog: c.tp.topic, Partition: c.tp.partition,
			Restored: c.restored, Total: c.total, Done: c.done,
		})
		m.Restored += c.restored
	}
	return m
}
