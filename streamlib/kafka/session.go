package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"
)

const (
	// maxBatch is how many buffered records the session loop takes before
	// it processes them.
	maxBatch = 1000
	// punctuateEvery is how often wall-clock punctuations are checked.
	punctuateEvery = 100 * time.Millisecond
	// commitTimeout bounds the wait for acknowledgements at a commit.
	commitTimeout = 2 * time.Minute
)

// session is the processing loop of one group generation of a thread: it
// runs the records the claims hand over, fires wall-clock punctuations and
// commits. It ends when the generation ends (a rebalance or shutdown),
// after a last commit, or at the first error.
type session struct {
	th    *thread
	sess  sarama.ConsumerGroupSession
	in    chan *sarama.ConsumerMessage
	done  chan struct{}
	err   error
	byTP  map[tp]*task
	tasks []*task
}

// errTasksMigrated reports a commit the group refused because this member
// no longer belongs to the generation that owns the tasks: it was too slow
// and the group moved on. Its tasks run elsewhere now; the goroutine drops
// them and rejoins instead of failing the application.
var errTasksMigrated = errors.New("tasks migrated to another member")

// fencedByGroup reports errors with which the group coordinator refuses
// the offsets of a member of an older generation (KIP-447).
func fencedByGroup(err error) bool {
	return errors.Is(err, sarama.ErrIllegalGeneration) || errors.Is(err, sarama.ErrUnknownMemberId) ||
		errors.Is(err, sarama.ErrFencedInstancedId) || errors.Is(err, sarama.ErrRebalanceInProgress)
}

func (s *session) run() {
	defer close(s.done)
	s.err = s.loop()
	if s.err != nil && !errors.Is(s.err, errTasksMigrated) {
		s.th.app.fail(s.err)
	}
}

func (s *session) loop() error {
	app := s.th.app
	// Records are processed with a context that outlives the generation: a
	// record is either processed whole or not at all, never cut off by a
	// rebalance, so the final commit is consistent.
	pctx := app.procCtx
	tick := time.NewTicker(punctuateEvery)
	defer tick.Stop()
	nextCommit := time.Now().Add(app.cfg.CommitInterval)
	for {
		select {
		case <-s.sess.Context().Done():
			return s.commit()
		case m := <-s.in:
			s.enqueue(m)
		drain:
			for range maxBatch - 1 {
				select {
				case m := <-s.in:
					s.enqueue(m)
				default:
					break drain
				}
			}
			for _, t := range s.tasks {
				if err := t.process(pctx); err != nil {
					return err
				}
			}
		case now := <-tick.C:
			ms := now.UnixMilli()
			for _, t := range s.tasks {
				if err := t.punctuate(pctx, ms); err != nil {
					return err
				}
			}
		}
		if time.Now().After(nextCommit) {
			if err := s.commit(); err != nil {
				return err
			}
			nextCommit = time.Now().Add(app.cfg.CommitInterval)
		}
	}
}

func (s *session) enqueue(m *sarama.ConsumerMessage) {
	if t, ok := s.byTP[tp{m.Topic, m.Partition}]; ok {
		t.enqueue(m)
	}
}

// commit makes the work since the last commit durable. It sends the
// changelog writes the tasks buffered, then, under at-least-once
// it waits until the brokers acknowledged every record produced, then
// commits the input offsets; under exactly-once it commits the
// transaction, which holds the outputs, changelog records and offsets.
// Persistent stores are flushed and, under at-least-once, checkpointed.
func (s *session) commit() error {
	pending := false
	for _, t := range s.tasks {
		pending = pending || t.pending
	}
	if !pending {
		return nil
	}
	app := s.th.app
	ctx, cancel := context.WithTimeout(app.procCtx, commitTimeout)
	defer cancel()
	prod := s.th.prod
	for _, t := range s.tasks {
		if err := t.flushChangelogs(ctx); err != nil {
			return fmt.Errorf("goroutine %d: task %s: changelog: %w", s.th.id, t.id, err)
		}
	}
	if app.cfg.Guarantee == ExactlyOnce {
		offsets := map[string][]*sarama.PartitionOffsetMetadata{}
		for _, t := range s.tasks {
			for k, off := range t.offsets() {
				offsets[k.topic] = append(offsets[k.topic], &sarama.PartitionOffsetMetadata{Partition: k.partition, Offset: off, LeaderEpoch: -1})
			}
		}
		group := sarama.NewConsumerGroupMetadataFromSession(s.sess, app.cfg.ApplicationID, nil)
		if err := prod.commit(offsets, group); err != nil {
			if fencedByGroup(err) {
				return fmt.Errorf("goroutine %d: commit refused by the group (%w): %w", s.th.id, err, errTasksMigrated)
			}
			s.th.commitFailed = true
			return fmt.Errorf("goroutine %d: %w", s.th.id, err)
		}
		if err := prod.flush(ctx); err != nil {
			return fmt.Errorf("goroutine %d: %w", s.th.id, err)
		}
		for _, t := range s.tasks {
			t.updatePositions()
			t.pending = false
			if err := t.t.Flush(); err != nil {
				return fmt.Errorf("goroutine %d: task %s: %w", s.th.id, t.id, err)
			}
		}
	} else {
		if err := prod.flush(ctx); err != nil {
			return fmt.Errorf("goroutine %d: %w", s.th.id, err)
		}
		for _, t := range s.tasks {
			t.updatePositions()
			if err := t.checkpoint(); err != nil {
				return fmt.Errorf("goroutine %d: %w", s.th.id, err)
			}
			for k, off := range t.offsets() {
				s.sess.MarkOffset(k.topic, k.partition, off, "")
			}
			t.pending = false
		}
		s.sess.Commit()
	}
	app.commits.Add(1)
	s.purge()
	return nil
}

// purge deletes the records of repartition topics this goroutine's tasks
// have committed: nothing reads them again, and without purging the topics
// would keep every record for their retention time. It runs at most every
// Application.purgeEvery; failures are only logged, the next purge covers
// them.
func (s *session) purge() {
	app := s.th.app
	if time.Since(s.th.lastPurge) < app.purgeEvery {
		return
	}
	s.th.lastPurge = time.Now()
	upTo := map[string]map[int32]int64{}
	for _, t := range s.tasks {
		for k, off := range t.offsets() {
			if app.plan.repartition[k.topic] {
				if upTo[k.topic] == nil {
					upTo[k.topic] = map[int32]int64{}
				}
				upTo[k.topic][k.partition] = off
			}
		}
	}
	for topic, parts := range upTo {
		if err := app.admin.DeleteRecords(topic, parts); err != nil {
			s.th.logger.Warn("purge repartition topic", "topic", topic, "error", err)
		}
	}
}
