package expr

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Row is the input of a compiled expression: one Go value per column of
// the Scope it was compiled against, in slot order (see package types for
// the Go value of each SQL type; nil is NULL).
type Row []any

// Column is one slot of a Scope.
type Column struct {
	// Source is the alias (or name) of the stream or table the column
	// comes from, which qualified references match (O.ID); empty for
	// columns that belong to no source, such as the join result's ROWTIME.
	Source string
	// Name is the column name.
	Name string
	Type types.Type
}

// String formats the column as SOURCE.NAME or NAME.
func (c Column) String() string {
	if c.Source == "" {
		return ast.QuoteIdent(c.Name)
	}
	return ast.QuoteIdent(c.Source) + "." + ast.QuoteIdent(c.Name)
}

// Binding says that a whole expression was already computed into a slot:
// after an aggregation, the GROUP BY expressions and the aggregate calls
// are columns of the result, and the SELECT and HAVING expressions refer
// to them.
type Binding struct {
	// Expr is the expression, qualified with Qualify so that O.ID and ID
	// match.
	Expr ast.Expr
	Slot int
}

// Scope is what expressions compiled against it can refer to: the columns
// of the rows they will be evaluated on, and bound sub-expressions.
type Scope struct {
	Columns  []Column
	Bindings []Binding
}

// Resolve finds the slot of a column reference. An unqualified name must
// match exactly one column, except that a column without a source wins
// over source columns of the same name.
func (s *Scope) Resolve(ref *ast.ColumnRef) (int, error) {
	name := ref.Name.Name
	if !ref.Source.IsZero() {
		src := ref.Source.Name
		known := false
		for i, c := range s.Columns {
			if c.Source == src {
				known = true
				if c.Name == name {
					return i, nil
				}
			}
		}
		if !known {
			return 0, errorf(ref.Pos(), suggestHint(src, s.sources()), "unknown source %s in %s", ast.QuoteIdent(src), ast.String(ref))
		}
		return 0, errorf(ref.Pos(), s.columnHint(name, src), "column %s cannot be resolved", ast.String(ref))
	}
	match, unsourced := -1, -1
	var candidates []string
	for i, c := range s.Columns {
		if c.Name != name {
			continue
		}
		if c.Source == "" {
			unsourced = i
		}
		if match < 0 {
			match = i
		}
		candidates = append(candidates, c.String())
	}
	switch {
	case unsourced >= 0:
		return unsourced, nil
	case len(candidates) == 1:
		return match, nil
	case len(candidates) > 1:
		return 0, errorf(ref.Pos(), "qualify it with its source: "+candidates[0],
			"column %s is ambiguous: it could be %s", ast.QuoteIdent(name), strings.Join(candidates, " or "))
	}
	return 0, errorf(ref.Pos(), s.columnHint(name, ""), "column %s cannot be resolved", ast.QuoteIdent(name))
}

func (s *Scope) sources() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.Columns {
		if c.Source != "" && !seen[c.Source] {
			seen[c.Source] = true
			out = append(out, c.Source)
		}
	}
	return out
}

func (s *Scope) columnHint(name, source string) string {
	var names []string
	for _, c := range s.Columns {
		if source == "" || c.Source == source {
			names = append(names, c.Name)
		}
	}
	if h := suggestHint(name, names); h != "" {
		return h
	}
	// A double-quoted string is an identifier in SQL, a common mistake.
	return fmt.Sprintf("if you meant the string '%s', use single quotes (double quotes and backticks name columns)", name)
}

func suggestHint(name string, candidates []string) string {
	if s := suggest.Closest(name, candidates); s != "" {
		return "did you mean " + ast.QuoteIdent(s) + "?"
	}
	return ""
}

// Qualify returns e with every column reference qualified by the source
// it resolves to in s (ID becomes O.ID), so that two spellings of the same
// expression compare equal with ast.Equal. References to columns without a
// source stay unqualified. It fails on references that do not resolve.
func Qualify(e ast.Expr, s *Scope) (ast.Expr, error) {
	var err error
	out := ast.Rewrite(e, func(x ast.Expr) (ast.Expr, bool) {
		ref, ok := x.(*ast.ColumnRef)
		if !ok || err != nil {
			return nil, false
		}
		slot, rerr := s.Resolve(ref)
		if rerr != nil {
			err = rerr
			return x, true
		}
		c := s.Columns[slot]
		q := &ast.ColumnRef{Loc: ref.Loc, Name: ast.Ident{Loc: ref.Name.Loc, Name: c.Name}}
		if c.Source != "" {
			q.Source = ast.Ident{Loc: ref.Source.Loc, Name: c.Source}
		}
		return q, true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bound returns the slot of an expression bound in s.
func (s *Scope) bound(e ast.Expr) (int, bool) {
	if len(s.Bindings) == 0 {
		return 0, false
	}
	text := ast.String(e)
	for _, b := range s.Bindings {
		if ast.String(b.Expr) == text {
			return b.Slot, true
		}
	}
	return 0, false
}
