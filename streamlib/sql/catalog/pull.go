package catalog

import (
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// PullQuery is an analyzed pull query: a SELECT without EMIT that reads
// the current state of a materialized table once and ends.
type PullQuery struct {
	// Query holds the layout (one source), WHERE and projection; WHERE
	// applies to every row the lookup or scan finds.
	*Query
	// Table is the table read.
	Table *Source
	// Keys lists the keys to look up (the values of the key columns, in
	// order) when WHERE pins them (KEY = literal, KEY IN (...)); nil means
	// a scan of the whole table.
	Keys [][]any
}

func (c *Catalog) analyzeSelect(s *ast.Query, _ Properties) (Analysis, error) {
	if s.Emit != ast.EmitNone {
		q, err := c.analyzeQuery(s, false, "")
		if err != nil {
			return nil, err
		}
		return &Select{Stmt: s, Query: q}, nil
	}
	p, err := c.analyzePull(s)
	if err != nil {
		return nil, err
	}
	return &Select{Stmt: s, Pull: p}, nil
}

// pushHint rejects a SELECT without EMIT CHANGES that cannot be a pull
// query, showing the push query it probably meant.
func pushHint(s *ast.Query, why string) *Error {
	modern := *s
	modern.Emit = ast.EmitChanges
	rewrite := ast.String(&modern)
	return &Error{Kind: ErrLegacy, Pos: s.Pos(), Rewrite: rewrite,
		Msg: why + " If you intended to issue a push query, resubmit with the EMIT CHANGES clause: " + rewrite + ";",
		Hint: "a SELECT without EMIT CHANGES is a pull query (it reads a table's current state once); " +
			"before ksqlDB, every SELECT was a push query, as in the original tutorial"}
}

func (c *Catalog) analyzePull(s *ast.Query) (*PullQuery, error) {
	src, ok := s.From.(*ast.Source)
	if !ok {
		return nil, pushHint(s, "Pull queries don't support JOIN clauses.")
	}
	table, err := c.lookup(src.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case table.Type == Stream:
		return nil, pushHint(s, "Pull queries read tables, and "+ast.QuoteIdent(table.Name)+" is a stream.")
	case s.Window != nil:
		return nil, pushHint(s, "Pull queries don't support WINDOW clauses.")
	case len(s.GroupBy) > 0:
		return nil, pushHint(s, "Pull queries don't support GROUP BY clauses.")
	case len(s.PartitionBy) > 0:
		return nil, pushHint(s, "Pull queries don't support PARTITION BY clauses.")
	case s.Having != nil:
		return nil, pushHint(s, "Pull queries don't support HAVING clauses.")
	case !table.Materialized:
		e := pushHint(s, "The `"+table.Name+"` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_"+
			table.Name+" AS SELECT * FROM "+table.Name+"'.")
		e.Kind = ErrInvalid
		return nil, e
	}
	q, err := c.analyzeQuery(s, false, "")
	if err != nil {
		return nil, err
	}
	p := &PullQuery{Query: q, Table: table}
	if s.Where != nil {
		where, err := expr.Qualify(s.Where, q.Input)
		if err != nil {
			return nil, fromExpr(err, "in WHERE")
		}
		p.Keys = keyLookups(where, q.Sources[0])
	}
	return p, nil
}

// keyLookups finds the keys a WHERE condition pins: an AND of KEY = value
// (or KEY IN (values)) terms for every key column. It returns nil when the
// condition does not pin the key, which means a table scan.
func keyLookups(where ast.Expr, ref *SourceRef) [][]any {
	var terms []ast.Expr
	var split func(e ast.Expr)
	split = func(e ast.Expr) {
		if b, ok := e.(*ast.Binary); ok && b.Op == ast.And {
			split(b.L)
			split(b.R)
			return
		}
		terms = append(terms, e)
	}
	split(where)
	keys := ref.Source.Key()
	perColumn := make([][]any, len(keys))
	for i, k := range keys {
		col := colRef(ref.Alias, k.Name)
		for _, t := range terms {
			if vals, ok := pinned(t, col, k.Type); ok {
				perColumn[i] = vals
				break
			}
		}
		if perColumn[i] == nil {
			return nil
		}
	}
	// The combinations of the values of every key column.
	out := [][]any{{}}
	for _, vals := range perColumn {
		var next [][]any
		for _, prefix := range out {
			for _, v := range vals {
				next = append(next, append(append([]any(nil), prefix...), v))
			}
		}
		out = next
	}
	return out
}

// pinned returns the values a term fixes a key column to.
func pinned(t ast.Expr, col *ast.ColumnRef, typ types.Type) ([]any, bool) {
	constant := func(e ast.Expr) (any, bool) {
		v, vt, err := expr.Eval(e)
		if err != nil || v == nil || !types.CanCast(vt, typ) {
			return nil, false
		}
		c, err := types.Cast(v, vt, typ)
		return c, err == nil
	}
	switch t := t.(type) {
	case *ast.Binary:
		if t.Op != ast.Eq {
			return nil, false
		}
		other := t.R
		if !ast.Equal(t.L, col) {
			if !ast.Equal(t.R, col) {
				return nil, false
			}
			other = t.L
		}
		v, ok := constant(other)
		if !ok {
			return nil, false
		}
		return []any{v}, true
	case *ast.In:
		if t.Not || !ast.Equal(t.X, col) {
			return nil, false
		}
		var out []any
		for _, e := range t.List {
			v, ok := constant(e)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	return nil, false
}
