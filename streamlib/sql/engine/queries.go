package engine

import (
	"context"

	"fmt"
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
)

// resultStore names the store in which a persistent query keeps its
// table's rows for pull queries.
func resultStore(id catalog.QueryID) string { return string(id) + "-result" }

// start compiles a persistent query and runs it.
func (e *Engine) start(ctx context.Context, id catalog.QueryID, q *catalog.Query, target *catalog.Source) (*query, error) {
	rq := &query{id: id}
	store := ""
	if q.ResultType == catalog.Table {
		store = resultStore(id)
	}
	p, err := plan.Build(q, plan.Sink{Target: target, Store: store}, plan.Options{OnError: rq.onError(e.log)})
	if err != nil {
		return nil, err
	}
	rq.plan = p
	run, err := e.rt.Start(ctx, QuerySpec{ID: string(id), Topology: p.Topology, OffsetReset: e.props.AutoOffsetReset(),
		OnError: rq.onError(e.log)})
	if err != nil {
		return nil, fmt.Errorf("start query %s: %w", id, err)
	}
	rq.run = run
	return rq, nil
}

func (e *Engine) createAsSelect(ctx context.Context, a *catalog.CreateAsSelect, res *Result) error {
	if a.Exists {
		res.Message = fmt.Sprintf("%s %s already exists", strings.ToLower(a.Sink.Type.String()), a.Sink.Name)
		return nil
	}
	if a.Sink.Partitions == 0 {
		a.Sink.Partitions = 1
	}
	if err := e.topic(ctx, a.Sink, true); err != nil {
		return err
	}
	rq, err := e.start(ctx, a.QueryID, a.Query, a.Sink)
	if err != nil {
		return err
	}
	if err := e.cat.Apply(a); err != nil {
		_ = rq.run.Stop()
		return err
	}
	e.queries[a.QueryID] = rq
	res.QueryID = a.QueryID
	res.Message = "Created query with ID " + string(a.QueryID)
	return nil
}

func (e *Engine) insertInto(ctx context.Context, a *catalog.InsertInto, res *Result) error {
	rq, err := e.start(ctx, a.QueryID, a.Query, a.Target)
	if err != nil {
		return err
	}
	if err := e.cat.Apply(a); err != nil {
		_ = rq.run.Stop()
		return err
	}
	e.queries[a.QueryID] = rq
	res.QueryID = a.QueryID
	res.Message = "Created query with ID " + string(a.QueryID)
	return nil
}

func (e *Engine) terminate(a *catalog.Terminate, res *Result) error {
	for _, id := range a.IDs {
		if rq, ok := e.queries[id]; ok {
			if err := rq.run.Stop(); err != nil {
				return fmt.Errorf("terminate %s: %w", id, err)
			}
			delete(e.queries, id)
		}
	}
	if err := e.cat.Apply(a); err != nil {
		return err
	}
	switch len(a.IDs) {
	case 0:
		res.Message = "There are no queries to terminate."
	case 1:
		res.Message = fmt.Sprintf("Query %s terminated.", a.IDs[0])
	default:
		ids := make([]string, len(a.IDs))
		for i, id := range a.IDs {
			ids[i] = string(id)
		}
		res.Message = fmt.Sprintf("Queries %s terminated.", strings.Join(ids, ", "))
	}
	return nil
}

// explain shows a query's logical plan and its topology.
func (e *Engine) explain(a *catalog.Explain, res *Result) error {
	if a.Query != nil {
		rq, ok := e.queries[a.Query.ID]
		if !ok {
			return fmt.Errorf("%w: query %s is not running here", catalog.ErrNotFound, a.Query.ID)
		}
		res.Text = explainText(string(a.Query.ID), a.Query.Statement, rq.plan)
		return nil
	}
	var q *catalog.Query
	var sink plan.Sink
	var id string
	switch t := a.Target.(type) {
	case *catalog.CreateAsSelect:
		if t.Exists {
			return fmt.Errorf("%w: %s already exists", catalog.ErrExists, t.Sink.Name)
		}
		q, sink, id = t.Query, plan.Sink{Target: t.Sink}, string(t.QueryID)
		if q.ResultType == catalog.Table {
			sink.Store = resultStore(t.QueryID)
		}
	case *catalog.InsertInto:
		q, sink, id = t.Query, plan.Sink{Target: t.Target}, string(t.QueryID)
	case *catalog.Select:
		if t.Pull != nil {
			res.Text = "Pull query on " + t.Pull.Table.Name + "\n" + t.Pull.Explain()
			return nil
		}
		q, sink, id = t.Query, plan.Sink{Emit: func(context.Context, plan.Result) error { return nil }}, "transient"
	default:
		return fmt.Errorf("%w: EXPLAIN shows queries: a SELECT, CREATE ... AS SELECT or INSERT INTO ... SELECT, or a query id", catalog.ErrInvalid)
	}
	p, err := plan.Build(q, sink, plan.Options{})
	if err != nil {
		return err
	}
	res.Text = explainText(id, ast.String(a.Stmt.Statement), p)
	return nil
}

func explainText(id, statement string, p *plan.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ID                   : %s\n", id)
	fmt.Fprintf(&b, "SQL                  : %s\n", statement)
	b.WriteString("\nExecution plan\n--------------\n")
	b.WriteString(p.Query.Explain())
	b.WriteString("\nProcessing topology\n-------------------\n")
	b.WriteString(p.Topology.Describe())
	return b.String()
}
