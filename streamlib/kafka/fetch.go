package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
)

// tp names a topic partition.
type tp struct {
	topic     string
	partition int32
}

func (t tp) String() string { return fmt.Sprintf("%s/%d", t.topic, t.partition) }

// errOffsetOutOfRange reports a position the partition no longer (or not
// yet) holds.
type errOffsetOutOfRange struct {
	tp     tp
	offset int64
}

func (e *errOffsetOutOfRange) Error() string {
	return fmt.Sprintf("offset %d out of range in %s", e.offset, e.tp)
}

// applyError is an error of the function a reader hands records to, as
// opposed to an error fetching them.
type applyError struct{ err error }

func (e *applyError) Error() string { return e.err.Error() }
func (e *applyError) Unwrap() error { return e.err }

// reader reads partitions from given positions with plain fetch requests.
// Restoring stores and filling global tables need to know exactly when a
// partition is read to its end, and under read_committed the end may be a
// transaction marker or aborted records that a sarama PartitionConsumer
// skips without telling: here the position moves past every batch, shown
// or not, so "position >= end offset" is a reliable test.
type reader struct {
	client    sarama.Client
	version   sarama.KafkaVersion
	isolation sarama.IsolationLevel
	maxWait   time.Duration
	minSize   int32 // initial per-partition fetch size
	maxBytes  int32
	sizes     map[tp]int32 // grown when a batch does not fit
}

func newReader(client sarama.Client, cfg *sarama.Config, isolation sarama.IsolationLevel, maxWait time.Duration) *reader {
	return &reader{
		client:    client,
		version:   cfg.Version,
		isolation: isolation,
		maxWait:   maxWait,
		minSize:   cfg.Consumer.Fetch.Default,
		maxBytes:  cfg.Consumer.Fetch.MaxBytes,
		sizes:     map[tp]int32{},
	}
}

// fetchVersion picks the fetch request version for the protocol version,
// as sarama's consumer does; read_committed needs at least 4.
func fetchVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_7_0_0):
		return 12
	case v.IsAtLeast(sarama.V2_3_0_0):
		return 11
	case v.IsAtLeast(sarama.V2_1_0_0):
		return 10
	case v.IsAtLeast(sarama.V1_1_0_0):
		return 7
	default:
		return 4
	}
}

