package catalog

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// analyzer analyzes one query.
type analyzer struct {
	c          *Catalog
	stmt       *ast.Query
	persistent bool
	// sink names the source a persistent query writes, for messages.
	sink string
	q    *Query
	// keyAlts are the expressions (qualified) the rows are keyed by after
	// FROM and the joins: for each key column, the equivalent expressions
	// that hold its value.
	keyAlts [][]ast.Expr
	// generated counts KSQL_COL_n names.
	generated int
	// joinResult is the type of the rows after the joins.
	joinResult SourceType
	// qualifyScope is what select items are qualified against: Input, plus
	// the window bounds of a windowed aggregation.
	qualifyScope *expr.Scope
	// projected holds the qualified expression of each projection column,
	// to find the key columns among them.
	projected []ast.Expr
}

// items are the SELECT list after expanding *.
type item struct {
	expr  ast.Expr // as written (a star expands to column references)
	alias string   // explicit alias, or the name a star gives
	at    ast.Pos
}

func (c *Catalog) analyzeQuery(stmt *ast.Query, persistent bool, sink string) (*Query, error) {
	a := &analyzer{c: c, stmt: stmt, persistent: persistent, sink: sink,
		q: &Query{Text: ast.String(stmt), Persistent: persistent, Emit: stmt.Emit, Limit: stmt.Limit, RowtimeSlot: -1}}
	if err := a.from(); err != nil {
		return nil, err
	}
	if err := a.clauses(); err != nil {
		return nil, err
	}
	if err := a.where(); err != nil {
		return nil, err
	}
	items, err := a.expandSelect()
	if err != nil {
		return nil, err
	}
	if len(stmt.GroupBy) > 0 {
		err = a.aggregate(items)
	} else {
		err = a.project(items)
	}
	if err != nil {
		return nil, err
	}
	if err := a.keys(); err != nil {
		return nil, err
	}
	return a.q, nil
}

// from resolves the sources and joins.
func (a *analyzer) from() error {
	var rels []*ast.Source
	var joins []*ast.Join
	var flatten func(r ast.Relation)
	flatten = func(r ast.Relation) {
		switch r := r.(type) {
		case *ast.Source:
			rels = append(rels, r)
		case *ast.Join:
			flatten(r.Left)
			rels = append(rels, r.Right)
			joins = append(joins, r)
		}
	}
	flatten(a.stmt.From)
	scope := &expr.Scope{}
	aliases := map[string]bool{}
	names := map[string]bool{}
	for _, r := range rels {
		src, err := a.c.lookup(r.Name)
		if err != nil {
			return err
		}
		alias := r.Alias.Name
		if alias == "" {
			alias = src.Name
		}
		if names[src.Name] {
			return newError(ErrUnsupported, r.Pos(), "", "Can not join '%s' to '%s': self joins are not yet supported.", src.Name, src.Name)
		}
		if aliases[alias] {
			return invalid(r.Pos(), "give each source its own alias", "the alias %s is used twice", ast.QuoteIdent(alias))
		}
		names[src.Name], aliases[alias] = true, true
		if a.persistent && src.Window != nil {
			return newError(ErrUnsupported, r.Pos(), "", "KSQL does not support persistent queries on windowed tables.")
		}
		ref := &SourceRef{Source: src, Alias: alias, Offset: len(scope.Columns)}
		for _, c := range src.Columns {
			scope.Columns = append(scope.Columns, expr.Column{Source: alias, Name: c.Name, Type: c.Type})
		}
		scope.Columns = append(scope.Columns,
			expr.Column{Source: alias, Name: "ROWTIME", Type: types.Bigint},
			expr.Column{Source: alias, Name: "ROWPARTITION", Type: types.Integer},
			expr.Column{Source: alias, Name: "ROWOFFSET", Type: types.Bigint})
		if src.Window != nil {
			scope.Columns = append(scope.Columns,
				expr.Column{Source: alias, Name: "WINDOWSTART", Type: types.Bigint},
				expr.Column{Source: alias, Name: "WINDOWEND", Type: types.Bigint})
		}
		a.q.Sources = append(a.q.Sources, ref)
	}
	if len(joins) > 0 {
		a.q.RowtimeSlot = len(scope.Columns)
		scope.Columns = append(scope.Columns, expr.Column{Name: "ROWTIME", Type: types.Bigint})
	}
	a.q.Input = scope
	a.qualifyScope = scope
	first := a.q.Sources[0]
	a.joinResult = first.Source.Type
	for _, k := range first.Source.Key() {
		a.keyAlts = append(a.keyAlts, []ast.Expr{colRef(first.Alias, k.Name)})
	}
	for i, j := range joins {
		jn, err := a.join(i, j)
		if err != nil {
			return err
		}
		a.q.Joins = append(a.q.Joins, jn)
	}
	a.q.ResultType = a.joinResult
	return nil
}

