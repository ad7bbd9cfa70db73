package format

import (
	"errors"
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Format is the name of a serialization format, as in KEY_FORMAT and
// VALUE_FORMAT.
type Format string

// The formats. JSON, KAFKA, DELIMITED and NONE are implemented; the others
// are recognized so that a statement using them gets a clear error.
const (
	JSON      Format = "JSON"
	Kafka     Format = "KAFKA"
	Delimited Format = "DELIMITED"
	None      Format = "NONE"
	Avro      Format = "AVRO"
	Protobuf  Format = "PROTOBUF"
	JSONSR    Format = "JSON_SR"
)

var known = []Format{JSON, Kafka, Delimited, None, Avro, Protobuf, JSONSR}

// ErrUnsupported reports a format (or a column type in a format) that
// ksqlDB has and this package does not implement.
var ErrUnsupported = errors.New("unsupported format")

// Parse reads a format name, ignoring case.
func Parse(name string) (Format, error) {
	f := Format(strings.ToUpper(strings.TrimSpace(name)))
	for _, k := range known {
		if f == k {
			return f, nil
		}
	}
	names := make([]string, len(known))
	for i, k := range known {
		names[i] = string(k)
	}
	msg := fmt.Sprintf("unknown format '%s'; the formats are JSON, KAFKA, DELIMITED and NONE", name)
	if s := suggest.Closest(string(f), names); s != "" {
		msg += " (did you mean " + s + "?)"
	}
	return "", errors.New(msg)
}

// Supported reports whether the format is implemented.
func (f Format) Supported() bool {
	return f == JSON || f == Kafka || f == Delimited || f == None
}

// Codec turns a row of a fixed list of columns into record bytes and back.
// A row holds one Go value per column (see package types). A nil row
// stands for a missing value: a tombstone, or a key with no columns.
type Codec interface {
	Encode(row []any) ([]byte, error)
	Decode(data []byte) ([]any, error)
}

// Options tunes a value codec.
type Options struct {
	// Unwrapped writes and reads the only column of a single-column value
	// as a bare value instead of an object or record: WRAP_SINGLE_VALUE =
	// false. Keys with one column are always unwrapped.
	Unwrapped bool
	// Delimiter separates DELIMITED fields; zero means a comma.
	Delimiter rune
}

// NewKeyCodec returns the codec of a record key with the given columns.
// KAFKA holds at most one column ("The 'KAFKA' format only supports a
// single field", so a GROUP BY of several columns needs KEY_FORMAT='JSON');
// a JSON key of one column is the bare value, of several an object. A key
// without columns is always empty.
func NewKeyCodec(f Format, cols []types.Field) (Codec, error) {
	if len(cols) == 0 {
		return noneCodec{}, nil
	}
	switch f {
	case Kafka:
		return newKafkaCodec(cols)
	case JSON:
		return newJSONCodec(cols, len(cols) == 1), nil
	case Delimited:
		return newDelimitedCodec(cols, ',')
	case None:
		return nil, fmt.Errorf("the NONE key format cannot hold key columns (%s)", fieldList(cols))
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, f)
}

// NewValueCodec returns the codec of a record value with the given
// columns. A JSON value is an object whose field names are the column
// names (upper case unless quoted); reading matches them ignoring case.
func NewValueCodec(f Format, cols []types.Field, opts Options) (Codec, error) {
	if opts.Unwrapped && len(cols) != 1 {
		return nil, fmt.Errorf("WRAP_SINGLE_VALUE=false needs exactly one value column, got %d", len(cols))
	}
	switch f {
	case Kafka:
		return newKafkaCodec(cols)
	case JSON:
		return newJSONCodec(cols, opts.Unwrapped), nil
	case Delimited:
		d := opts.Delimiter
		if d == 0 {
			d = ','
		}
		return newDelimitedCodec(cols, d)
	case None:
		if len(cols) > 0 {
			return nil, fmt.Errorf("the NONE value format cannot hold value columns (%s)", fieldList(cols))
		}
		return noneCodec{}, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, f)
}

func fieldList(cols []types.Field) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "`" + c.Name + "` " + c.Type.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// noneCodec is the codec of no columns: it writes nothing and reads any
// bytes as an empty row.
type noneCodec struct{}

func (noneCodec) Encode([]any) ([]byte, error) { return nil, nil }
func (noneCodec) Decode([]byte) ([]any, error) { return []any{}, nil }
