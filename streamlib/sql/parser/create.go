package parser

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func (p *parser) create() (ast.Statement, error) {
	t := p.next()
	orReplace := false
	if p.acceptKw("OR") {
		if err := p.expectKw("REPLACE"); err != nil {
			return nil, err
		}
		orReplace = true
	}
	readOnly := p.acceptKw("SOURCE")
	var kind ast.SourceKind
	switch {
	case p.acceptKw("STREAM"):
		kind = ast.StreamKind
	case p.acceptKw("TABLE"):
		kind = ast.TableKind
	default:
		if n := p.peek(); n.kind == tIdent {
			switch n.text {
			case "TYPE":
				return nil, p.errorf(n, "", "CREATE TYPE is not supported; write the type out in full")
			case "SINK", "CONNECTOR":
				return nil, p.errorf(n, "", "connectors are not supported")
			}
		}
		return nil, p.unexpected()
	}
	ifNotExists := false
	if p.acceptKw("IF") {
		if err := p.expectKw("NOT"); err != nil {
			return nil, err
		}
		if err := p.expectKw("EXISTS"); err != nil {
			return nil, err
		}
		ifNotExists = true
	}
	name, err := p.ident("a " + strings.ToLower(kind.String()) + " name")
	if err != nil {
		return nil, err
	}
	var elements []ast.TableElement
	elementsTok := p.peek()
	if p.isOp("(") {
		if elements, err = p.elements(); err != nil {
			return nil, err
		}
	}
	props, err := p.withClause()
	if err != nil {
		return nil, err
	}
	if p.isKw("AS") {
		asTok := p.next()
		if elements != nil {
			return nil, p.errorf(elementsTok, "remove the column list; the SELECT defines the columns",
				"CREATE %s ... AS SELECT cannot declare columns", kind)
		}
		if readOnly {
			return nil, p.errorf(asTok, "", "CREATE SOURCE %s cannot have AS SELECT", kind)
		}
		p.want("SELECT")
		if !p.atKw(0, "SELECT") {
			return nil, p.unexpected()
		}
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		s := &ast.CreateAsSelect{Loc: loc(t), Kind: kind, OrReplace: orReplace,
			IfNotExists: ifNotExists, Name: name, Props: props, Query: q}
		return s, p.legacyQueryKey(s)
	}
	s := &ast.CreateSource{Loc: loc(t), Kind: kind, OrReplace: orReplace, ReadOnly: readOnly,
		IfNotExists: ifNotExists, Name: name, Elements: elements, Props: props}
	return s, p.legacyKey(s)
}

// elements reads the column list of CREATE STREAM/TABLE.
func (p *parser) elements() ([]ast.TableElement, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	var out []ast.TableElement
	for {
		t := p.peek()
		name, err := p.ident("a column name")
		if err != nil {
			return nil, err
		}
		typ, err := p.typ()
		if err != nil {
			return nil, err
		}
		el := ast.TableElement{Loc: loc(t), Name: name, Type: typ}
		switch {
		case p.acceptKw("PRIMARY"):
			if err := p.expectKw("KEY"); err != nil {
				return nil, err
			}
			el.Constraint = ast.PrimaryKeyConstraint
		case p.acceptKw("KEY"):
			el.Constraint = ast.KeyConstraint
		case p.isKw("HEADERS") || p.isKw("HEADER"):
			return nil, p.errorf(p.peek(), "", "header columns are not supported")
		}
		out = append(out, el)
		if !p.acceptOp(",") {
			break
		}
	}
	return out, p.close()
}

var typeNames = []string{
	"BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "VARCHAR",
	"TIMESTAMP", "ARRAY", "MAP", "STRUCT",
}

// typ reads a SQL type.
func (p *parser) typ() (types.Type, error) {
	p.want("a type")
	t := p.peek()
	if t.kind != tIdent {
		return types.Type{}, p.unexpected()
	}
	p.next()
	var typ types.Type
	switch t.text {
	case "BOOLEAN":
		typ = types.Boolean
	case "INT", "INTEGER":
		typ = types.Integer
	case "BIGINT":
		typ = types.Bigint
	case "DOUBLE":
		typ = types.Double
	case "STRING", "VARCHAR":
		typ = types.String
	case "TIMESTAMP":
		typ = types.Timestamp
	case "DECIMAL":
		if err := p.open(); err != nil {
			return types.Type{}, err
		}
		prec, err := p.intLit("the precision")
		if err != nil {
			return types.Type{}, err
		}
		if err := p.expectOp(","); err != nil {
			return types.Type{}, err
		}
		scale, err := p.intLit("the scale")
		if err != nil {
			return types.Type{}, err
		}
		if err := p.close(); err != nil {
			return types.Type{}, err
		}
		typ = types.Decimal(int(min(prec, 1000)), int(min(scale, 1000)))
	case "ARRAY":
		if err := p.expectOp("<"); err != nil {
			return types.Type{}, err
		}
		elem, err := p.typ()
		if err != nil {
			return types.Type{}, err
		}
		if err := p.expectOp(">"); err != nil {
			return types.Type{}, err
		}
		typ = types.Array(elem)
	case "MAP":
		if err := p.expectOp("<"); err != nil {
			return types.Type{}, err
		}
		key, err := p.typ()
		if err != nil {
			return types.Type{}, err
		}
		if err := p.expectOp(","); err != nil {
			return types.Type{}, err
		}
		val, err := p.typ()
		if err != nil {
			return types.Type{}, err
		}
		if err := p.expectOp(">"); err != nil {
			return types.Type{}, err
		}
		typ = types.Map(key, val)
	case "STRUCT":
		if p.acceptOp("<>") {
			typ = types.Struct()
			break
		}
		if err := p.expectOp("<"); err != nil {
			return types.Type{}, err
		}
		var fields []types.Field
		for empty := p.isOp(">"); !empty; {
			name, err := p.ident("a field name")
			if err != nil {
				return types.Type{}, err
			}
			ft, err := p.typ()
			if err != nil {
				return types.Type{}, err
			}
			fields = append(fields, types.Field{Name: name.Name, Type: ft})
			if !p.acceptOp(",") {
				break
			}
		}
		if err := p.expectOp(">"); err != nil {
			return types.Type{}, err
		}
		typ = types.Struct(fields...)
	case "DATE", "TIME", "BYTES":
		return types.Type{}, p.errorf(t, "", "type %s is not supported", t.text)
	default:
		hint := ""
		if s := suggest.Closest(t.text, typeNames); s != "" {
			hint = "did you mean " + s + "?"
		}
		return types.Type{}, p.errorf(t, hint, "unknown type %s", t.raw)
	}
	if err := typ.Validate(); err != nil {
		return types.Type{}, p.errorf(t, "", "%v", err)
	}
	return typ, nil
}