func colRef(source, name string) *ast.ColumnRef {
	return &ast.ColumnRef{Source: ast.NewIdent(source), Name: ast.NewIdent(name)}
}

// clauses checks the rules that tie the clauses together.
func (a *analyzer) clauses() error {
	s := a.stmt
	if s.Window != nil {
		if len(s.GroupBy) == 0 {
			return invalid(s.Window.Pos(), "add GROUP BY, or remove the WINDOW clause", "WINDOW clause requires a GROUP BY clause.")
		}
		if a.joinResult == Table {
			return invalid(s.Window.Pos(), "only streams can be windowed; aggregate the table without WINDOW",
				"WINDOW cannot be used on a TABLE: %s is a table", a.q.Sources[0].Source.Name)
		}
		w, err := windowOf(s.Window)
		if err != nil {
			return err
		}
		a.q.Window = w
	}
	if len(s.GroupBy) > 0 && len(s.PartitionBy) > 0 {
		return newError(ErrUnsupported, s.PartitionBy[0].Pos(), "do it in two steps: a stream with PARTITION BY, then a table with GROUP BY",
			"PARTITION BY and GROUP BY in the same query are not supported")
	}
	if s.Having != nil && len(s.GroupBy) == 0 {
		return invalid(s.Having.Pos(), "use WHERE to filter rows, or add GROUP BY", "HAVING clause requires a GROUP BY clause.")
	}
	if s.Emit == ast.EmitFinal && (len(s.GroupBy) == 0 || s.Window == nil) {
		return invalid(s.Pos(), "use EMIT CHANGES", "EMIT FINAL is only supported for windowed aggregations.")
	}
	if len(s.PartitionBy) > 0 && a.joinResult == Table {
		return invalid(s.PartitionBy[0].Pos(), "a table is keyed by its PRIMARY KEY; GROUP BY gives a table a new key",
			"Cannot repartition a TABLE source: PARTITION BY needs a stream, and %s is a table", a.q.Sources[0].Source.Name)
	}
	return nil
}

// windowBound returns a reference to WINDOWSTART or WINDOWEND in e that
// the scope cannot resolve.
func windowBound(e ast.Expr, s *expr.Scope) *ast.ColumnRef {
	var found *ast.ColumnRef
	ast.Walk(e, func(x ast.Expr) bool {
		if ref, ok := x.(*ast.ColumnRef); ok && found == nil &&
			(ref.Name.Name == "WINDOWSTART" || ref.Name.Name == "WINDOWEND") {
			if _, err := s.Resolve(ref); err != nil {
				found = ref
			}
		}
		return found == nil
	})
	return found
}

func windowBoundError(ref *ast.ColumnRef) error {
	return invalid(ref.Pos(), "select WINDOWSTART and WINDOWEND in a query with WINDOW ... GROUP BY",
		"Window bounds column %s can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.", ref.Name.Name)
}

// firstAggregate returns the first aggregate call in e.
func firstAggregate(e ast.Expr) *ast.Call {
	var found *ast.Call
	ast.Walk(e, func(x ast.Expr) bool {
		if c, ok := x.(*ast.Call); ok && found == nil && expr.IsAggregate(c.Name.Name) {
			found = c
		}
		return found == nil
	})
	return found
}

// compileInput checks, qualifies and compiles an expression over Input;
// clause names it for messages.
func (a *analyzer) compileInput(e ast.Expr, clause string) (ast.Expr, expr.Expr, error) {
	if call := firstAggregate(e); call != nil {
		hint := ""
		if clause == "WHERE" {
			hint = "filter aggregates with HAVING"
		}
		return nil, nil, invalid(call.Pos(), hint, "aggregate functions are not allowed in %s: %s", clause, ast.String(call))
	}
	if ref := windowBound(e, a.q.Input); ref != nil {
		return nil, nil, windowBoundError(ref)
	}
	if ref := legacyRowkey(e, a); ref != nil {
		return nil, nil, ref
	}
	q, err := expr.Qualify(e, a.q.Input)
	if err != nil {
		return nil, nil, fromExpr(err, "in "+clause)
	}
	c, err := expr.Compile(q, a.q.Input)
	if err != nil {
		return nil, nil, fromExpr(err, "in "+clause)
	}
	return q, c, nil
}