// poll fetches once from every partition in pos, passes the records to
// apply in offset order per partition, and moves pos past every batch it
// read. It fetches from all leaders concurrently, then applies on the
// calling goroutine.
func (r *reader) poll(ctx context.Context, pos map[tp]int64, apply func(*streamlib.RawRecord) error) error {
	byLeader := map[*sarama.Broker][]tp{}
	for p := range pos {
		b, err := r.client.Leader(p.topic, p.partition)
		if err != nil {
			_ = r.client.RefreshMetadata(p.topic)
			return fmt.Errorf("leader of %s: %w", p, err)
		}
		byLeader[b] = append(byLeader[b], p)
	}
	type result struct {
		broker *sarama.Broker
		parts  []tp
		resp   *sarama.FetchResponse
		err    error
	}
	results := make([]result, 0, len(byLeader))
	for b, parts := range byLeader {
		slices.SortFunc(parts, func(a, b tp) int {
			if a.topic != b.topic {
				if a.topic < b.topic {
					return -1
				}
				return 1
			}
			return int(a.partition - b.partition)
		})
		results = append(results, result{broker: b, parts: parts})
	}
	var wg sync.WaitGroup
	for i := range results {
		req := &sarama.FetchRequest{
			Version:      fetchVersion(r.version),
			MinBytes:     1,
			MaxWaitTime:  int32(r.maxWait / time.Millisecond),
			MaxBytes:     r.maxBytes,
			Isolation:    r.isolation,
			SessionID:    0,
			SessionEpoch: -1,
		}
		for _, p := range results[i].parts {
			size := r.sizes[p]
			if size == 0 {
				size = r.minSize
			}
			req.AddBlock(p.topic, p.partition, pos[p], size, -1)
		}
		wg.Go(func() {
			results[i].resp, results[i].err = results[i].broker.Fetch(req)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, res := range results {
		if res.err != nil {
			_ = res.broker.Close()
			_ = r.client.RefreshMetadata()
			return fmt.Errorf("fetch from broker %s: %w", res.broker.Addr(), res.err)
		}
		for _, p := range res.parts {
			block := res.resp.GetBlock(p.topic, p.partition)
			if block == nil {
				continue
			}
			switch {
			case errors.Is(block.Err, sarama.ErrNoError):
			case errors.Is(block.Err, sarama.ErrOffsetOutOfRange):
				return &errOffsetOutOfRange{tp: p, offset: pos[p]}
			case errors.Is(block.Err, sarama.ErrNotLeaderForPartition), errors.Is(block.Err, sarama.ErrLeaderNotAvailable),
				errors.Is(block.Err, sarama.ErrUnknownTopicOrPartition), errors.Is(block.Err, sarama.ErrFencedLeaderEpoch),
				errors.Is(block.Err, sarama.ErrUnknownLeaderEpoch), errors.Is(block.Err, sarama.ErrOffsetNotAvailable):
				_ = r.client.RefreshMetadata(p.topic)
				continue // try again on the next poll
			default:
				return fmt.Errorf("fetch %s at %d: %w", p, pos[p], block.Err)
			}
			next, err := r.applyBlock(p, pos[p], block, apply)
			if err != nil {
				return err
			}
			if next == pos[p] && block.Partial {
				// A batch larger than the fetch size: ask for more next time.
				r.sizes[p] = max(2*r.sizeOf(p), r.sizeOf(p)+1)
			}
			pos[p] = next
		}
	}
	return nil
}

func (r *reader) sizeOf(p tp) int32 {
	if s := r.sizes[p]; s > 0 {
		return s
	}
	return r.minSize
}

// applyBlock applies the records of one partition's fetch response from
// position from, and returns the position after the last whole batch. Under
// read_committed it drops the batches of aborted transactions, as Kafka's
// own consumer does: a producer's batches are dropped from the first offset
// of its aborted transaction until the abort marker.
func (r *reader) applyBlock(p tp, from int64, block *sarama.FetchResponseBlock, apply func(*streamlib.RawRecord) error) (int64, error) {
	pos := from
	pending := slices.Clone(block.AbortedTransactions)
	slices.SortFunc(pending, func(a, b *sarama.AbortedTransaction) int {
		switch {
		case a.FirstOffset < b.FirstOffset:
			return -1
		case a.FirstOffset > b.FirstOffset:
			return 1
		}
		return 0
	})
	aborted := map[int64]bool{}
	for _, set := range block.RecordsSet {
		batch := set.RecordBatch
		if batch == nil {
			if set.MsgSet != nil && len(set.MsgSet.Messages) > 0 {
				return pos, fmt.Errorf("fetch %s: records in the old message format (before Kafka 0.11) are not supported", p)
			}
			continue
		}
		if batch.PartialTrailingRecord {
			break
		}
		last := batch.FirstOffset + int64(batch.LastOffsetDelta)
		if last < pos {
			continue
		}
		if r.isolation == sarama.ReadCommitted {
			for len(pending) > 0 && pending[0].FirstOffset <= last {
				aborted[pending[0].ProducerID] = true
				pending = pending[1:]
			}
		}
		switch {
		case batch.Control:
			if len(batch.Records) > 0 && isAbortMarker(batch.Records[0].Key) {
				delete(aborted, batch.ProducerID)
			}
		case batch.IsTransactional && aborted[batch.ProducerID]:
			// dropped: part of an aborted transaction
		default:
			for _, rec := range batch.Records {
				off := batch.FirstOffset + rec.OffsetDelta
				if off < pos {
					continue
				}
				ts := batch.FirstTimestamp.Add(rec.TimestampDelta)
				if batch.LogAppendTime {
					ts = batch.MaxTimestamp
				}
				raw := &streamlib.RawRecord{
					Topic: p.topic, Partition: p.partition, Offset: off,
					Key: rec.Key, Value: rec.Value, Timestamp: ts.UnixMilli(),
				}
				if len(rec.Headers) > 0 {
					raw.Headers = make(streamlib.Headers, 0, len(rec.Headers))
					for _, h := range rec.Headers {
						raw.Headers = append(raw.Headers, streamlib.Header{Key: string(h.Key), Value: h.Value})
					}
				}
				if err := apply(raw); err != nil {
					return pos, &applyError{err: err}
				}
			}
		}
		pos = last + 1
	}
	return pos, nil
}

// isAbortMarker reads a control record's key: version (int16), type
// (int16), where type 0 is ABORT and 1 is COMMIT.
func isAbortMarker(key []byte) bool {
	return len(key) >= 4 && binary.BigEndian.Uint16(key[2:4]) == 0
}

// listOffsets returns the earliest (sarama.OffsetOldest) or end
// (sarama.OffsetNewest) offset of each partition. Under read_committed the
// end is the last stable offset: records of open transactions lie beyond it.
func listOffsets(client sarama.Client, cfg *sarama.Config, parts []tp, which int64, isolation sarama.IsolationLevel) (map[tp]int64, error) {
	out := make(map[tp]int64, len(parts))
	var lastErr error
	todo := slices.Clone(parts)
	for attempt := range 5 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
			_ = client.RefreshMetadata()
		}
		byLeader := map[*sarama.Broker][]tp{}
		for _, p := range todo {
			b, err := client.Leader(p.topic, p.partition)
			if err != nil {
				lastErr = fmt.Errorf("leader of %s: %w", p, err)
				continue
			}
			byLeader[b] = append(byLeader[b], p)
		}
		var retry []tp
		for b, ps := range byLeader {
			req := sarama.NewOffsetRequest(cfg.Version)
			req.IsolationLevel = isolation
			for _, p := range ps {
				req.AddBlock(p.topic, p.partition, which, 1)
			}
			resp, err := b.GetAvailableOffsets(req)
			if err != nil {
				_ = b.Close()
				lastErr = fmt.Errorf("list offsets at broker %s: %w", b.Addr(), err)
				retry = append(retry, ps...)
				continue
			}
			for _, p := range ps {
				block := resp.GetBlock(p.topic, p.partition)
				switch {
				case block == nil:
					lastErr = fmt.Errorf("list offsets of %s: %w", p, sarama.ErrIncompleteResponse)
					retry = append(retry, p)
				case !errors.Is(block.Err, sarama.ErrNoError):
					lastErr = fmt.Errorf("list offsets of %s: %w", p, block.Err)
					retry = append(retry, p)
				case len(block.Offsets) > 0:
					out[p] = block.Offsets[0]
				default:
					out[p] = block.Offset
				}
			}
		}
		for _, p := range todo {
			if _, ok := out[p]; !ok && !slices.Contains(retry, p) {
				retry = append(retry, p)
			}
		}
		if len(retry) == 0 {
			return out, nil
		}
		todo = retry
	}
	return nil, lastErr
}
