// Package serde turns typed keys and values into the bytes Kafka stores, and back.
//
// A Serde[T] is a pair of functions. The package ships serdes for the common
// Go types (String, Bytes, Int32, Int64, Float64) and JSON for any type, plus
// For, which picks a sensible serde from a type alone:
//
//	s := serde.For[Order]()        // JSON, because Order is a struct
//	b, _ := s.Serialize(order)
//	back, _ := s.Deserialize(b)
//
// Integers are big-endian, like Kafka's own IntegerSerializer and
// LongSerializer, so Java and Go services read each other's topics.
//
// Deserialization failures reach users as *Error, which names the topic,
// partition and offset of the record that could not be read, so a poison pill
// can be found and skipped or dead-lettered.
package serde

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
)

// Serde serializes values of type T to bytes and back.
//
// Implementations must be safe for concurrent use. A nil byte slice is never
// passed to Deserialize: nil means "no value" (a tombstone) and is handled by
// the caller before a serde sees it.
type Serde[T any] interface {
	Serialize(v T) ([]byte, error)
	Deserialize(data []byte) (T, error)
}

// ErrSize reports input of the wrong length for a fixed-size serde.
var ErrSize = errors.New("serde: wrong number of bytes")

// Funcs adapts two functions to a Serde.
type Funcs[T any] struct {
	SerializeFunc   func(v T) ([]byte, error)
	DeserializeFunc func(data []byte) (T, error)
}

// Serialize calls SerializeFunc.
func (f Funcs[T]) Serialize(v T) ([]byte, error) { return f.SerializeFunc(v) }

// Deserialize calls DeserializeFunc.
func (f Funcs[T]) Deserialize(data []byte) (T, error) { return f.DeserializeFunc(data) }

type stringSerde struct{}

// String returns a serde for UTF-8 strings (the bytes as they are).
func String() Serde[string] { return stringSerde{} }

func (stringSerde) Serialize(v string) ([]byte, error)      { return []byte(v), nil }
func (stringSerde) Deserialize(data []byte) (string, error) { return string(data), nil }

type bytesSerde struct{}

// Bytes returns a serde that passes byte slices through unchanged.
func Bytes() Serde[[]byte] { return bytesSerde{} }

func (bytesSerde) Serialize(v []byte) ([]byte, error)      { return v, nil }
func (bytesSerde) Deserialize(data []byte) ([]byte, error) { return data, nil }

type int32Serde struct{}

// Int32 returns a 4-byte big-endian serde, compatible with Kafka's IntegerSerializer.
func Int32() Serde[int32] { return int32Serde{} }

func (int32Serde) Serialize(v int32) ([]byte, error) {
	return binary.BigEndian.AppendUint32(make([]byte, 0, 4), uint32(v)), nil
}

func (int32Serde) Deserialize(data []byte) (int32, error) {
	if len(data) != 4 {
		return 0, fmt.Errorf("int32 needs 4 bytes, got %d: %w", len(data), ErrSize)
	}
	return int32(binary.BigEndian.Uint32(data)), nil
}

type int64Serde struct{}

// Int64 returns an 8-byte big-endian serde, compatible with Kafka's LongSerializer.
func Int64() Serde[int64] { return int64Serde{} }

func (int64Serde) Serialize(v int64) ([]byte, error) {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), uint64(v)), nil
}

func (int64Serde) Deserialize(data []byte) (int64, error) {
	if len(data) != 8 {
		return 0, fmt.Errorf("int64 needs 8 bytes, got %d: %w", len(data), ErrSize)
	}
	return int64(binary.BigEndian.Uint64(data)), nil
}

type intSerde struct{}

// Int returns an 8-byte big-endian serde for Go's int.
func Int() Serde[int] { return intSerde{} }

func (intSerde) Serialize(v int) ([]byte, error) { return int64Serde{}.Serialize(int64(v)) }
func (intSerde) Deserialize(data []byte) (int, error) {
	v, err := int64Serde{}.Deserialize(data)
	return int(v), err
}

type float64Serde struct{}

// Float64 returns an 8-byte big-endian IEEE 754 serde, compatible with Kafka's DoubleSerializer.
func Float64() Serde[float64] { return float64Serde{} }

func (float64Serde) Serialize(v float64) ([]byte, error) {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), math.Float64bits(v)), nil
}

func (float64Serde) Deserialize(data []byte) (float64, error) {
	if len(data) != 8 {
		return 0, fmt.Errorf("float64 needs 8 bytes, got %d: %w", len(data), ErrSize)
	}
	return math.Float64frombits(binary.BigEndian.Uint64(data)), nil
}

type jsonSerde[T any] struct{}

// JSON returns a serde that encodes T with encoding/json.
func JSON[T any]() Serde[T] { return jsonSerde[T]{} }

func (jsonSerde[T]) Serialize(v T) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("json encode %T: %w", v, err)
	}
	return b, nil
}

func (jsonSerde[T]) Deserialize(data []byte) (T, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("json decode %T: %w", v, err)
	}
	return v, nil
}

// For returns the default serde for T: String for string, Bytes for []byte,
// Int32, Int64, Int and Float64 for those types, and JSON for everything else.
// It is how streamlib picks a serde when an operation changes a record's type
// and the caller did not name one.
func For[T any]() Serde[T] {
	var zero T
	var s any
	switch any(zero).(type) {
	case string:
		s = String()
	case []byte:
		s = Bytes()
	case int32:
		s = Int32()
	case int64:
		s = Int64()
	case int:
		s = Int()
	case float64:
		s = Float64()
	default:
		return JSON[T]()
	}
	return s.(Serde[T])
}

// Side says whether a serde error happened on a record's key or its value.
type Side string

// The two sides of a record.
const (
	KeySide   Side = "key"
	ValueSide Side = "value"
)

// Error is a failure to serialize or deserialize one record. It names where
// the record lives so that a person can find it.
type Error struct {
	Topic     string
	Partition int32
	Offset    int64
	Side      Side
	Err       error
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("serde: cannot read %s of record %s/%d@%d: %v", e.Side, e.Topic, e.Partition, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// TypeName returns a short name of T for messages.
func TypeName[T any]() string {
	return reflect.TypeFor[T]().String()
}
