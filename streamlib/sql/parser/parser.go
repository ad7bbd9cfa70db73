package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Parse parses a script: statements separated by semicolons. The last
// semicolon may be left out. An empty script gives no statements.
func Parse(src string) ([]ast.Statement, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	var stmts []ast.Statement
	for {
		for p.acceptOp(";") {
		}
		if p.peek().kind == tEOF {
			return stmts, nil
		}
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
		if !p.acceptOp(";") {
			if err := p.expectEnd(); err != nil {
				return nil, err
			}
		}
	}
}

// ParseStatement parses exactly one statement, with or without its
// semicolon.
func ParseStatement(src string) (ast.Statement, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	if p.peek().kind == tEOF {
		return nil, p.errorf(p.peek(), "", "expected a statement but found end of input")
	}
	s, err := p.statement()
	if err != nil {
		return nil, err
	}
	p.acceptOp(";")
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseExpr parses one expression, such as "UCASE(NAME) || '!'".
func ParseExpr(src string) (ast.Expr, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	e, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	return e, nil
}

// ParseType parses a SQL type, such as "ARRAY<STRUCT<ID BIGINT>>".
func ParseType(src string) (types.Type, error) {
	p, err := newParser(src)
	if err != nil {
		return types.Type{}, err
	}
	t, err := p.typ()
	if err != nil {
		return types.Type{}, err
	}
	if err := p.expectEnd(); err != nil {
		return types.Type{}, err
	}
	return t, nil
}

type parser struct {
	src  string
	toks []token
	i    int
	// tried lists what the parser looked for at token triedAt, for the
	// "expected one of ..." part of an error.
	tried   []string
	triedAt int
	// parens are the positions of the open parentheses around the current
	// token, for the "not closed" hint.
	parens []ast.Pos
	// implicitAlias is the index of the last token taken as an alias
	// without AS, for the "did you mean" hint when it was a misspelled
	// keyword.
	implicitAlias int
}

func newParser(src string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks, implicitAlias: -1}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// want records that label would have been accepted at the current token.
func (p *parser) want(label string) {
	if p.triedAt != p.i {
		p.tried, p.triedAt = nil, p.i
	}
	for _, t := range p.tried {
		if t == label {
			return
		}
	}
	p.tried = append(p.tried, label)
}

// isKw reports whether the current token is the unquoted keyword kw, and
// records kw as expected.
func (p *parser) isKw(kw string) bool {
	p.want(kw)
	t := p.peek()
	return t.kind == tIdent && t.text == kw
}

// isKwLabel is isKw with a different label in the expected list (GROUP BY
// for GROUP).
func (p *parser) isKwLabel(kw, label string) bool {
	p.want(label)
	t := p.peek()
	return t.kind == tIdent && t.text == kw
}

// atKw reports whether the token k ahead is the keyword kw, without
// recording anything.
func (p *parser) atKw(k int, kw string) bool {
	t := p.peekAt(k)
	return t.kind == tIdent && t.text == kw
}

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) error {
	if p.acceptKw(kw) {
		return nil
	}
	return p.unexpected()
}

func (p *parser) isOp(op string) bool {
	label := op
	if len(op) == 1 || op == "->" || op == ":=" {
		label = "'" + op + "'"
	}
	p.want(label)
	t := p.peek()
	return t.kind == tOp && t.text == op
}

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectOp(op string) error {
	if p.acceptOp(op) {
		return nil
	}
	return p.unexpected()
}

// open consumes "(" and remembers where it was.
func (p *parser) open() error {
	t := p.peek()
	if err := p.expectOp("("); err != nil {
		return err
	}
	p.parens = append(p.parens, t.pos)
	return nil
}

// close consumes ")".
func (p *parser) close() error {
	if err := p.expectOp(")"); err != nil {
		return err
	}
	p.parens = p.parens[:len(p.parens)-1]
	return nil
}

func (p *parser) expectEnd() error {
	p.want("';'")
	if p.peek().kind == tEOF {
		return nil
	}
	return p.unexpected()
}

func (p *parser) errorf(at token, hint, format string, args ...any) *Error {
	return newError(p.src, at.pos, fmt.Sprintf(format, args...), hint)
}

