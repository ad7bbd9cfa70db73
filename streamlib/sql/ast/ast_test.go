package ast_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

func col(name string) *ast.ColumnRef { return &ast.ColumnRef{Name: ast.NewIdent(name)} }

func TestQuoteIdent(t *testing.T) {
	tests := map[string]string{
		"ORDERS": "ORDERS", "orders": "`orders`", "SELECT": "`SELECT`", "KEY": "KEY",
		"A B": "`A B`", "a`b": "`a``b`", "_X1@": "_X1@", "1ABC": "`1ABC`",
	}
	for in, want := range tests {
		require.Equal(t, want, ast.QuoteIdent(in), in)
	}
}

// TestPrintAddsParentheses checks trees built by code, which may nest in
// ways the parser never produces.
func TestPrintAddsParentheses(t *testing.T) {
	a, b, c := col("A"), col("B"), col("C")
	tests := []struct {
		e    ast.Expr
		want string
	}{
		{&ast.Binary{Op: ast.Mul, L: &ast.Binary{Op: ast.Add, L: a, R: b}, R: c}, "(A + B) * C"},
		{&ast.Binary{Op: ast.Sub, L: a, R: &ast.Binary{Op: ast.Sub, L: b, R: c}}, "A - (B - C)"},
		{&ast.Binary{Op: ast.Sub, L: &ast.Binary{Op: ast.Sub, L: a, R: b}, R: c}, "A - B - C"},
		{&ast.Binary{Op: ast.Eq, L: &ast.Binary{Op: ast.Eq, L: a, R: b}, R: c}, "(A = B) = C"},
		{&ast.Unary{Op: ast.Not, X: &ast.Binary{Op: ast.And, L: a, R: b}}, "NOT (A AND B)"},
		{&ast.Unary{Op: ast.Neg, X: &ast.Unary{Op: ast.Neg, X: a}}, "-(-A)"},
		{&ast.Unary{Op: ast.Neg, X: &ast.IntLit{Value: -1}}, "-(-1)"},
		{&ast.Subscript{X: &ast.Binary{Op: ast.Add, L: a, R: b}, Index: &ast.IntLit{Value: 1}}, "(A + B)[1]"},
		{&ast.Between{X: a, Low: b, High: &ast.Binary{Op: ast.And, L: b, R: c}}, "A BETWEEN B AND (B AND C)"},
		{&ast.IsNull{X: &ast.Binary{Op: ast.Eq, L: a, R: b}, Not: true}, "(A = B) IS NOT NULL"},
		{&ast.DoubleLit{Value: 1500}, "1.5E3"},
		{&ast.StringLit{Value: "it's"}, "'it''s'"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ast.String(tt.e))
	}
}

func TestWalkRewriteEqual(t *testing.T) {
	e := &ast.Binary{Op: ast.Add, L: col("A"), R: &ast.Call{Name: ast.NewIdent("ABS"), Args: []ast.Expr{col("B")}}}
	var seen []string
	ast.Walk(e, func(x ast.Expr) bool {
		seen = append(seen, ast.String(x))
		return true
	})
	require.Equal(t, []string{"A + ABS(B)", "A", "ABS(B)", "B"}, seen)

	out := ast.Rewrite(e, func(x ast.Expr) (ast.Expr, bool) {
		if r, ok := x.(*ast.ColumnRef); ok {
			return &ast.ColumnRef{Source: ast.NewIdent("T"), Name: r.Name}, true
		}
		return nil, false
	})
	require.Equal(t, "T.A + ABS(T.B)", ast.String(out))
	require.Equal(t, "A + ABS(B)", ast.String(e), "the original is unchanged")

	at := &ast.ColumnRef{Loc: ast.Loc{At: ast.Pos{Line: 3, Col: 4}}, Name: ast.NewIdent("A")}
	require.True(t, ast.Equal(col("A"), at), "positions do not matter")
	require.False(t, ast.Equal(col("A"), col("B")))
	require.True(t, ast.Equal(nil, nil))
}

func TestDuration(t *testing.T) {
	require.Equal(t, "1 SECOND", ast.Duration{Value: 1, Unit: ast.Seconds}.String())
	require.Equal(t, "30 SECONDS", ast.Duration{Value: 30, Unit: ast.Seconds}.String())
	require.Equal(t, int64(2*24*3600*1000), ast.Duration{Value: 2, Unit: ast.Days}.D().Milliseconds())
}
