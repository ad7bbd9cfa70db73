package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// reservedColumns are the pseudo-columns no source may declare.
var reservedColumns = map[string]bool{
	"ROWTIME": true, "ROWPARTITION": true, "ROWOFFSET": true, "WINDOWSTART": true, "WINDOWEND": true,
}

func sourceType(k ast.SourceKind) SourceType {
	if k == ast.TableKind {
		return Table
	}
	return Stream
}

func (c *Catalog) analyzeCreateSource(s *ast.CreateSource, props Properties) (Analysis, error) {
	typ := sourceType(s.Kind)
	a := &CreateSource{Stmt: s}
	if old, ok := c.sources[s.Name.Name]; ok {
		switch {
		case s.IfNotExists:
			a.Exists, a.Source = true, old
			return a, nil
		case !s.OrReplace:
			return nil, newError(ErrExists, s.Name.Pos(), "use CREATE OR REPLACE, or DROP it first",
				"Cannot add %s '%s': A %s with the same name already exists",
				strings.ToLower(typ.String()), s.Name.Name, strings.ToLower(old.Type.String()))
		case old.Type != typ:
			return nil, invalid(s.Name.Pos(), "", "cannot replace %s %s with a %s", strings.ToLower(old.Type.String()), old.Name, strings.ToLower(typ.String()))
		case old.CreatedBy != "":
			return nil, newError(ErrUnsupported, s.Name.Pos(), "TERMINATE "+string(old.CreatedBy)+" and DROP it first",
				"%s is written by query %s and cannot be replaced", old.Name, old.CreatedBy)
		}
		a.Replace = true
	}
	w := with{s.Props}
	if err := w.check(withProps); err != nil {
		return nil, err
	}
	src := &Source{Name: s.Name.Name, Type: typ, ReadOnly: s.ReadOnly, Materialized: s.ReadOnly && typ == Table,
		Statement: ast.String(s)}
	topic, ok, err := w.str("KAFKA_TOPIC")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid(s.Pos(), "add WITH (KAFKA_TOPIC='topic-name', ...)",
			"Missing required property \"KAFKA_TOPIC\" which has no default value.")
	}
	src.Topic = topic
	if src.KeyFormat, src.ValueFormat, err = w.formats(props, "", ""); err != nil {
		return nil, err
	}
	if src.ValueFormat == "" {
		return nil, invalid(s.Pos(), "add WITH (VALUE_FORMAT='JSON', ...)",
			"Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the '%s' config.", PropDefaultValueFormat)
	}
	if s.Elements == nil {
		return nil, invalid(s.Pos(), fmt.Sprintf("declare the columns: CREATE %s %s (ID STRING %s, ...) WITH (...); "+
			"reading them from a schema registry (AVRO, PROTOBUF, JSON_SR) is not supported",
			typ, ast.QuoteIdent(src.Name), keyWord(typ)), "The statement does not define any columns.")
	}
	if src.Columns, err = columns(s.Elements, typ); err != nil {
		return nil, err
	}
	if err := w.partitions(src); err != nil {
		return nil, err
	}
	if src.Window, err = w.windowInfo(); err != nil {
		return nil, err
	}
	if src.ValueOptions, err = w.valueOptions(len(src.Value())); err != nil {
		return nil, err
	}
	if err := w.timestamp(src); err != nil {
		return nil, err
	}
	if err := checkCodecs(src, s.Pos()); err != nil {
		return nil, err
	}
	a.Source = src
	return a, nil
}

func keyWord(t SourceType) string {
	if t == Table {
		return "PRIMARY KEY"
	}
	return "KEY"
}

// columns checks the declared columns and puts the key columns first.
func columns(els []ast.TableElement, typ SourceType) ([]Column, error) {
	seen := map[string]bool{}
	var keys, values []Column
	for _, el := range els {
		name := el.Name.Name
		if reservedColumns[strings.ToUpper(name)] {
			return nil, invalid(el.Pos(), "rename the column", "'%s' is a reserved column name. You cannot use it as a name for a column.", name)
		}
		if seen[name] {
			return nil, invalid(el.Pos(), "", "Duplicate column names: %s", name)
		}
		seen[name] = true
		switch {
		case typ == Stream && el.Constraint == ast.PrimaryKeyConstraint:
			return nil, invalid(el.Pos(), "write "+ast.QuoteIdent(name)+" "+el.Type.String()+" KEY",
				"Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", name)
		case typ == Table && el.Constraint == ast.KeyConstraint:
			return nil, invalid(el.Pos(), "write "+ast.QuoteIdent(name)+" "+el.Type.String()+" PRIMARY KEY",
				"Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.", name)
		}
		col := Column{Name: name, Type: el.Type, Key: el.Constraint != ast.NoConstraint}
		if col.Key {
			keys = append(keys, col)
		} else {
			values = append(values, col)
		}
	}
	if typ == Table && len(keys) == 0 {
		hint := "declare the key: CREATE TABLE ... (" + ast.QuoteIdent(els[0].Name.Name) + " " + els[0].Type.String() + " PRIMARY KEY, ...)"
		return nil, invalid(els[0].Pos(), hint, "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.")
	}
	return append(keys, values...), nil
}

