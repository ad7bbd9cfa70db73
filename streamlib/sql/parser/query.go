package parser

import (
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// query reads SELECT ... with its clauses in the fixed order.
func (p *parser) query() (*ast.Query, error) {
	t := p.next() // SELECT
	q := &ast.Query{Loc: loc(t)}
	if p.atKw(0, "DISTINCT") || p.atKw(0, "ALL") {
		return nil, p.errorf(p.peek(), "use GROUP BY to collapse duplicates", "SELECT %s is not supported", p.peek().text)
	}
	for {
		it, err := p.selectItem()
		if err != nil {
			return nil, err
		}
		q.Select = append(q.Select, it)
		if !p.acceptOp(",") {
			break
		}
	}
	if !p.isKw("FROM") {
		return nil, p.unexpected()
	}
	p.next()
	from, err := p.relation()
	if err != nil {
		return nil, err
	}
	q.From = from
	if p.isKw("WINDOW") {
		if q.Window, err = p.window(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("WHERE") {
		if q.Where, err = p.expr(0); err != nil {
			return nil, err
		}
	}
	if p.isKwLabel("GROUP", "GROUP BY") {
		p.next()
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if q.GroupBy, err = p.byList(); err != nil {
			return nil, err
		}
	}
	if p.isKwLabel("PARTITION", "PARTITION BY") {
		p.next()
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if q.PartitionBy, err = p.byList(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("HAVING") {
		if q.Having, err = p.expr(0); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("EMIT") {
		switch {
		case p.acceptKw("CHANGES"):
			q.Emit = ast.EmitChanges
		case p.acceptKw("FINAL"):
			q.Emit = ast.EmitFinal
		default:
			return nil, p.unexpected()
		}
	}
	if p.acceptKw("LIMIT") {
		n, err := p.intLit("a row count")
		if err != nil {
			return nil, err
		}
		q.Limit = &n
	}
	return q, nil
}

// selectItem reads *, src.* or expr [[AS] alias].
func (p *parser) selectItem() (ast.SelectItem, error) {
	t := p.peek()
	if p.acceptOp("*") {
		return &ast.SelectAll{Loc: loc(t)}, nil
	}
	if p.isIdent() && p.peekAt(1).kind == tOp && p.peekAt(1).text == "." &&
		p.peekAt(2).kind == tOp && p.peekAt(2).text == "*" {
		src := p.next()
		p.next()
		p.next()
		return &ast.SelectAll{Loc: loc(t), Source: ast.Ident{Loc: loc(src), Name: src.text}}, nil
	}
	e, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if n := p.peek(); n.kind == tOp && n.text == "->" && p.peekAt(1).kind == tOp && p.peekAt(1).text == "*" {
		return nil, p.errorf(p.peek(), "select the fields one by one: s->A, s->B", "STRUCT field expansion (->*) is not supported")
	}
	item := &ast.SelectExpr{Loc: loc(t), Expr: e}
	alias, err := p.alias("FROM")
	if err != nil {
		return nil, err
	}
	item.Alias = alias
	return item, nil
}

// alias reads an optional [AS] alias. Without AS, a word in stop is not
// taken as an alias (it starts the next clause).
func (p *parser) alias(stop ...string) (ast.Ident, error) {
	if p.acceptKw("AS") {
		return p.ident("an alias")
	}
	if !p.isIdent() {
		return ast.Ident{}, nil
	}
	t := p.peek()
	if t.kind == tIdent {
		for _, s := range stop {
			if t.text == s {
				return ast.Ident{}, nil
			}
		}
	}
	p.implicitAlias = p.i
	p.next()
	return ast.Ident{Loc: loc(t), Name: t.text}, nil
}

// relationStops are the words that end a FROM item rather than alias it.
var relationStops = []string{
	"WINDOW", "WHERE", "GROUP", "PARTITION", "HAVING", "EMIT", "LIMIT",
	"JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "ON", "WITHIN", "CROSS",
}

func (p *parser) source() (*ast.Source, error) {
	t := p.peek()
	if t.kind == tOp && t.text == "(" {
		return nil, p.errorf(t, "create the inner query as a stream or table first (CREATE STREAM x AS SELECT ...)", "subqueries are not supported")
	}
	name, err := p.ident("a stream or table name")
	if err != nil {
		return nil, err
	}
	alias, err := p.alias(relationStops...)
	if err != nil {
		return nil, err
	}
	return &ast.Source{Loc: loc(t), Name: name, Alias: alias}, nil
}

// relation reads a source followed by any number of joins.
func (p *parser) relation() (ast.Relation, error) {
	left, err := p.source()
	if err != nil {
		return nil, err
	}
	var rel ast.Relation = left
	for {
		t := p.peek()
		p.want("JOIN")
		typ, ok := ast.JoinType(0), false
		switch {
		case p.atKw(0, "JOIN"):
			typ, ok = ast.InnerJoin, true
			p.next()
		case p.atKw(0, "INNER"):
			p.next()
			typ, ok = ast.InnerJoin, true
			if err := p.expectKw("JOIN"); err != nil {
				return nil, err
			}
		case p.atKw(0, "LEFT"), p.atKw(0, "RIGHT"), p.atKw(0, "FULL"):
			switch p.next().text {
			case "LEFT":
				typ = ast.LeftJoin
			case "RIGHT":
				typ = ast.RightJoin
			default:
				typ = ast.FullJoin
			}
			ok = true
			p.acceptKw("OUTER")
			if err := p.expectKw("JOIN"); err != nil {
				return nil, err
			}
		case p.atKw(0, "OUTER"):
			return nil, p.errorf(t, "write FULL OUTER JOIN", "expected FULL before OUTER JOIN")
		case p.atKw(0, "CROSS") || t.kind == tOp && t.text == ",":
			return nil, p.errorf(t, "join with [LEFT|RIGHT|FULL] JOIN ... ON left = right", "cross joins are not supported")
		}
		if !ok {
			return rel, nil
		}
		right, err := p.source()
		if err != nil {
			return nil, err
		}
		j := &ast.Join{Loc: loc(t), Type: typ, Left: rel, Right: right}
		if p.isKw("WITHIN") {
			if j.Within, err = p.within(); err != nil {
				return nil, err
			}
		}
		if !p.isKw("ON") {
			e := p.unexpected()
			if e.Hint == "" {
				e.Hint = "a join needs ON <left expression> = <right expression>"
			}
			return nil, e
		}
		p.next()
		if j.On, err = p.expr(0); err != nil {
			return nil, err
		}
		rel = j
	}
}

var timeUnits = map[string]ast.TimeUnit{
	"MILLISECOND": ast.Milliseconds, "MILLISECONDS": ast.Milliseconds,
	"SECOND": ast.Seconds, "SECONDS": ast.Seconds,
	"MINUTE": ast.Minutes, "MINUTES": ast.Minutes,
	"HOUR": ast.Hours, "HOURS": ast.Hours,
	"DAY": ast.Days, "DAYS": ast.Days,
}

// duration reads "n unit".
func (p *parser) duration() (ast.Duration, error) {
	n, err := p.intLit("a number")
	if err != nil {
		return ast.Duration{}, err
	}
	p.want("a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)")
	t := p.peek()
	unit, ok := timeUnits[t.text]
	if t.kind != tIdent || !ok {
		return ast.Duration{}, p.unexpected()
	}
	p.next()
	return ast.Duration{Value: n, Unit: unit}, nil
}

// grace reads GRACE PERIOD n unit, after GRACE was seen.
func (p *parser) grace() (*ast.Duration, error) {
	p.next()
	if err := p.expectKw("PERIOD"); err != nil {
		return nil, err
	}
	d, err := p.duration()
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func (p *parser) within() (*ast.Within, error) {
	t := p.next()
	w := &ast.Within{Loc: loc(t)}
	if p.isOp("(") {
		if err := p.open(); err != nil {
			return nil, err
		}
		var err error
		if w.Before, err = p.duration(); err != nil {
			return nil, err
		}
		if err := p.expectOp(","); err != nil {
			return nil, err
		}
		if w.After, err = p.duration(); err != nil {
			return nil, err
		}
		if err := p.close(); err != nil {
			return nil, err
		}
	} else {
		d, err := p.duration()
		if err != nil {
			return nil, err
		}
		w.Before, w.After, w.Symmetric = d, d, true
	}
	if p.isKw("GRACE") {
		g, err := p.grace()
		if err != nil {
			return nil, err
		}
		w.Grace = g
	}
	return w, nil
}

func (p *parser) window() (*ast.Window, error) {
	t := p.next() // WINDOW
	w := &ast.Window{Loc: loc(t)}
	switch {
	case p.acceptKw("TUMBLING"):
		w.Type = ast.Tumbling
	case p.acceptKw("HOPPING"):
		w.Type = ast.Hopping
	case p.acceptKw("SESSION"):
		w.Type = ast.Session
	default:
		return nil, p.unexpected()
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	var err error
	if w.Type != ast.Session {
		if err := p.expectKw("SIZE"); err != nil {
			return nil, err
		}
	}
	if w.Size, err = p.duration(); err != nil {
		return nil, err
	}
	if w.Type == ast.Hopping {
		if err := p.expectOp(","); err != nil {
			return nil, err
		}
		if err := p.expectKw("ADVANCE"); err != nil {
			return nil, err
		}
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		if w.Advance, err = p.duration(); err != nil {
			return nil, err
		}
	}
	for p.acceptOp(",") {
		switch {
		case p.isKw("RETENTION") && w.Retention == nil && w.Grace == nil:
			p.next()
			d, err := p.duration()
			if err != nil {
				return nil, err
			}
			w.Retention = &d
		case p.isKw("GRACE") && w.Grace == nil:
			if w.Grace, err = p.grace(); err != nil {
				return nil, err
			}
		default:
			return nil, p.unexpected()
		}
	}
	if err := p.close(); err != nil {
		return nil, err
	}
	return w, nil
}

// byList reads the items of GROUP BY or PARTITION BY: value expressions,
// optionally as one parenthesized list.
func (p *parser) byList() ([]ast.Expr, error) {
	if p.peek().kind == tOp && p.peek().text == "(" && p.parenthesizedList() {
		if err := p.open(); err != nil {
			return nil, err
		}
		var out []ast.Expr
		for {
			e, err := p.expr(precConcat)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			if !p.acceptOp(",") {
				break
			}
		}
		return out, p.close()
	}
	var out []ast.Expr
	for {
		e, err := p.expr(precConcat)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.acceptOp(",") {
			return out, nil
		}
	}
}

// parenthesizedList reports whether the "(" at the current token holds a
// top-level comma (GROUP BY (A, B)) or is empty, rather than being the
// start of a parenthesized expression.
func (p *parser) parenthesizedList() bool {
	depth := 0
	for k := p.i; k < len(p.toks); k++ {
		t := p.toks[k]
		if t.kind != tOp {
			if t.kind == tEOF {
				return false
			}
			continue
		}
		switch t.text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
			if depth == 0 {
				return k == p.i+1
			}
		case ",":
			if depth == 1 {
				return true
			}
		}
	}
	return false
}
