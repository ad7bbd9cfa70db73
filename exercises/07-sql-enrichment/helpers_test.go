package enrichment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/sqltest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// file is the learner's SQL file.
const file = "enrichment.sql"

// t0 is the time of the first record of every test: 2024-01-01 00:00 UTC,
// the start of a 30-second window.
var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// at returns the timestamp d after t0, in milliseconds.
func at(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

// script is enrichment.sql, parsed.
type script struct {
	src   string
	stmts []ast.Statement
}

// readScript parses enrichment.sql; a syntax error fails the test with the
// parser's message, under the TODO whose statement it is in.
func readScript(t *testing.T) *script {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	src := string(b)
	stmts, err := parser.Parse(src)
	if err != nil {
		var pe *parser.Error
		todo := "7.1 or 7.2"
		caret := ""
		if errors.As(err, &pe) {
			todo = todoAt(src, pe.Pos.Line)
			if c := pe.Caret(); c != "" {
				caret = "\n\n" + indent(c)
			}
		}
		t.Fatalf("%s does not parse:\n%s%s\nTODO %s: fix the statement there; the hint says how.", file, indent(err.Error()), caret, todo)
	}
	return &script{src: src, stmts: stmts}
}

// todoAt tells which TODO a line of the file belongs to: the text from the
// "TODO 7.2" comment on is 7.2's.
func todoAt(src string, line int) string {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "TODO 7.2") {
			if line > i {
				return "7.2"
			}
			return "7.1"
		}
	}
	return "7.1"
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// sources are the file's CREATE STREAM/TABLE statements over topics.
func (s *script) sources() []ast.Statement {
	var out []ast.Statement
	for _, st := range s.stmts {
		if _, ok := st.(*ast.CreateSource); ok {
			out = append(out, st)
		}
	}
	return out
}

// query returns the CREATE ... AS SELECT of the named sink, failing the
// test under todo when the file has none.
func (s *script) query(t *testing.T, name, kind, todo string) *ast.CreateAsSelect {
	t.Helper()
	var made []string
	for _, st := range s.stmts {
		if c, ok := st.(*ast.CreateAsSelect); ok {
			if c.Name.Name == name {
				return c
			}
			made = append(made, c.Kind.String()+" "+c.Name.Name)
		}
	}
	also := "it has no query yet"
	if len(made) > 0 {
		also = "it creates only " + strings.Join(made, ", ")
	}
	t.Fatalf("%s creates no %s %s (%s)\nTODO %s: write CREATE %s %s ... AS SELECT ...; in %s.",
		file, kind, name, also, todo, strings.ToUpper(kind), strings.ToLower(name), file)
	return nil
}

// env is an engine on the test driver, reading from the earliest offset.
type env struct {
	t  *testing.T
	e  *engine.Engine
	rt *sqltest.Runtime
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e, rt := sqltest.NewEngine(t)
	return &env{t: t, e: e, rt: rt}
}

// exec runs statements; a failure is the learner's when todo is set.
func (v *env) exec(todo string, stmts ...ast.Statement) {
	v.t.Helper()
	for _, s := range stmts {
		if _, err := v.e.ExecuteStatement(context.Background(), s); err != nil {
			where := ""
			if s.Pos().IsValid() {
				where = fmt.Sprintf(" (%s)", s.Pos())
			}
			if todo == "" {
				v.t.Fatalf("the suite's statement fails: %v\n%s", err, ast.String(s))
			}
			v.t.Fatalf("%s: the statement of TODO %s%s fails:\n%s\nTODO %s: fix it; the hint line says how.", file, todo, where, indent(err.Error()), todo)
		}
	}
}

// sql runs the suite's own statements.
func (v *env) sql(script string) {
	v.t.Helper()
	stmts, err := parser.Parse(script)
	if err != nil {
		v.t.Fatalf("the suite's SQL does not parse: %v", err)
	}
	v.exec("", stmts...)
}

