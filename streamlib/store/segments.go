package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Window and session stores keep their entries in time segments: every key
// starts with the 8-byte id of the segment its timestamp falls in (window
// start for window stores, session end for session stores), so that expired
// data goes with one DeleteRange per segment instead of entry by entry.
//
// Internal key layout (all integers big-endian, signed ones with the sign bit
// flipped so that byte order is numeric order):
//
//	window:  segment(8) | uvarint(len(key)) | key | windowStart(8) [| seq(4)]
//	session: segment(8) | uvarint(len(key)) | key | end(8) | start(8)
//
// The length prefix keeps a key apart from longer keys it is a prefix of.
// Changelog keys use Kafka Streams' layouts instead (key | start(8) | seq(4)
// for windows, key | end(8) | start(8) for sessions) with plain two's
// complement timestamps, so that they do not depend on the segment interval.

const (
	// minSegmentInterval is the shortest segment of a persistent store, in
	// milliseconds: on disk every dropped segment leaves a range deletion
	// to compact, so segments stay long.
	minSegmentInterval = 60_000
	// minMemorySegmentInterval is the shortest segment of an in-memory
	// store: a DeleteRange there is cheap.
	minMemorySegmentInterval = 1000
	// metaStreamTime names the meta value that keeps a segmented store's
	// observed stream time across restarts.
	metaStreamTime = "stream-time"
	// metaInterval names the meta value that keeps the segment interval.
	metaInterval = "segment-interval"
)

// segmentInterval picks the segment length for a retention period: half of
// it, so that a store holds about three segments, but at least a minute on
// disk and a second in memory. A store of a short retention (a join window
// of 100 ms) then holds about two seconds of records instead of two minutes,
// which keeps its tree small and its lookups fast.
func segmentInterval(retentionMs int64, persistent bool) int64 {
	if persistent {
		return max(retentionMs/2, minSegmentInterval)
	}
	return max(retentionMs/2, minMemorySegmentInterval)
}

func appendOrdered(dst []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(v)^(1<<63))
}

func readOrdered(b []byte) int64 { return int64(binary.BigEndian.Uint64(b) ^ (1 << 63)) }

// segmented is what window and session stores share: the byte store, the
// retention clock and the set of segments that hold data.
type segmented struct {
	name       string
	raw        Bytes
	retention  int64 // ms
	interval   int64 // ms
	persistent bool

	// observed is the time retention is measured against: the largest
	// timestamp put, removed or restored (window start, session end), as
	// Kafka Streams' segmented stores do. Only writes advance it. It is not
	// the task's stream time: records that only advance stream time (late
	// ones, other processors' records) do not expire data.
	observed atomic.Int64
	// segs lists the ids of segments that may hold data, ascending.
	// Readers load it; the writer replaces it.
	segs atomic.Pointer[[]int64]
	// dropped: every segment below it is gone. Writer only.
	dropped int64
	// bufs lends readers buffers for the keys they look up.
	bufs bufPool
	// beforeSave runs before the meta values are saved (Flush, Close).
	beforeSave func() error
	closed     atomic.Bool
}

