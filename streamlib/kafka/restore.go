package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// restoreLogEvery is how often restore progress is logged.
const restoreLogEvery = 2 * time.Second

// restore brings the stores of tasks up to the end of their changelogs:
// from the checkpoint for persistent stores, from the known position for
// tasks this goroutine kept from its last session, from the beginning
// otherwise. It returns ctx's error if a rebalance interrupts it; what was
// restored stays restored.
func (th *thread) restore(ctx context.Context, tasks []*task) error {
	app := th.app
	type target struct {
		t   *task
		c   *changelog
		st  store.Restorer
		end int64
	}
	var parts []tp
	byTP := map[tp]*target{}
	for _, t := range tasks {
		t.mu.Lock()
		for _, c := range t.changelogs {
			s, err := t.t.Store(c.store)
			if err != nil {
				t.mu.Unlock()
				return err
			}
			r, ok := s.(store.Restorer)
			if !ok {
				t.mu.Unlock()
				return fmt.Errorf("task %s: store %s (%T) cannot be restored: it does not implement store.Restorer", t.id, c.store, s)
			}
			c.done = false
			parts = append(parts, c.tp)
			byTP[c.tp] = &target{t: t, c: c, st: r}
		}
		t.mu.Unlock()
	}
	if len(parts) == 0 {
		return nil
	}
	ends, err := listOffsets(app.client, app.sc, parts, sarama.OffsetNewest, app.cfg.isolation())
	if err != nil {
		return fmt.Errorf("end offsets of changelogs: %w", err)
	}
	var starts map[tp]int64
	pos := map[tp]int64{}
	var total int64
	for p, tg := range byTP {
		tg.end = ends[p]
		tg.t.mu.Lock()
		start := tg.c.position
		if start < 0 {
			if starts == nil {
				if starts, err = listOffsets(app.client, app.sc, parts, sarama.OffsetOldest, app.cfg.isolation()); err != nil {
					tg.t.mu.Unlock()
					return fmt.Errorf("start offsets of changelogs: %w", err)
				}
			}
			start = starts[p]
			tg.c.position = start
		}
		if start > tg.end {
			tg.t.mu.Unlock()
			return fmt.Errorf("task %s: store %s has read changelog %s up to offset %d, but the changelog ends at %d: was it deleted and created again? Reset the application to start over",
				tg.t.id, tg.c.store, p, start, tg.end)
		}
		tg.c.total = tg.c.restored + (tg.end - start)
		if start == tg.end {
			tg.c.done = true
		} else {
			pos[p] = start
			total += tg.end - start
		}
		tg.t.mu.Unlock()
	}
	if len(pos) == 0 {
		return nil
	}
	began := time.Now()
	th.logger.Info("restoring stores from changelogs", "partitions", len(pos), "records_at_most", total)
	r := newReader(app.client, app.sc, app.cfg.isolation(), 100*time.Millisecond)
	var applied int64
	apply := func(raw *streamlib.RawRecord) error {
		tg := byTP[tp{raw.Topic, raw.Partition}]
		if err := tg.st.Restore(raw.Key, raw.Value); err != nil {
			return fmt.Errorf("task %s: restore store %s from %s@%d: %w", tg.t.id, tg.c.store, tp{raw.Topic, raw.Partition}, raw.Offset, err)
		}
		applied++
		tg.t.mu.Lock()
		tg.c.restored++
		tg.t.mu.Unlock()
		return nil
	}
	lastLog := began
	for len(pos) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := r.poll(ctx, pos, apply)
		var oor *errOffsetOutOfRange
		switch {
		case errors.As(err, &oor):
			// The changelog no longer holds the position (retention): go on
			// from its first offset.
			start, lerr := listOffsets(app.client, app.sc, []tp{oor.tp}, sarama.OffsetOldest, app.cfg.isolation())
			if lerr != nil {
				return lerr
			}
			th.logger.Warn("changelog position out of range, restoring from its first offset", "changelog", oor.tp.String(), "position", oor.offset, "first", start[oor.tp])
			pos[oor.tp] = start[oor.tp]
			continue
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, new(*applyError)):
			return err
		case err != nil:
			th.logger.Warn("restore fetch failed, retrying", "error", err)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		for p, off := range pos {
			tg := byTP[p]
			tg.t.mu.Lock()
			tg.c.position = off
			if off >= tg.end {
				tg.c.done = true
				delete(pos, p)
			}
			tg.t.mu.Unlock()
		}
		if time.Since(lastLog) >= restoreLogEvery {
			lastLog = time.Now()
			th.logger.Info("restoring stores", "restored", applied, "records_at_most", total, "partitions_left", len(pos))
		}
	}
	app.restored.Add(applied)
	th.logger.Info("restored stores", "records", applied, "duration", time.Since(began).Round(time.Millisecond))
	for _, t := range tasks {
		t.mu.Lock()
		for _, c := range t.changelogs {
			if c.restored > 0 {
				t.logger.Debug("store restored", "store", c.store, "changelog", c.tp.String(), "records", c.restored, slog.Int64("position", c.position))
			}
		}
		t.mu.Unlock()
	}
	return nil
}
