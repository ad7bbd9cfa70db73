package format_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

var cmpValues = cmp.Comparer(func(a, b types.Dec) bool { return a.Equal(b) })

func TestParse(t *testing.T) {
	f, err := format.Parse("json")
	require.NoError(t, err)
	require.Equal(t, format.JSON, f)
	f, err = format.Parse("Avro")
	require.NoError(t, err)
	require.False(t, f.Supported())
	_, err = format.Parse("JSOM")
	require.ErrorContains(t, err, "did you mean JSON?")
}

func TestJSONValueRoundTrip(t *testing.T) {
	st := types.Struct(types.Field{Name: "STREET", Type: types.String}, types.Field{Name: "zip", Type: types.Integer})
	cols := []types.Field{
		{Name: "ID", Type: types.Bigint},
		{Name: "NAME", Type: types.String},
		{Name: "PRICE", Type: types.Double},
		{Name: "QTY", Type: types.Integer},
		{Name: "OK", Type: types.Boolean},
		{Name: "AMOUNT", Type: types.Decimal(6, 2)},
		{Name: "TS", Type: types.Timestamp},
		{Name: "TAGS", Type: types.Array(types.String)},
		{Name: "ATTRS", Type: types.Map(types.String, types.Bigint)},
		{Name: "ADDR", Type: st},
		{Name: "MISSING", Type: types.String},
	}
	c, err := format.NewValueCodec(format.JSON, cols, format.Options{})
	require.NoError(t, err)
	row := []any{int64(1), "Ada \"A\" <3>", 9.0, int32(2), true, types.NewDec(1250, 2),
		time.UnixMilli(1594049400000).UTC(), []any{"a", nil}, map[string]any{"b": int64(2), "a": int64(1)},
		map[string]any{"STREET": "Main", "zip": int32(123)}, nil}
	b, err := c.Encode(row)
	require.NoError(t, err)
	require.Equal(t, `{"ID":1,"NAME":"Ada \"A\" <3>","PRICE":9.0,"QTY":2,"OK":true,"AMOUNT":12.50,"TS":1594049400000,`+
		`"TAGS":["a",null],"ATTRS":{"a":1,"b":2},"ADDR":{"STREET":"Main","zip":123},"MISSING":null}`, string(b))
	got, err := c.Decode(b)
	require.NoError(t, err)
	if diff := cmp.Diff(row, got, cmpValues); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}

func TestJSONValueReadsLeniently(t *testing.T) {
	cols := []types.Field{
		{Name: "CUSTOMERID", Type: types.Bigint},
		{Name: "FIRSTNAME", Type: types.String},
		{Name: "PRICE", Type: types.Double},
		{Name: "QTY", Type: types.Integer},
		{Name: "CODE", Type: types.String},
		{Name: "ACTIVE", Type: types.Boolean},
	}
	c, err := format.NewValueCodec(format.JSON, cols, format.Options{})
	require.NoError(t, err)
	got, err := c.Decode([]byte(`{"customerId": 7, "firstName": "Ada", "price": "9.5", "qty": 2.9, "code": 42, "active": "true", "extra": [1]}`))
	require.NoError(t, err)
	require.Equal(t, []any{int64(7), "Ada", 9.5, int32(2), "42", true}, got)

	_, err = c.Decode([]byte(`[1, 2]`))
	require.ErrorContains(t, err, "expected a JSON object")
	_, err = c.Decode([]byte(`{"QTY": 3000000000}`))
	require.ErrorContains(t, err, "out of range for INTEGER")
	_, err = c.Decode([]byte(`{"ACTIVE": 1}`))
	require.ErrorContains(t, err, "column ACTIVE: cannot read a number as BOOLEAN")
	_, err = c.Decode([]byte(`{`))
	require.ErrorContains(t, err, "invalid JSON")

	row, err := c.Decode(nil)
	require.NoError(t, err)
	require.Nil(t, row, "nil bytes are a tombstone")
	b, err := c.Encode(nil)
	require.NoError(t, err)
	require.Nil(t, b)
}

func TestJSONDoubles(t *testing.T) {
	c, err := format.NewValueCodec(format.JSON, []types.Field{{Name: "D", Type: types.Double}}, format.Options{Unwrapped: true})
	require.NoError(t, err)
	for f, want := range map[float64]string{1: "1.0", 1e21: "1.0E21", -0.5: "-0.5", math.Inf(1): `"Infinity"`} {
		b, err := c.Encode([]any{f})
		require.NoError(t, err)
		require.Equal(t, want, string(b))
		back, err := c.Decode(b)
		require.NoError(t, err)
		require.Equal(t, []any{f}, back)
	}
}

