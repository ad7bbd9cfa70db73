package ast

// Walk calls fn for e and, in source order, for every expression inside
// it. When fn returns false, Walk does not descend into that expression.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range Children(e) {
		Walk(c, fn)
	}
}

// Children returns the direct sub-expressions of e, in source order.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.L, e.R}
	case *IsNull:
		return []Expr{e.X}
	case *IsDistinct:
		return []Expr{e.L, e.R}
	case *Between:
		return []Expr{e.X, e.Low, e.High}
	case *In:
		return append([]Expr{e.X}, e.List...)
	case *Like:
		return []Expr{e.X, e.Pattern}
	case *Case:
		var out []Expr
		if e.Operand != nil {
			out = append(out, e.Operand)
		}
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *Cast:
		return []Expr{e.X}
	case *Call:
		return e.Args
	case *Subscript:
		return []Expr{e.X, e.Index}
	case *Deref:
		return []Expr{e.X}
	case *ArrayCtor:
		return e.Elems
	case *MapCtor:
		out := make([]Expr, 0, 2*len(e.Keys))
		for i := range e.Keys {
			out = append(out, e.Keys[i], e.Values[i])
		}
		return out
	case *StructCtor:
		return e.Values
	}
	return nil
}

// Rewrite returns e with sub-expressions replaced. It calls fn before
// descending: when fn returns (r, true), r takes the place of the
// expression and Rewrite does not look inside it. Nodes whose children
// change are copied; e itself is never modified.
func Rewrite(e Expr, fn func(Expr) (Expr, bool)) Expr {
	if e == nil {
		return nil
	}
	if r, ok := fn(e); ok {
		return r
	}
	rw := func(x Expr) Expr { return Rewrite(x, fn) }
	list := func(xs []Expr) []Expr {
		if xs == nil {
			return nil
		}
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = rw(x)
		}
		return out
	}
	switch e := e.(type) {
	case *Unary:
		c := *e
		c.X = rw(e.X)
		return &c
	case *Binary:
		c := *e
		c.L, c.R = rw(e.L), rw(e.R)
		return &c
	case *IsNull:
		c := *e
		c.X = rw(e.X)
		return &c
	case *IsDistinct:
		c := *e
		c.L, c.R = rw(e.L), rw(e.R)
		return &c
	case *Between:
		c := *e
		c.X, c.Low, c.High = rw(e.X), rw(e.Low), rw(e.High)
		return &c
	case *In:
		c := *e
		c.X, c.List = rw(e.X), list(e.List)
		return &c
	case *Like:
		c := *e
		c.X, c.Pattern = rw(e.X), rw(e.Pattern)
		return &c
	case *Case:
		c := *e
		c.Operand, c.Else = rw(e.Operand), rw(e.Else)
		c.Whens = make([]When, len(e.Whens))
		for i, w := range e.Whens {
			c.Whens[i] = When{Cond: rw(w.Cond), Result: rw(w.Result)}
		}
		return &c
	case *Cast:
		c := *e
		c.X = rw(e.X)
		return &c
	case *Call:
		c := *e
		c.Args = list(e.Args)
		return &c
	case *Subscript:
		c := *e
		c.X, c.Index = rw(e.X), rw(e.Index)
		return &c
	case *Deref:
		c := *e
		c.X = rw(e.X)
		return &c
	case *ArrayCtor:
		c := *e
		c.Elems = list(e.Elems)
		return &c
	case *MapCtor:
		c := *e
		c.Keys, c.Values = list(e.Keys), list(e.Values)
		return &c
	case *StructCtor:
		c := *e
		c.Values = list(e.Values)
		return &c
	}
	return e
}

// Equal reports whether two expressions are the same tree, ignoring
// positions and redundant parentheses. It compares canonical SQL, which the
// printer guarantees to be unambiguous.
func Equal(a, b Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return String(a) == String(b)
}
