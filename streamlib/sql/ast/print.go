package ast

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// String formats a node as canonical single-line SQL, without a trailing
// semicolon. Parsing the result gives back the same tree (positions
// aside): identifiers are quoted where needed, parentheses are added where
// precedence requires them and only there.
func String(n Node) string {
	p := printer{}
	p.node(n)
	return p.b.String()
}

// Pretty formats a statement as canonical SQL over several lines: one
// clause per line, one column per line in CREATE. Like String, it round
// trips through the parser.
func Pretty(n Node) string {
	p := printer{pretty: true}
	p.node(n)
	return p.b.String()
}

// Script formats statements as a script: each statement pretty-printed
// and followed by a semicolon and a blank line.
func Script(stmts []Statement) string {
	var b strings.Builder
	for i, s := range stmts {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(Pretty(s))
		b.WriteString(";\n")
	}
	return b.String()
}

type printer struct {
	b      strings.Builder
	pretty bool
}

func (p *printer) w(s string) { p.b.WriteString(s) }

func (p *printer) wf(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

// clause starts a clause: on a new line when pretty, after a space if not.
func (p *printer) clause(kw string) {
	if p.pretty {
		p.w("\n")
	} else {
		p.w(" ")
	}
	p.w(kw)
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case Statement:
		p.stmt(n)
	case Expr:
		p.expr(n, 0)
	case SelectItem:
		p.selectItem(n)
	case Relation:
		p.relation(n)
	case *Window:
		p.window(n)
	case *Within:
		p.within(n)
	default:
		p.wf("<%T>", n)
	}
}

