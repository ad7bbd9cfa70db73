package parser

import (
	"strconv"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// Binding powers of the expression grammar, loosest first; they match the
// printer's precedences in package ast.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPredicate // comparisons, IS, BETWEEN, IN, LIKE: non-associative
	precConcat
	precAdditive
	precMultiplicative
	precUnary
	precPostfix // x[i], x->f
)

var binaryOps = map[string]ast.BinaryOp{
	"=": ast.Eq, "<>": ast.Neq, "!=": ast.Neq, "<": ast.Lt, "<=": ast.Le, ">": ast.Gt, ">=": ast.Ge,
	"||": ast.Concat, "+": ast.Add, "-": ast.Sub, "*": ast.Mul, "/": ast.Div, "%": ast.Mod,
}

// infix returns the binding power of the current token as an infix or
// postfix operator, or 0 when it is not one.
func (p *parser) infix() int {
	t := p.peek()
	switch t.kind {
	case tOp:
		switch t.text {
		case "=", "<>", "!=", "<", "<=", ">", ">=":
			return precPredicate
		case "||":
			return precConcat
		case "+", "-":
			return precAdditive
		case "*", "/", "%":
			return precMultiplicative
		case "[", "->":
			return precPostfix
		}
	case tIdent:
		switch t.text {
		case "OR":
			return precOr
		case "AND":
			return precAnd
		case "IS", "BETWEEN", "IN", "LIKE":
			return precPredicate
		case "NOT":
			if p.atKw(1, "BETWEEN") || p.atKw(1, "IN") || p.atKw(1, "LIKE") {
				return precPredicate
			}
		}
	}
	return 0
}

// expr parses an expression whose operators bind at least as tightly as
// minBP (a Pratt parser). Predicates do not chain: a = b = c is an error,
// as in ksqlDB.
func (p *parser) expr(minBP int) (ast.Expr, error) {
	left, err := p.prefix(minBP)
	if err != nil {
		return nil, err
	}
	last := precPostfix + 1 // binding power of the last operator applied
	for {
		bp := p.infix()
		if bp == 0 || bp < minBP || bp > last || bp == precPredicate && last == precPredicate {
			return left, nil
		}
		if left, err = p.infixOp(left, bp); err != nil {
			return nil, err
		}
		last = bp
	}
}

func (p *parser) infixOp(left ast.Expr, bp int) (ast.Expr, error) {
	t := p.next()
	at := ast.Loc{At: left.Pos()}
	if t.kind == tOp {
		switch t.text {
		case "[":
			p.parens = append(p.parens, t.pos)
			idx, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp("]"); err != nil {
				return nil, err
			}
			p.parens = p.parens[:len(p.parens)-1]
			return &ast.Subscript{Loc: at, X: left, Index: idx}, nil
		case "->":
			f, err := p.ident("a field name")
			if err != nil {
				return nil, err
			}
			return &ast.Deref{Loc: at, X: left, Field: f}, nil
		}
		right, err := p.expr(bp + 1)
		if err != nil {
			return nil, err
		}
		return &ast.Binary{Loc: at, Op: binaryOps[t.text], L: left, R: right}, nil
	}
	switch t.text {
	case "OR", "AND":
		right, err := p.expr(bp + 1)
		if err != nil {
			return nil, err
		}
		op := ast.Or
		if t.text == "AND" {
			op = ast.And
		}
		return &ast.Binary{Loc: at, Op: op, L: left, R: right}, nil
	case "IS":
		not := p.acceptKw("NOT")
		if p.acceptKw("NULL") {
			return &ast.IsNull{Loc: at, X: left, Not: not}, nil
		}
		if p.acceptKw("DISTINCT") {
			if err := p.expectKw("FROM"); err != nil {
				return nil, err
			}
			right, err := p.expr(precConcat)
			if err != nil {
				return nil, err
			}
			return &ast.IsDistinct{Loc: at, L: left, R: right, Not: not}, nil
		}
		e := p.unexpected()
		if p.isKw("TRUE") || p.isKw("FALSE") {
			e.Hint = "compare booleans with = (x = TRUE), or use the value itself"
		}
		return nil, e
	}
	not := false
	if t.text == "NOT" {
		not = true
		t = p.next()
	}
	switch t.text {
	case "BETWEEN":
		low, err := p.expr(precConcat)
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("AND"); err != nil {
			return nil, err
		}
		high, err := p.expr(precConcat)
		if err != nil {
			return nil, err
		}
		return &ast.Between{Loc: at, X: left, Low: low, High: high, Not: not}, nil
	case "IN":
		if p.atKw(1, "SELECT") {
			return nil, p.errorf(p.peekAt(1), "", "subqueries are not supported")
		}
		list, err := p.valueList()
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, p.errorf(t, "", "IN needs at least one value")
		}
		return &ast.In{Loc: at, X: left, List: list, Not: not}, nil
	default: // LIKE
		pattern, err := p.expr(precConcat)
		if err != nil {
			return nil, err
		}
		like := &ast.Like{Loc: at, X: left, Pattern: pattern, Not: not}
		if p.acceptKw("ESCAPE") {
			et := p.peek()
			esc, err := p.stringLit()
			if err != nil {
				return nil, err
			}
			if len([]rune(esc)) != 1 {
				return nil, p.errorf(et, "", "the ESCAPE string must be one character, got '%s'", esc)
			}
			like.Escape = esc
		}
		return like, nil
	}
}

