package expr_test

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func aggregate(t *testing.T, name string, star bool, argTypes []types.Type, rows ...[]any) (expr.Aggregate, any) {
	t.Helper()
	a, err := expr.NewAggregate(name, star, argTypes, ast.Pos{})
	require.NoError(t, err)
	acc := a.Init()
	require.NoError(t, types.Check(a.AccumulatorType(), acc), "initial accumulator")
	for _, r := range rows {
		acc, err = a.Add(acc, r)
		require.NoError(t, err)
		require.NoError(t, types.Check(a.AccumulatorType(), acc), "accumulator after %v", r)
	}
	return a, acc
}

func TestAggregates(t *testing.T) {
	i := []types.Type{types.Integer}
	tests := []struct {
		name   string
		star   bool
		args   []types.Type
		rows   [][]any
		result any
		typ    types.Type
	}{
		{"COUNT", true, nil, [][]any{{}, {}, {}}, int64(3), types.Bigint},
		{"COUNT", false, i, [][]any{{int32(1)}, {nil}, {int32(3)}}, int64(2), types.Bigint},
		{"COUNT", false, i, nil, int64(0), types.Bigint},
		{"SUM", false, i, [][]any{{int32(1)}, {nil}, {int32(3)}}, int32(4), types.Integer},
		{"SUM", false, []types.Type{types.Double}, [][]any{{1.5}, {2.25}}, 3.75, types.Double},
		{"SUM", false, []types.Type{types.Decimal(4, 2)}, [][]any{{types.NewDec(150, 2)}, {types.NewDec(25, 2)}},
			types.NewDec(175, 2), types.Decimal(38, 2)},
		{"SUM", false, i, nil, int32(0), types.Integer},
		{"AVG", false, i, [][]any{{int32(1)}, {int32(2)}, {nil}}, 1.5, types.Double},
		{"AVG", false, i, nil, 0.0, types.Double},
		{"MIN", false, []types.Type{types.String}, [][]any{{"b"}, {nil}, {"a"}, {"c"}}, "a", types.String},
		{"MAX", false, i, [][]any{{int32(2)}, {int32(9)}, {nil}}, int32(9), types.Integer},
		{"MAX", false, i, [][]any{{nil}}, nil, types.Integer},
		{"LATEST_BY_OFFSET", false, i, [][]any{{int32(1)}, {int32(2)}, {nil}}, int32(2), types.Integer},
		{"LATEST_BY_OFFSET", false, []types.Type{types.Integer, types.Boolean},
			[][]any{{int32(1), false}, {nil, false}}, nil, types.Integer},
		{"EARLIEST_BY_OFFSET", false, i, [][]any{{nil}, {int32(7)}, {int32(8)}}, int32(7), types.Integer},
		{"EARLIEST_BY_OFFSET", false, []types.Type{types.Integer, types.Boolean},
			[][]any{{nil, false}, {int32(7), false}}, nil, types.Integer},
		{"COLLECT_LIST", false, i, [][]any{{int32(1)}, {int32(1)}, {nil}}, []any{int32(1), int32(1), nil}, types.Array(types.Integer)},
		{"COLLECT_SET", false, i, [][]any{{int32(1)}, {int32(2)}, {int32(1)}}, []any{int32(1), int32(2)}, types.Array(types.Integer)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, acc := aggregate(t, tt.name, tt.star, tt.args, tt.rows...)
			require.True(t, tt.typ.Equal(a.ResultType()), "result type %s", a.ResultType())
			got := a.Result(acc)
			require.True(t, types.Equal(tt.result, got), "got %s, want %s", types.Literal(got), types.Literal(tt.result))
			require.NoError(t, types.Check(a.ResultType(), got))
		})
	}
}

func TestAggregateErrors(t *testing.T) {
	_, err := expr.NewAggregate("SUM", false, []types.Type{types.String}, ast.Pos{Line: 1, Col: 8})
	require.ErrorContains(t, err, "line 1:8: SUM needs a number, got STRING")
	_, err = expr.NewAggregate("MAX", true, nil, ast.Pos{})
	require.ErrorContains(t, err, "only COUNT(*) takes *")
	_, err = expr.NewAggregate("UCASE", false, []types.Type{types.String}, ast.Pos{})
	require.ErrorContains(t, err, "not an aggregate")
	_, err = expr.NewAggregate("LATEST_BY_OFFSET", false, []types.Type{types.String, types.Integer}, ast.Pos{})
	require.ErrorContains(t, err, "ignoreNulls")
}