func (p *printer) stmt(s Statement) {
	switch s := s.(type) {
	case *CreateSource:
		p.w("CREATE ")
		if s.OrReplace {
			p.w("OR REPLACE ")
		}
		if s.ReadOnly {
			p.w("SOURCE ")
		}
		p.w(s.Kind.String() + " ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.w(QuoteIdent(s.Name.Name))
		if s.Elements != nil {
			p.w(" ")
			p.elements(s.Elements)
		}
		p.props(s.Props)
	case *CreateAsSelect:
		p.w("CREATE ")
		if s.OrReplace {
			p.w("OR REPLACE ")
		}
		p.w(s.Kind.String() + " ")
		if s.IfNotExists {
			p.w("IF NOT EXISTS ")
		}
		p.w(QuoteIdent(s.Name.Name))
		p.props(s.Props)
		p.w(" AS")
		p.body(s.Query)
	case *InsertInto:
		p.w("INSERT INTO " + QuoteIdent(s.Target.Name))
		p.props(s.Props)
		p.body(s.Query)
	case *InsertValues:
		p.w("INSERT INTO " + QuoteIdent(s.Target.Name))
		if s.Columns != nil {
			p.w(" ")
			p.idents(s.Columns)
		}
		p.w(" VALUES ")
		p.exprList(s.Values)
	case *Query:
		p.query(s)
	case *SetProperty:
		p.w("SET " + quoteString(s.Name) + "=" + quoteString(s.Value))
	case *UnsetProperty:
		p.w("UNSET " + quoteString(s.Name))
	case *Show:
		p.w("SHOW ")
		if s.All {
			p.w("ALL ")
		}
		p.w(s.What.String())
		if s.Extended {
			p.w(" EXTENDED")
		}
	case *Describe:
		p.w("DESCRIBE ")
		switch s.Name.Name {
		case "STREAMS", "TABLES", "FUNCTION", "EXTENDED":
			p.w(quote(s.Name.Name))
		default:
			p.w(QuoteIdent(s.Name.Name))
		}
		if s.Extended {
			p.w(" EXTENDED")
		}
	case *DescribeSources:
		p.w("DESCRIBE " + s.Kind.String() + "S")
		if s.Extended {
			p.w(" EXTENDED")
		}
	case *DescribeFunction:
		p.w("DESCRIBE FUNCTION " + QuoteIdent(s.Name.Name))
	case *Explain:
		p.w("EXPLAIN ")
		if s.Statement != nil {
			p.stmt(s.Statement)
		} else if statementKeywords[s.QueryID.Name] {
			p.w(quote(s.QueryID.Name))
		} else {
			p.w(QuoteIdent(s.QueryID.Name))
		}
	case *Drop:
		p.w("DROP " + s.Kind.String() + " ")
		if s.IfExists {
			p.w("IF EXISTS ")
		}
		p.w(QuoteIdent(s.Name.Name))
		if s.DeleteTopic {
			p.w(" DELETE TOPIC")
		}
	case *Terminate:
		if s.All {
			p.w("TERMINATE ALL")
		} else {
			p.w("TERMINATE " + QuoteIdent(s.QueryID.Name))
		}
	case *Print:
		p.w("PRINT " + quoteString(s.Topic))
		if s.FromBeginning {
			p.w(" FROM BEGINNING")
		}
		if s.Interval != nil {
			p.wf(" INTERVAL %d", *s.Interval)
		}
		if s.Limit != nil {
			p.wf(" LIMIT %d", *s.Limit)
		}
	case *AssertValues:
		if s.Tombstone {
			p.w("ASSERT NULL VALUES ")
		} else {
			p.w("ASSERT VALUES ")
		}
		p.w(QuoteIdent(s.Target.Name))
		if s.Columns != nil {
			p.w(" ")
			p.idents(s.Columns)
		}
		if s.Tombstone {
			p.w(" KEY ")
		} else {
			p.w(" VALUES ")
		}
		p.exprList(s.Values)
	case *AssertSource:
		p.w("ASSERT " + s.Kind.String() + " " + QuoteIdent(s.Name.Name))
		if s.Elements != nil {
			p.w(" ")
			p.elements(s.Elements)
		}
		p.props(s.Props)
	default:
		p.wf("<%T>", s)
	}
}

// statementKeywords are the words that start a statement; EXPLAIN quotes
// a query id spelled like one so that it is not read as a statement.
var statementKeywords = map[string]bool{
	"SELECT": true, "CREATE": true, "INSERT": true, "DROP": true, "SHOW": true,
	"LIST": true, "DESCRIBE": true, "EXPLAIN": true, "TERMINATE": true, "SET": true,
	"UNSET": true, "PRINT": true, "ASSERT": true,
}

func (p *printer) body(q *Query) {
	if p.pretty {
		p.w("\n")
	} else {
		p.w(" ")
	}
	p.query(q)
}

func (p *printer) elements(els []TableElement) {
	p.w("(")
	for i, e := range els {
		if i > 0 {
			p.w(",")
			if !p.pretty {
				p.w(" ")
			}
		}
		if p.pretty {
			p.w("\n  ")
		}
		p.w(QuoteIdent(e.Name.Name) + " " + e.Type.Format(QuoteIdent))
		switch e.Constraint {
		case KeyConstraint:
			p.w(" KEY")
		case PrimaryKeyConstraint:
			p.w(" PRIMARY KEY")
		}
	}
	if p.pretty && len(els) > 0 {
		p.w("\n")
	}
	p.w(")")
}

func (p *printer) props(ps Properties) {
	if len(ps) == 0 {
		return
	}
	p.w(" WITH (")
	for i, prop := range ps {
		if i > 0 {
			p.w(", ")
		}
		if types.IsPlainIdentifier(prop.Name) && !reserved[prop.Name] {
			p.w(prop.Name)
		} else {
			p.w(quoteString(prop.Name))
		}
		p.w("=")
		p.expr(prop.Value, 0)
	}
	p.w(")")
}

func (p *printer) idents(ids []Ident) {
	p.w("(")
	for i, id := range ids {
		if i > 0 {
			p.w(", ")
		}
		p.w(QuoteIdent(id.Name))
	}
	p.w(")")
}

func (p *printer) exprList(es []Expr) {
	p.w("(")
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e, 0)
	}
	p.w(")")
}

func (p *printer) query(q *Query) {
	p.w("SELECT ")
	for i, it := range q.Select {
		if i > 0 {
			p.w(", ")
		}
		p.selectItem(it)
	}
	p.clause("FROM ")
	p.relation(q.From)
	if q.Window != nil {
		p.clause("")
		p.window(q.Window)
	}
	if q.Where != nil {
		p.clause("WHERE ")
		p.expr(q.Where, 0)
	}
	if len(q.GroupBy) > 0 {
		p.clause("GROUP BY ")
		p.valueList(q.GroupBy)
	}
	if len(q.PartitionBy) > 0 {
		p.clause("PARTITION BY ")
		p.valueList(q.PartitionBy)
	}
	if q.Having != nil {
		p.clause("HAVING ")
		p.expr(q.Having, 0)
	}
	switch q.Emit {
	case EmitChanges:
		p.clause("EMIT CHANGES")
	case EmitFinal:
		p.clause("EMIT FINAL")
	}
	if q.Limit != nil {
		p.clause(fmt.Sprintf("LIMIT %d", *q.Limit))
	}
}

