package catalog

import (
	"sort"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
)

// Analysis is what Analyze learned about a statement. Its concrete type
// depends on the statement: *CreateSource, *CreateAsSelect, *InsertInto,
// *InsertValues, *Select, *SetProperty, *UnsetProperty, *Show, *Describe,
// *DescribeFunction, *Explain, *Drop, *Terminate or *Print.
type Analysis interface {
	// Statement returns the analyzed statement.
	Statement() ast.Statement
}

// CreateSource is the analysis of CREATE STREAM/TABLE without AS SELECT:
// a source to register. The engine creates the topic when Source.Partitions
// is set and the topic is missing, then calls Apply.
type CreateSource struct {
	Stmt   *ast.CreateSource
	Source *Source
	// Replace is set for CREATE OR REPLACE of an existing source.
	Replace bool
	// Exists is set for CREATE ... IF NOT EXISTS of an existing source:
	// nothing to do.
	Exists bool
}

// CreateAsSelect is the analysis of CREATE STREAM/TABLE ... AS SELECT: a
// persistent query that writes a new source.
type CreateAsSelect struct {
	Stmt *ast.CreateAsSelect
	// Sink is the source the query writes, with the query's output schema.
	Sink  *Source
	Query *Query
	// QueryID is the id the query gets (CSAS_<SINK>_<n> or CTAS_...).
	QueryID QueryID
	// Exists is set for IF NOT EXISTS when the sink exists: nothing to do.
	Exists bool
}

// InsertInto is the analysis of INSERT INTO ... SELECT: a persistent query
// that writes an existing stream.
type InsertInto struct {
	Stmt    *ast.InsertInto
	Target  *Source
	Query   *Query
	QueryID QueryID
}

// InsertValues is the analysis of INSERT INTO ... VALUES: one record.
type InsertValues struct {
	Stmt   *ast.InsertValues
	Target *Source
	// Key holds the values of the key columns and Value those of the value
	// columns, in the source's column order (unset columns are NULL).
	Key, Value []any
	// Timestamp is the record timestamp in milliseconds, from ROWTIME or
	// the source's TIMESTAMP column; nil means "now".
	Timestamp *int64
}

// Select is the analysis of a SELECT statement: either a push query
// (Query, with EMIT CHANGES or EMIT FINAL) or a pull query (Pull).
type Select struct {
	Stmt  *ast.Query
	Query *Query
	Pull  *PullQuery
}

// SetProperty is the analysis of SET: the session property to set.
type SetProperty struct {
	Stmt        *ast.SetProperty
	Name, Value string
}

// UnsetProperty is the analysis of UNSET.
type UnsetProperty struct {
	Stmt *ast.UnsetProperty
	Name string
}

// Drop is the analysis of DROP STREAM/TABLE.
type Drop struct {
	Stmt *ast.Drop
	// Source is the source to drop; nil for DROP ... IF EXISTS of a
	// missing source.
	Source *Source
	// DeleteTopic asks the engine to delete the topic too.
	DeleteTopic bool
}

// Terminate is the analysis of TERMINATE: the queries to stop.
type Terminate struct {
	Stmt *ast.Terminate
	IDs  []QueryID
}

// Print is the analysis of PRINT: the engine dumps the topic.
type Print struct {
	Stmt *ast.Print
}

// Explain is the analysis of EXPLAIN: a running query (by id), or the
// analysis of the explained statement.
type Explain struct {
	Stmt *ast.Explain
	// Query is set for EXPLAIN <query id>.
	Query *PersistentQuery
	// Target is set for EXPLAIN <statement>.
	Target Analysis
}

// DescribeFunction is the analysis of DESCRIBE FUNCTION.
type DescribeFunction struct {
	Stmt     *ast.DescribeFunction
	Function expr.FunctionInfo
}

// Statement returns the analyzed statement.
func (a *CreateSource) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *CreateAsSelect) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *InsertInto) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *InsertValues) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *Select) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *SetProperty) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *UnsetProperty) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *Drop) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *Terminate) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *Print) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *Explain) Statement() ast.Statement { return a.Stmt }

// Statement returns the analyzed statement.
func (a *DescribeFunction) Statement() ast.Statement { return a.Stmt }

// Analyze checks a statement against the catalogue and returns what it
// means; props are the session properties (nil for none). Analyze never
// changes the catalogue: the engine acts on the analysis (creates topics,
// builds and starts topologies) and then records it with Apply.
//
// Errors are *Error values wrapping ErrNotFound, ErrExists, ErrInvalid,
// ErrInUse, ErrUnsupported or ErrLegacy.
func (c *Catalog) Analyze(stmt ast.Statement, props Properties) (Analysis, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.analyze(stmt, props)
}