// unexpected reports the current token as unexpected, listing what was
// expected there and adding the most useful hint.
func (p *parser) unexpected() *Error {
	t := p.peek()
	var expected []string
	if p.triedAt == p.i {
		expected = p.tried
	}
	msg := "unexpected " + t.describe()
	if len(expected) > 0 {
		msg = "expected " + listExpected(expected) + " but found " + t.describe()
	}
	return p.errorf(t, p.hint(t, expected), "%s", msg)
}

func listExpected(ws []string) string {
	if len(ws) == 1 {
		return ws[0]
	}
	if len(ws) > 4 {
		ws = append(append([]string(nil), ws[:3]...), "…", ws[len(ws)-1])
	}
	return "one of " + strings.Join(ws, ", ")
}

// clauseOrder is the order the clauses of a query must come in.
const clauseOrder = "SELECT … FROM … [WINDOW …] [WHERE …] [GROUP BY …] [PARTITION BY …] [HAVING …] [EMIT CHANGES|FINAL] [LIMIT n]"

var clauseWords = map[string]string{
	"WINDOW": "WINDOW", "WHERE": "WHERE", "GROUP": "GROUP BY", "PARTITION": "PARTITION BY",
	"HAVING": "HAVING", "EMIT": "EMIT", "LIMIT": "LIMIT",
}

// hint picks the most useful advice for an unexpected token t.
func (p *parser) hint(t token, expected []string) string {
	var prev token
	if p.i > 0 {
		prev = p.toks[p.i-1]
	}
	keywords := make([]string, 0, len(expected))
	for _, e := range expected {
		if !strings.HasPrefix(e, "'") && e == strings.ToUpper(e) {
			keywords = append(keywords, strings.Fields(e)[0])
		}
	}
	switch {
	case prev.kind == tOp && prev.text == "," && (t.kind == tIdent && ast.IsReserved(t.text) || t.kind == tOp && t.text == ")"):
		return "remove the ',' before " + t.describe() + ": a list cannot end with a comma"
	case prev.kind == tOp && prev.text == "=" && t.kind == tOp && t.text == "=":
		return "compare with a single '=' (SQL has no '==')"
	case len(p.parens) > 0 && (contains(expected, "')'") || contains(expected, "']'")):
		open := p.parens[len(p.parens)-1]
		return "the '" + p.src[open.Offset:open.Offset+1] + "' at " + open.String() + " is not closed"
	case t.kind == tOp && binaryOpIsComparison(t.text) && prevIsOperand(prev):
		return "comparisons do not chain; combine them with AND (a < b AND b < c)"
	case t.kind == tQuotedIdent && t.raw[0] == '"' && contains(expected, "a string"):
		return "strings use single quotes: '" + strings.ReplaceAll(t.text, "'", "''") + "' (double quotes are for identifiers)"
	}
	if t.kind == tIdent {
		if label, ok := clauseWords[t.text]; ok && len(expected) > 0 && !contains(expected, label) {
			return label + " is out of place; clauses must come in this order: " + clauseOrder
		}
		if s := suggest.Closest(t.text, keywords); s != "" && s != t.text {
			return "did you mean " + s + "?"
		}
	}
	if p.implicitAlias == p.i-1 && prev.kind == tIdent {
		if s := suggest.Closest(prev.text, keywords); s != "" {
			return "did you mean " + s + " instead of " + prev.raw + "? (" + prev.raw + " was read as an alias)"
		}
		return "a ',' or AS may be missing before " + t.describe() + "; " + prev.raw + " was read as an alias"
	}
	return ""
}

