package catalog

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// aggregate analyzes GROUP BY: the group keys, the aggregate calls, the
// aggregated row they produce, HAVING and the projection over it.
func (a *analyzer) aggregate(items []item) error {
	agg := &Aggregation{FromTable: a.joinResult == Table}
	out := &expr.Scope{}
	var keyExprs []ast.Expr
	for i, e := range a.stmt.GroupBy {
		q, c, err := a.compileInput(e, "GROUP BY")
		if err != nil {
			return err
		}
		agg.Keys = append(agg.Keys, c)
		keyExprs = append(keyExprs, q)
		out.Columns = append(out.Columns, expr.Column{Name: fmt.Sprintf("KSQL_GROUPBY_%d", i), Type: c.Type()})
		out.Bindings = append(out.Bindings, expr.Binding{Expr: q, Slot: i})
	}

	// The aggregate calls of SELECT and HAVING, each once.
	sources := make([]ast.Expr, 0, len(items)+1)
	for _, it := range items {
		sources = append(sources, it.expr)
	}
	if a.stmt.Having != nil {
		sources = append(sources, a.stmt.Having)
	}
	seen := map[string]bool{}
	for _, e := range sources {
		var err error
		ast.Walk(e, func(x ast.Expr) bool {
			call, ok := x.(*ast.Call)
			if !ok || err != nil || !expr.IsAggregate(call.Name.Name) {
				return err == nil
			}
			err = a.aggregateCall(call, agg, out, seen)
			return false
		})
		if err != nil {
			return err
		}
	}
	if a.q.Window != nil {
		out.Columns = append(out.Columns,
			expr.Column{Name: "WINDOWSTART", Type: types.Bigint},
			expr.Column{Name: "WINDOWEND", Type: types.Bigint})
		qs := &expr.Scope{Columns: append(append([]expr.Column(nil), a.q.Input.Columns...), out.Columns[len(out.Columns)-2:]...)}
		a.qualifyScope = qs
	}
	agg.Output = out
	if agg.FromTable {
		var bad []string
		for _, c := range agg.Calls {
			if !c.Func.CanUndo() {
				bad = append(bad, c.Func.Name())
			}
		}
		if len(bad) > 0 {
			return invalid(a.stmt.GroupBy[0].Pos(), "aggregate the stream the table comes from; COUNT, SUM, AVG and COLLECT_LIST work on tables",
				"The aggregation functions %s cannot be applied to a table source, only to a stream source.", describeKeyExprs(dedupe(bad)))
		}
	}

	// Everything SELECT and HAVING read must be grouped or aggregated.
	grouped := func(e ast.Expr) (ast.Expr, bool) {
		q, err := expr.Qualify(e, a.qualifyScope)
		if err != nil {
			return nil, false
		}
		for _, b := range out.Bindings {
			if ast.Equal(b.Expr, q) {
				return q, true
			}
		}
		return q, false
	}
	// ungrouped lists the column references of e outside the group keys
	// and the aggregate calls.
	ungrouped := func(e ast.Expr) []*ast.ColumnRef {
		var bad []*ast.ColumnRef
		ast.Walk(e, func(x ast.Expr) bool {
			if _, ok := grouped(x); ok {
				return false
			}
			if ref, ok := x.(*ast.ColumnRef); ok {
				if a.q.Window == nil || !ref.Source.IsZero() || ref.Name.Name != "WINDOWSTART" && ref.Name.Name != "WINDOWEND" {
					bad = append(bad, ref)
				}
			}
			return true
		})
		return bad
	}
	// report names the references; the position is the reference's when
	// there is one, the statement's otherwise.
	report := func(refs []*ast.ColumnRef) (ast.Pos, []string) {
		var names []string
		for _, r := range refs {
			names = append(names, a.display(r))
		}
		names = dedupe(names)
		if len(names) == 1 {
			return refs[0].Pos(), names
		}
		return a.stmt.Pos(), names
	}
	var bad []*ast.ColumnRef
	for _, it := range items {
		bad = append(bad, ungrouped(it.expr)...)
	}
	if len(bad) > 0 {
		at, names := report(bad)
		return invalid(at, fmt.Sprintf("add %s to GROUP BY, or aggregate it, for example LATEST_BY_OFFSET(%s)", names[0], names[0]),
			"Non-aggregate SELECT expression(s) not part of GROUP BY: %s", strings.Join(names, ", "))
	}
	if a.stmt.Having != nil {
		if ref := windowBound(a.stmt.Having, &expr.Scope{}); ref != nil {
			return windowBoundError(ref)
		}
		if hb := ungrouped(a.stmt.Having); len(hb) > 0 {
			at, names := report(hb)
			return invalid(at, "use WHERE to filter input rows; HAVING filters groups",
				"Non-aggregate HAVING expression not part of GROUP BY: %s", strings.Join(names, ", "))
		}
		q, err := expr.Qualify(a.stmt.Having, a.qualifyScope)
		if err != nil {
			return fromExpr(err, "in HAVING")
		}
		c, err := expr.Compile(q, out)
		if err != nil {
			return fromExpr(err, "in HAVING")
		}
		if t := c.Type(); t.IsValid() && t.Kind != types.KindBoolean {
			return invalid(a.stmt.Having.Pos(), "", "Type error in HAVING expression: Should evaluate to boolean but is %s (%s) instead.", ast.String(a.stmt.Having), t)
		}
		agg.Having = c
	}
	a.q.Aggregation = agg

	// The rows are re-keyed unless the groups are the current key.
	agg.Repartition = len(keyExprs) != len(a.keyAlts)
	for i := 0; !agg.Repartition && i < len(keyExprs); i++ {
		match := false
		for _, alt := range a.keyAlts[i] {
			match = match || ast.Equal(alt, keyExprs[i])
		}
		agg.Repartition = !match
	}
	alts := make([][]ast.Expr, len(keyExprs))
	for i, k := range keyExprs {
		alts[i] = []ast.Expr{k}
	}
	a.keyAlts = alts
	return a.outputs(items, out)
}

// aggregateCall adds one aggregate call (once per distinct call) to the
// aggregation.
func (a *analyzer) aggregateCall(call *ast.Call, agg *Aggregation, out *expr.Scope, seen map[string]bool) error {
	for _, arg := range call.Args {
		if inner := firstAggregate(arg); inner != nil {
			return invalid(inner.Pos(), "", "Aggregate functions can not be nested: %s", ast.String(call))
		}
	}
	qualified := &ast.Call{Loc: call.Loc, Name: call.Name, Star: call.Star}
	var args []expr.Expr
	var argTypes []types.Type
	for _, arg := range call.Args {
		q, c, err := a.compileInput(arg, "the arguments of "+call.Name.Name)
		if err != nil {
			return err
		}
		qualified.Args = append(qualified.Args, q)
		args = append(args, c)
		argTypes = append(argTypes, c.Type())
	}
	text := ast.String(qualified)
	if seen[text] {
		return nil
	}
	seen[text] = true
	f, err := expr.NewAggregate(call.Name.Name, call.Star, argTypes, call.Pos())
	if err != nil {
		return fromExpr(err, "")
	}
	slot := len(out.Columns)
	out.Columns = append(out.Columns, expr.Column{Name: fmt.Sprintf("KSQL_AGG_VARIABLE_%d", len(agg.Calls)), Type: f.ResultType()})
	out.Bindings = append(out.Bindings, expr.Binding{Expr: qualified, Slot: slot})
	agg.Calls = append(agg.Calls, &AggregateCall{Func: f, Args: args, Text: ast.String(call)})
	return nil
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
