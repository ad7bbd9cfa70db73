package kafka

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// checkpointFile is the name of a task's checkpoint inside its directory.
const checkpointFile = ".checkpoint"

// checkpoint maps a topic partition ("topic/partition") to the offset up to
// which persistent global stores hold its records: a restart reads the
// global topics from there instead of from the beginning. (A task's
// persistent stores keep their changelog position themselves, through
// store.Checkpointer: one store, one changelog partition.)
type checkpoint map[string]int64

func checkpointKey(p tp) string { return p.topic + "/" + strconv.Itoa(int(p.partition)) }

type checkpointData struct {
	Version int              `json:"version"`
	Offsets map[string]int64 `json:"offsets"`
}

// readCheckpoint reads dir's checkpoint; a missing file is an empty one.
func readCheckpoint(dir string) (checkpoint, error) {
	b, err := os.ReadFile(filepath.Join(dir, checkpointFile))
	if errors.Is(err, fs.ErrNotExist) {
		return checkpoint{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var d checkpointData
	if err := json.Unmarshal(b, &d); err != nil || d.Version != 1 {
		// A damaged checkpoint only costs a full restore.
		return checkpoint{}, nil
	}
	return d.Offsets, nil
}

// writeCheckpoint replaces dir's checkpoint atomically.
func writeCheckpoint(dir string, c checkpoint) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	b, err := json.Marshal(checkpointData{Version: 1, Offsets: c})
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	tmp := filepath.Join(dir, checkpointFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, checkpointFile)); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

// tasksWithState lists the task directories under appDir: the tasks whose
// persistent stores this instance has on disk, which it restores cheaply.
// The assignor prefers giving tasks back to such instances.
func tasksWithState(appDir string) []string {
	entries, err := os.ReadDir(appDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := parseTaskID(e.Name()); err == nil {
			out = append(out, e.Name())
		}
	}
	return out
}
