package harness

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"golang.org/x/sys/unix"
)

// Decoder names the input record an output record answers: its sequence
// number. ok is false for records that are not results (the pipeline's
// orders topic also holds the CREATED orders).
type Decoder func(key, value []byte) (seq int64, ok bool)

// Reader reads a run's output topics from the start and keeps, per input
// sequence number, whether its result arrived; it times the throughput
// part (first result to last) and, for the latency part, each result
// against the time its input was sent.
type Reader struct {
	decode   Decoder
	consumer sarama.Consumer
	wg       sync.WaitGroup
	cancel   context.CancelFunc

	n, total int64           // throughput part: seqs [0, n); all: [0, total)
	seen     []atomic.Uint64 // bitmap over [0, total)
	want     [2]int64        // results expected of each part
	got      [2]atomic.Int64 // distinct results of each part
	dups     atomic.Int64
	first    atomic.Int64 // Unix ns of the first result
	last     atomic.Int64 // Unix ns of the throughput part's last result
	// CPU time of the process (user + system, ns) at the first result
	// and at the throughput part's last.
	cpuFirst, cpuLast atomic.Int64
	sent              []atomic.Int64

	mu   sync.Mutex
	lats []time.Duration
	err  error
}

// NewReader starts reading topics. Results for seqs [0, n) are the
// throughput part, [n, n+len(sent)) the latency part, whose send times
// the producer writes into sent. want says which seqs have a result.
func NewReader(env *Env, topics []string, n int64, sent []atomic.Int64, want func(int64) bool, decode Decoder) (*Reader, error) {
	c := ClientConfig()
	c.Consumer.Fetch.Default = 4 << 20
	c.ChannelBufferSize = 4096
	consumer, err := sarama.NewConsumer(env.Brokers, c)
	if err != nil {
		return nil, fmt.Errorf("output reader: %w", err)
	}
	total := n + int64(len(sent))
	r := &Reader{
		decode: decode, consumer: consumer, n: n, total: total,
		seen: make([]atomic.Uint64, (total+63)/64), sent: sent,
	}
	for seq := range total {
		if want(seq) {
			r.want[min(seq/n, 1)]++
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	for _, topic := range topics {
		for p := range env.Settings.Partitions {
			pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
			if err != nil {
				r.Close()
				return nil, fmt.Errorf("read %s/%d: %w", topic, p, err)
			}
			r.wg.Go(func() { r.read(ctx, pc) })
		}
	}
	return r, nil
}

func (r *Reader) read(ctx context.Context, pc sarama.PartitionConsumer) {
	defer pc.AsyncClose()
	var lats []time.Duration
	defer func() {
		r.mu.Lock()
		r.lats = append(r.lats, lats...)
		r.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-pc.Errors():
			if ok {
				r.mu.Lock()
				if r.err == nil {
					r.err = e
				}
				r.mu.Unlock()
			}
		case m, ok := <-pc.Messages():
			if !ok {
				return
			}
			seq, ok := r.decode(m.Key, m.Value)
			if !ok || seq < 0 || seq >= r.total {
				continue
			}
			now := time.Now().UnixNano()
			if r.first.CompareAndSwap(0, now) {
				r.cpuFirst.Store(cpuTime())
			}
			bit := uint64(1) << (seq % 64)
			if r.seen[seq/64].Or(bit)&bit != 0 {
				r.dups.Add(1)
				continue
			}
			if seq < r.n {
				if r.got[0].Add(1) == r.want[0] {
					r.last.Store(now)
					r.cpuLast.Store(cpuTime())
				}
				continue
			}
			r.got[1].Add(1)
			if t := r.sent[seq-r.n].Load(); t > 0 {
				lats = append(lats, time.Duration(now-t))
			}
		}
	}
}

// cpuTime is the CPU time the process has used, in nanoseconds
// (CLOCK_PROCESS_CPUTIME_ID: exact, where getrusage's user/system split
// is sampled and can step back between calls).
func cpuTime() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}

// CPUPerRecord is the process's CPU time per input record during the
// throughput part, in microseconds: less disturbed than records/s by
// other work on the machine (with the embedded broker it includes the
// broker's work).
func (r *Reader) CPUPerRecord() float64 {
	return float64(r.cpuLast.Load()-r.cpuFirst.Load()) / 1e3 / float64(r.n)
}

// WaitThroughput waits until every result of the throughput part arrived
// and returns the records per second between the first result and the
// last (the start-up of the application is not counted) and the time from
// start to the first result.
func (r *Reader) WaitThroughput(ctx context.Context, start time.Time, timeout time.Duration) (perSec float64, startup time.Duration, err error) {
	if err := r.wait(ctx, 0, timeout); err != nil {
		return 0, 0, err
	}
	first, last := r.first.Load(), r.last.Load()
	startup = time.Duration(first - start.UnixNano())
	elapsed := time.Duration(last - first)
	if elapsed <= 0 {
		elapsed = time.Nanosecond
	}
	return float64(r.n) / elapsed.Seconds(), startup, nil
}

// WaitLatency waits for every result of the latency part and returns the
// latencies, sorted.
func (r *Reader) WaitLatency(ctx context.Context, timeout time.Duration) ([]time.Duration, error) {
	if err := r.wait(ctx, 1, timeout); err != nil {
		return nil, err
	}
	r.cancel()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	lats := slices.Clone(r.lats)
	slices.Sort(lats)
	return lats, nil
}

func (r *Reader) wait(ctx context.Context, part int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	want := r.want[part]
	for r.got[part].Load() < want {
		r.mu.Lock()
		err := r.err
		r.mu.Unlock()
		if err != nil {
			return fmt.Errorf("reading output: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %d of %d results after %v", errTimeout, r.got[part].Load(), want, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return nil
}

var errTimeout = errors.New("timed out waiting for results")

// Duplicates counts results that arrived more than once.
func (r *Reader) Duplicates() int64 { return r.dups.Load() }

// Close stops reading.
func (r *Reader) Close() {
	r.cancel()
	r.wg.Wait()
	_ = r.consumer.Close()
}