// legacyRowkey explains a reference to ROWKEY, the implicit key column of
// KSQL before ksqlDB 0.10.
func legacyRowkey(e ast.Expr, a *analyzer) error {
	var out error
	ast.Walk(e, func(x ast.Expr) bool {
		ref, ok := x.(*ast.ColumnRef)
		if !ok || out != nil || ref.Name.Name != "ROWKEY" {
			return out == nil
		}
		if _, err := a.q.Input.Resolve(ref); err == nil {
			return true
		}
		var keys []string
		for _, alts := range a.keyAlts {
			keys = append(keys, ast.String(alts[0]))
		}
		hint := "the source has no key column; declare one with KEY (a stream) or PRIMARY KEY (a table)"
		if len(keys) > 0 {
			hint = "the key column is " + describeKeyExprs(keys)
		}
		out = invalid(ref.Pos(), hint, "ROWKEY is the old KSQL implicit key column; since ksqlDB 0.10 key columns have names")
		return false
	})
	return out
}

func (a *analyzer) where() error {
	if a.stmt.Where == nil {
		return nil
	}
	_, c, err := a.compileInput(windowBoundTimes(a.stmt.Where), "WHERE")
	if err != nil {
		return err
	}
	if t := c.Type(); t.IsValid() && t.Kind != types.KindBoolean {
		return invalid(a.stmt.Where.Pos(), "compare it with something: "+ast.String(a.stmt.Where)+" = ...",
			"Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.", ast.String(a.stmt.Where), t)
	}
	a.q.Where = c
	return nil
}

// expandSelect expands * and src.* into column references.
func (a *analyzer) expandSelect() ([]item, error) {
	var out []item
	join := len(a.q.Sources) > 1
	for _, it := range a.stmt.Select {
		switch it := it.(type) {
		case *ast.SelectExpr:
			out = append(out, item{expr: it.Expr, alias: it.Alias.Name, at: it.Pos()})
		case *ast.SelectAll:
			found := false
			for _, ref := range a.q.Sources {
				if !it.Source.IsZero() && it.Source.Name != ref.Alias {
					continue
				}
				found = true
				cols := ref.Source.Columns
				if ref.Source.Window != nil {
					// Window bounds come after the keys, as in ksqlDB.
					var keys, values []Column
					for _, c := range cols {
						if c.Key {
							keys = append(keys, c)
						} else {
							values = append(values, c)
						}
					}
					cols = append(append(keys, Column{Name: "WINDOWSTART"}, Column{Name: "WINDOWEND"}), values...)
				}
				for _, c := range cols {
					name := c.Name
					if join {
						name = ref.Alias + "_" + c.Name
					}
					e := &ast.ColumnRef{Loc: it.Loc, Source: ast.Ident{Loc: it.Loc, Name: ref.Alias}, Name: ast.Ident{Loc: it.Loc, Name: c.Name}}
					out = append(out, item{expr: e, alias: name, at: it.Pos()})
				}
			}
			if !found {
				var aliases []string
				for _, ref := range a.q.Sources {
					aliases = append(aliases, ref.Alias)
				}
				return nil, invalid(it.Pos(), "the sources are "+strings.Join(aliases, ", "), "unknown source %s in %s.*", ast.QuoteIdent(it.Source.Name), ast.QuoteIdent(it.Source.Name))
			}
		}
	}
	return out, nil
}

// name returns the output name of a select item: its alias, the column or
// field it reads, or a generated KSQL_COL_n.
func (a *analyzer) name(it item, taken map[string]bool) string {
	if it.alias != "" {
		return it.alias
	}
	switch e := it.expr.(type) {
	case *ast.ColumnRef:
		return e.Name.Name
	case *ast.Deref:
		return e.Field.Name
	}
	for {
		n := fmt.Sprintf("KSQL_COL_%d", a.generated)
		a.generated++
		if !taken[n] {
			return n
		}
	}
}