// partitions reads PARTITIONS and REPLICAS into src.
func (w with) partitions(src *Source) error {
	n, ok, err := w.integer("PARTITIONS")
	if err != nil {
		return err
	}
	if ok {
		if n < 1 || n > 1<<20 {
			p, _ := w.get("PARTITIONS")
			return invalid(p.At, "", "PARTITIONS must be positive, got %d", n)
		}
		src.Partitions = int(n)
	}
	r, ok, err := w.integer("REPLICAS")
	if err != nil {
		return err
	}
	if ok {
		if r == 0 || r < -1 || r > 1<<15 {
			p, _ := w.get("REPLICAS")
			return invalid(p.At, "use a positive number, or -1 for the broker's default", "invalid REPLICAS %d", r)
		}
		if r > 0 {
			src.Replicas = int(r)
		}
	}
	return nil
}

// timestamp reads TIMESTAMP and TIMESTAMP_FORMAT into src.
func (w with) timestamp(src *Source) error {
	name, ok, err := w.str("TIMESTAMP")
	if err != nil {
		return err
	}
	tsFormat, hasFormat, err := w.str("TIMESTAMP_FORMAT")
	if err != nil {
		return err
	}
	if !ok {
		if hasFormat {
			p, _ := w.get("TIMESTAMP_FORMAT")
			return invalid(p.At, "", "TIMESTAMP_FORMAT needs TIMESTAMP")
		}
		return nil
	}
	p, _ := w.get("TIMESTAMP")
	col, found := src.Column(strings.ToUpper(name))
	if !found {
		col, found = src.Column(name)
	}
	if !found {
		names := make([]string, len(src.Columns))
		for i, c := range src.Columns {
			names[i] = c.Name
		}
		return invalid(p.At, "the columns are "+strings.Join(names, ", "),
			"The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", name)
	}
	switch {
	case col.Type.Kind == types.KindBigint || col.Type.Kind == types.KindTimestamp:
		if hasFormat {
			fp, _ := w.get("TIMESTAMP_FORMAT")
			return invalid(fp.At, "", "TIMESTAMP_FORMAT only applies to a STRING timestamp column; %s is %s", col.Name, col.Type)
		}
	case col.Type.Kind == types.KindString:
		if !hasFormat {
			return invalid(p.At, "add TIMESTAMP_FORMAT='yyyy-MM-dd HH:mm:ss'",
				"a STRING timestamp column (%s) needs TIMESTAMP_FORMAT", col.Name)
		}
	default:
		return invalid(p.At, "", "the TIMESTAMP column %s must be BIGINT, TIMESTAMP or STRING, not %s", col.Name, col.Type)
	}
	src.Timestamp, src.TimestampFormat = col.Name, tsFormat
	return nil
}

// checkCodecs makes sure the formats can hold the columns.
func checkCodecs(src *Source, at ast.Pos) error {
	if _, err := src.KeyCodec(); err != nil {
		hint := ""
		if src.KeyFormat == format.Kafka && len(src.Key()) > 1 {
			hint = "a key of several columns needs WITH (KEY_FORMAT='JSON')"
			return invalid(at, hint, "The 'KAFKA' format only supports a single field. Got: %s", schemaList(src.Key()))
		}
		return wrapFormatError(err, at)
	}
	if _, err := src.ValueCodec(); err != nil {
		return wrapFormatError(err, at)
	}
	return nil
}

func wrapFormatError(err error, at ast.Pos) error {
	if errors.Is(err, format.ErrUnsupported) {
		return newError(ErrUnsupported, at, "", "%v", err)
	}
	return invalid(at, "", "%v", err)
}

func schemaList(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "`" + c.Name + "` " + c.Type.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