func TestKeys(t *testing.T) {
	one := []types.Field{{Name: "ID", Type: types.Bigint}}
	two := []types.Field{{Name: "CUSTOMERID", Type: types.Bigint}, {Name: "LASTNAME", Type: types.String}}

	k, err := format.NewKeyCodec(format.Kafka, one)
	require.NoError(t, err)
	b, err := k.Encode([]any{int64(258)})
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 1, 2}, b)
	back, err := k.Decode(b)
	require.NoError(t, err)
	require.Equal(t, []any{int64(258)}, back)
	_, err = k.Decode([]byte{1, 2})
	require.ErrorContains(t, err, "8 bytes, got 2")

	_, err = format.NewKeyCodec(format.Kafka, two)
	require.ErrorContains(t, err, "the 'KAFKA' format only supports a single field. Got: [`CUSTOMERID` BIGINT, `LASTNAME` STRING]")

	k, err = format.NewKeyCodec(format.JSON, one)
	require.NoError(t, err)
	b, err = k.Encode([]any{int64(7)})
	require.NoError(t, err)
	require.Equal(t, "7", string(b), "a one-column JSON key is not wrapped")

	k, err = format.NewKeyCodec(format.JSON, two)
	require.NoError(t, err)
	b, err = k.Encode([]any{int64(7), "Lovelace"})
	require.NoError(t, err)
	require.Equal(t, `{"CUSTOMERID":7,"LASTNAME":"Lovelace"}`, string(b))

	k, err = format.NewKeyCodec(format.Kafka, nil)
	require.NoError(t, err)
	b, err = k.Encode([]any{})
	require.NoError(t, err)
	require.Nil(t, b)

	for _, typ := range []types.Type{types.Integer, types.Double, types.String} {
		k, err := format.NewKeyCodec(format.Kafka, []types.Field{{Name: "K", Type: typ}})
		require.NoError(t, err)
		v := map[types.Kind]any{types.KindInteger: int32(-5), types.KindDouble: 2.5, types.KindString: "héllo"}[typ.Kind]
		b, err := k.Encode([]any{v})
		require.NoError(t, err)
		back, err := k.Decode(b)
		require.NoError(t, err)
		require.Equal(t, []any{v}, back)
	}
	_, err = format.NewKeyCodec(format.Kafka, []types.Field{{Name: "K", Type: types.Boolean}})
	require.ErrorIs(t, err, format.ErrUnsupported)
	_, err = format.NewKeyCodec(format.Avro, one)
	require.ErrorIs(t, err, format.ErrUnsupported)
}

func TestDelimited(t *testing.T) {
	cols := []types.Field{{Name: "NAME", Type: types.String}, {Name: "N", Type: types.Integer}, {Name: "D", Type: types.Double}}
	c, err := format.NewValueCodec(format.Delimited, cols, format.Options{})
	require.NoError(t, err)
	b, err := c.Encode([]any{"a,b", nil, 0.5})
	require.NoError(t, err)
	require.Equal(t, `"a,b",,0.5`, string(b))
	row, err := c.Decode(b)
	require.NoError(t, err)
	require.Equal(t, []any{"a,b", nil, 0.5}, row)
	_, err = c.Decode([]byte("x,1"))
	require.ErrorContains(t, err, "2 fields, expected 3")

	c, err = format.NewValueCodec(format.Delimited, cols, format.Options{Delimiter: '|'})
	require.NoError(t, err)
	row, err = c.Decode([]byte("zero|0|0.0"))
	require.NoError(t, err)
	require.Equal(t, []any{"zero", int32(0), 0.0}, row)

	_, err = format.NewValueCodec(format.Delimited, []types.Field{{Name: "A", Type: types.Array(types.String)}}, format.Options{})
	require.ErrorIs(t, err, format.ErrUnsupported)
}

func TestUnwrappedValue(t *testing.T) {
	_, err := format.NewValueCodec(format.JSON, []types.Field{{Name: "A", Type: types.String}, {Name: "B", Type: types.String}}, format.Options{Unwrapped: true})
	require.ErrorContains(t, err, "exactly one value column")
	c, err := format.NewValueCodec(format.JSON, []types.Field{{Name: "A", Type: types.String}}, format.Options{Unwrapped: true})
	require.NoError(t, err)
	b, err := c.Encode([]any{"x"})
	require.NoError(t, err)
	require.Equal(t, `"x"`, string(b))
}

func TestWindowedKeys(t *testing.T) {
	k := format.TimeWindowedKey([]byte("k"), 30000)
	key, start, err := format.SplitTimeWindowedKey(k)
	require.NoError(t, err)
	require.Equal(t, "k", string(key))
	require.Equal(t, int64(30000), start)

	s := format.SessionWindowedKey([]byte("k"), 10, 20)
	require.Equal(t, []byte{'k', 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 10}, s, "end comes before start")
	key, start, end, err := format.SplitSessionWindowedKey(s)
	require.NoError(t, err)
	require.Equal(t, "k", string(key))
	require.Equal(t, []int64{10, 20}, []int64{start, end})
	_, _, err = format.SplitTimeWindowedKey([]byte{1})
	require.Error(t, err)
}

func TestDecodeJSONAccumulator(t *testing.T) {
	acc := types.Struct(types.Field{Name: "SUM", Type: types.Double}, types.Field{Name: "COUNT", Type: types.Bigint})
	b, err := format.AppendJSON(nil, acc, map[string]any{"SUM": 3.0, "COUNT": int64(2)})
	require.NoError(t, err)
	require.Equal(t, `{"SUM":3.0,"COUNT":2}`, string(b))
	v, err := format.DecodeJSON(acc, b)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"SUM": 3.0, "COUNT": int64(2)}, v)
	_, err = format.AppendJSON(nil, types.Bigint, "x")
	require.Error(t, err)
}