// prefix parses a primary expression or a prefix operator with its
// operand.
func (p *parser) prefix(minBP int) (ast.Expr, error) {
	t := p.peek()
	switch {
	case t.kind == tOp && (t.text == "-" || t.text == "+"):
		p.next()
		x, err := p.expr(precUnary)
		if err != nil {
			return nil, err
		}
		op := ast.Neg
		if t.text == "+" {
			op = ast.Plus
		}
		return &ast.Unary{Loc: loc(t), Op: op, X: x}, nil
	case t.kind == tIdent && t.text == "NOT":
		if minBP > precNot {
			return nil, p.errorf(t, "put the NOT expression in parentheses: (NOT ...)",
				"expected an expression but found 'NOT'")
		}
		p.next()
		x, err := p.expr(precNot)
		if err != nil {
			return nil, err
		}
		return &ast.Unary{Loc: loc(t), Op: ast.Not, X: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (ast.Expr, error) {
	p.want("an expression")
	t := p.peek()
	switch t.kind {
	case tInt:
		p.next()
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, p.errorf(t, "", "integer %s is out of range", t.raw)
		}
		return &ast.IntLit{Loc: loc(t), Value: n}, nil
	case tDecimal:
		p.next()
		return &ast.DecimalLit{Loc: loc(t), Text: t.text}, nil
	case tFloat:
		p.next()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.errorf(t, "", "number %s is out of range", t.raw)
		}
		return &ast.DoubleLit{Loc: loc(t), Value: f}, nil
	case tString:
		p.next()
		return &ast.StringLit{Loc: loc(t), Value: t.text}, nil
	case tQuotedIdent:
		return p.identExpr()
	case tOp:
		switch t.text {
		case "(":
			if p.atKw(1, "SELECT") {
				return nil, p.errorf(p.peekAt(1), "create the inner query as a stream or table first", "subqueries are not supported")
			}
			if err := p.open(); err != nil {
				return nil, err
			}
			e, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if n := p.peek(); n.kind == tOp && n.text == "=>" {
				return nil, p.errorf(n, "", "lambda functions are not supported")
			}
			if err := p.close(); err != nil {
				return nil, err
			}
			return e, nil
		case "*":
			return nil, p.errorf(t, "", "'*' is only allowed on its own in SELECT, or in COUNT(*)")
		}
	case tIdent:
		switch t.text {
		case "NULL":
			p.next()
			return &ast.NullLit{Loc: loc(t)}, nil
		case "TRUE", "FALSE":
			p.next()
			return &ast.BoolLit{Loc: loc(t), Value: t.text == "TRUE"}, nil
		case "CASE":
			return p.caseExpr()
		case "CAST":
			return p.cast()
		case "ARRAY":
			if n := p.peekAt(1); n.kind == tOp && n.text == "[" {
				return p.arrayCtor()
			}
		case "MAP":
			if n := p.peekAt(1); n.kind == tOp && n.text == "(" {
				return p.mapCtor()
			}
		case "STRUCT":
			if n := p.peekAt(1); n.kind == tOp && n.text == "(" {
				return p.structCtor()
			}
		case "SELECT":
			return nil, p.errorf(t, "create the inner query as a stream or table first", "subqueries are not supported")
		}
		if !ast.IsReserved(t.text) {
			return p.identExpr()
		}
	}
	return nil, p.unexpected()
}

// identExpr parses what starts with an identifier: a function call, a
// qualified column or a column.
func (p *parser) identExpr() (ast.Expr, error) {
	t := p.next()
	name := ast.Ident{Loc: loc(t), Name: t.text}
	n := p.peek()
	switch {
	case n.kind == tOp && n.text == "(":
		return p.call(name)
	case n.kind == tOp && n.text == "=>":
		return nil, p.errorf(n, "", "lambda functions are not supported")
	case n.kind == tOp && n.text == ".":
		p.next()
		if c := p.peek(); c.kind == tOp && c.text == "*" {
			return nil, p.errorf(c, "", "%s.* is only allowed on its own in SELECT", name)
		}
		col, err := p.ident("a column name")
		if err != nil {
			return nil, err
		}
		return &ast.ColumnRef{Loc: loc(t), Source: name, Name: col}, nil
	}
	return &ast.ColumnRef{Loc: loc(t), Name: name}, nil
}

func (p *parser) call(name ast.Ident) (ast.Expr, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	c := &ast.Call{Loc: name.Loc, Name: name, Args: []ast.Expr{}}
	if p.acceptOp("*") {
		c.Star, c.Args = true, nil
		return c, p.close()
	}
	if p.isOp(")") {
		return c, p.close()
	}
	for {
		if p.isIdent() && p.peekAt(1).kind == tOp && p.peekAt(1).text == "=>" {
			return nil, p.errorf(p.peekAt(1), "", "lambda functions are not supported")
		}
		arg, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, arg)
		if !p.acceptOp(",") {
			break
		}
	}
	return c, p.close()
}