func TestUndoableAggregates(t *testing.T) {
	undoable := map[string]bool{"COUNT": true, "SUM": true, "AVG": true, "COLLECT_LIST": true}
	for _, name := range []string{"COUNT", "SUM", "AVG", "MIN", "MAX", "LATEST_BY_OFFSET", "EARLIEST_BY_OFFSET", "COLLECT_LIST", "COLLECT_SET"} {
		a, err := expr.NewAggregate(name, false, []types.Type{types.Bigint}, ast.Pos{})
		require.NoError(t, err)
		require.Equal(t, undoable[name], a.CanUndo(), name)
	}
}

// TestUndoProperty checks what a table aggregation relies on: after any
// sequence of adds, undoing a value that was added gives the accumulator
// of the other values (so counts and sums never drift, issue #6854).
func TestUndoProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"COUNT", "SUM", "AVG", "COLLECT_LIST"} {
		a, err := expr.NewAggregate(name, false, []types.Type{types.Bigint}, ast.Pos{})
		require.NoError(t, err)
		for round := 0; round < 200; round++ {
			n := rng.IntN(8)
			vals := make([]any, n)
			for i := range vals {
				if rng.IntN(4) == 0 {
					vals[i] = nil
				} else {
					vals[i] = rng.Int64N(100) - 50
				}
			}
			all := a.Init()
			for _, v := range vals {
				all, err = a.Add(all, []any{v})
				require.NoError(t, err)
			}
			if n == 0 {
				continue
			}
			k := rng.IntN(n)
			undone, err := a.Undo(all, []any{vals[k]})
			require.NoError(t, err)
			rest := a.Init()
			for i, v := range vals {
				if i != k {
					rest, err = a.Add(rest, []any{v})
					require.NoError(t, err)
				}
			}
			if name == "COLLECT_LIST" {
				// Undo removes the first equal value, so compare as
				// multisets.
				require.ElementsMatch(t, rest, undone, "%s of %v without element %d", name, vals, k)
				continue
			}
			if diff := cmp.Diff(rest, undone); diff != "" {
				t.Fatalf("%s of %v without element %d (-want +got):\n%s", name, vals, k, diff)
			}
		}
	}
}

func TestMergeSessions(t *testing.T) {
	i := []types.Type{types.Integer}
	cases := []struct {
		name        string
		left, right [][]any
		want        any
	}{
		{"COUNT", [][]any{{int32(1)}}, [][]any{{int32(1)}, {int32(2)}}, int64(3)},
		{"SUM", [][]any{{int32(1)}}, [][]any{{int32(2)}}, int32(3)},
		{"AVG", [][]any{{int32(1)}}, [][]any{{int32(2)}, {int32(6)}}, 3.0},
		{"MIN", [][]any{{int32(4)}}, [][]any{{int32(2)}}, int32(2)},
		{"LATEST_BY_OFFSET", [][]any{{int32(4)}}, [][]any{{int32(2)}}, int32(2)},
		{"LATEST_BY_OFFSET", [][]any{{int32(4)}}, nil, int32(4)},
		{"EARLIEST_BY_OFFSET", [][]any{{int32(4)}}, [][]any{{int32(2)}}, int32(4)},
		{"COLLECT_LIST", [][]any{{int32(4)}}, [][]any{{int32(2)}}, []any{int32(4), int32(2)}},
	}
	for _, c := range cases {
		a, l := aggregate(t, c.name, false, i, c.left...)
		_, r := aggregate(t, c.name, false, i, c.right...)
		m, err := a.Merge(l, r)
		require.NoError(t, err)
		require.True(t, types.Equal(c.want, a.Result(m)), "%s: got %s", c.name, types.Literal(a.Result(m)))
	}
}

func TestCollectListLimit(t *testing.T) {
	a, err := expr.NewAggregate("COLLECT_LIST", false, []types.Type{types.Integer}, ast.Pos{})
	require.NoError(t, err)
	acc := a.Init()
	for n := 0; n < expr.CollectListLimit+10; n++ {
		acc, err = a.Add(acc, []any{int32(n)})
		require.NoError(t, err)
	}
	require.Len(t, a.Result(acc), expr.CollectListLimit)
}
