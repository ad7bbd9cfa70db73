package plan_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func TestRowEncodingEdgeCases(t *testing.T) {
	d, err := types.ParseDec("-0.001")
	require.NoError(t, err)
	in := plan.Row{
		"quote \" backslash \\ slash / tab \t newline \n unicode é 😀 \u0001",
		"", int32(math.MinInt32), int64(math.MaxInt64), -1.5e-300, math.Inf(1), math.Inf(-1), d,
		time.UnixMilli(-1000).UTC(),
		[]any{}, []any{[]any{int32(1), nil}, "x"},
		map[string]any{}, map[string]any{"a\"b": map[string]any{"n": []any{true, false}}},
	}
	b, err := plan.RowSerde().Serialize(in)
	require.NoError(t, err)
	out, err := plan.RowSerde().Deserialize(b)
	require.NoError(t, err)
	require.Len(t, out, len(in))
	for i := range in {
		require.Equal(t, in[i], out[i], "column %d of %s", i, b)
	}
	nan, err := plan.RowSerde().Serialize(plan.Row{math.NaN()})
	require.NoError(t, err)
	back, err := plan.RowSerde().Deserialize(nan)
	require.NoError(t, err)
	require.True(t, math.IsNaN(back[0].(float64)))

	null, err := plan.RowSerde().Serialize(nil)
	require.NoError(t, err)
	back, err = plan.RowSerde().Deserialize(null)
	require.NoError(t, err)
	require.Nil(t, back)
}

func TestRowDecodingRejectsGarbage(t *testing.T) {
	for _, bad := range []string{``, `[`, `[1]`, `{"l":1}`, `[{"l":1`, `[{"x":1}]`, `[{"l":1,"i":2}]`, `["a"]x`, `[{"a":[1}]`, `[tru]`} {
		_, err := plan.RowSerde().Deserialize([]byte(bad))
		require.Error(t, err, "%q", bad)
	}
}

// FuzzRowDecode feeds the decoder arbitrary bytes: it must return an
// error or a row that encodes back to an equal row, and never panic.
func FuzzRowDecode(f *testing.F) {
	for _, seed := range []string{`[null,true,"s",{"i":1},{"l":-2},{"d":1.5},{"D":"1.50"},{"t":0},{"a":[{"l":1}]},{"m":{"k":"v"}}]`, `null`, `[]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := plan.RowSerde().Deserialize(data)
		if err != nil {
			return
		}
		b, err := plan.RowSerde().Serialize(r)
		if err != nil {
			t.Fatalf("a decoded row does not encode: %v", err)
		}
		again, err := plan.RowSerde().Deserialize(b)
		if err != nil {
			t.Fatalf("%s decodes to a row whose encoding %s does not decode: %v", data, b, err)
		}
		require.Equal(t, len(r), len(again))
	})
}
