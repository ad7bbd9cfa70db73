package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Pebble tuning. A store is one Pebble database; a task has a few of them
// and a process a few tasks, so each is kept small:
//
//   - memtables of 4 MiB, at most 4 of them queued for flushing;
//   - a 32 MiB block cache per store unless the runtime shares one
//     (Context.Cache), which it should when it runs many stores. Pebble
//     allocates cache memory on demand, so small stores stay small. (With
//     8 MiB or less, Pebble v2's cache admitted nothing in our tests: every
//     read of an existing key went to the file system.)
//   - bloom filters (10 bits per key), so Gets of absent keys, the first
//     record of every new key, skip tables;
//   - at most 256 open table files.
//
// A count store of 1M keys (3M increments) peaked at 108 MB RSS with these
// settings, 116 MB with a 64 MiB cache.
//
// Writes go to the write-ahead log without waiting for fsync; Flush syncs the
// log, which makes every earlier write durable without writing a table file
// per commit.
const (
	pebbleMemTableSize    = 4 << 20
	pebbleMemTableStop    = 4
	pebbleCacheSize       = 32 << 20
	pebbleMaxOpenFiles    = 256
	pebbleBloomBitsPerKey = 10
)

// Key space of a Pebble store: data keys are prefixed with 0x01 and meta
// values (checkpoint, a window store's stream time) with 0x00, so scans over
// data never meet them.
const (
	metaPrefix = 0x00
	dataPrefix = 0x01
)

// metaCheckpoint names the meta value holding the changelog checkpoint.
const metaCheckpoint = "checkpoint"

// Checkpointer is implemented by persistent stores. The Kafka runtime records
// the changelog offset up to which the store's data is durable, after a
// Flush, and on restart restores only the changelog records after it.
// In-memory stores do not implement it: they always restore everything.
type Checkpointer interface {
	// Checkpoint returns the recorded offset; ok is false when none is (a
	// new store, or a cleared checkpoint).
	Checkpoint() (offset int64, ok bool, err error)
	// SetCheckpoint records offset durably, together with every write
	// made before the call.
	SetCheckpoint(offset int64) error
	// ClearCheckpoint removes the recorded offset, durably. A runtime with
	// exactly-once processing clears it before writes that a transaction
	// abort could undo in the changelog, so that a crash then forces a full
	// restore instead of trusting a store ahead of its changelog.
	ClearCheckpoint() error
}

// Cache is a block cache that persistent stores share. A runtime that opens
// many persistent stores makes one, passes it in Context.Cache and closes it
// after the stores.
type Cache struct{ c *pebble.Cache }

// NewCache returns a block cache of the given size in bytes.
func NewCache(size int64) *Cache { return &Cache{c: pebble.NewCache(size)} }

// Close releases the runtime's reference; the memory goes when the last store
// using the cache is closed too. Closing twice is not an error.
func (c *Cache) Close() {
	if c != nil && c.c != nil {
		c.c.Unref()
		c.c = nil
	}
}

// pebbleBytes is the Pebble Bytes backend.
type pebbleBytes struct {
	name string
	dir  string
	db   *pebble.DB
	lock *pebble.Lock
	gate gate
	// Len's estimate: writes since the last memtable flush.
	memWrites atomic.Int64
	bufs      bufPool
	// scanErr is the error that ended a scan early (see Bytes.Err).
	scanErr atomic.Pointer[error]
}

// openPersistentBytes opens (creating it if needed) the Pebble database of a
// task's store, in <ctx.Dir>/<name>.
func openPersistentBytes(ctx Context, name string) (Bytes, error) {
	if ctx.Dir == "" {
		return nil, fmt.Errorf("store %s: %w", name, ErrNoStateDir)
	}
	if !filepath.IsLocal(name) || filepath.Base(name) != name || name == "." {
		return nil, fmt.Errorf("store %q: a persistent store's name must be a plain file name: %w", name, ErrInvalid)
	}
	dir := filepath.Join(ctx.Dir, name)
	return OpenPebbleBytes(dir, ctx.Cache, ctx.Logger)
}

// OpenPebbleBytes opens (creating it if needed) a Pebble byte store in dir.
// cache may be nil (the store gets its own small one); logger receives
// Pebble's errors and may be nil.
func OpenPebbleBytes(dir string, cache *Cache, logger *slog.Logger) (Bytes, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", dir, err)
	}
	p := &pebbleBytes{name: filepath.Base(dir), dir: dir}
	p.gate.init()
	opts := &pebble.Options{
		MemTableSize:                pebbleMemTableSize,
		MemTableStopWritesThreshold: pebbleMemTableStop,
		MaxOpenFiles:                pebbleMaxOpenFiles,
		FormatMajorVersion:          pebble.FormatNewest,
		Logger:                      pebbleLogger{logger},
		EventListener: &pebble.EventListener{
			FlushEnd: func(pebble.FlushInfo) { p.memWrites.Store(0) },
		},
	}
	if cache != nil && cache.c != nil {
		opts.Cache = cache.c
	} else {
		opts.CacheSize = pebbleCacheSize
	}
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(pebbleBloomBitsPerKey)
	}
	// Locking first keeps a failed Open (a directory another store holds)
	// from leaving Pebble's disk-health goroutine behind.
	lock, err := pebble.LockDirectory(dir, vfs.Default)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	opts.Lock = lock
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s: %w", dir, err), lock.Close())
	}
	p.db, p.lock = db, lock
	return p, nil
}

