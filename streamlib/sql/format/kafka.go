package format

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// kafkaCodec is the KAFKA format: one column written the way Kafka's own
// serializers do: INTEGER as 4 big-endian bytes, BIGINT and DOUBLE as 8,
// STRING as UTF-8.
type kafkaCodec struct {
	col types.Field
}

func newKafkaCodec(cols []types.Field) (Codec, error) {
	if len(cols) == 0 {
		return noneCodec{}, nil
	}
	if len(cols) > 1 {
		return nil, fmt.Errorf("the 'KAFKA' format only supports a single field. Got: %s", fieldList(cols))
	}
	switch cols[0].Type.Kind {
	case types.KindInteger, types.KindBigint, types.KindDouble, types.KindString:
	default:
		return nil, fmt.Errorf("%w: the 'KAFKA' format does not support type %s (column %s); use INTEGER, BIGINT, DOUBLE or STRING, or the JSON format",
			ErrUnsupported, cols[0].Type, cols[0].Name)
	}
	return kafkaCodec{col: cols[0]}, nil
}

func (c kafkaCodec) Encode(row []any) ([]byte, error) {
	if row == nil {
		return nil, nil
	}
	if len(row) != 1 {
		return nil, fmt.Errorf("row has %d values for 1 column", len(row))
	}
	if row[0] == nil {
		return nil, nil
	}
	if err := types.Check(c.col.Type, row[0]); err != nil {
		return nil, fmt.Errorf("column %s: %w", c.col.Name, err)
	}
	switch x := row[0].(type) {
	case int32:
		return binary.BigEndian.AppendUint32(nil, uint32(x)), nil
	case int64:
		return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
	case float64:
		return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), nil
	}
	return []byte(row[0].(string)), nil
}

func (c kafkaCodec) Decode(data []byte) ([]any, error) {
	if data == nil {
		return []any{nil}, nil
	}
	size := func(n int) error {
		if len(data) != n {
			return fmt.Errorf("column %s: a KAFKA %s has %d bytes, got %d", c.col.Name, c.col.Type, n, len(data))
		}
		return nil
	}
	switch c.col.Type.Kind {
	case types.KindInteger:
		if err := size(4); err != nil {
			return nil, err
		}
		return []any{int32(binary.BigEndian.Uint32(data))}, nil
	case types.KindBigint:
		if err := size(8); err != nil {
			return nil, err
		}
		return []any{int64(binary.BigEndian.Uint64(data))}, nil
	case types.KindDouble:
		if err := size(8); err != nil {
			return nil, err
		}
		return []any{math.Float64frombits(binary.BigEndian.Uint64(data))}, nil
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("column %s: not valid UTF-8", c.col.Name)
	}
	return []any{string(data)}, nil
}
