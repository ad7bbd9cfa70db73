package serde_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

func roundTrip[T any](t *testing.T, s serde.Serde[T], v T, wantBytes []byte) {
	t.Helper()
	b, err := s.Serialize(v)
	require.NoError(t, err)
	if wantBytes != nil {
		require.Equal(t, wantBytes, b)
	}
	back, err := s.Deserialize(b)
	require.NoError(t, err)
	require.Equal(t, v, back)
}

func TestRoundTrips(t *testing.T) {
	roundTrip(t, serde.String(), "héllo", []byte("héllo"))
	roundTrip(t, serde.Bytes(), []byte{0, 1, 2}, []byte{0, 1, 2})
	// Big-endian, like Kafka's IntegerSerializer and LongSerializer.
	roundTrip(t, serde.Int32(), int32(-2), []byte{0xff, 0xff, 0xff, 0xfe})
	roundTrip(t, serde.Int64(), int64(258), []byte{0, 0, 0, 0, 0, 0, 1, 2})
	roundTrip(t, serde.Int(), 42, nil)
	roundTrip(t, serde.Float64(), math.Pi, nil)
	type order struct {
		ID  string `json:"id"`
		Qty int    `json:"qty"`
	}
	roundTrip(t, serde.JSON[order](), order{ID: "1", Qty: 3}, []byte(`{"id":"1","qty":3}`))
}

func TestWrongSizes(t *testing.T) {
	_, err := serde.Int64().Deserialize([]byte{1, 2, 3})
	require.ErrorIs(t, err, serde.ErrSize)
	_, err = serde.Int32().Deserialize(nil)
	require.ErrorIs(t, err, serde.ErrSize)
	_, err = serde.Float64().Deserialize([]byte{1})
	require.ErrorIs(t, err, serde.ErrSize)
	_, err = serde.JSON[map[string]int]().Deserialize([]byte("{not json"))
	require.ErrorContains(t, err, "json decode")
}

func TestFor(t *testing.T) {
	require.IsType(t, serde.String(), serde.For[string]())
	require.IsType(t, serde.Int64(), serde.For[int64]())
	require.IsType(t, serde.Int32(), serde.For[int32]())
	require.IsType(t, serde.Float64(), serde.For[float64]())
	require.IsType(t, serde.Bytes(), serde.For[[]byte]())
	require.IsType(t, serde.JSON[struct{ A int }](), serde.For[struct{ A int }]())
}

func TestErrorNamesTheRecord(t *testing.T) {
	cause := errors.New("bad bytes")
	err := error(&serde.Error{Topic: "orders", Partition: 2, Offset: 17, Side: serde.ValueSide, Err: cause})
	require.EqualError(t, err, "serde: cannot read value of record orders/2@17: bad bytes")
	require.ErrorIs(t, err, cause)
}
