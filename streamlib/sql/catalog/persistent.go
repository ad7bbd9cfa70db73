package catalog

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
)

// sinkProps are the WITH properties of CREATE ... AS SELECT.
var sinkProps = []string{
	"KAFKA_TOPIC", "VALUE_FORMAT", "KEY_FORMAT", "FORMAT", "PARTITIONS", "REPLICAS",
	"TIMESTAMP", "TIMESTAMP_FORMAT", "WRAP_SINGLE_VALUE", "VALUE_DELIMITER", "RETENTION_MS",
}

func (c *Catalog) analyzeCreateAsSelect(s *ast.CreateAsSelect, props Properties) (Analysis, error) {
	typ := sourceType(s.Kind)
	a := &CreateAsSelect{Stmt: s}
	if old, ok := c.sources[s.Name.Name]; ok {
		switch {
		case s.IfNotExists:
			a.Exists, a.Sink = true, old
			return a, nil
		case s.OrReplace:
			return nil, newError(ErrUnsupported, s.Name.Pos(), "TERMINATE its query, DROP it, and create it again",
				"CREATE OR REPLACE of an existing %s (%s) is not supported", strings.ToLower(old.Type.String()), old.Name)
		}
		return nil, newError(ErrExists, s.Name.Pos(), "choose another name, or DROP it first",
			"Cannot add %s '%s': A %s with the same name already exists",
			strings.ToLower(typ.String()), s.Name.Name, strings.ToLower(old.Type.String()))
	}
	w := with{s.Props}
	if err := w.check(sinkProps); err != nil {
		return nil, err
	}
	q, err := c.analyzeQuery(s.Query, true, s.Name.Name)
	if err != nil {
		return nil, err
	}
	if s.Query.Limit != nil {
		return nil, invalid(s.Query.Pos(), "remove LIMIT: a persistent query runs until TERMINATE",
			"CREATE %s AS SELECT statements don't support LIMIT clause.", typ)
	}
	if q.ResultType != typ {
		return nil, invalid(s.Pos(), "write CREATE "+q.ResultType.String()+" "+ast.QuoteIdent(s.Name.Name)+" AS SELECT ...",
			"Invalid result type. Your SELECT query produces a %s. Please use CREATE %s AS SELECT statement instead.", q.ResultType, q.ResultType)
	}
	prefix := "CSAS"
	if typ == Table {
		prefix = "CTAS"
	}
	id := c.nextQueryID(prefix, s.Name.Name)
	sink, err := c.sink(s.Name.Name, typ, q, w, props, s.Pos())
	if err != nil {
		return nil, err
	}
	sink.CreatedBy, sink.Statement = id, ast.String(s)
	sink.Materialized = typ == Table
	a.Sink, a.Query, a.QueryID = sink, q, id
	return a, nil
}

// sink builds the source a persistent query writes: the query's columns,
// the properties, and the defaults taken from the (leftmost) source.
func (c *Catalog) sink(name string, typ SourceType, q *Query, w with, props Properties, at ast.Pos) (*Source, error) {
	from := q.Sources[0].Source
	src := &Source{Name: name, Type: typ, Window: q.ResultWindow}
	src.Columns = append(q.KeyColumns(), q.ValueColumns()...)
	topic, ok, err := w.str("KAFKA_TOPIC")
	if err != nil {
		return nil, err
	}
	if !ok {
		topic = name
	}
	src.Topic = topic
	src.Partitions, src.Replicas = from.Partitions, from.Replicas
	if err := w.partitions(src); err != nil {
		return nil, err
	}
	if src.KeyFormat, src.ValueFormat, err = w.formats(props, from.KeyFormat, from.ValueFormat); err != nil {
		return nil, err
	}
	if src.KeyFormat == format.None && len(src.Key()) > 0 {
		src.KeyFormat = format.Kafka
	}
	if src.ValueOptions, err = w.valueOptions(len(src.Value())); err != nil {
		return nil, err
	}
	if _, given := w.get("VALUE_DELIMITER"); !given && src.ValueFormat == from.ValueFormat {
		src.ValueOptions.Delimiter = from.ValueOptions.Delimiter
	}
	if err := w.timestamp(src); err != nil {
		return nil, err
	}
	if _, err := src.KeyCodec(); err != nil {
		if src.KeyFormat == format.Kafka && len(src.Key()) > 1 {
			return nil, invalid(at, "a key of several columns needs another key format: add WITH (KEY_FORMAT='JSON')",
				"The 'KAFKA' format only supports a single field. Got: %s", schemaList(src.Key()))
		}
		return nil, wrapFormatError(err, at)
	}
	if _, err := src.ValueCodec(); err != nil {
		return nil, wrapFormatError(err, at)
	}
	return src, nil
}

func (c *Catalog) analyzeInsertInto(s *ast.InsertInto, props Properties) (Analysis, error) {
	target, err := c.lookup(s.Target)
	if err != nil {
		return nil, err
	}
	if target.Type != Stream {
		return nil, invalid(s.Target.Pos(), "", "INSERT INTO can only be used to insert into a stream. %s is a table.", target.Name)
	}
	if target.ReadOnly {
		return nil, invalid(s.Target.Pos(), "", "Cannot insert into read-only stream: %s", target.Name)
	}
	w := with{s.Props}
	if err := w.check([]string{"QUERY_ID"}); err != nil {
		return nil, err
	}
	q, err := c.analyzeQuery(s.Query, true, target.Name)
	if err != nil {
		return nil, err
	}
	for _, name := range q.SourceNames() {
		if name == target.Name {
			return nil, invalid(s.Target.Pos(), "write the results to another stream",
				"Cannot insert into %s: the query reads from it, so every result would be read again", target.Name)
		}
	}
	if s.Query.Limit != nil {
		return nil, invalid(s.Query.Pos(), "remove LIMIT", "INSERT INTO ... SELECT statements don't support LIMIT clause.")
	}
	if q.ResultType != Stream {
		return nil, invalid(s.Pos(), "", "INSERT INTO can only insert the results of a stream query; this query produces a %s", q.ResultType)
	}
	result := append(q.KeyColumns(), q.ValueColumns()...)
	if !sameColumns(result, target.Columns) {
		res := &Source{Type: Stream, Columns: result}
		return nil, invalid(s.Pos(), "select the target's columns, in order, with the same names and types",
			"Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s", res.Schema(), target.Schema())
	}
	id := c.nextQueryID("INSERTQUERY", "")
	if custom, ok, err := w.str("QUERY_ID"); err != nil {
		return nil, err
	} else if ok {
		id = QueryID(strings.ToUpper(custom))
		if _, taken := c.queries[id]; taken {
			p, _ := w.get("QUERY_ID")
			return nil, newError(ErrExists, p.At, "", "a query with id %s already exists", id)
		}
	}
	return &InsertInto{Stmt: s, Target: target, Query: q, QueryID: id}, nil
}

func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Key != b[i].Key || !a[i].Type.Equal(b[i].Type) {
			return false
		}
	}
	return true
}