// withClause reads an optional WITH (name=literal, ...).
func (p *parser) withClause() (ast.Properties, error) {
	if !p.acceptKw("WITH") {
		return nil, nil
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	var props ast.Properties
	for {
		t := p.peek()
		var name string
		switch {
		case t.kind == tString:
			name = strings.ToUpper(t.text)
			p.next()
		default:
			id, err := p.ident("a property name")
			if err != nil {
				return nil, err
			}
			name = strings.ToUpper(id.Name)
		}
		for _, q := range props {
			if q.Name == name {
				return nil, p.errorf(t, "", "property %s is set twice", name)
			}
		}
		if err := p.expectOp("="); err != nil {
			return nil, err
		}
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		props = append(props, ast.Property{Loc: loc(t), Name: name, Value: v})
		if !p.acceptOp(",") {
			break
		}
	}
	return props, p.close()
}

// literal reads a literal value: a string, a (possibly negative) number,
// TRUE, FALSE or NULL.
func (p *parser) literal() (ast.Expr, error) {
	p.want("a string")
	t := p.peek()
	switch {
	case t.kind == tString, t.kind == tInt, t.kind == tDecimal, t.kind == tFloat,
		t.kind == tIdent && (t.text == "TRUE" || t.text == "FALSE" || t.text == "NULL"):
		return p.primary()
	case t.kind == tOp && t.text == "-" && p.peekAt(1).kind >= tInt && p.peekAt(1).kind <= tFloat:
		p.next()
		x, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &ast.Unary{Loc: loc(t), Op: ast.Neg, X: x}, nil
	}
	return nil, p.unexpected()
}

// legacyKey rejects the KEY property that ksqlDB 0.10 removed, and shows
// the modern statement: the key column declared KEY (stream) or PRIMARY
// KEY (table), and the old ROWKEY column gone.
func (p *parser) legacyKey(s *ast.CreateSource) error {
	prop, ok := s.Props.Get("KEY")
	if !ok {
		return nil
	}
	keyName := ""
	if lit, isStr := prop.Value.(*ast.StringLit); isStr {
		keyName = strings.ToUpper(lit.Value)
	}
	constraint := ast.KeyConstraint
	if s.Kind == ast.TableKind {
		constraint = ast.PrimaryKeyConstraint
	}
	modern := *s
	modern.Props = nil
	for _, q := range s.Props {
		if q.Name != "KEY" {
			modern.Props = append(modern.Props, q)
		}
	}
	keyType := types.String // old KSQL keys were always strings
	modern.Elements = nil
	found := false
	for _, el := range s.Elements {
		if el.Name.Name == "ROWKEY" && el.Constraint != ast.NoConstraint {
			keyType = el.Type
			continue
		}
		el.Constraint = ast.NoConstraint
		if el.Name.Name == keyName {
			el.Constraint = constraint
			found = true
		}
		modern.Elements = append(modern.Elements, el)
	}
	if !found && keyName != "" {
		el := ast.TableElement{Name: ast.NewIdent(keyName), Type: keyType, Constraint: constraint}
		modern.Elements = append([]ast.TableElement{el}, modern.Elements...)
	}
	rewrite := ast.String(&modern)
	e := newError(p.src, prop.At, "WITH (KEY='"+keyName+"') is the old KSQL form; in ksqlDB declare the key column instead: "+rewrite+";",
		"ksqlDB 0.10 removed the KEY property: mark the column "+constraint.String()+" (a stream's key is KEY, a table's PRIMARY KEY)")
	e.Rewrite = rewrite
	return e
}

// legacyQueryKey rejects the KEY property on CREATE ... AS SELECT: the key
// of a query's result is whatever it groups, partitions or joins by.
func (p *parser) legacyQueryKey(s *ast.CreateAsSelect) error {
	prop, ok := s.Props.Get("KEY")
	if !ok {
		return nil
	}
	modern := *s
	modern.Props = nil
	for _, q := range s.Props {
		if q.Name != "KEY" {
			modern.Props = append(modern.Props, q)
		}
	}
	rewrite := ast.String(&modern)
	e := newError(p.src, prop.At, "WITH (KEY=...) is the old KSQL form; in ksqlDB the key of the result is what the query GROUPs BY, PARTITIONs BY or joins ON: "+rewrite+";",
		"to key the result by a column, add PARTITION BY that column")
	e.Rewrite = rewrite
	return e
}
