package catalog

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// keys finishes the result: its type and window and, for a persistent
// query, which projection columns form its key. Every key expression must
// be in the projection, exactly once (ksqlDB's "Key missing from
// projection" rule): a persistent query writes the key columns to the
// record key and the rest to the value.
func (a *analyzer) keys() error {
	q := a.q
	if q.Aggregation != nil {
		q.ResultType = Table
		if q.Window != nil {
			info := &WindowInfo{Type: q.Window.Type}
			if q.Window.Type != ast.Session {
				info.Size = q.Window.Size
			}
			q.ResultWindow = info
		}
	}
	if !a.persistent {
		return nil
	}
	var missing []string
	for _, alts := range a.keyAlts {
		idx := -1
		for _, alt := range alts {
			var matches []int
			for i, e := range a.projected {
				if !q.Projection[i].Hidden && ast.Equal(e, alt) {
					matches = append(matches, i)
				}
			}
			if len(matches) > 1 {
				names := make([]string, len(matches))
				for k, m := range matches {
					names[k] = q.Projection[m].Name
				}
				return invalid(a.stmt.Pos(), "to copy the key into the value too, use AS_VALUE: AS_VALUE("+a.display(alt)+") AS "+names[1],
					"The projection contains a key column (%s) more than once, aliased as: %s.\nEach key column must only be in the projection once. "+
						"If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.",
					a.display(alt), describeKeyExprs(names))
			}
			if len(matches) == 1 {
				idx = matches[0]
				break
			}
		}
		if idx < 0 {
			parts := make([]string, len(alts))
			for i, alt := range alts {
				parts[i] = a.display(alt)
			}
			missing = append(missing, strings.Join(parts, " or "))
			continue
		}
		q.Projection[idx].Key = true
		q.Keys = append(q.Keys, idx)
	}
	if len(missing) > 0 {
		what := a.keyKind()
		if len(missing) > 1 {
			what += "s"
		}
		list := describeKeyExprs(missing)
		first := strings.Split(missing[0], " or ")[0]
		return invalid(a.stmt.Pos(), a.keyHint(first),
			"Key missing from projection (ie, SELECT).\nThe query used to build %s must include the %s %s in its projection (eg, SELECT %s...).",
			ast.QuoteIdent(a.sink), what, list, first)
	}
	if len(q.ValueColumns()) == 0 {
		return invalid(a.stmt.Pos(), "select at least one column besides the key; AS_VALUE(key) copies the key into the value",
			"The projection contains no value columns.")
	}
	return nil
}

func (a *analyzer) keyKind() string {
	switch {
	case a.q.Aggregation != nil:
		return "grouping expression"
	case a.q.Repartition != nil:
		return "partitioning expression"
	case len(a.q.Joins) > 0:
		return "join expression"
	}
	return "key column"
}

func (a *analyzer) keyHint(first string) string {
	switch {
	case a.q.Aggregation != nil:
		return "the key of a GROUP BY result is the grouping expressions; add " + first + " to the SELECT list (an alias is fine)"
	case a.q.Repartition != nil:
		return "PARTITION BY makes " + first + " the key; add it to the SELECT list (an alias is fine)"
	case len(a.q.Joins) > 0:
		return "the key of a join result is the join expression; add " + first + " to the SELECT list (an alias is fine)"
	}
	return "a persistent query keeps its source's key; add " + first + " to the SELECT list, or re-key with PARTITION BY"
}

// display prints an expression for a message, without qualifiers when
// the query reads a single source.
func (a *analyzer) display(e ast.Expr) string {
	if len(a.q.Sources) > 1 {
		return ast.String(e)
	}
	return ast.String(ast.Rewrite(e, func(x ast.Expr) (ast.Expr, bool) {
		if ref, ok := x.(*ast.ColumnRef); ok {
			return &ast.ColumnRef{Loc: ref.Loc, Name: ref.Name}, true
		}
		return nil, false
	}))
}
