package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
)

// producer is a processing goroutine's producer: sarama's async producer,
// the count of records not yet acknowledged (so a commit can wait for
// them), and the offsets the acknowledged records got (so changelog
// positions are known).
//
// send, flush, begin/commit/abort and close are called from the processing
// goroutine; the drain goroutine handles acknowledgements.
type producer struct {
	ap      sarama.AsyncProducer
	meta    sarama.Client // partition counts
	txn     bool
	handler ProductionHandler
	logger  *slog.Logger
	rotate  uint32
	counts  map[string]int32
	inTxn   bool
	closed  bool
	drained chan struct{}

	mu       sync.Mutex
	inflight int
	idle     chan struct{} // closed while inflight is 0
	err      error         // the first production error that must stop the application
	offsets  map[tp]int64  // next offset after the last acknowledged record
	dropped  int64         // records dropped by the production handler
}

// newProducer starts a producer; with txnID set it is transactional (and
// its construction fences an earlier producer with the same ID).
func newProducer(cfg Config, meta sarama.Client, txnID string, logger *slog.Logger) (*producer, error) {
	sc := cfg.saramaConfig()
	sc.Producer.Idempotent = true
	sc.Net.MaxOpenRequests = 1
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Return.Successes = true
	sc.Producer.Return.Errors = true
	sc.Producer.Partitioner = sarama.NewManualPartitioner
	if sc.Producer.Retry.Max < 1 {
		sc.Producer.Retry.Max = 1
	}
	if sc.Producer.Retry.BackoffFunc == nil {
		sc.Producer.Retry.BackoffFunc = retryBackoff(sc.Producer.Retry.Backoff)
	}
	if txnID != "" {
		sc.Producer.Transaction.ID = txnID
		// A transaction left open by a crashed instance holds back every
		// read_committed reader of its partitions until the broker aborts
		// it; like Kafka Streams, give up after 10 s instead of sarama's
		// minute (unless the Sarama hook chose a timeout), but leave a
		// transaction time for its commit interval.
		if sc.Producer.Transaction.Timeout == sarama.NewConfig().Producer.Transaction.Timeout {
			sc.Producer.Transaction.Timeout = min(max(transactionTimeout, 2*cfg.CommitInterval), maxTransactionTimeout)
		}
	}
	ap, err := sarama.NewAsyncProducer(cfg.BootstrapServers, sc)
	if err != nil {
		if txnID != "" {
			return nil, fmt.Errorf("transactional producer %s: %w", txnID, err)
		}
		return nil, fmt.Errorf("producer: %w", err)
	}
	idle := make(chan struct{})
	close(idle)
	p := &producer{
		ap: ap, meta: meta, txn: txnID != "", handler: cfg.OnProductionError, logger: logger,
		counts: map[string]int32{}, drained: make(chan struct{}), idle: idle, offsets: map[tp]int64{},
	}
	go p.drain()
	return p, nil
}

// transactionTimeout is the shortest transaction timeout of the
// application's transactional producers; maxTransactionTimeout is the
// brokers' default limit (transaction.max.timeout.ms).
const (
	transactionTimeout    = 10 * time.Second
	maxTransactionTimeout = 15 * time.Minute
)

// retryBackoff is sarama's producer backoff with no pause for records on
// their first attempt. sarama pauses after every record it cannot route to
// a leader, even on the first attempt; with the cluster gone and thousands
// of records buffered that turns a shutdown into minutes. Real retries
// back off as configured, doubling up to one second.
func retryBackoff(base time.Duration) func(retries, maxRetries int) time.Duration {
	return func(retries, _ int) time.Duration {
		if retries == 0 {
			return 0
		}
		return min(base<<(retries-1), time.Second)
	}
}

// drain handles acknowledgements until the producer is closed.
func (p *producer) drain() {
	defer close(p.drained)
	successes, errs := p.ap.Successes(), p.ap.Errors()
	for successes != nil || errs != nil {
		select {
		case m, ok := <-successes:
			if !ok {
				successes = nil
				continue
			}
			p.mu.Lock()
			k := tp{m.Topic, m.Partition}
			if m.Offset+1 > p.offsets[k] {
				p.offsets[k] = m.Offset + 1
			}
			p.done()
			p.mu.Unlock()
		case pe, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			p.failed(pe)
		}
	}
}