func (p *parser) caseExpr() (ast.Expr, error) {
	t := p.next()
	c := &ast.Case{Loc: loc(t)}
	if !p.isKw("WHEN") {
		op, err := p.expr(precConcat)
		if err != nil {
			return nil, err
		}
		c.Operand = op
	}
	for p.acceptKw("WHEN") {
		cond, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("THEN"); err != nil {
			return nil, err
		}
		res, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, ast.When{Cond: cond, Result: res})
	}
	if len(c.Whens) == 0 {
		return nil, p.unexpected()
	}
	if p.acceptKw("ELSE") {
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	if err := p.expectKw("END"); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) cast() (ast.Expr, error) {
	t := p.next()
	if err := p.open(); err != nil {
		return nil, err
	}
	x, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if err := p.expectKw("AS"); err != nil {
		return nil, err
	}
	typ, err := p.typ()
	if err != nil {
		return nil, err
	}
	if err := p.close(); err != nil {
		return nil, err
	}
	return &ast.Cast{Loc: loc(t), X: x, Type: typ}, nil
}

func (p *parser) arrayCtor() (ast.Expr, error) {
	t := p.next()
	open := p.next() // [
	p.parens = append(p.parens, open.pos)
	a := &ast.ArrayCtor{Loc: loc(t), Elems: []ast.Expr{}}
	if !p.isOp("]") {
		for {
			e, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			a.Elems = append(a.Elems, e)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if err := p.expectOp("]"); err != nil {
		return nil, err
	}
	p.parens = p.parens[:len(p.parens)-1]
	return a, nil
}

func (p *parser) mapCtor() (ast.Expr, error) {
	t := p.next()
	if err := p.open(); err != nil {
		return nil, err
	}
	m := &ast.MapCtor{Loc: loc(t), Keys: []ast.Expr{}, Values: []ast.Expr{}}
	if !p.isOp(")") {
		for {
			k, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(":="); err != nil {
				return nil, err
			}
			v, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			m.Keys, m.Values = append(m.Keys, k), append(m.Values, v)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return m, p.close()
}

func (p *parser) structCtor() (ast.Expr, error) {
	t := p.next()
	if err := p.open(); err != nil {
		return nil, err
	}
	s := &ast.StructCtor{Loc: loc(t), Names: []ast.Ident{}, Values: []ast.Expr{}}
	if !p.isOp(")") {
		for {
			name, err := p.ident("a field name")
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(":="); err != nil {
				return nil, err
			}
			v, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			s.Names, s.Values = append(s.Names, name), append(s.Values, v)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	return s, p.close()
}
