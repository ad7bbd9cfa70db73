package store

import (
	"encoding/binary"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// ValueAndTimestamp is a value together with the timestamp of the record
// that last changed it. Table and aggregate stores keep it so that results
// carry the right output timestamp.
type ValueAndTimestamp[V any] struct {
	Value     V
	Timestamp int64
}

// ValueAndTimestampSerde serializes a ValueAndTimestamp as the 8-byte
// big-endian timestamp followed by the inner serde's bytes.
func ValueAndTimestampSerde[V any](inner serde.Serde[V]) serde.Serde[ValueAndTimestamp[V]] {
	return vatSerde[V]{inner: inner}
}

type vatSerde[V any] struct{ inner serde.Serde[V] }

func (s vatSerde[V]) Serialize(v ValueAndTimestamp[V]) ([]byte, error) {
	b, err := s.inner.Serialize(v.Value)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 8, 8+len(b))
	binary.BigEndian.PutUint64(out, uint64(v.Timestamp))
	return append(out, b...), nil
}

func (s vatSerde[V]) Deserialize(data []byte) (ValueAndTimestamp[V], error) {
	if len(data) < 8 {
		return ValueAndTimestamp[V]{}, fmt.Errorf("value with timestamp needs at least 8 bytes, got %d: %w", len(data), serde.ErrSize)
	}
	v, err := s.inner.Deserialize(data[8:])
	return ValueAndTimestamp[V]{Value: v, Timestamp: int64(binary.BigEndian.Uint64(data))}, err
}