func (c *Catalog) analyze(stmt ast.Statement, props Properties) (Analysis, error) {
	if props == nil {
		props = Properties{}
	}
	switch s := stmt.(type) {
	case *ast.CreateSource:
		return c.analyzeCreateSource(s, props)
	case *ast.CreateAsSelect:
		return c.analyzeCreateAsSelect(s, props)
	case *ast.InsertInto:
		return c.analyzeInsertInto(s, props)
	case *ast.InsertValues:
		return c.analyzeInsertValues(s)
	case *ast.Query:
		return c.analyzeSelect(s, props)
	case *ast.SetProperty:
		return &SetProperty{Stmt: s, Name: s.Name, Value: s.Value}, nil
	case *ast.UnsetProperty:
		return &UnsetProperty{Stmt: s, Name: s.Name}, nil
	case *ast.Show:
		return c.analyzeShow(s, props), nil
	case *ast.Describe:
		src, err := c.lookup(s.Name)
		if err != nil {
			return nil, err
		}
		return &Describe{Stmt: s, Extended: s.Extended, Sources: []SourceDescription{c.describe(src)}}, nil
	case *ast.DescribeSources:
		d := &Describe{Stmt: s, Extended: s.Extended}
		t := Stream
		if s.Kind == ast.TableKind {
			t = Table
		}
		for _, src := range c.sourcesOf(t) {
			d.Sources = append(d.Sources, c.describe(src))
		}
		return d, nil
	case *ast.DescribeFunction:
		info, ok := expr.LookupFunction(s.Name.Name)
		if !ok {
			names := make([]string, 0)
			for _, f := range expr.Functions() {
				names = append(names, f.Name)
			}
			hint := ""
			if n := suggest.Closest(s.Name.Name, names); n != "" {
				hint = "did you mean " + n + "?"
			}
			return nil, newError(ErrNotFound, s.Name.Pos(), hint, "function %s does not exist", s.Name.Name)
		}
		return &DescribeFunction{Stmt: s, Function: info}, nil
	case *ast.Explain:
		if s.Statement != nil {
			target, err := c.analyze(s.Statement, props)
			if err != nil {
				return nil, err
			}
			return &Explain{Stmt: s, Target: target}, nil
		}
		q, err := c.lookupQuery(s.QueryID)
		if err != nil {
			return nil, err
		}
		return &Explain{Stmt: s, Query: q}, nil
	case *ast.Drop:
		return c.analyzeDrop(s)
	case *ast.Terminate:
		if s.All {
			t := &Terminate{Stmt: s}
			for _, q := range c.queryList() {
				t.IDs = append(t.IDs, q.ID)
			}
			return t, nil
		}
		q, err := c.lookupQuery(s.QueryID)
		if err != nil {
			return nil, err
		}
		return &Terminate{Stmt: s, IDs: []QueryID{q.ID}}, nil
	case *ast.Print:
		return &Print{Stmt: s}, nil
	case *ast.AssertValues, *ast.AssertSource:
		return nil, newError(ErrUnsupported, stmt.Pos(), "", "ASSERT statements belong to the SQL test runner")
	}
	return nil, newError(ErrUnsupported, stmt.Pos(), "", "statement %s is not supported", ast.String(stmt))
}

func (c *Catalog) sourcesOf(t SourceType) []*Source {
	var out []*Source
	for _, name := range sortedKeys(c.sources) {
		if s := c.sources[name]; s.Type == t {
			out = append(out, s)
		}
	}
	return out
}

func (c *Catalog) lookupQuery(id ast.Ident) (*PersistentQuery, error) {
	if q, ok := c.queries[QueryID(id.Name)]; ok {
		return q, nil
	}
	var ids []string
	for k := range c.queries {
		ids = append(ids, string(k))
		if strings.EqualFold(string(k), id.Name) {
			return c.queries[k], nil
		}
	}
	hint := "SHOW QUERIES lists the running queries"
	if s := suggest.Closest(id.Name, ids); s != "" {
		hint = "did you mean " + s + "?"
	}
	return nil, newError(ErrNotFound, id.Pos(), hint, "Unknown queryId: %s", id.Name)
}

func (c *Catalog) analyzeDrop(s *ast.Drop) (Analysis, error) {
	src, ok := c.sources[s.Name.Name]
	if !ok {
		if s.IfExists {
			return &Drop{Stmt: s}, nil
		}
		_, err := c.lookup(s.Name)
		return nil, err
	}
	want := Stream
	if s.Kind == ast.TableKind {
		want = Table
	}
	if src.Type != want {
		return nil, invalid(s.Name.Pos(), "use DROP "+src.Type.String()+" "+ast.QuoteIdent(src.Name),
			"Incompatible data source type is %s, but statement was DROP %s", src.Type, want)
	}
	if rs, ws := c.readers(src.Name), c.writers(src.Name); len(rs)+len(ws) > 0 {
		e := inUse(src.Name, rs, ws)
		e.Pos = s.Name.Pos()
		return nil, e
	}
	return &Drop{Stmt: s, Source: src, DeleteTopic: s.DeleteTopic}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
