package types_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func TestTypeStringAndEqual(t *testing.T) {
	st := types.Struct(types.Field{Name: "ID", Type: types.Bigint}, types.Field{Name: "first name", Type: types.String})
	typ := types.Map(types.String, types.Array(st))
	require.Equal(t, "MAP<STRING, ARRAY<STRUCT<ID BIGINT, `first name` STRING>>>", typ.String())
	require.True(t, typ.Equal(types.Map(types.String, types.Array(st))))
	require.False(t, typ.Equal(types.Map(types.String, types.Array(types.String))))
	require.False(t, types.Decimal(4, 2).Equal(types.Decimal(4, 1)))
	require.NoError(t, typ.Validate())
	require.Error(t, types.Map(types.Integer, types.String).Validate())
	require.Error(t, types.Decimal(3, 4).Validate())
	require.Error(t, types.Struct(types.Field{Name: "A", Type: types.String}, types.Field{Name: "A", Type: types.String}).Validate())
	f, ok := st.Field("id")
	require.True(t, ok)
	require.Equal(t, "ID", f.Name)
}

func TestDec(t *testing.T) {
	tests := []struct {
		in    string
		out   string
		prec  int
		scale int
	}{
		{"1.50", "1.50", 3, 2},
		{"-0.5", "-0.5", 1, 1},
		{".5", "0.5", 1, 1},
		{"12", "12", 2, 0},
		{"1e3", "1000", 4, 0},
		{"1.5e-2", "0.015", 3, 3},
		{"0.001", "0.001", 3, 3},
	}
	for _, tt := range tests {
		d, err := types.ParseDec(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.out, d.String(), tt.in)
		require.Equal(t, tt.prec, d.Precision(), "precision of %s", tt.in)
		require.Equal(t, tt.scale, d.Scale(), "scale of %s", tt.in)
	}
	_, err := types.ParseDec("1.2.3")
	require.Error(t, err)

	a, b := types.NewDec(150, 2), types.NewDec(25, 1) // 1.50, 2.5
	require.Equal(t, "4.00", a.Add(b).String())
	require.Equal(t, "-1.00", a.Sub(b).String())
	require.Equal(t, "3.750", a.Mul(b).String())
	q, ok := a.Quo(b, 4)
	require.True(t, ok)
	require.Equal(t, "0.6000", q.String())
	_, ok = a.Quo(types.NewDec(0, 0), 2)
	require.False(t, ok)
	r, ok := types.NewDec(-75, 1).Rem(types.NewDec(2, 0))
	require.True(t, ok)
	require.Equal(t, "-1.5", r.String())
	require.True(t, types.NewDec(150, 2).Equal(types.NewDec(15, 1)))
	require.Equal(t, "1.3", types.NewDec(125, 2).Rescale(1).String(), "half away from zero")
	require.Equal(t, "-1.3", types.NewDec(-125, 2).Rescale(1).String(), "half away from zero")
	_, err = types.NewDec(12345, 0).Fit(4, 0)
	require.ErrorIs(t, err, types.ErrDecimalOverflow)
	d, err := types.DecFromFloat(2.675, 2)
	require.NoError(t, err)
	require.Equal(t, "2.67", d.String(), "the float 2.675 is slightly below 2.675")
}

func TestFormatDouble(t *testing.T) {
	tests := map[float64]string{
		1: "1.0", 2.5: "2.5", -0.25: "-0.25", 1e7: "1.0E7", 1.5e10: "1.5E10", 0.001: "0.001",
		0.0001: "1.0E-4", 0: "0.0", math.Inf(1): "Infinity", math.NaN(): "NaN", 123456.789: "123456.789",
	}
	for f, want := range tests {
		require.Equal(t, want, types.FormatDouble(f), "%v", f)
	}
}

func TestCast(t *testing.T) {
	tests := []struct {
		v        any
		from, to types.Type
		want     any
		err      bool
	}{
		{int32(7), types.Integer, types.Bigint, int64(7), false},
		{int64(1 << 40), types.Bigint, types.Integer, int32(0), false}, // wraps like Java
		{1e20, types.Double, types.Bigint, int64(math.MaxInt64), false},
		{math.NaN(), types.Double, types.Integer, int32(0), false},
		{-7.9, types.Double, types.Integer, int32(-7), false},
		{"12", types.String, types.Integer, int32(12), false},
		{"12.5", types.String, types.Decimal(4, 1), types.NewDec(125, 1), false},
		{"1.25", types.String, types.Decimal(4, 1), types.NewDec(13, 1), false},
		{"abc", types.String, types.Double, nil, true},
		{"YES", types.String, types.Boolean, true, false},
		{types.NewDec(-199, 2), types.Decimal(3, 2), types.Integer, int32(-1), false},
		{true, types.Boolean, types.String, "true", false},
		{"2020-07-06T15:30", types.String, types.Timestamp, time.Date(2020, 7, 6, 15, 30, 0, 0, time.UTC), false},
		{nil, types.String, types.Integer, nil, false},
		{map[string]any{"A": int32(1)}, types.Struct(types.Field{Name: "A", Type: types.Integer}),
			types.Struct(types.Field{Name: "A", Type: types.String}, types.Field{Name: "B", Type: types.String}),
			map[string]any{"A": "1", "B": nil}, false},
	}
	for _, tt := range tests {
		got, err := types.Cast(tt.v, tt.from, tt.to)
		if tt.err {
			require.Error(t, err, "%v to %s", tt.v, tt.to)
			continue
		}
		require.NoError(t, err, "%v to %s", tt.v, tt.to)
		require.True(t, types.Equal(tt.want, got), "%v to %s: got %v", tt.v, tt.to, got)
		require.NoError(t, types.Check(tt.to, got))
	}
	require.False(t, types.CanCast(types.Boolean, types.Integer))
	require.True(t, types.CanCast(types.Array(types.Integer), types.Array(types.String)))
}

func TestCompareAndEqual(t *testing.T) {
	c, err := types.Compare(int32(2), 1.5)
	require.NoError(t, err)
	require.Equal(t, 1, c)
	c, err = types.Compare(types.NewDec(15, 1), int64(2))
	require.NoError(t, err)
	require.Equal(t, -1, c)
	c, err = types.Compare(math.NaN(), 1.0)
	require.NoError(t, err)
	require.Equal(t, 1, c, "NaN sorts last, like Java")
	_, err = types.Compare("a", int32(1))
	require.Error(t, err)
	require.True(t, types.Equal([]any{int32(1), "x"}, []any{int64(1), "x"}))
	require.False(t, types.Equal(map[string]any{"a": nil}, map[string]any{"b": nil}))
}

func TestCheck(t *testing.T) {
	require.NoError(t, types.Check(types.Array(types.Bigint), []any{int64(1), nil}))
	require.Error(t, types.Check(types.Array(types.Bigint), []any{int32(1)}))
	require.Error(t, types.Check(types.Integer, int64(1)))
	require.NoError(t, types.Check(types.Integer, nil))
}

func TestLiteral(t *testing.T) {
	require.Equal(t, "'it''s'", types.Literal("it's"))
	require.Equal(t, "1.5E0", types.Literal(1.5))
	require.Equal(t, "NULL", types.Literal(nil))
	require.Equal(t, "ARRAY[1, 'a']", types.Literal([]any{int32(1), "a"}))
}
