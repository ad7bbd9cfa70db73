package streamlib

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// GlobalTaskConfig is what a runtime gives the global task.
type GlobalTaskConfig struct {
	ApplicationID string
	// StateDir is the application's state directory; persistent global
	// stores live in StateDir/global/<store>.
	StateDir string
	// OnDeserializationError decides about poison pills; nil fails.
	OnDeserializationError DeserializationHandler
	Logger                 *slog.Logger
}

// GlobalTask fills the global stores from their topics. Every instance of
// an application runs one, reading all partitions of every global topic, so
// that every task can look up any key.
type GlobalTask struct {
	task *Task
}

// NewGlobalTask builds the global stores and the nodes that fill them. It
// returns (nil, nil) when the topology has no global stores.
func (t *Topology) NewGlobalTask(cfg GlobalTaskConfig) (*GlobalTask, error) {
	var ids []int
	for _, st := range t.subtopologies {
		if st.Global {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	task := &Task{
		topology:   t,
		cfg:        TaskConfig{ID: TaskID{Subtopology: -1, Partition: -1}, ApplicationID: cfg.ApplicationID, OnDeserializationError: cfg.OnDeserializationError, Collector: discardCollector{}},
		logger:     logger.With("task", "global"),
		instances:  map[string]instance{},
		sources:    map[string]*node{},
		stores:     map[string]store.StateStore{},
		streamTime: -1,
		metrics:    TaskMetrics{Dropped: map[string]int64{}},
	}
	var nodes []*node
	for _, id := range ids {
		st := t.subtopologies[id]
		nodes = append(nodes, st.nodes...)
		task.storeNames = append(task.storeNames, st.Stores...)
	}
	for _, name := range task.storeNames {
		ctx := store.Context{TaskID: "global", StreamTime: func() int64 { return task.streamTime }}
		if cfg.StateDir != "" {
			ctx.Dir = filepath.Join(cfg.StateDir, "global")
		}
		st, err := t.stores[name].builder.Build(ctx)
		if err != nil {
			task.closeStores()
			return nil, fmt.Errorf("global task: build store %q: %w", name, err)
		}
		task.stores[name] = st
	}
	for _, n := range nodes {
		task.instances[n.name] = n.newInstance()
		if n.kind == sourceKind {
			for _, tp := range n.topics {
				task.sources[tp] = n
			}
		}
	}
	for _, n := range nodes {
		for _, c := range n.children {
			if err := c.connect(task.instances[n.name], task.instances[c.name]); err != nil {
				task.closeStores()
				return nil, err
			}
		}
	}
	for _, n := range slices.Backward(nodes) {
		if err := task.instances[n.name].init(task, n); err != nil {
			task.closeStores()
			return nil, fmt.Errorf("global task: %w", err)
		}
	}
	return &GlobalTask{task: task}, nil
}

// Topics returns the topics the global task reads.
func (g *GlobalTask) Topics() []string { return g.task.SourceTopics() }

// Stores returns the global stores by name, for tasks (TaskConfig.GlobalStores)
// and for queries.
func (g *GlobalTask) Stores() map[string]store.StateStore { return maps.Clone(g.task.stores) }

// Process applies one record of a global topic to its store.
func (g *GlobalTask) Process(ctx context.Context, raw *RawRecord) error {
	return g.task.Process(ctx, raw)
}

// Metrics returns the global task's counters.
func (g *GlobalTask) Metrics() TaskMetrics { return g.task.Metrics() }

// Flush flushes the global stores.
func (g *GlobalTask) Flush() error { return g.task.Flush() }

// Close closes the global stores.
func (g *GlobalTask) Close() error { return g.task.Close() }

type discardCollector struct{}

func (discardCollector) Send(context.Context, OutgoingRecord) error {
	return errors.New("global stores cannot have sinks")
}
