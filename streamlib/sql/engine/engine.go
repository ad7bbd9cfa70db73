package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
)

// Engine executes SQL statements: it keeps the catalogue of streams and
// tables and the registry of persistent queries, and runs the queries on
// its Runtime. Its methods are safe for concurrent use; statements execute
// one at a time.
type Engine struct {
	rt  Runtime
	cat *catalog.Catalog
	log *slog.Logger

	mu        sync.Mutex // serializes statements
	props     catalog.Properties
	defaults  catalog.Properties
	queries   map[catalog.QueryID]*query
	transient int
	// pushes are the push queries' rows that may still run.
	pushes map[*Rows]bool
	closed bool
}

// query is a persistent query the engine started.
type query struct {
	id   catalog.QueryID
	plan *plan.Plan
	run  RunningQuery
	// errs counts the rows the query could not process (expressions
	// that failed, records it could not read); last is the latest.
	errs atomic.Int64
	last atomic.Pointer[string]
}

func (q *query) onError(log *slog.Logger) func(error) {
	return func(err error) {
		q.errs.Add(1)
		s := err.Error()
		q.last.Store(&s)
		log.Debug("processing error", "query", q.id, "err", err)
	}
}

// status is the query's state for SHOW QUERIES: RUNNING or ERROR.
func (q *query) status() string {
	if q.run.Err() != nil {
		return "ERROR"
	}
	return "RUNNING"
}

// Option configures an Engine.
type Option func(*Engine)

// WithProperties sets the session properties the engine starts with (and
// that UNSET returns to), such as auto.offset.reset=earliest.
func WithProperties(p catalog.Properties) Option {
	return func(e *Engine) { e.defaults = maps.Clone(p) }
}

// WithLogger sends the engine's logs (processing errors at debug level)
// to l; they are discarded by default.
func WithLogger(l *slog.Logger) Option {
	return func(e *Engine) { e.log = l }
}

// New returns an engine that runs its queries on rt.
func New(rt Runtime, opts ...Option) *Engine {
	e := &Engine{rt: rt, cat: catalog.New(), queries: map[catalog.QueryID]*query{}, pushes: map[*Rows]bool{},
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(e)
	}
	if e.defaults == nil {
		e.defaults = catalog.Properties{}
	}
	e.props = maps.Clone(e.defaults)
	return e
}

// Catalog returns the engine's catalogue, for reading.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Properties returns a copy of the current session properties.
func (e *Engine) Properties() catalog.Properties {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.props)
}

// Close terminates every query, push queries included. The engine cannot
// be used afterwards.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	pushes := e.pushes
	e.pushes = nil
	e.mu.Unlock()
	var errs []error
	for r := range pushes {
		errs = append(errs, r.Close())
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, q := range e.cat.Queries() {
		if rq, ok := e.queries[q.ID]; ok {
			errs = append(errs, rq.run.Stop())
		}
	}
	return errors.Join(errs...)
}

// Result is what executing one statement did.
type Result struct {
	Statement ast.Statement
	// Analysis is what the catalogue made of the statement.
	Analysis catalog.Analysis
	// Message says what happened, as the ksqlDB CLI would: "Stream
	// created", "Created query with ID CSAS_ORDERS_2", ...
	Message string
	// QueryID is the id of the persistent query the statement started.
	QueryID catalog.QueryID
	// Text is the answer to SHOW, DESCRIBE and EXPLAIN, as a text table.
	Text string
	// Rows are the results of a SELECT: a push query's rows as they come,
	// or a pull query's rows. The caller must Close them.
	Rows *Rows
}

// Error is a statement that failed: which one, and why. The cause is a
// *parser.Error, a *catalog.Error or an error of the runtime.
type Error struct {
	// Statement is the statement as written (canonical SQL); empty for a
	// parse error.
	Statement string
	Err       error
}