func binaryOpIsComparison(op string) bool {
	switch op {
	case "=", "<>", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// prevIsOperand reports whether t can end an operand, so that an operator
// after it was meant as infix.
func prevIsOperand(t token) bool {
	return t.kind == tIdent || t.kind == tQuotedIdent || t.kind >= tString && t.kind <= tFloat ||
		t.kind == tOp && (t.text == ")" || t.text == "]")
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// isIdent reports whether the current token can be an identifier: quoted,
// or an unquoted word that is not reserved.
func (p *parser) isIdent() bool {
	t := p.peek()
	return t.kind == tQuotedIdent || t.kind == tIdent && !ast.IsReserved(t.text)
}

// ident consumes an identifier; what names it in the error ("a column
// name").
func (p *parser) ident(what string) (ast.Ident, error) {
	p.want(what)
	if !p.isIdent() {
		return ast.Ident{}, p.unexpected()
	}
	t := p.next()
	return ast.Ident{Loc: ast.Loc{At: t.pos}, Name: t.text}, nil
}

// intLit consumes an integer literal.
func (p *parser) intLit(what string) (int64, error) {
	p.want(what)
	t := p.peek()
	if t.kind != tInt {
		return 0, p.unexpected()
	}
	p.next()
	n, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil {
		return 0, p.errorf(t, "", "%s is out of range", t.raw)
	}
	return n, nil
}

// stringLit consumes a string literal.
func (p *parser) stringLit() (string, error) {
	p.want("a string")
	t := p.peek()
	if t.kind != tString {
		return "", p.unexpected()
	}
	p.next()
	return t.text, nil
}

func loc(t token) ast.Loc { return ast.Loc{At: t.pos} }

// statementStarts lists the words a statement can begin with, for errors.
var statementStarts = []string{
	"SELECT", "CREATE", "INSERT", "DROP", "SHOW", "LIST", "DESCRIBE", "EXPLAIN",
	"TERMINATE", "SET", "UNSET", "PRINT", "ASSERT",
}

var unsupportedStatements = map[string]string{
	"RUN":      "RUN SCRIPT is not supported; run the file's statements one by one",
	"DEFINE":   "variables (DEFINE) are not supported",
	"UNDEFINE": "variables (UNDEFINE) are not supported",
	"PAUSE":    "PAUSE is not supported; TERMINATE the query instead",
	"RESUME":   "RESUME is not supported",
	"ALTER":    "ALTER is not supported; drop the source and create it again",
}

func (p *parser) statement() (ast.Statement, error) {
	t := p.peek()
	if t.kind == tIdent {
		switch t.text {
		case "SELECT":
			return p.query()
		case "CREATE":
			return p.create()
		case "INSERT":
			return p.insert()
		case "DROP":
			return p.drop()
		case "SHOW", "LIST":
			return p.show()
		case "DESCRIBE":
			return p.describe()
		case "EXPLAIN":
			return p.explain()
		case "TERMINATE":
			return p.terminate()
		case "SET":
			return p.set()
		case "UNSET":
			return p.unset()
		case "PRINT":
			return p.print()
		case "ASSERT":
			return p.assert()
		}
		if msg, ok := unsupportedStatements[t.text]; ok {
			return nil, p.errorf(t, "", "%s", msg)
		}
	}
	hint := ""
	if t.kind == tIdent {
		if s := suggest.Closest(t.text, statementStarts); s != "" {
			hint = "did you mean " + s + "?"
		}
	}
	return nil, p.errorf(t, hint, "expected a statement (SELECT, CREATE, INSERT, DESCRIBE, SHOW, …) but found %s", t.describe())
}

func (p *parser) set() (ast.Statement, error) {
	t := p.next()
	name, err := p.propertyName()
	if err != nil {
		return nil, err
	}
	if err := p.expectOp("="); err != nil {
		return nil, err
	}
	value, err := p.stringLit()
	if err != nil {
		return nil, err
	}
	return &ast.SetProperty{Loc: loc(t), Name: name, Value: value}, nil
}

func (p *parser) unset() (ast.Statement, error) {
	t := p.next()
	name, err := p.propertyName()
	if err != nil {
		return nil, err
	}
	return &ast.UnsetProperty{Loc: loc(t), Name: name}, nil
}

// propertyName reads the quoted name of SET and UNSET.
func (p *parser) propertyName() (string, error) {
	if t := p.peek(); t.kind == tIdent || t.kind == tQuotedIdent {
		return "", p.errorf(t, "property names are strings: SET 'auto.offset.reset'='earliest'",
			"expected a string but found %s", t.describe())
	}
	return p.stringLit()
}

func (p *parser) show() (ast.Statement, error) {
	t := p.next()
	s := &ast.Show{Loc: loc(t)}
	if p.acceptKw("ALL") {
		s.All = true
		if err := p.expectKw("TOPICS"); err != nil {
			return nil, err
		}
		s.What = ast.ShowTopics
	} else {
		kinds := []struct {
			word string
			kind ast.ShowKind
		}{
			{"STREAMS", ast.ShowStreams}, {"TABLES", ast.ShowTables}, {"QUERIES", ast.ShowQueries},
			{"TOPICS", ast.ShowTopics}, {"PROPERTIES", ast.ShowProperties}, {"FUNCTIONS", ast.ShowFunctions},
		}
		for _, k := range kinds {
			if p.acceptKw(k.word) {
				s.What = k.kind
				break
			}
		}
		if s.What == 0 {
			return nil, p.unexpected()
		}
	}
	if s.What != ast.ShowProperties && s.What != ast.ShowFunctions && p.acceptKw("EXTENDED") {
		s.Extended = true
	}
	return s, nil
}

func (p *parser) describe() (ast.Statement, error) {
	t := p.next()
	switch {
	case p.atKw(0, "STREAMS") || p.atKw(0, "TABLES"):
		kind := ast.StreamKind
		if p.next().text == "TABLES" {
			kind = ast.TableKind
		}
		return &ast.DescribeSources{Loc: loc(t), Kind: kind, Extended: p.acceptKw("EXTENDED")}, nil
	case p.atKw(0, "FUNCTION") && p.peekAt(1).kind != tEOF && !(p.peekAt(1).kind == tOp && p.peekAt(1).text == ";"):
		p.next()
		name, err := p.ident("a function name")
		if err != nil {
			return nil, err
		}
		return &ast.DescribeFunction{Loc: loc(t), Name: name}, nil
	case p.atKw(0, "EXTENDED") && (p.peekAt(1).kind == tIdent || p.peekAt(1).kind == tQuotedIdent):
		ext := p.next()
		name, err := p.ident("a stream or table name")
		if err != nil {
			return nil, err
		}
		modern := &ast.Describe{Loc: loc(t), Name: name, Extended: true}
		e := p.errorf(ext, "ksqlDB moved EXTENDED after the name",
			"DESCRIBE EXTENDED %s is the old KSQL form; write: %s;", name, ast.String(modern))
		e.Rewrite = ast.String(modern)
		return nil, e
	}
	name, err := p.ident("a stream or table name")
	if err != nil {
		return nil, err
	}
	return &ast.Describe{Loc: loc(t), Name: name, Extended: p.acceptKw("EXTENDED")}, nil
}

func (p *parser) explain() (ast.Statement, error) {
	t := p.next()
	if n := p.peek(); n.kind == tIdent && contains(statementStarts, n.text) {
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		if _, ok := s.(*ast.Explain); ok {
			return nil, p.errorf(n, "", "EXPLAIN cannot explain EXPLAIN")
		}
		return &ast.Explain{Loc: loc(t), Statement: s}, nil
	}
	id, err := p.ident("a statement or a query id")
	if err != nil {
		return nil, err
	}
	return &ast.Explain{Loc: loc(t), QueryID: id}, nil
}

func (p *parser) drop() (ast.Statement, error) {
	t := p.next()
	d := &ast.Drop{Loc: loc(t)}
	switch {
	case p.acceptKw("STREAM"):
		d.Kind = ast.StreamKind
	case p.acceptKw("TABLE"):
		d.Kind = ast.TableKind
	default:
		return nil, p.unexpected()
	}
	if p.acceptKw("IF") {
		if err := p.expectKw("EXISTS"); err != nil {
			return nil, err
		}
		d.IfExists = true
	}
	name, err := p.ident("a " + strings.ToLower(d.Kind.String()) + " name")
	if err != nil {
		return nil, err
	}
	d.Name = name
	if p.acceptKw("DELETE") {
		if err := p.expectKw("TOPIC"); err != nil {
			return nil, err
		}
		d.DeleteTopic = true
	}
	return d, nil
}

func (p *parser) terminate() (ast.Statement, error) {
	t := p.next()
	if p.acceptKw("ALL") {
		return &ast.Terminate{Loc: loc(t), All: true}, nil
	}
	id, err := p.ident("a query id or ALL")
	if err != nil {
		return nil, err
	}
	return &ast.Terminate{Loc: loc(t), QueryID: id}, nil
}

func (p *parser) print() (ast.Statement, error) {
	t := p.next()
	s := &ast.Print{Loc: loc(t)}
	p.want("a topic name")
	switch n := p.peek(); {
	case n.kind == tString || n.kind == tQuotedIdent:
		s.Topic = n.text
	case n.kind == tIdent && !ast.IsReserved(n.text):
		s.Topic = n.raw
	default:
		return nil, p.unexpected()
	}
	p.next()
	if p.acceptKw("FROM") {
		if err := p.expectKw("BEGINNING"); err != nil {
			return nil, err
		}
		s.FromBeginning = true
	}
	if p.acceptKw("INTERVAL") || p.acceptKw("SAMPLE") {
		n, err := p.intLit("a number")
		if err != nil {
			return nil, err
		}
		s.Interval = &n
	}
	if p.acceptKw("LIMIT") {
		n, err := p.intLit("a number")
		if err != nil {
			return nil, err
		}
		s.Limit = &n
	}
	return s, nil
}

func (p *parser) insert() (ast.Statement, error) {
	t := p.next()
	if err := p.expectKw("INTO"); err != nil {
		return nil, err
	}
	target, err := p.ident("a stream name")
	if err != nil {
		return nil, err
	}
	var cols []ast.Ident
	if p.isOp("(") {
		if cols, err = p.identList("a column name"); err != nil {
			return nil, err
		}
	}
	if cols != nil || p.isKw("VALUES") {
		if err := p.expectKw("VALUES"); err != nil {
			return nil, err
		}
		vals, err := p.valueList()
		if err != nil {
			return nil, err
		}
		return &ast.InsertValues{Loc: loc(t), Target: target, Columns: cols, Values: vals}, nil
	}
	props, err := p.withClause()
	if err != nil {
		return nil, err
	}
	p.want("SELECT")
	if !p.atKw(0, "SELECT") {
		return nil, p.unexpected()
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return &ast.InsertInto{Loc: loc(t), Target: target, Props: props, Query: q}, nil
}

// identList reads "(a, b, ...)".
func (p *parser) identList(what string) ([]ast.Ident, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	var out []ast.Ident
	for {
		id, err := p.ident(what)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
		if !p.acceptOp(",") {
			break
		}
	}
	return out, p.close()
}

// valueList reads "(e1, e2, ...)", possibly empty.
func (p *parser) valueList() ([]ast.Expr, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	out := []ast.Expr{}
	if p.isOp(")") {
		return out, p.close()
	}
	for {
		e, err := p.expr(0)
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

func (p *parser) assert() (ast.Statement, error) {
	t := p.next()
	switch {
	case p.acceptKw("VALUES"):
		return p.assertValues(t, false)
	case p.acceptKw("NULL"):
		if err := p.expectKw("VALUES"); err != nil {
			return nil, err
		}
		return p.assertValues(t, true)
	case p.acceptKw("STREAM"):
		return p.assertSource(t, ast.StreamKind)
	case p.acceptKw("TABLE"):
		return p.assertSource(t, ast.TableKind)
	}
	return nil, p.unexpected()
}

func (p *parser) assertValues(t token, tombstone bool) (ast.Statement, error) {
	target, err := p.ident("a source name")
	if err != nil {
		return nil, err
	}
	s := &ast.AssertValues{Loc: loc(t), Target: target, Tombstone: tombstone}
	if p.isOp("(") {
		if s.Columns, err = p.identList("a column name"); err != nil {
			return nil, err
		}
	}
	kw := "VALUES"
	if tombstone {
		kw = "KEY"
	}
	if err := p.expectKw(kw); err != nil {
		return nil, err
	}
	if s.Values, err = p.valueList(); err != nil {
		return nil, err
	}
	return s, nil
}

func (p *parser) assertSource(t token, kind ast.SourceKind) (ast.Statement, error) {
	name, err := p.ident("a source name")
	if err != nil {
		return nil, err
	}
	s := &ast.AssertSource{Loc: loc(t), Kind: kind, Name: name}
	if p.isOp("(") {
		if s.Elements, err = p.elements(); err != nil {
			return nil, err
		}
	}
	if s.Props, err = p.withClause(); err != nil {
		return nil, err
	}
	return s, nil
}