// project compiles the SELECT list of a query without aggregation.
func (a *analyzer) project(items []item) error {
	for _, it := range items {
		if call := firstAggregate(it.expr); call != nil {
			return invalid(call.Pos(), "add GROUP BY <key columns>", "Use of aggregate function %s requires a GROUP BY clause.", call.Name.Name)
		}
	}
	if len(a.stmt.PartitionBy) > 0 {
		rp := &Repartition{}
		var alts [][]ast.Expr
		for _, e := range a.stmt.PartitionBy {
			if _, isNull := e.(*ast.NullLit); isNull {
				if len(a.stmt.PartitionBy) > 1 {
					return invalid(e.Pos(), "", "PARTITION BY NULL cannot be combined with other expressions")
				}
				continue
			}
			q, c, err := a.compileInput(e, "PARTITION BY")
			if err != nil {
				return err
			}
			rp.Keys = append(rp.Keys, c)
			alts = append(alts, []ast.Expr{q})
		}
		a.q.Repartition = rp
		a.keyAlts = alts
	}
	return a.outputs(items, a.q.Input)
}

// outputs compiles select items over scope into the projection.
func (a *analyzer) outputs(items []item, scope *expr.Scope) error {
	taken := map[string]bool{}
	for _, it := range items {
		if it.alias != "" {
			taken[it.alias] = true
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		if ref := windowBound(it.expr, scope); ref != nil {
			return windowBoundError(ref)
		}
		if err := legacyRowkey(it.expr, a); err != nil {
			return err
		}
		q, err := expr.Qualify(it.expr, a.qualifyScope)
		if err != nil {
			return fromExpr(err, "in SELECT")
		}
		c, err := expr.Compile(q, scope)
		if err != nil {
			return fromExpr(err, "in SELECT")
		}
		if !c.Type().IsValid() {
			return invalid(it.at, "CAST it: CAST(NULL AS STRING)", "cannot tell the type of %s", ast.String(it.expr))
		}
		name := a.name(it, taken)
		out := &OutputColumn{Name: name, Type: c.Type(), Expr: c}
		if a.persistent && it.alias == "" && a.q.Window != nil && (name == "WINDOWSTART" || name == "WINDOWEND") {
			if ref, ok := it.expr.(*ast.ColumnRef); ok && ref.Name.Name == name {
				out.Hidden = true
			}
		}
		if a.persistent && !out.Hidden && reservedColumns[name] {
			return invalid(it.at, "alias it: "+ast.String(it.expr)+" AS "+name+"_COPY",
				"Reserved column name in select: `%s`. Please remove or alias the column.", name)
		}
		if seen[name] {
			return invalid(it.at, "give one of them another name with AS", "the projection has two columns named %s", ast.QuoteIdent(name))
		}
		seen[name] = true
		a.q.Projection = append(a.q.Projection, out)
		a.projected = append(a.projected, q)
	}
	return nil
}

// windowBoundTimes lets WINDOWSTART and WINDOWEND, which are BIGINT
// milliseconds, be compared with timestamp strings, as ksqlDB allows:
// WINDOWSTART > '2020-07-06T15:30:00' compares with that instant.
func windowBoundTimes(e ast.Expr) ast.Expr {
	isBound := func(x ast.Expr) bool {
		ref, ok := x.(*ast.ColumnRef)
		return ok && (ref.Name.Name == "WINDOWSTART" || ref.Name.Name == "WINDOWEND")
	}
	millis := func(x ast.Expr) ast.Expr {
		s, ok := x.(*ast.StringLit)
		if !ok {
			return x
		}
		t, err := types.ParseTimestamp(s.Value)
		if err != nil {
			return x
		}
		return &ast.IntLit{Loc: s.Loc, Value: t.UnixMilli()}
	}
	return ast.Rewrite(e, func(x ast.Expr) (ast.Expr, bool) {
		switch x := x.(type) {
		case *ast.Binary:
			if !x.Op.IsComparison() {
				return nil, false
			}
			switch {
			case isBound(x.L):
				c := *x
				c.R = millis(x.R)
				return &c, true
			case isBound(x.R):
				c := *x
				c.L = millis(x.L)
				return &c, true
			}
		case *ast.Between:
			if isBound(x.X) {
				c := *x
				c.Low, c.High = millis(x.Low), millis(x.High)
				return &c, true
			}
		}
		return nil, false
	})
}