// valueList prints GROUP BY and PARTITION BY items, which the grammar
// limits to value expressions (no bare comparisons or boolean operators).
func (p *printer) valueList(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e, precConcat)
	}
}

func (p *printer) selectItem(it SelectItem) {
	switch it := it.(type) {
	case *SelectAll:
		if !it.Source.IsZero() {
			p.w(QuoteIdent(it.Source.Name) + ".")
		}
		p.w("*")
	case *SelectExpr:
		p.expr(it.Expr, 0)
		if !it.Alias.IsZero() {
			p.w(" AS " + QuoteIdent(it.Alias.Name))
		}
	}
}

func (p *printer) relation(r Relation) {
	switch r := r.(type) {
	case *Source:
		p.source(r)
	case *Join:
		p.relation(r.Left)
		switch r.Type {
		case InnerJoin:
			p.clause("JOIN ")
		case LeftJoin:
			p.clause("LEFT JOIN ")
		case RightJoin:
			p.clause("RIGHT JOIN ")
		case FullJoin:
			p.clause("FULL OUTER JOIN ")
		}
		p.source(r.Right)
		if r.Within != nil {
			p.w(" ")
			p.within(r.Within)
		}
		p.w(" ON ")
		p.expr(r.On, 0)
	}
}

func (p *printer) source(s *Source) {
	p.w(QuoteIdent(s.Name.Name))
	if !s.Alias.IsZero() {
		p.w(" AS " + QuoteIdent(s.Alias.Name))
	}
}

func (p *printer) window(w *Window) {
	p.w("WINDOW " + w.Type.String() + " (")
	switch w.Type {
	case Session:
		p.w(w.Size.String())
	case Hopping:
		p.w("SIZE " + w.Size.String() + ", ADVANCE BY " + w.Advance.String())
	default:
		p.w("SIZE " + w.Size.String())
	}
	if w.Retention != nil {
		p.w(", RETENTION " + w.Retention.String())
	}
	if w.Grace != nil {
		p.w(", GRACE PERIOD " + w.Grace.String())
	}
	p.w(")")
}

func (p *printer) within(w *Within) {
	if w.Symmetric {
		p.w("WITHIN " + w.Before.String())
	} else {
		p.w("WITHIN (" + w.Before.String() + ", " + w.After.String() + ")")
	}
	if w.Grace != nil {
		p.w(" GRACE PERIOD " + w.Grace.String())
	}
}

// Binding strength of expressions, from the loosest. An operand is put in
// parentheses when it binds more loosely than its position requires.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPredicate // comparisons, IS, BETWEEN, IN, LIKE: non-associative
	precConcat
	precAdditive
	precMultiplicative
	precUnary
	precPrimary
)

func binaryPrec(op BinaryOp) int {
	switch op {
	case Or:
		return precOr
	case And:
		return precAnd
	case Concat:
		return precConcat
	case Add, Sub:
		return precAdditive
	case Mul, Div, Mod:
		return precMultiplicative
	}
	return precPredicate
}

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		return binaryPrec(e.Op)
	case *Unary:
		if e.Op == Not {
			return precNot
		}
		return precUnary
	case *IsNull, *IsDistinct, *Between, *In, *Like:
		return precPredicate
	case *IntLit:
		if e.Value < 0 {
			return precUnary
		}
	case *DoubleLit:
		if e.Value < 0 {
			return precUnary
		}
	case *DecimalLit:
		if strings.HasPrefix(e.Text, "-") {
			return precUnary
		}
	}
	return precPrimary
}

