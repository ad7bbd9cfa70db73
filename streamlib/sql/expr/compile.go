package expr

import (
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Expr is a compiled, type-checked expression. It is safe for concurrent
// use, so the tasks of a topology can share it.
type Expr interface {
	// Type is the SQL type of the result. It is the invalid (zero) Type
	// only for an untyped NULL literal.
	Type() types.Type
	// Eval computes the expression over a row laid out like the Scope it
	// was compiled against. NULL is nil. An error is a processing error
	// for this row only (a division by zero, a failed CAST); ksqlDB
	// treats such a result as NULL and reports it to its processing log,
	// and a caller should do the same.
	Eval(row Row) (any, error)
	// String returns the expression as canonical SQL.
	String() string
}

type node struct {
	typ  types.Type
	eval func(Row) (any, error)
	text string
}

func (n *node) Type() types.Type          { return n.typ }
func (n *node) Eval(row Row) (any, error) { return n.eval(row) }
func (n *node) String() string            { return n.text }
func constant(t types.Type, v any, text string) *node {
	return &node{typ: t, text: text, eval: func(Row) (any, error) { return v, nil }}
}

// Compile type-checks e against s and returns it ready to evaluate. Column
// references resolve to slots of s; sub-expressions bound in s (after
// qualification with Qualify, which Compile does not do) are read from
// their slots. Aggregate calls must be bound: Compile rejects them.
func Compile(e ast.Expr, s *Scope) (Expr, error) {
	if s == nil {
		s = &Scope{}
	}
	c := compiler{scope: s}
	return c.compile(e)
}

// Eval compiles e against an empty scope and evaluates it: for constant
// expressions such as the values of INSERT ... VALUES.
func Eval(e ast.Expr) (any, types.Type, error) {
	n, err := Compile(e, nil)
	if err != nil {
		return nil, types.Type{}, err
	}
	v, err := n.Eval(nil)
	return v, n.Type(), err
}

type compiler struct {
	scope *Scope
}

func (c *compiler) compile(e ast.Expr) (*node, error) {
	text := ast.String(e)
	if slot, ok := c.scope.bound(e); ok {
		return c.slot(slot, text), nil
	}
	switch e := e.(type) {
	case *ast.NullLit:
		return constant(types.Type{}, nil, text), nil
	case *ast.BoolLit:
		return constant(types.Boolean, e.Value, text), nil
	case *ast.IntLit:
		if e.Value >= -1<<31 && e.Value < 1<<31 {
			return constant(types.Integer, int32(e.Value), text), nil
		}
		return constant(types.Bigint, e.Value, text), nil
	case *ast.DecimalLit:
		d, err := types.ParseDec(e.Text)
		if err != nil {
			return nil, errorf(e.Pos(), "", "%v", err)
		}
		p := max(d.Precision(), 1)
		if p > types.MaxDecimalPrecision {
			return nil, errorf(e.Pos(), "write it as a DOUBLE ("+e.Text+"E0)", "decimal %s has more than %d digits", e.Text, types.MaxDecimalPrecision)
		}
		return constant(types.Decimal(p, d.Scale()), d, text), nil
	case *ast.DoubleLit:
		return constant(types.Double, e.Value, text), nil
	case *ast.StringLit:
		return constant(types.String, e.Value, text), nil
	case *ast.ColumnRef:
		slot, err := c.scope.Resolve(e)
		if err != nil {
			return nil, err
		}
		return c.slot(slot, text), nil
	case *ast.Unary:
		return c.unary(e, text)
	case *ast.Binary:
		return c.binary(e, text)
	case *ast.IsNull:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		return &node{typ: types.Boolean, text: text, eval: func(r Row) (any, error) {
			v, err := x.eval(r)
			if err != nil {
				return nil, err
			}
			return (v == nil) != e.Not, nil
		}}, nil
	case *ast.IsDistinct:
		return c.isDistinct(e, text)
	case *ast.Between:
		return c.between(e, text)
	case *ast.In:
		return c.in(e, text)
	case *ast.Like:
		return c.like(e, text)
	case *ast.Case:
		return c.caseExpr(e, text)
	case *ast.Cast:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		if err := e.Type.Validate(); err != nil {
			return nil, errorf(e.Pos(), "", "%v", err)
		}
		from, to := x.typ, e.Type
		if isNullType(from) {
			return constant(to, nil, text), nil
		}
		if !types.CanCast(from, to) {
			return nil, errorf(e.Pos(), "", "cannot cast %s to %s", from, to)
		}
		return &node{typ: to, text: text, eval: func(r Row) (any, error) {
			v, err := x.eval(r)
			if err != nil || v == nil {
				return nil, err
			}
			return types.Cast(v, from, to)
		}}, nil
	case *ast.Call:
		return c.call(e, text)
	case *ast.Subscript:
		return c.subscript(e, text)
	case *ast.Deref:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		if x.typ.Kind != types.KindStruct {
			return nil, errorf(e.Pos(), "", "%s has type %s, not STRUCT, so it has no field %s", x.text, x.typ, e.Field)
		}
		f, ok := x.typ.Field(e.Field.Name)
		if !ok {
			names := make([]string, len(x.typ.Fields))
			for i, f := range x.typ.Fields {
				names[i] = f.Name
			}
			return nil, errorf(e.Field.Pos(), suggestHint(e.Field.Name, names), "%s has no field %s", x.typ, e.Field)
		}
		return &node{typ: f.Type, text: text, eval: func(r Row) (any, error) {
			v, err := x.eval(r)
			if err != nil || v == nil {
				return nil, err
			}
			return v.(map[string]any)[f.Name], nil
		}}, nil
	case *ast.ArrayCtor:
		return c.arrayCtor(e, text)
	case *ast.MapCtor:
		return c.mapCtor(e, text)
	case *ast.StructCtor:
		return c.structCtor(e, text)
	}
	return nil, errorf(e.Pos(), "", "unsupported expression %s", text)
}

func (c *compiler) slot(slot int, text string) *node {
	return &node{typ: c.scope.Columns[slot].Type, text: text, eval: func(r Row) (any, error) {
		return r[slot], nil
	}}
}

func (c *compiler) list(es []ast.Expr) ([]*node, error) {
	out := make([]*node, len(es))
	for i, e := range es {
		n, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (c *compiler) unary(e *ast.Unary, text string) (*node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	if e.Op == ast.Not {
		if !isNullType(x.typ) && x.typ.Kind != types.KindBoolean {
			return nil, errorf(e.Pos(), "", "NOT needs a BOOLEAN, but %s is %s", x.text, x.typ)
		}
		return &node{typ: types.Boolean, text: text, eval: func(r Row) (any, error) {
			v, err := x.eval(r)
			if err != nil || v == nil {
				return nil, err
			}
			return !v.(bool), nil
		}}, nil
	}
	if !isNullType(x.typ) && !x.typ.IsNumeric() {
		return nil, errorf(e.Pos(), "", "unary %s needs a number, but %s is %s", e.Op, x.text, x.typ)
	}
	if e.Op == ast.Plus {
		return &node{typ: x.typ, text: text, eval: x.eval}, nil
	}
	return &node{typ: x.typ, text: text, eval: func(r Row) (any, error) {
		v, err := x.eval(r)
		if err != nil || v == nil {
			return nil, err
		}
		return negate(v), nil
	}}, nil
}

func (c *compiler) binary(e *ast.Binary, text string) (*node, error) {
	l, err := c.compile(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(e.R)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Op == ast.And || e.Op == ast.Or:
		return c.logical(e, l, r, text)
	case e.Op.IsComparison():
		cmp, err := comparison(e.Pos(), e.Op, l, r)
		if err != nil {
			return nil, err
		}
		return &node{typ: types.Boolean, text: text, eval: cmp}, nil
	case e.Op == ast.Concat || e.Op == ast.Add && (l.typ.Kind == types.KindString || r.typ.Kind == types.KindString):
		for _, x := range []*node{l, r} {
			if !isNullType(x.typ) && x.typ.Kind != types.KindString {
				return nil, errorf(e.Pos(), "convert it with CAST("+x.text+" AS STRING)", "%s needs STRING operands, but %s is %s", e.Op, x.text, x.typ)
			}
		}
		return &node{typ: types.String, text: text, eval: func(row Row) (any, error) {
			a, b, err := eval2(l, r, row)
			if err != nil || a == nil || b == nil {
				return nil, err
			}
			return a.(string) + b.(string), nil
		}}, nil
	}
	for _, x := range []*node{l, r} {
		if !isNullType(x.typ) && !x.typ.IsNumeric() {
			return nil, errorf(e.Pos(), "", "%s needs numbers, but %s is %s", e.Op, x.text, x.typ)
		}
	}
	t := arithType(e.Op, l.typ, r.typ)
	if isNullType(t) {
		return constant(types.Type{}, nil, text), nil
	}
	op := e.Op
	return &node{typ: t, text: text, eval: func(row Row) (any, error) {
		a, b, err := eval2(l, r, row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		return arith(op, t, widen(a, t), widen(b, t))
	}}, nil
}

func eval2(l, r *node, row Row) (any, any, error) {
	a, err := l.eval(row)
	if err != nil {
		return nil, nil, err
	}
	b, err := r.eval(row)
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// logical implements AND and OR with SQL's three-valued logic: FALSE AND
// NULL is FALSE, TRUE OR NULL is TRUE, and NULL otherwise wins.
func (c *compiler) logical(e *ast.Binary, l, r *node, text string) (*node, error) {
	for _, x := range []*node{l, r} {
		if !isNullType(x.typ) && x.typ.Kind != types.KindBoolean {
			return nil, errorf(e.Pos(), "", "%s needs BOOLEAN operands, but %s is %s", e.Op, x.text, x.typ)
		}
	}
	isAnd := e.Op == ast.And
	return &node{typ: types.Boolean, text: text, eval: func(row Row) (any, error) {
		a, err := l.eval(row)
		if err != nil {
			return nil, err
		}
		if a != nil && a.(bool) != isAnd { // FALSE AND x, TRUE OR x
			return a, nil
		}
		b, err := r.eval(row)
		if err != nil {
			return nil, err
		}
		switch {
		case b != nil && b.(bool) != isAnd:
			return b, nil
		case a == nil || b == nil:
			return nil, nil
		}
		return isAnd, nil
	}}, nil
}

// comparable reports whether values of a and b can be compared with op,
// and returns conversions to apply first (a STRING compared with a
// TIMESTAMP is parsed as one).
func comparable(at ast.Pos, op ast.BinaryOp, l, r *node) (func(any) (any, error), func(any) (any, error), error) {
	id := func(v any) (any, error) { return v, nil }
	lt, rt := l.typ, r.typ
	switch {
	case isNullType(lt) || isNullType(rt):
		return id, id, nil
	case lt.IsNumeric() && rt.IsNumeric():
		return id, id, nil
	case lt.Kind == rt.Kind && lt.IsPrimitive():
		return id, id, nil
	case lt.Kind == types.KindTimestamp && rt.Kind == types.KindString:
		return id, parseTimestampArg, nil
	case lt.Kind == types.KindString && rt.Kind == types.KindTimestamp:
		return parseTimestampArg, id, nil
	case !lt.IsPrimitive() && lt.Equal(rt) && (op == ast.Eq || op == ast.Neq):
		return id, id, nil
	}
	hint := ""
	if lt.Kind == types.KindString || rt.Kind == types.KindString {
		hint = "convert one side with CAST(... AS " + lt.String() + ")"
		if lt.Kind == types.KindString {
			hint = "convert one side with CAST(... AS " + rt.String() + ")"
		}
	}
	return nil, nil, errorf(at, hint, "cannot compare %s (%s) with %s (%s)", l.text, lt, r.text, rt)
}

func parseTimestampArg(v any) (any, error) {
	if s, ok := v.(string); ok {
		return types.ParseTimestamp(s)
	}
	return v, nil
}

func comparison(at ast.Pos, op ast.BinaryOp, l, r *node) (func(Row) (any, error), error) {
	cl, cr, err := comparable(at, op, l, r)
	if err != nil {
		return nil, err
	}
	return func(row Row) (any, error) {
		a, b, err := eval2(l, r, row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		if a, err = cl(a); err != nil {
			return nil, err
		}
		if b, err = cr(b); err != nil {
			return nil, err
		}
		return compareOp(op, a, b)
	}, nil
}

func compareOp(op ast.BinaryOp, a, b any) (any, error) {
	if op == ast.Eq || op == ast.Neq {
		if _, prim := a.([]any); !prim {
			if _, isMap := a.(map[string]any); !isMap {
				c, err := types.Compare(a, b)
				if err != nil {
					return nil, err
				}
				return (c == 0) == (op == ast.Eq), nil
			}
		}
		return types.Equal(a, b) == (op == ast.Eq), nil
	}
	c, err := types.Compare(a, b)
	if err != nil {
		return nil, err
	}
	switch op {
	case ast.Lt:
		return c < 0, nil
	case ast.Le:
		return c <= 0, nil
	case ast.Gt:
		return c > 0, nil
	}
	return c >= 0, nil
}

func (c *compiler) isDistinct(e *ast.IsDistinct, text string) (*node, error) {
	l, err := c.compile(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(e.R)
	if err != nil {
		return nil, err
	}
	cl, cr, err := comparable(e.Pos(), ast.Eq, l, r)
	if err != nil {
		return nil, err
	}
	return &node{typ: types.Boolean, text: text, eval: func(row Row) (any, error) {
		a, b, err := eval2(l, r, row)
		if err != nil {
			return nil, err
		}
		if a == nil || b == nil {
			return (a == nil) != (b == nil) != e.Not, nil
		}
		if a, err = cl(a); err != nil {
			return nil, err
		}
		if b, err = cr(b); err != nil {
			return nil, err
		}
		eq, err := compareOp(ast.Eq, a, b)
		if err != nil {
			return nil, err
		}
		return eq.(bool) == e.Not, nil
	}}, nil
}

func (c *compiler) between(e *ast.Between, text string) (*node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	lo, err := c.compile(e.Low)
	if err != nil {
		return nil, err
	}
	hi, err := c.compile(e.High)
	if err != nil {
		return nil, err
	}
	ge, err := comparison(e.Pos(), ast.Ge, x, lo)
	if err != nil {
		return nil, err
	}
	le, err := comparison(e.Pos(), ast.Le, x, hi)
	if err != nil {
		return nil, err
	}
	return &node{typ: types.Boolean, text: text, eval: func(row Row) (any, error) {
		a, err := ge(row)
		if err != nil {
			return nil, err
		}
		b, err := le(row)
		if err != nil {
			return nil, err
		}
		var v any
		switch {
		case a == false || b == false:
			v = false
		case a == nil || b == nil:
			return nil, nil
		default:
			v = true
		}
		return v.(bool) != e.Not, nil
	}}, nil
}

func (c *compiler) in(e *ast.In, text string) (*node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	items, err := c.list(e.List)
	if err != nil {
		return nil, err
	}
	cmps := make([]func(Row) (any, error), len(items))
	for i, it := range items {
		if cmps[i], err = comparison(e.List[i].Pos(), ast.Eq, x, it); err != nil {
			return nil, err
		}
	}
	return &node{typ: types.Boolean, text: text, eval: func(row Row) (any, error) {
		sawNull := false
		for _, cmp := range cmps {
			v, err := cmp(row)
			if err != nil {
				return nil, err
			}
			if v == nil {
				sawNull = true
			} else if v.(bool) {
				return !e.Not, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return e.Not, nil
	}}, nil
}

func (c *compiler) like(e *ast.Like, text string) (*node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	pat, err := c.compile(e.Pattern)
	if err != nil {
		return nil, err
	}
	for _, n := range []*node{x, pat} {
		if !isNullType(n.typ) && n.typ.Kind != types.KindString {
			return nil, errorf(e.Pos(), "", "LIKE needs STRING operands, but %s is %s", n.text, n.typ)
		}
	}
	// The last pattern's regular expression is cached; the cache is an
	// atomic pointer so that the expression stays safe for concurrent use.
	type compiled struct {
		pattern string
		re      *regexp.Regexp
	}
	var last atomic.Pointer[compiled]
	if lit, ok := e.Pattern.(*ast.StringLit); ok {
		re, err := likeRegexp(lit.Value, e.Escape)
		if err != nil {
			return nil, errorf(e.Pattern.Pos(), "", "%v", err)
		}
		last.Store(&compiled{pattern: lit.Value, re: re})
	}
	return &node{typ: types.Boolean, text: text, eval: func(row Row) (any, error) {
		a, b, err := eval2(x, pat, row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		c := last.Load()
		if c == nil || c.pattern != b.(string) {
			re, err := likeRegexp(b.(string), e.Escape)
			if err != nil {
				return nil, err
			}
			c = &compiled{pattern: b.(string), re: re}
			last.Store(c)
		}
		return c.re.MatchString(a.(string)) != e.Not, nil
	}}, nil
}

// likeRegexp translates a LIKE pattern: % is any run of characters, _ is
// one character, and the escape character makes the next one literal.
func likeRegexp(pattern, escape string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?s)^")
	rs := []rune(pattern)
	var esc rune = -1
	if escape != "" {
		esc = []rune(escape)[0]
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == esc:
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("LIKE pattern '%s' ends with the escape character", pattern)
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// commonType returns the type all the nodes convert to, ignoring NULL
// literals; what names the nodes in the error.
func commonType(at ast.Pos, what string, ns []*node) (types.Type, error) {
	var t types.Type
	for _, n := range ns {
		if isNullType(n.typ) {
			continue
		}
		if isNullType(t) {
			t = n.typ
			continue
		}
		ct, ok := types.Common(t, n.typ)
		if !ok {
			return types.Type{}, errorf(at, "", "%s must have compatible types, but %s is %s and an earlier one is %s", what, n.text, n.typ, t)
		}
		t = ct
	}
	return t, nil
}

// convert returns a function that converts values of n's type to t (a
// common type of several nodes).
func convert(from, to types.Type) func(any) (any, error) {
	if isNullType(from) || from.Equal(to) {
		return func(v any) (any, error) { return v, nil }
	}
	return func(v any) (any, error) { return types.Cast(v, from, to) }
}

func (c *compiler) caseExpr(e *ast.Case, text string) (*node, error) {
	var operand *node
	var err error
	if e.Operand != nil {
		if operand, err = c.compile(e.Operand); err != nil {
			return nil, err
		}
	}
	conds := make([]func(Row) (any, error), len(e.Whens))
	results := make([]*node, 0, len(e.Whens)+1)
	for i, w := range e.Whens {
		cond, err := c.compile(w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if conds[i], err = comparison(w.Cond.Pos(), ast.Eq, operand, cond); err != nil {
				return nil, err
			}
		} else {
			if !isNullType(cond.typ) && cond.typ.Kind != types.KindBoolean {
				return nil, errorf(w.Cond.Pos(), "", "WHEN needs a BOOLEAN condition, but %s is %s", cond.text, cond.typ)
			}
			conds[i] = cond.eval
		}
		res, err := c.compile(w.Result)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if e.Else != nil {
		els, err := c.compile(e.Else)
		if err != nil {
			return nil, err
		}
		results = append(results, els)
	}
	t, err := commonType(e.Pos(), "the results of CASE", results)
	if err != nil {
		return nil, err
	}
	convs := make([]func(any) (any, error), len(results))
	for i, r := range results {
		convs[i] = convert(r.typ, t)
	}
	hasElse := e.Else != nil
	return &node{typ: t, text: text, eval: func(row Row) (any, error) {
		for i, cond := range conds {
			v, err := cond(row)
			if err != nil {
				return nil, err
			}
			if v == true {
				r, err := results[i].eval(row)
				if err != nil {
					return nil, err
				}
				return convs[i](r)
			}
		}
		if !hasElse {
			return nil, nil
		}
		r, err := results[len(results)-1].eval(row)
		if err != nil {
			return nil, err
		}
		return convs[len(results)-1](r)
	}}, nil
}

func (c *compiler) subscript(e *ast.Subscript, text string) (*node, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return nil, err
	}
	idx, err := c.compile(e.Index)
	if err != nil {
		return nil, err
	}
	switch x.typ.Kind {
	case types.KindArray:
		if !isNullType(idx.typ) && idx.typ.Kind != types.KindInteger && idx.typ.Kind != types.KindBigint {
			return nil, errorf(e.Index.Pos(), "", "an ARRAY index must be an integer, but %s is %s", idx.text, idx.typ)
		}
		return &node{typ: *x.typ.Elem, text: text, eval: func(row Row) (any, error) {
			a, i, err := eval2(x, idx, row)
			if err != nil || a == nil || i == nil {
				return nil, err
			}
			arr := a.([]any)
			n := widen(i, types.Bigint).(int64)
			switch {
			case n > 0 && n <= int64(len(arr)):
				return arr[n-1], nil
			case n < 0 && -n <= int64(len(arr)):
				return arr[int64(len(arr))+n], nil
			}
			return nil, nil
		}}, nil
	case types.KindMap:
		if !isNullType(idx.typ) && idx.typ.Kind != types.KindString {
			return nil, errorf(e.Index.Pos(), "", "a MAP key must be a STRING, but %s is %s", idx.text, idx.typ)
		}
		return &node{typ: *x.typ.Elem, text: text, eval: func(row Row) (any, error) {
			m, k, err := eval2(x, idx, row)
			if err != nil || m == nil || k == nil {
				return nil, err
			}
			return m.(map[string]any)[k.(string)], nil
		}}, nil
	}
	return nil, errorf(e.Pos(), "", "%s has type %s; only an ARRAY or a MAP can be subscripted", x.text, x.typ)
}

func (c *compiler) arrayCtor(e *ast.ArrayCtor, text string) (*node, error) {
	elems, err := c.list(e.Elems)
	if err != nil {
		return nil, err
	}
	t, err := commonType(e.Pos(), "the elements of ARRAY[...]", elems)
	if err != nil {
		return nil, err
	}
	if isNullType(t) {
		return nil, errorf(e.Pos(), "CAST one element: ARRAY[CAST(NULL AS STRING)]", "cannot tell the element type of %s", text)
	}
	convs := make([]func(any) (any, error), len(elems))
	for i, el := range elems {
		convs[i] = convert(el.typ, t)
	}
	return &node{typ: types.Array(t), text: text, eval: func(row Row) (any, error) {
		out := make([]any, len(elems))
		for i, el := range elems {
			v, err := el.eval(row)
			if err != nil {
				return nil, err
			}
			if out[i], err = convs[i](v); err != nil {
				return nil, err
			}
		}
		return out, nil
	}}, nil
}

func (c *compiler) mapCtor(e *ast.MapCtor, text string) (*node, error) {
	keys, err := c.list(e.Keys)
	if err != nil {
		return nil, err
	}
	vals, err := c.list(e.Values)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !isNullType(k.typ) && k.typ.Kind != types.KindString {
			return nil, errorf(e.Pos(), "", "MAP keys must be STRING, but %s is %s", k.text, k.typ)
		}
	}
	t, err := commonType(e.Pos(), "the values of MAP(...)", vals)
	if err != nil {
		return nil, err
	}
	if isNullType(t) {
		return nil, errorf(e.Pos(), "CAST one value: MAP('k' := CAST(NULL AS STRING))", "cannot tell the value type of %s", text)
	}
	convs := make([]func(any) (any, error), len(vals))
	for i, v := range vals {
		convs[i] = convert(v.typ, t)
	}
	return &node{typ: types.Map(types.String, t), text: text, eval: func(row Row) (any, error) {
		out := make(map[string]any, len(keys))
		for i := range keys {
			k, v, err := eval2(keys[i], vals[i], row)
			if err != nil {
				return nil, err
			}
			if k == nil {
				continue // Java maps in ksqlDB drop null keys too
			}
			if out[k.(string)], err = convs[i](v); err != nil {
				return nil, err
			}
		}
		return out, nil
	}}, nil
}

func (c *compiler) structCtor(e *ast.StructCtor, text string) (*node, error) {
	vals, err := c.list(e.Values)
	if err != nil {
		return nil, err
	}
	fields := make([]types.Field, len(vals))
	for i, v := range vals {
		if isNullType(v.typ) {
			return nil, errorf(e.Values[i].Pos(), "CAST it: CAST(NULL AS STRING)", "cannot tell the type of field %s", e.Names[i])
		}
		fields[i] = types.Field{Name: e.Names[i].Name, Type: v.typ}
	}
	t := types.Struct(fields...)
	if err := t.Validate(); err != nil {
		return nil, errorf(e.Pos(), "", "%v", err)
	}
	return &node{typ: t, text: text, eval: func(row Row) (any, error) {
		out := make(map[string]any, len(vals))
		for i, v := range vals {
			x, err := v.eval(row)
			if err != nil {
				return nil, err
			}
			out[fields[i].Name] = x
		}
		return out, nil
	}}, nil
}