func newSegmented(name string, raw Bytes, retention int64, persistent bool) (*segmented, error) {
	s := &segmented{
		name: name, raw: raw, retention: retention, interval: segmentInterval(retention, persistent),
		persistent: persistent, dropped: math.MinInt64,
	}
	s.observed.Store(math.MinInt64)
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load finds the segments already in the byte store (a reopened persistent
// store) by seeking from one segment to the next, and the saved stream time.
func (s *segmented) load() error {
	var segs []int64
	var from []byte
	for {
		var found []byte
		for k := range s.raw.Range(from, nil) {
			if len(k) >= 8 {
				found = k[:8:8]
			}
			break
		}
		if err := s.raw.Err(); err != nil {
			return fmt.Errorf("store %s: find segments: %w", s.name, err)
		}
		if found == nil {
			break
		}
		segs = append(segs, readOrdered(found))
		if from = PrefixEnd(found); from == nil {
			break
		}
	}
	s.segs.Store(&segs)
	ms, ok := s.raw.(metaStore)
	if !ok {
		return nil
	}
	v, err := ms.getMeta(metaStreamTime)
	if err != nil {
		return fmt.Errorf("store %s: read stream time: %w", s.name, err)
	}
	if len(v) == 8 {
		s.observed.Store(int64(binary.BigEndian.Uint64(v)))
	}
	// Keys hold segment ids, so a store keeps the segment interval it was
	// created with, whatever retention it is reopened with.
	v, err = ms.getMeta(metaInterval)
	if err != nil {
		return fmt.Errorf("store %s: read segment interval: %w", s.name, err)
	}
	if len(v) == 8 {
		if iv := int64(binary.BigEndian.Uint64(v)); iv > 0 {
			s.interval = iv
		}
		return nil
	}
	if err := ms.setMeta(metaInterval, binary.BigEndian.AppendUint64(nil, uint64(s.interval)), false); err != nil {
		return fmt.Errorf("store %s: save segment interval: %w", s.name, err)
	}
	return nil
}

// now is the time retention is measured against.
func (s *segmented) now() int64 { return s.observed.Load() }

// liveFrom is the earliest timestamp still retained.
func (s *segmented) liveFrom() int64 {
	now := s.now()
	if now == math.MinInt64 {
		return math.MinInt64
	}
	return satSub(now, s.retention) + 1
}

// observe records a timestamp put, removed or restored. Writer only.
func (s *segmented) observe(ts int64) {
	if ts > s.observed.Load() {
		s.observed.Store(ts)
	}
}

func (s *segmented) segmentOf(ts int64) int64 {
	if ts >= 0 {
		return ts / s.interval
	}
	return -((-ts - 1) / s.interval) - 1
}

// admit is called by the writer before storing an entry with timestamp ts
// (already observed): it drops expired segments and reports whether ts is
// still retained. It registers ts's segment.
func (s *segmented) admit(ts int64) (bool, error) {
	live := s.liveFrom()
	if err := s.dropExpired(live); err != nil {
		return false, err
	}
	if ts < live {
		return false, nil
	}
	s.addSegment(s.segmentOf(ts))
	return true, nil
}

func (s *segmented) addSegment(seg int64) {
	cur := *s.segs.Load()
	i, found := slices.BinarySearch(cur, seg)
	if found {
		return
	}
	next := slices.Insert(slices.Clone(cur), i, seg)
	s.segs.Store(&next)
}

// dropExpired deletes the segments that end before live.
func (s *segmented) dropExpired(live int64) error {
	if live == math.MinInt64 {
		return nil
	}
	minLive := s.segmentOf(live)
	if minLive <= s.dropped {
		return nil
	}
	cur := *s.segs.Load()
	n := 0
	for n < len(cur) && cur[n] < minLive {
		n++
	}
	if n > 0 {
		// Readers stop looking at the segments before they go.
		rest := slices.Clone(cur[n:])
		s.segs.Store(&rest)
		if err := s.raw.DeleteRange(appendOrdered(nil, cur[0]), appendOrdered(nil, minLive)); err != nil {
			return fmt.Errorf("store %s: drop segments %d..%d: %w", s.name, cur[0], minLive-1, err)
		}
	}
	s.dropped = minLive
	return nil
}

// segments returns the ids of segments that may hold timestamps in
// [from, to], ascending.
func (s *segmented) segments(from, to int64) []int64 {
	cur := *s.segs.Load()
	lo, hi := s.segmentOf(from), s.segmentOf(to)
	i, _ := slices.BinarySearch(cur, lo)
	j, found := slices.BinarySearch(cur, hi)
	if found {
		j++
	}
	if i >= j {
		return nil
	}
	return cur[i:j]
}

// saveMeta keeps the observed stream time (and what beforeSave adds) in the
// backend's meta values.
func (s *segmented) saveMeta() error {
	ms, ok := s.raw.(metaStore)
	if !ok {
		return nil
	}
	if s.beforeSave != nil {
		if err := s.beforeSave(); err != nil {
			return err
		}
	}
	if err := ms.setMeta(metaStreamTime, binary.BigEndian.AppendUint64(nil, uint64(s.observed.Load())), false); err != nil {
		return fmt.Errorf("store %s: save stream time: %w", s.name, err)
	}
	return nil
}

func (s *segmented) checkOpen() error {
	if s.closed.Load() {
		return fmt.Errorf("store %s: %w", s.name, ErrClosed)
	}
	return nil
}

func (s *segmented) Name() string     { return s.name }
func (s *segmented) Persistent() bool { return s.persistent }

func (s *segmented) Flush() error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := s.saveMeta(); err != nil {
		return err
	}
	return s.raw.Flush()
}

func (s *segmented) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	err := s.saveMeta()
	if cerr := s.raw.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// satSub is a - b, saturating at the int64 range.
func satSub(a, b int64) int64 {
	if b > 0 && a < math.MinInt64+b {
		return math.MinInt64
	}
	if b < 0 && a > math.MaxInt64+b {
		return math.MaxInt64
	}
	return a - b
}

// appendKeyPrefix appends segment | uvarint(len(key)) | key.
func appendKeyPrefix(dst []byte, seg int64, key []byte) []byte {
	dst = appendOrdered(dst, seg)
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	return append(dst, key...)
}

// splitKeyPrefix parses segment | uvarint(len(key)) | key and returns the key
// and the rest.
func splitKeyPrefix(b []byte) (key, rest []byte, ok bool) {
	if len(b) < 8 {
		return nil, nil, false
	}
	n, w := binary.Uvarint(b[8:])
	if w <= 0 || uint64(len(b)-8-w) < n {
		return nil, nil, false
	}
	start := 8 + w
	return b[start : start+int(n)], b[start+int(n):], true
}

// bufPool lends byte buffers, so that lookups build keys without allocating.
type bufPool struct{ p sync.Pool }

func (b *bufPool) get() *[]byte {
	if bp, ok := b.p.Get().(*[]byte); ok {
		return bp
	}
	buf := make([]byte, 0, 64)
	return &buf
}

func (b *bufPool) put(bp *[]byte) {
	if cap(*bp) <= 4096 {
		b.p.Put(bp)
	}
}

// rawBytes returns the byte store underneath (tests look at segments).
func (s *segmented) rawBytes() Bytes { return s.raw }
