package engine

import (
	"context"
	"io"
	"iter"
	"sync"

	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Column is a column of a query's result.
type Column struct {
	Name string
	Type types.Type
}

// Rows are the results of a SELECT. A push query's rows arrive while its
// query runs, until its LIMIT is reached, the context given to Query ends,
// or Close; a pull query's rows are all there at once.
//
//	rows, err := e.Query(ctx, "SELECT * FROM orders EMIT CHANGES LIMIT 3;")
//	if err != nil { ... }
//	defer rows.Close()
//	for row, err := range rows.All(ctx) {
//		if err != nil { ... }
//		fmt.Println(row...)
//	}
//
// Rows are safe for concurrent use.
type Rows struct {
	cols []Column
	// Pull is set for the rows of a pull query.
	pull bool

	mu      sync.Mutex
	buf     [][]any
	limit   int64 // -1: none
	emitted int64
	done    bool  // no more rows will be added
	err     error // why the rows ended early
	wake    chan struct{}

	// stopper is the goroutine that stops a push query: it ends when the
	// query is stopped.
	cancel   context.CancelFunc
	limitHit chan struct{}
	finished chan struct{}
	// onStop runs once the push query has stopped.
	onStop func()
}

func newRows(cols []Column, limit *int64) *Rows {
	r := &Rows{cols: cols, limit: -1, wake: make(chan struct{}, 1), limitHit: make(chan struct{})}
	if limit != nil {
		r.limit = *limit
	}
	return r
}

// Columns returns the names and types of the columns.
func (r *Rows) Columns() []Column { return append([]Column(nil), r.cols...) }

// IsPull reports whether the rows answer a pull query.
func (r *Rows) IsPull() bool { return r.pull }

// add appends a row; it reports false once the rows are complete.
func (r *Rows) add(values []any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done || r.limit >= 0 && r.emitted >= r.limit {
		return false
	}
	r.buf = append(r.buf, values)
	r.emitted++
	if r.limit >= 0 && r.emitted >= r.limit {
		r.done = true
		close(r.limitHit)
	}
	r.signal()
	return true
}

func (r *Rows) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// finish marks the rows complete, with the error that ended them early.
func (r *Rows) finish(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.done {
		r.done = true
		if r.err == nil {
			r.err = err
		}
	}
	r.signal()
}

// emit is the push query's sink.
func (r *Rows) emit(_ context.Context, res plan.Result) error {
	r.add(append([]any(nil), res.Values...))
	return nil
}

// run starts the goroutine that stops the query when the rows end.
func (r *Rows) run(ctx context.Context, q RunningQuery) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.finished = make(chan struct{})
	go func() {
		defer close(r.finished)
		var err error
		select {
		case <-r.limitHit:
		case <-ctx.Done():
		case <-q.Done():
			err = q.Err()
		}
		if stopErr := q.Stop(); err == nil {
			err = stopErr
		}
		r.finish(err)
		if r.onStop != nil {
			r.onStop()
		}
	}()
}

// Next returns the next row. It waits for one while a push query runs, and
// returns io.EOF when there are no more: the LIMIT was reached, the query
// was closed or its context ended (then the error is the context's, once
// the rows that came are read). An error of the query itself ends the
// rows too.
func (r *Rows) Next(ctx context.Context) ([]any, error) {
	for {
		r.mu.Lock()
		if len(r.buf) > 0 {
			row := r.buf[0]
			r.buf[0] = nil
			r.buf = r.buf[1:]
			r.mu.Unlock()
			return row, nil
		}
		if r.done {
			err := r.err
			r.mu.Unlock()
			if err == nil || err == context.Canceled {
				return nil, io.EOF
			}
			return nil, err
		}
		r.mu.Unlock()
		select {
		case <-r.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// All iterates over the rows until there are no more (see Next); an error
// other than io.EOF is yielded once and ends the iteration.
func (r *Rows) All(ctx context.Context) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for {
			row, err := r.Next(ctx)
			if err == io.EOF {
				return
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

// Collect reads every row until there are no more (see Next).
func (r *Rows) Collect(ctx context.Context) ([][]any, error) {
	var out [][]any
	for row, err := range r.All(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, row)
	}
	return out, nil
}

// Buffered returns the rows that arrived and were not read yet, without
// waiting. With the test driver, every row a record causes has arrived
// when the INSERT that produced the record returns.
func (r *Rows) Buffered() [][]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.buf
	r.buf = nil
	return out
}

// Close stops a push query and waits until it has stopped. The rows not
// read yet stay readable.
func (r *Rows) Close() error {
	if r.cancel == nil {
		r.finish(nil)
		return nil
	}
	r.cancel()
	<-r.finished
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == context.Canceled {
		return nil
	}
	return r.err
}
