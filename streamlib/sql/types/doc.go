// Package types defines the SQL types of the streaming SQL layer and the Go
// values that represent them.
//
// A Type is a value: the primitives are predefined (Boolean, Integer,
// Bigint, Double, String, Timestamp) and compound types are built with
// Decimal, Array, Map and Struct:
//
//	t := types.Array(types.Struct(
//		types.Field{Name: "ID", Type: types.Bigint},
//		types.Field{Name: "PRICE", Type: types.Decimal(10, 2)},
//	))
//	fmt.Println(t) // ARRAY<STRUCT<ID BIGINT, PRICE DECIMAL(10, 2)>>
//
// # Values
//
// Every SQL value is a Go value of a fixed type, and SQL's NULL is nil:
//
//	BOOLEAN        bool
//	INTEGER        int32
//	BIGINT         int64
//	DOUBLE         float64
//	DECIMAL(p, s)  Dec (exact; math/big underneath)
//	STRING         string
//	TIMESTAMP      time.Time (UTC, millisecond precision)
//	ARRAY<T>       []any
//	MAP<STRING, T> map[string]any
//	STRUCT<...>    map[string]any keyed by field name
//
// Check tells whether a value fits a type, Cast converts between types the
// way CAST does, Compare orders values and Format writes them as CAST(x AS
// STRING) would (a DOUBLE prints like Java: 1.0, 1.0E10).
package types