func (p *producer) failed(pe *sarama.ProducerError) {
	action := FailProduction
	if !p.txn {
		action = p.handler(outgoing(pe.Msg), pe.Err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if action == ContinueProduction {
		p.dropped++
		p.logger.Warn("dropping a record the brokers refused", "topic", pe.Msg.Topic, "partition", pe.Msg.Partition, "error", pe.Err)
	} else if p.err == nil {
		p.err = errProduction(pe.Msg.Topic, pe.Msg.Partition, pe.Err)
	}
	p.done()
}

// done counts one record as answered; p.mu is held.
func (p *producer) done() {
	p.inflight--
	if p.inflight == 0 {
		close(p.idle)
	}
}

// outgoing turns a refused message back into the record the handler sees.
func outgoing(m *sarama.ProducerMessage) *streamlib.OutgoingRecord {
	r := &streamlib.OutgoingRecord{Topic: m.Topic, Timestamp: m.Timestamp.UnixMilli()}
	if m.Key != nil {
		r.Key, _ = m.Key.Encode()
	}
	if m.Value != nil {
		r.Value, _ = m.Value.Encode()
	}
	for _, h := range m.Headers {
		r.Headers = append(r.Headers, streamlib.Header{Key: string(h.Key), Value: h.Value})
	}
	return r
}

// partitions returns the partition count of topic, cached.
func (p *producer) partitions(topic string) (int32, error) {
	if n, ok := p.counts[topic]; ok {
		return n, nil
	}
	parts, err := p.meta.Partitions(topic)
	if err != nil {
		return 0, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	if len(parts) == 0 {
		return 0, fmt.Errorf("topic %s has no partitions", topic)
	}
	p.counts[topic] = int32(len(parts))
	return int32(len(parts)), nil
}

// send hands r to sarama; partition < 0 means "choose by key".
func (p *producer) send(ctx context.Context, r *streamlib.OutgoingRecord, partition int32) error {
	if p.closed {
		return errors.New("producer closed")
	}
	if err := p.firstError(); err != nil {
		return err
	}
	if partition < 0 {
		n, err := p.partitions(r.Topic)
		if err != nil {
			return err
		}
		partition = choosePartition(r, n, &p.rotate)
	}
	if err := p.begin(); err != nil {
		return err
	}
	m := &sarama.ProducerMessage{Topic: r.Topic, Partition: partition}
	if r.Key != nil {
		m.Key = sarama.ByteEncoder(r.Key)
	}
	if r.Value != nil {
		m.Value = sarama.ByteEncoder(r.Value)
	}
	if r.Timestamp > 0 {
		m.Timestamp = time.UnixMilli(r.Timestamp)
	}
	if len(r.Headers) > 0 {
		m.Headers = make([]sarama.RecordHeader, len(r.Headers))
		for i, h := range r.Headers {
			m.Headers[i] = sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
		}
	}
	p.mu.Lock()
	if p.inflight == 0 {
		p.idle = make(chan struct{})
	}
	p.inflight++
	p.mu.Unlock()
	select {
	case p.ap.Input() <- m:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		p.done()
		p.mu.Unlock()
		return ctx.Err()
	}
}

func (p *producer) firstError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// flush waits until every record sent so far is acknowledged or refused,
// and returns the first production error that must stop the application.
func (p *producer) flush(ctx context.Context) error {
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	select {
	case <-idle:
	case <-ctx.Done():
		return fmt.Errorf("waiting for the brokers to acknowledge records: %w", ctx.Err())
	}
	return p.firstError()
}

// offset returns the next offset after the last acknowledged record of a
// partition, or -1 if none was acknowledged.
func (p *producer) offset(k tp) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if o, ok := p.offsets[k]; ok {
		return o
	}
	return -1
}

func (p *producer) droppedCount() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// begin opens a transaction if the producer is transactional and none is
// open. It is a local state change in sarama: cheap to call per record.
func (p *producer) begin() error {
	if !p.txn || p.inTxn {
		return nil
	}
	if err := p.ap.BeginTxn(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	p.inTxn = true
	return nil
}

// commit commits the open transaction with the consumer offsets in it. It
// opens one for the offsets alone when none is open.
func (p *producer) commit(offsets map[string][]*sarama.PartitionOffsetMetadata, group *sarama.ConsumerGroupMetadata) error {
	if !p.inTxn && len(offsets) == 0 {
		return nil
	}
	if err := p.begin(); err != nil {
		return err
	}
	if len(offsets) > 0 {
		if err := p.ap.AddOffsetsToTxnWithGroupMetadata(offsets, group); err != nil {
			return fmt.Errorf("add offsets to the transaction: %w", err)
		}
	}
	err := p.ap.CommitTxn()
	if err == nil {
		err = p.firstError()
	}
	if err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	p.inTxn = false
	return nil
}

// abort aborts the open transaction, if any.
func (p *producer) abort() error {
	if !p.inTxn {
		return nil
	}
	p.inTxn = false
	if err := p.ap.AbortTxn(); err != nil {
		return fmt.Errorf("abort transaction: %w", err)
	}
	return nil
}

// close flushes what is buffered and stops the producer.
func (p *producer) close() {
	if p.closed {
		return
	}
	p.closed = true
	p.ap.AsyncClose()
	<-p.drained
}