// Error returns the cause's message.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Execute parses a script and executes its statements in order. It stops
// at the first statement that fails and returns the results so far with
// the error (an *Error).
func (e *Engine) Execute(ctx context.Context, script string) ([]*Result, error) {
	stmts, err := parser.Parse(script)
	if err != nil {
		return nil, &Error{Err: err}
	}
	var out []*Result
	for _, s := range stmts {
		r, err := e.ExecuteStatement(ctx, s)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Query executes one SELECT and returns its rows: a push query (EMIT
// CHANGES) streams them until its LIMIT, Rows.Close or ctx's end; a pull
// query returns the current rows of a table. The caller must Close them.
func (e *Engine) Query(ctx context.Context, sql string) (*Rows, error) {
	s, err := parser.ParseStatement(sql)
	if err != nil {
		return nil, &Error{Err: err}
	}
	if _, ok := s.(*ast.Query); !ok {
		return nil, &Error{Statement: ast.String(s), Err: fmt.Errorf("Query runs a SELECT; use Execute for %s", ast.String(s))}
	}
	r, err := e.ExecuteStatement(ctx, s)
	if err != nil {
		return nil, err
	}
	return r.Rows, nil
}

// ExecuteStatement executes one parsed statement.
func (e *Engine) ExecuteStatement(ctx context.Context, stmt ast.Statement) (*Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, &Error{Statement: ast.String(stmt), Err: errors.New("the engine is closed")}
	}
	r, err := e.execute(ctx, stmt)
	if err != nil {
		return nil, &Error{Statement: ast.String(stmt), Err: err}
	}
	r.Statement = stmt
	return r, nil
}

func (e *Engine) execute(ctx context.Context, stmt ast.Statement) (*Result, error) {
	a, err := e.cat.Analyze(stmt, e.props)
	if err != nil {
		return nil, err
	}
	res := &Result{Analysis: a}
	switch a := a.(type) {
	case *catalog.CreateSource:
		err = e.createSource(ctx, a, res)
	case *catalog.CreateAsSelect:
		err = e.createAsSelect(ctx, a, res)
	case *catalog.InsertInto:
		err = e.insertInto(ctx, a, res)
	case *catalog.InsertValues:
		err = e.insertValues(ctx, a, res)
	case *catalog.Select:
		err = e.selectRows(ctx, a, res)
	case *catalog.SetProperty:
		err = e.set(a, res)
	case *catalog.UnsetProperty:
		if def, ok := e.defaults[a.Name]; ok {
			e.props[a.Name] = def
		} else {
			delete(e.props, a.Name)
		}
		res.Message = fmt.Sprintf("Successfully unset local property '%s'.", a.Name)
	case *catalog.Show:
		err = e.show(ctx, a, res)
	case *catalog.Describe:
		res.Text = e.describe(a)
	case *catalog.DescribeFunction:
		res.Text = describeFunction(a)
	case *catalog.Explain:
		err = e.explain(a, res)
	case *catalog.Drop:
		err = e.drop(ctx, a, res)
	case *catalog.Terminate:
		err = e.terminate(a, res)
	case *catalog.Print:
		err = fmt.Errorf("%w: PRINT; read the topic with a push query (SELECT * FROM <stream> EMIT CHANGES)", catalog.ErrUnsupported)
	default:
		err = fmt.Errorf("%w: %s", catalog.ErrUnsupported, ast.String(stmt))
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (e *Engine) set(a *catalog.SetProperty, res *Result) error {
	if a.Name == catalog.PropAutoOffsetReset {
		v := strings.ToLower(a.Value)
		if v != "earliest" && v != "latest" {
			return fmt.Errorf("%w: 'auto.offset.reset' must be 'earliest' or 'latest', got '%s'", catalog.ErrInvalid, a.Value)
		}
	}
	e.props[a.Name] = a.Value
	res.Message = fmt.Sprintf("Successfully changed local property '%s' to '%s'.", a.Name, a.Value)
	return nil
}
