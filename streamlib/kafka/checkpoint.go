package kafka

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// checkpointFile is the name of a task's checkpoint inside its directory.
const checkpointFile = ".checkpoint"

// checkpoint maps a changelog partition ("topic/partition") to the offset
// up to which a persistent store holds its records: restoring starts there
// instead of at the beginning of the changelog.
//
// Under exactly-once the file exists only while the task is closed: it is
// deleted when the task starts processing and written when it stops
// cleanly, so after a crash the store is known to hold writes of aborted
// transactions and is rebuilt from its changelog.
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

// removeCheckpoint deletes dir's checkpoint if there is one.
func removeCheckpoint(dir string) error {
	err := os.Remove(filepath.Join(dir, checkpointFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove checkpoint: %w", err)
	}
	return nil
}

// tasksWithState lists the task directories under appDir that hold a
// checkpoint: the tasks this instance can restore cheaply. The assignor
// prefers giving tasks back to such instances.
func tasksWithState(appDir string) []string {
	entries, err := os.ReadDir(appDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || !strings.Contains(e.Name(), "_") {
			continue
		}
		if _, err := os.Stat(filepath.Join(appDir, e.Name(), checkpointFile)); err == nil {
			out = append(out, e.Name())
		}
	}
	return out
}
