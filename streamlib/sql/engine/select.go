package engine

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func columnsOf(q *catalog.Query) []Column {
	cols := make([]Column, len(q.Projection))
	for i, p := range q.Projection {
		cols[i] = Column{Name: p.Name, Type: p.Type}
	}
	return cols
}

func (e *Engine) insertValues(ctx context.Context, a *catalog.InsertValues, res *Result) error {
	t := a.Target
	if t.Window != nil {
		return fmt.Errorf("%w: INSERT INTO the windowed table %s", catalog.ErrUnsupported, t.Name)
	}
	kc, err := t.KeyCodec()
	if err != nil {
		return err
	}
	vc, err := t.ValueCodec()
	if err != nil {
		return err
	}
	key, err := kc.Encode(a.Key)
	if err != nil {
		return fmt.Errorf("key of %s: %w", t.Name, err)
	}
	value, err := vc.Encode(a.Value)
	if err != nil {
		return fmt.Errorf("value of %s: %w", t.Name, err)
	}
	if value == nil {
		value = []byte{}
	}
	ts := e.rt.Now().UnixMilli()
	if a.Timestamp != nil {
		ts = *a.Timestamp
	}
	if err := e.rt.Produce(ctx, Record{Topic: t.Topic, Key: key, Value: value, Timestamp: ts}); err != nil {
		return fmt.Errorf("insert into %s: %w", t.Name, err)
	}
	return nil
}

func (e *Engine) selectRows(ctx context.Context, a *catalog.Select, res *Result) error {
	if a.Pull != nil {
		rows, err := e.pull(a.Pull)
		if err != nil {
			return err
		}
		res.Rows = rows
		return nil
	}
	q := a.Query
	rows := newRows(columnsOf(q), q.Limit)
	e.transient++
	id := fmt.Sprintf("transient_%s_%d", q.Sources[0].Source.Name, e.transient)
	p, err := plan.Build(q, plan.Sink{Emit: rows.emit}, plan.Options{OnError: func(err error) {
		e.log.Debug("processing error", "query", id, "err", err)
	}})
	if err != nil {
		return err
	}
	run, err := e.rt.Start(ctx, QuerySpec{ID: id, Topology: p.Topology, OffsetReset: e.props.AutoOffsetReset(), Transient: true,
		OnError: func(err error) { e.log.Debug("skipped record", "query", id, "err", err) }})
	if err != nil {
		return fmt.Errorf("start push query: %w", err)
	}
	e.pushes[rows] = true
	rows.onStop = func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.pushes, rows)
	}
	rows.run(ctx, run) // the push query ends with the caller's context
	res.Rows = rows
	return nil
}

// pull answers a pull query from the result store of the query that
// writes the table.
func (e *Engine) pull(pq *catalog.PullQuery) (*Rows, error) {
	owner := pq.Table.CreatedBy
	rq, ok := e.queries[owner]
	if !ok {
		return nil, fmt.Errorf("%w: the table %s is not materialized here: its query %s is not running", catalog.ErrInvalid, pq.Table.Name, owner)
	}
	st, err := rq.run.Store(resultStore(owner))
	if err != nil {
		return nil, fmt.Errorf("pull query on %s: %w", pq.Table.Name, err)
	}
	ref := pq.Sources[0]
	nkey := len(pq.Table.Key())
	windowed := pq.Table.Window != nil
	rows := newRows(columnsOf(pq.Query), pq.Limit)
	rows.pull = true
	width := len(pq.Input.Columns)
	visit := func(k, v plan.Row) error {
		if len(v) == 0 {
			return nil
		}
		meta := catalog.RecordMeta{}
		meta.Timestamp, _ = v[len(v)-1].(int64)
		key := k
		if windowed && len(k) >= nkey+2 {
			meta.WindowStart, _ = k[nkey].(int64)
			meta.WindowEnd, _ = k[nkey+1].(int64)
			key = k[:nkey]
		}
		row := make(expr.Row, width)
		ref.Fill(row, key, v[:len(v)-1], meta)
		if pq.Where != nil {
			if ok, err := pq.Where.Eval(row); err != nil || ok != true {
				return nil
			}
		}
		out := make([]any, len(pq.Projection))
		for i, c := range pq.Projection {
			x, err := c.Expr.Eval(row)
			if err != nil {
				x = nil
			}
			out[i] = x
		}
		rows.add(out)
		return nil
	}
	if pq.Keys != nil && !windowed {
		for _, k := range pq.Keys {
			v, ok, err := st.Get(plan.Row(k))
			if err != nil {
				return nil, fmt.Errorf("pull query on %s: %w", pq.Table.Name, err)
			}
			if ok {
				if err := visit(plan.Row(k), v); err != nil {
					return nil, err
				}
			}
		}
	} else {
		for kv, err := range st.All() {
			if err != nil {
				return nil, fmt.Errorf("pull query on %s: %w", pq.Table.Name, err)
			}
			if pq.Keys != nil && !matchesAny(kv.Key[:min(nkey, len(kv.Key))], pq.Keys) {
				continue
			}
			if err := visit(kv.Key, kv.Value); err != nil {
				return nil, err
			}
		}
	}
	rows.finish(nil)
	return rows, nil
}

func matchesAny(key plan.Row, keys [][]any) bool {
	for _, k := range keys {
		if len(k) != len(key) {
			continue
		}
		same := true
		for i := range k {
			same = same && types.Equal(k[i], key[i])
		}
		if same {
			return true
		}
	}
	return false
}