// pebbleLogger passes Pebble's errors to a slog.Logger and drops its
// informational chatter.
type pebbleLogger struct{ l *slog.Logger }

func (pebbleLogger) Infof(string, ...any) {}

func (p pebbleLogger) Errorf(format string, args ...any) {
	if p.l != nil {
		p.l.Error("pebble: " + fmt.Sprintf(format, args...))
	}
}

func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.Errorf(format, args...)
	pebble.DefaultLogger.Fatalf(format, args...)
}

// prefixed builds prefix|key in a pooled buffer; release with p.bufs.put.
func (p *pebbleBytes) prefixed(prefix byte, key []byte) *[]byte {
	bp := p.bufs.get()
	*bp = append(append((*bp)[:0], prefix), key...)
	return bp
}

func (p *pebbleBytes) closedErr() error { return ErrClosed }

func (p *pebbleBytes) Get(key []byte) ([]byte, error) {
	if !p.gate.enter() {
		return nil, p.closedErr()
	}
	defer p.gate.exit()
	bp := p.prefixed(dataPrefix, key)
	defer p.bufs.put(bp)
	return p.get(*bp)
}

func (p *pebbleBytes) get(key []byte) ([]byte, error) {
	v, closer, err := p.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(v))
	copy(out, v)
	return out, closer.Close()
}

func (p *pebbleBytes) Put(key, value []byte) error {
	if !p.gate.enter() {
		return p.closedErr()
	}
	defer p.gate.exit()
	bp := p.prefixed(dataPrefix, key)
	defer p.bufs.put(bp)
	p.memWrites.Add(1)
	return p.db.Set(*bp, value, pebble.NoSync)
}

func (p *pebbleBytes) Delete(key []byte) error {
	if !p.gate.enter() {
		return p.closedErr()
	}
	defer p.gate.exit()
	bp := p.prefixed(dataPrefix, key)
	defer p.bufs.put(bp)
	p.memWrites.Add(-1)
	return p.db.Delete(*bp, pebble.NoSync)
}

// dataKey returns prefix|key, or the end of the data key space for nil.
func dataBound(key []byte) []byte {
	if key == nil {
		return []byte{dataPrefix + 1}
	}
	return append([]byte{dataPrefix}, key...)
}

func (p *pebbleBytes) DeleteRange(from, to []byte) error {
	if !p.gate.enter() {
		return p.closedErr()
	}
	defer p.gate.exit()
	lo := append([]byte{dataPrefix}, from...)
	return p.db.DeleteRange(lo, dataBound(to), pebble.NoSync)
}

// pebbleScanChunk is how many entries a Pebble scan reads before it leaves
// the gate to yield them.
const pebbleScanChunk = 256

// span locates one entry a scan copied into its chunk's buffer: the key is
// buf[k:v], the value buf[v:end].
type span struct{ k, v, end int }

// Range copies the entries before yielding them, so that what a caller keeps
// (a serde may keep the bytes it is given) stays valid. It reads a chunk at
// a time into one buffer and yields outside the gate, so that Close never
// waits for a loop body: neither one that closes the store itself nor a slow
// interactive query. A scan that meets a closed store ends with ErrClosed.
func (p *pebbleBytes) Range(from, to []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		lo := append([]byte{dataPrefix}, from...)
		var hi []byte
		if to == nil {
			hi = dataBound(nil)
		} else {
			// The smallest key after to: the bound is exclusive.
			hi = append(append([]byte{dataPrefix}, to...), 0)
		}
		var spans []span
		for {
			buf, spans2, more, err := p.readChunk(spans[:0], lo, hi)
			spans = spans2
			if err != nil {
				p.failScan(err)
				return
			}
			for _, sp := range spans {
				if !yield(buf[sp.k:sp.v:sp.v], buf[sp.v:sp.end:sp.end]) {
					return
				}
			}
			if !more {
				return
			}
			// Go on from the smallest key after the last one yielded.
			last := spans[len(spans)-1]
			lo = append(append(append(lo[:0], dataPrefix), buf[last.k:last.v]...), 0)
		}
	}
}