func (p *printer) expr(e Expr, min int) {
	if exprPrec(e) < min {
		p.w("(")
		p.expr(e, 0)
		p.w(")")
		return
	}
	switch e := e.(type) {
	case *NullLit:
		p.w("NULL")
	case *BoolLit:
		if e.Value {
			p.w("TRUE")
		} else {
			p.w("FALSE")
		}
	case *IntLit:
		p.w(strconv.FormatInt(e.Value, 10))
	case *DecimalLit:
		p.w(e.Text)
	case *DoubleLit:
		p.w(types.DoubleLiteral(e.Value))
	case *StringLit:
		p.w(quoteString(e.Value))
	case *ColumnRef:
		if !e.Source.IsZero() {
			p.w(QuoteIdent(e.Source.Name) + ".")
		}
		p.w(QuoteIdent(e.Name.Name))
	case *Unary:
		switch e.Op {
		case Not:
			p.w("NOT ")
			p.expr(e.X, precNot)
		default:
			op := "-"
			if e.Op == Plus {
				op = "+"
			}
			p.w(op)
			inner := printer{}
			inner.expr(e.X, precUnary)
			s := inner.b.String()
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
				s = "(" + s + ")"
			}
			p.w(s)
		}
	case *Binary:
		prec := binaryPrec(e.Op)
		left, right := prec, prec+1
		if prec == precPredicate {
			left = prec + 1
		}
		p.expr(e.L, left)
		p.w(" " + e.Op.String() + " ")
		p.expr(e.R, right)
	case *IsNull:
		p.expr(e.X, precConcat)
		if e.Not {
			p.w(" IS NOT NULL")
		} else {
			p.w(" IS NULL")
		}
	case *IsDistinct:
		p.expr(e.L, precConcat)
		if e.Not {
			p.w(" IS NOT DISTINCT FROM ")
		} else {
			p.w(" IS DISTINCT FROM ")
		}
		p.expr(e.R, precConcat)
	case *Between:
		p.expr(e.X, precConcat)
		if e.Not {
			p.w(" NOT")
		}
		p.w(" BETWEEN ")
		p.expr(e.Low, precConcat)
		p.w(" AND ")
		p.expr(e.High, precConcat)
	case *In:
		p.expr(e.X, precConcat)
		if e.Not {
			p.w(" NOT")
		}
		p.w(" IN ")
		p.exprList(e.List)
	case *Like:
		p.expr(e.X, precConcat)
		if e.Not {
			p.w(" NOT")
		}
		p.w(" LIKE ")
		p.expr(e.Pattern, precConcat)
		if e.Escape != "" {
			p.w(" ESCAPE " + quoteString(e.Escape))
		}
	case *Case:
		p.w("CASE")
		if e.Operand != nil {
			p.w(" ")
			p.expr(e.Operand, precConcat)
		}
		for _, w := range e.Whens {
			p.w(" WHEN ")
			p.expr(w.Cond, 0)
			p.w(" THEN ")
			p.expr(w.Result, 0)
		}
		if e.Else != nil {
			p.w(" ELSE ")
			p.expr(e.Else, 0)
		}
		p.w(" END")
	case *Cast:
		p.w("CAST(")
		p.expr(e.X, 0)
		p.w(" AS " + e.Type.Format(QuoteIdent) + ")")
	case *Call:
		p.w(QuoteIdent(e.Name.Name))
		if e.Star {
			p.w("(*)")
		} else {
			p.exprList(e.Args)
		}
	case *Subscript:
		p.expr(e.X, precPrimary)
		p.w("[")
		p.expr(e.Index, 0)
		p.w("]")
	case *Deref:
		p.expr(e.X, precPrimary)
		p.w("->" + QuoteIdent(e.Field.Name))
	case *ArrayCtor:
		p.w("ARRAY[")
		for i, x := range e.Elems {
			if i > 0 {
				p.w(", ")
			}
			p.expr(x, 0)
		}
		p.w("]")
	case *MapCtor:
		p.w("MAP(")
		for i := range e.Keys {
			if i > 0 {
				p.w(", ")
			}
			p.expr(e.Keys[i], 0)
			p.w(" := ")
			p.expr(e.Values[i], 0)
		}
		p.w(")")
	case *StructCtor:
		p.w("STRUCT(")
		for i := range e.Names {
			if i > 0 {
				p.w(", ")
			}
			p.w(QuoteIdent(e.Names[i].Name) + " := ")
			p.expr(e.Values[i], 0)
		}
		p.w(")")
	default:
		p.wf("<%T>", e)
	}
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
