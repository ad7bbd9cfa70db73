package catalog

import (
	"errors"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func (c *Catalog) analyzeInsertValues(s *ast.InsertValues) (Analysis, error) {
	target, err := c.lookup(s.Target)
	if err != nil {
		return nil, err
	}
	if target.ReadOnly {
		return nil, invalid(s.Target.Pos(), "", "Cannot insert into read-only %s: %s", strings.ToLower(target.Type.String()), target.Name)
	}
	return InsertRow(target, s)
}

// InsertRow computes the record that INSERT INTO target ... VALUES writes:
// the key and value columns in the target's order, with unset columns
// NULL, and the timestamp. It checks the values as Analyze does, without a
// catalogue; the SQL test runner uses it to build the rows an ASSERT
// VALUES expects.
func InsertRow(target *Source, s *ast.InsertValues) (*InsertValues, error) {
	var names []ast.Ident
	if s.Columns != nil {
		names = s.Columns
	} else {
		for _, col := range target.Columns {
			names = append(names, ast.Ident{Name: col.Name})
		}
	}
	if len(names) != len(s.Values) {
		cols := make([]string, len(names))
		for i, n := range names {
			cols[i] = n.Name
		}
		vals := make([]string, len(s.Values))
		for i, v := range s.Values {
			vals[i] = ast.String(v)
		}
		return nil, invalid(s.Pos(), "give one value per column",
			"Expected number columns and values to match: [%s], [%s]", strings.Join(cols, ", "), strings.Join(vals, ", "))
	}
	a := &InsertValues{Stmt: s, Target: target, Key: make([]any, len(target.Key())), Value: make([]any, len(target.Value()))}
	slot := map[string]int{}
	for i, col := range target.Key() {
		slot[col.Name] = i
	}
	for i, col := range target.Value() {
		slot[col.Name] = len(a.Key) + i
	}
	set := map[string]bool{}
	for i, n := range names {
		if set[n.Name] {
			return nil, invalid(n.Pos(), "", "column %s is given twice", ast.QuoteIdent(n.Name))
		}
		set[n.Name] = true
		v, vt, err := expr.Eval(s.Values[i])
		if err != nil {
			var ce *expr.Error
			if errors.As(err, &ce) {
				return nil, invalid(ce.Pos, "INSERT VALUES takes literals and expressions of literals", "%s (in VALUES)", ce.Msg)
			}
			return nil, invalid(s.Values[i].Pos(), "", "cannot compute %s: %v", ast.String(s.Values[i]), err)
		}
		if n.Name == "ROWTIME" {
			ts, err := coerce(v, vt, types.Bigint, n, s.Values[i])
			if err != nil {
				return nil, err
			}
			if ts != nil {
				ms := ts.(int64)
				a.Timestamp = &ms
			}
			continue
		}
		col, ok := target.Column(n.Name)
		if !ok {
			names := make([]string, 0, len(target.Columns)+1)
			for _, col := range target.Columns {
				names = append(names, col.Name)
			}
			hint := ""
			if s := suggest.Closest(n.Name, append(names, "ROWTIME")); s != "" {
				hint = "did you mean " + ast.QuoteIdent(s) + "?"
			}
			return nil, newError(ErrNotFound, n.Pos(), hint, "Column name %s does not exist.", ast.QuoteIdent(n.Name))
		}
		cv, err := coerce(v, vt, col.Type, n, s.Values[i])
		if err != nil {
			return nil, err
		}
		if k := slot[col.Name]; k < len(a.Key) {
			a.Key[k] = cv
		} else {
			a.Value[k-len(a.Key)] = cv
		}
	}
	if target.Type == Table {
		var missing []string
		for i, col := range target.Key() {
			if a.Key[i] == nil {
				missing = append(missing, col.Name)
			}
		}
		if len(missing) > 0 {
			return nil, invalid(s.Pos(), "give a value for every PRIMARY KEY column",
				"Failed to insert values into '%s'. Value for primary key column(s) %s is required for tables", target.Name, strings.Join(missing, ", "))
		}
	}
	if a.Timestamp == nil && target.Timestamp != "" {
		k := slot[target.Timestamp]
		var v any
		if k < len(a.Key) {
			v = a.Key[k]
		} else {
			v = a.Value[k-len(a.Key)]
		}
		switch x := v.(type) {
		case int64:
			a.Timestamp = &x
		case time.Time:
			ms := x.UnixMilli()
			a.Timestamp = &ms
		}
	}
	return a, nil
}

// coerce converts an INSERT value to the column's type: numbers widen or
// narrow, a string fills a TIMESTAMP, NULL fills anything.
func coerce(v any, from, to types.Type, col ast.Ident, e ast.Expr) (any, error) {
	if v == nil || from.Equal(to) {
		return v, nil
	}
	ok := from.IsNumeric() && to.IsNumeric() ||
		from.Kind == types.KindString && to.Kind == types.KindTimestamp ||
		from.Kind == to.Kind && !from.IsPrimitive()
	if !ok {
		return nil, invalid(e.Pos(), "write a "+to.String()+" value, or CAST it",
			"Expected type %s for field %s but got %s(%s)", to, col.Name, ast.String(e), from)
	}
	out, err := types.Cast(v, from, to)
	if err != nil {
		return nil, invalid(e.Pos(), "", "cannot store %s in %s (%s): %v", ast.String(e), col.Name, to, err)
	}
	if to.Kind == types.KindInteger || to.Kind == types.KindBigint {
		// Integers take only values they hold exactly: no truncation, no
		// wrapping.
		if c, err := types.Compare(out, v); err != nil || c != 0 {
			return nil, invalid(e.Pos(), "", "%s does not fit %s (%s)", ast.String(e), col.Name, to)
		}
	}
	return out, nil
}