// customer writes a customer to the customers topic, as the customer
// service does: key = id (8 bytes), value = domain.Customer as JSON.
func (v *env) customer(c domain.Customer, ts int64) {
	v.t.Helper()
	topic := domain.CustomersTopic()
	key, err := topic.KeySerde().Serialize(c.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	value, err := topic.ValueSerde().Serialize(c)
	if err != nil {
		v.t.Fatal(err)
	}
	v.produce(engine.Record{Topic: topic.Name(), Key: key, Value: value, Timestamp: ts})
}

// order writes an order to the orders topic, as the orders service does:
// key = order id, value = domain.Order as JSON.
func (v *env) order(o domain.Order, ts int64) {
	v.t.Helper()
	topic := domain.OrdersTopic()
	key, err := topic.KeySerde().Serialize(o.ID)
	if err != nil {
		v.t.Fatal(err)
	}
	value, err := topic.ValueSerde().Serialize(o)
	if err != nil {
		v.t.Fatal(err)
	}
	v.produce(engine.Record{Topic: topic.Name(), Key: key, Value: value, Timestamp: ts})
}

func (v *env) produce(r engine.Record) {
	v.t.Helper()
	if err := v.rt.Produce(context.Background(), r); err != nil {
		v.t.Fatalf("produce to %s: %v", r.Topic, err)
	}
}

// source returns a stream or table of the catalogue.
func (v *env) source(name string) *catalog.Source {
	v.t.Helper()
	src, ok := v.e.Catalog().Source(name)
	if !ok {
		v.t.Fatalf("%s does not exist after running %s", name, file)
	}
	return src
}

// query returns the analyzed query that writes a source.
func (v *env) query(name string) *catalog.Query {
	v.t.Helper()
	for _, q := range v.e.Catalog().Queries() {
		if q.Sink == name {
			return q.Query
		}
	}
	v.t.Fatalf("no query writes %s", name)
	return nil
}

// row is one output record: its columns by name, with ROWTIME, and
// WINDOWSTART and WINDOWEND for a windowed key. A tombstone has only the
// key columns and Tombstone set.
type row struct {
	cols      map[string]any
	tombstone bool
}

// String shows a row as NAME=value pairs in a stable order.
func (r row) String() string {
	names := make([]string, 0, len(r.cols))
	for n := range r.cols {
		if n != "ROWTIME" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names)+1)
	for _, n := range names {
		v := literal(r.cols[n])
		if ms, ok := r.cols[n].(int64); ok && (n == "WINDOWSTART" || n == "WINDOWEND") {
			v = (time.Duration(ms-at(0)) * time.Millisecond).String() // relative to t0, as the messages say
		}
		parts = append(parts, n+"="+v)
	}
	if r.tombstone {
		parts = append(parts, "(a tombstone)")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return types.Literal(x)
	}
	return types.Format(v)
}

// needColumns fails the test when ORDERS_ENRICHED lacks a column the test
// reads, with the message that says so.
func (v *env) needColumns(names ...string) {
	v.t.Helper()
	src := v.source("ORDERS_ENRICHED")
	for _, n := range names {
		if _, ok := src.Column(n); !ok {
			v.t.Fatalf("ORDERS_ENRICHED has no %s column: did 7.1 project it?\nIts columns: %s\nTODO 7.1: select %s (qualify it with its source, as in customers_table.%s, if both sides have one).",
				n, src.Schema(), strings.ToLower(n), strings.ToLower(n))
		}
	}
}

func showRows(rs []row) string {
	if len(rs) == 0 {
		return "nothing"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// reader reads a source's records in order.
type reader struct {
	v    *env
	src  *catalog.Source
	read int
}

func (v *env) reader(name string) *reader { return &reader{v: v, src: v.source(name)} }

// next returns the records written since the last call.
func (r *reader) next() []row {
	r.v.t.Helper()
	recs := r.v.rt.Records(r.src.Topic)
	var out []row
	ks, err := plan.KeySerde(r.src)
	if err != nil {
		r.v.t.Fatal(err)
	}
	vs, err := plan.ValueSerde(r.src)
	if err != nil {
		r.v.t.Fatal(err)
	}
	for _, rec := range recs[r.read:] {
		cols := map[string]any{"ROWTIME": rec.Timestamp}
		var key plan.Row
		if rec.Key != nil {
			if key, err = ks.Deserialize(rec.Key); err != nil {
				r.v.t.Fatalf("read the key of a record of %s: %v", r.src.Name, err)
			}
		}
		keyCols := r.src.Key()
		if r.src.Window != nil && len(key) == len(keyCols)+2 {
			cols["WINDOWSTART"], cols["WINDOWEND"] = key[len(keyCols)], key[len(keyCols)+1]
		}
		for i, c := range keyCols {
			if i < len(key) {
				cols[c.Name] = key[i]
			}
		}
		out1 := row{cols: cols, tombstone: rec.Value == nil}
		if rec.Value != nil {
			value, err := vs.Deserialize(rec.Value)
			if err != nil {
				r.v.t.Fatalf("read the value of a record of %s: %v", r.src.Name, err)
			}
			for i, c := range r.src.Value() {
				if i < len(value) {
					cols[c.Name] = value[i]
				}
			}
		}
		out = append(out, out1)
	}
	r.read = len(recs)
	return out
}

// customers of the tests.
var (
	ada = domain.Customer{ID: 1, FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Address: "12 St James's Square", Level: domain.LevelGold}
	bob = domain.Customer{ID: 2, FirstName: "Bob", LastName: "Babbage", Email: "bob@example.com", Address: "1 Dorset Street", Level: domain.LevelBronze}
)

// order returns a CREATED order.
func order(id string, customer int64, product domain.Product, quantity int32, price float64) domain.Order {
	return domain.Order{ID: id, CustomerID: customer, State: domain.Created, Product: product, Quantity: quantity, Price: price}
}
