package expr_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// testScope is the row every expression in testdata/eval.txt sees.
func testScope() (*expr.Scope, expr.Row) {
	st := types.Struct(types.Field{Name: "X", Type: types.Integer}, types.Field{Name: "Y", Type: types.String})
	cols := []struct {
		src, name string
		t         types.Type
		v         any
	}{
		{"O", "I", types.Integer, int32(5)},
		{"O", "B", types.Bigint, int64(10)},
		{"O", "D", types.Double, 2.5},
		{"O", "S", types.String, "Hello"},
		{"O", "N", types.String, nil},
		{"O", "NI", types.Integer, nil},
		{"O", "T", types.Boolean, true},
		{"O", "F", types.Boolean, false},
		{"O", "NB", types.Boolean, nil},
		{"O", "DEC", types.Decimal(4, 2), types.NewDec(125, 2)},
		{"O", "ARR", types.Array(types.Integer), []any{int32(1), int32(2), int32(3)}},
		{"O", "M", types.Map(types.String, types.Bigint), map[string]any{"a": int64(1)}},
		{"O", "ST", st, map[string]any{"X": int32(1), "Y": "y"}},
		{"O", "TS", types.Timestamp, time.UnixMilli(1594049400000).UTC()},
		{"O", "ID", types.Bigint, int64(1)},
		{"C", "ID", types.Bigint, int64(2)},
		{"", "ROWTIME", types.Bigint, int64(1000)},
	}
	s := &expr.Scope{}
	row := make(expr.Row, len(cols))
	for i, c := range cols {
		s.Columns = append(s.Columns, expr.Column{Source: c.src, Name: c.name, Type: c.t})
		row[i] = c.v
	}
	return s, row
}

// TestEval runs testdata/eval.txt (rewrite it with -update): each case is an expression over the
// row of testScope, and prints its type and value as a SQL literal, a
// compile error, or a processing error.
func TestEval(t *testing.T) {
	scope, row := testScope()
	datadriven.RunTest(t, "testdata/eval.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "eval" {
			t.Fatalf("unknown command %q", d.Cmd)
		}
		e, err := parser.ParseExpr(d.Input)
		require.NoError(t, err)
		c, err := expr.Compile(e, scope)
		if err != nil {
			require.True(t, errors.Is(err, expr.ErrInvalid), "compile errors wrap ErrInvalid")
			return "error: " + err.Error() + "\n"
		}
		v, err := c.Eval(row)
		if err != nil {
			return "processing error: " + err.Error() + "\n"
		}
		if c.Type().IsValid() {
			require.NoError(t, types.Check(c.Type(), v), "value %v does not match type %s", v, c.Type())
		}
		return fmt.Sprintf("%s: %s\n", typeName(c.Type()), types.Literal(v))
	})
}

func typeName(t types.Type) string {
	if !t.IsValid() {
		return "NULL"
	}
	return t.String()
}

func TestQualify(t *testing.T) {
	scope, _ := testScope()
	e, err := parser.ParseExpr("UCASE(s) || o.s || ROWTIME")
	require.NoError(t, err)
	q, err := expr.Qualify(e, scope)
	require.NoError(t, err)
	require.Equal(t, "UCASE(O.S) || O.S || ROWTIME", ast.String(q))
	other, err := parser.ParseExpr("UCASE(O.S) || S || rowtime")
	require.NoError(t, err)
	q2, err := expr.Qualify(other, scope)
	require.NoError(t, err)
	require.True(t, ast.Equal(q, q2))

	_, err = expr.Qualify(&ast.ColumnRef{Name: ast.NewIdent("ID")}, scope)
	require.ErrorContains(t, err, "ambiguous")
}

func TestBindings(t *testing.T) {
	// After GROUP BY S, the aggregation's output row holds the key and
	// COUNT(*); the SELECT expressions read them from their slots.
	key, _ := parser.ParseExpr("O.S")
	count, _ := parser.ParseExpr("COUNT(*)")
	scope := &expr.Scope{
		Columns:  []expr.Column{{Name: "KSQL_COL_0", Type: types.String}, {Name: "KSQL_AGG_0", Type: types.Bigint}},
		Bindings: []expr.Binding{{Expr: key, Slot: 0}, {Expr: count, Slot: 1}},
	}
	e, _ := parser.ParseExpr("LCASE(O.S) || ':' || CAST(COUNT(*) * 2 AS STRING)")
	c, err := expr.Compile(e, scope)
	require.NoError(t, err)
	v, err := c.Eval(expr.Row{"Hello", int64(21)})
	require.NoError(t, err)
	require.Equal(t, "hello:42", v)

	e, _ = parser.ParseExpr("SUM(O.B)")
	_, err = expr.Compile(e, scope)
	require.ErrorContains(t, err, "aggregate function SUM is not allowed here")
}

func TestEvalConstant(t *testing.T) {
	e, _ := parser.ParseExpr("CAST('2020-07-06T15:30:00' AS TIMESTAMP)")
	v, typ, err := expr.Eval(e)
	require.NoError(t, err)
	require.Equal(t, types.Timestamp, typ)
	require.Equal(t, time.Date(2020, 7, 6, 15, 30, 0, 0, time.UTC), v)
	e, _ = parser.ParseExpr("price")
	_, _, err = expr.Eval(e)
	require.ErrorContains(t, err, "cannot be resolved")
}

func TestFunctionsAreListed(t *testing.T) {
	fs := expr.Functions()
	require.Greater(t, len(fs), 40)
	info, ok := expr.LookupFunction("substring")
	require.True(t, ok)
	require.Equal(t, "SUBSTRING(str, pos [, len])", info.Usage)
	info, ok = expr.LookupFunction("COUNT")
	require.True(t, ok)
	require.True(t, info.Aggregate)
	require.True(t, expr.IsAggregate("latest_by_offset"))
	require.False(t, expr.IsAggregate("UCASE"))
}

func TestJavaLayout(t *testing.T) {
	tests := []struct{ java, goLayout string }{
		{"yyyy-MM-dd HH:mm:ss.SSS", "2006-01-02 15:04:05.000"},
		{"yyyy-MM-dd'T'HH:mm:ssX", "2006-01-02T15:04:05Z07"},
		{"dd/MMM/yy h:mm a", "02/Jan/06 3:04 PM"},
		{"EEEE 'o''clock' ''", "Monday o'clock '"},
	}
	for _, tt := range tests {
		got, err := expr.JavaLayout(tt.java)
		require.NoError(t, err, tt.java)
		require.Equal(t, tt.goLayout, got, tt.java)
	}
	_, err := expr.JavaLayout("yyyy QQ")
	require.ErrorContains(t, err, "'Q'")
}

// TestConcurrentEval shares compiled expressions between goroutines, as
// the tasks of a topology do; run with -race.
func TestConcurrentEval(t *testing.T) {
	scope, row := testScope()
	srcs := []string{"S LIKE 'H%'", "S LIKE CONCAT(SUBSTRING(S, 1, 1), '%')", "REGEXP_EXTRACT('l+', S)", "TIMESTAMPTOSTRING(ROWTIME, 'yyyy')"}
	var compiled []expr.Expr
	for _, s := range srcs {
		e, err := parser.ParseExpr(s)
		require.NoError(t, err)
		c, err := expr.Compile(e, scope)
		require.NoError(t, err)
		compiled = append(compiled, c)
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for n := 0; n < 200; n++ {
				for _, c := range compiled {
					if _, err := c.Eval(row); err != nil {
						done <- err
						return
					}
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		require.NoError(t, <-done)
	}
}
