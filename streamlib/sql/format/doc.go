// Package format reads and writes rows of SQL values as Kafka record keys
// and values, in the formats ksqlDB names in KEY_FORMAT and VALUE_FORMAT.
//
//	cols := []types.Field{{Name: "CUSTOMERID", Type: types.Bigint}, {Name: "NAME", Type: types.String}}
//	c, _ := format.NewValueCodec(format.JSON, cols, format.Options{})
//	b, _ := c.Encode([]any{int64(7), "Ada"})     // {"CUSTOMERID":7,"NAME":"Ada"}
//	row, _ := c.Decode([]byte(`{"customerId": 7}`)) // [7 <nil>]: names match ignoring case
//
// The formats:
//
//   - JSON: a value is an object with one field per column, named like the
//     column (upper case unless the column name was quoted); reading
//     matches field names ignoring case and takes missing fields as NULL.
//     A key of one column is the bare JSON value, a key of several an
//     object. WRAP_SINGLE_VALUE=false (Options.Unwrapped) writes a
//     one-column value bare too.
//   - KAFKA: one column of INTEGER (4 bytes big-endian), BIGINT or DOUBLE
//     (8 bytes) or STRING (UTF-8), as Kafka's serializers write them. It is
//     ksqlDB's default key format, and it cannot hold two key columns.
//   - DELIMITED: primitive columns in one comma-separated (or
//     Options.Delimiter-separated) line; an empty field is NULL.
//   - NONE: no columns at all.
//
// AVRO, PROTOBUF and JSON_SR are recognized and rejected with
// ErrUnsupported. A nil row encodes to nil bytes (a tombstone) and nil
// bytes decode to a nil row. Windowed keys add the window bounds after the
// key bytes (TimeWindowedKey, SessionWindowedKey).
package format