// readChunk copies up to pebbleScanChunk entries in [lo, hi) into a new
// buffer, appends where they are to spans, and reports whether more follow.
func (p *pebbleBytes) readChunk(spans []span, lo, hi []byte) ([]byte, []span, bool, error) {
	if !p.gate.enter() {
		return nil, spans, false, ErrClosed
	}
	defer p.gate.exit()
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, spans, false, err
	}
	var buf []byte
	more := false
	for ok := it.First(); ok; ok = it.Next() {
		if len(spans) == pebbleScanChunk {
			more = true
			break
		}
		k := len(buf)
		buf = append(buf, it.Key()[1:]...)
		v := len(buf)
		buf = append(buf, it.Value()...)
		spans = append(spans, span{k: k, v: v, end: len(buf)})
	}
	// Close reports the iterator's error, if any.
	return buf, spans, more, it.Close()
}

func (p *pebbleBytes) failScan(err error) {
	err = fmt.Errorf("store: scan %s: %w", p.dir, err)
	p.scanErr.Store(&err)
}

func (p *pebbleBytes) Err() error {
	if e := p.scanErr.Swap(nil); e != nil {
		return *e
	}
	return nil
}

// Len estimates the number of entries: the entries minus twice the deletions
// of the table files, plus the writes since the last memtable flush. It
// counts overwritten keys more than once until compactions merge them.
func (p *pebbleBytes) Len() int64 {
	if !p.gate.enter() {
		return 0
	}
	defer p.gate.exit()
	tables, err := p.db.SSTables()
	if err != nil {
		return max(0, p.memWrites.Load())
	}
	var n int64
	for _, level := range tables {
		for _, t := range level {
			n += int64(t.TableStats.NumEntries) - 2*int64(t.TableStats.NumDeletions)
		}
	}
	return max(0, n+p.memWrites.Load())
}

// Flush syncs the write-ahead log: every write so far survives a crash.
func (p *pebbleBytes) Flush() error {
	if !p.gate.enter() {
		return p.closedErr()
	}
	defer p.gate.exit()
	return p.db.LogData(nil, pebble.Sync)
}

func (p *pebbleBytes) Close() error {
	if !p.gate.close() {
		return nil
	}
	if err := errors.Join(p.db.Close(), p.lock.Close()); err != nil {
		return fmt.Errorf("store: close %s: %w", p.dir, err)
	}
	return nil
}

func (p *pebbleBytes) getMeta(name string) ([]byte, error) {
	if !p.gate.enter() {
		return nil, p.closedErr()
	}
	defer p.gate.exit()
	return p.get(append([]byte{metaPrefix}, name...))
}

func (p *pebbleBytes) setMeta(name string, value []byte, sync bool) error {
	if !p.gate.enter() {
		return p.closedErr()
	}
	defer p.gate.exit()
	key := append([]byte{metaPrefix}, name...)
	opts := pebble.NoSync
	if sync {
		opts = pebble.Sync
	}
	if value == nil {
		return p.db.Delete(key, opts)
	}
	return p.db.Set(key, value, opts)
}

// gate lets operations run until Close, which waits for those in flight
// (Pebble must not close under an open iterator).
type gate struct {
	mu     sync.Mutex
	idle   sync.Cond
	n      int
	closed bool
}

func (g *gate) init() { g.idle.L = &g.mu }

func (g *gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	return true
}

func (g *gate) exit() {
	g.mu.Lock()
	g.n--
	if g.n == 0 && g.closed {
		g.idle.Broadcast()
	}
	g.mu.Unlock()
}

// close reports whether this call closed the gate; it returns when no
// operation is in flight.
func (g *gate) close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	for g.n > 0 {
		g.idle.Wait()
	}
	return true
}

// checkpoints implements Checkpointer over a backend's meta values.
type checkpoints struct {
	name string
	meta metaStore
}

// Checkpoint implements Checkpointer.
func (c checkpoints) Checkpoint() (int64, bool, error) {
	v, err := c.meta.getMeta(metaCheckpoint)
	if err != nil {
		return 0, false, fmt.Errorf("store %s: read checkpoint: %w", c.name, err)
	}
	if len(v) != 8 {
		return 0, false, nil
	}
	return int64(binary.BigEndian.Uint64(v)), true, nil
}

// SetCheckpoint implements Checkpointer.
func (c checkpoints) SetCheckpoint(offset int64) error {
	if err := c.meta.setMeta(metaCheckpoint, binary.BigEndian.AppendUint64(nil, uint64(offset)), true); err != nil {
		return fmt.Errorf("store %s: write checkpoint %d: %w", c.name, offset, err)
	}
	return nil
}

// ClearCheckpoint implements Checkpointer.
func (c checkpoints) ClearCheckpoint() error {
	if err := c.meta.setMeta(metaCheckpoint, nil, true); err != nil {
		return fmt.Errorf("store %s: clear checkpoint: %w", c.name, err)
	}
	return nil
}
