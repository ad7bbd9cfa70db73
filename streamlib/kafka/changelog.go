package kafka

import (
	"bytes"
	"context"
	"time"

	"github.com/streamworkshop/workshop/streamlib"
)

// Limits of a changelogWriter's buffer: past either, it is sent at once
// rather than at the next commit.
const (
	changelogBufferRecords = 10_000
	changelogBufferBytes   = 4 << 20
)

// changelogWriter mirrors a store's writes to partition p of its changelog
// (the task's partition, whatever the key), coalescing them per key until
// the next commit: when a key is written again before then, only its last
// write is sent. A changelog is compacted, and a restore wants only the
// last value of each key, so what reaches the topic is what compaction
// would leave of the full sequence (each key's last write, in the order of
// those last writes); the brokers get one record per key per commit
// interval instead of one per update. A count over 10,000 keys fed a
// million records sends 10,000 changelog records per commit, not a
// million.
//
// The session sends the buffer before every commit (flush), so the
// changelog positions the checkpoints record and the transactions under
// exactly-once cover every write, as they did when each write was sent
// at once. A task that fails drops its buffer: its stores are rebuilt
// from the changelog, which then lacks the writes since the last commit,
// exactly like the committed input offsets.
type changelogWriter struct {
	t  *task
	tp tp

	index   map[string]int // key → its live entry in pending
	pending []changelogEntry
	live    int
	bytes   int
}

type changelogEntry struct {
	key, value []byte // value nil: a tombstone
	ts         int64
	stale      bool // written again later: a newer entry replaces it
}

// LogChange implements store.ChangeLogger.
func (w *changelogWriter) LogChange(key, value []byte, ts int64) error {
	if err := w.t.th.prod.firstError(); err != nil {
		return err
	}
	if ts <= 0 {
		ts = w.t.t.StreamTime()
		if ts < 0 {
			ts = time.Now().UnixMilli()
		}
	}
	e := changelogEntry{key: bytes.Clone(key), ts: ts}
	if value != nil {
		e.value = bytes.Clone(value)
	}
	if w.index == nil {
		w.index = map[string]int{}
	}
	if i, ok := w.index[string(key)]; ok {
		w.pending[i].stale = true
		w.bytes -= len(w.pending[i].key) + len(w.pending[i].value)
		w.live--
	}
	w.index[string(e.key)] = len(w.pending)
	w.pending = append(w.pending, e)
	w.live++
	w.bytes += len(e.key) + len(e.value)
	switch {
	case w.live >= changelogBufferRecords || w.bytes >= changelogBufferBytes:
		return w.flush(w.t.th.app.procCtx)
	case len(w.pending) >= 2*changelogBufferRecords:
		w.compact()
	}
	return nil
}

// compact drops the stale entries, keeping the order of the others.
func (w *changelogWriter) compact() {
	kept := w.pending[:0]
	for _, e := range w.pending {
		if !e.stale {
			w.index[string(e.key)] = len(kept)
			kept = append(kept, e)
		}
	}
	clear(w.pending[len(kept):])
	w.pending = kept
}

// flush hands the buffered writes to the producer, in order.
func (w *changelogWriter) flush(ctx context.Context) error {
	pending := w.pending
	w.pending, w.live, w.bytes = w.pending[:0], 0, 0
	clear(w.index)
	var err error
	for i := range pending {
		e := &pending[i]
		if !e.stale && err == nil {
			r := streamlib.OutgoingRecord{Topic: w.tp.topic, Key: e.key, Value: e.value, Timestamp: e.ts}
			err = w.t.th.prod.send(ctx, &r, w.tp.partition)
		}
		*e = changelogEntry{}
	}
	return err
}

// flushChangelogs sends the task's buffered changelog writes.
func (t *task) flushChangelogs(ctx context.Context) error {
	for _, w := range t.logs {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}
