package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// SourceType says whether a source is a stream or a table.
type SourceType int

// The source types.
const (
	Stream SourceType = iota + 1
	Table
)

// String returns STREAM or TABLE.
func (t SourceType) String() string {
	if t == Table {
		return "TABLE"
	}
	return "STREAM"
}

// Column is a column of a source.
type Column struct {
	Name string
	Type types.Type
	// Key is set for a column stored in the record key: KEY in a stream,
	// PRIMARY KEY in a table.
	Key bool
}

// WindowInfo describes the windowed key of a source written by a windowed
// aggregation: its records are keyed by key and window.
type WindowInfo struct {
	Type ast.WindowType
	// Size is the window size; zero for session windows.
	Size time.Duration
}

// String formats the window like ksqlDB's DESCRIBE: TUMBLING (30 SECONDS).
func (w WindowInfo) String() string {
	if w.Type == ast.Session {
		return "SESSION"
	}
	return fmt.Sprintf("%s (%s)", w.Type, durationSQL(w.Size))
}

func durationSQL(d time.Duration) string {
	if d == 0 {
		return "0 SECONDS"
	}
	units := []struct {
		d    time.Duration
		unit ast.TimeUnit
	}{{24 * time.Hour, ast.Days}, {time.Hour, ast.Hours}, {time.Minute, ast.Minutes}, {time.Second, ast.Seconds}}
	for _, u := range units {
		if d >= u.d && d%u.d == 0 {
			return ast.Duration{Value: int64(d / u.d), Unit: u.unit}.String()
		}
	}
	return ast.Duration{Value: d.Milliseconds(), Unit: ast.Milliseconds}.String()
}

// Source is a stream or table in the catalogue: its columns, its topic and
// how the topic's records are serialized.
type Source struct {
	// Name is canonical (upper case unless it was quoted).
	Name string
	Type SourceType
	// Columns are the key columns followed by the value columns.
	Columns []Column
	// Topic is the Kafka topic.
	Topic string
	// Partitions is the partition count; 0 when not known yet (the engine
	// fills it in from the topic's metadata).
	Partitions int
	// Replicas is the replication factor to create the topic with; 0 for
	// the broker's default.
	Replicas    int
	KeyFormat   format.Format
	ValueFormat format.Format
	// ValueOptions are WRAP_SINGLE_VALUE and VALUE_DELIMITER.
	ValueOptions format.Options
	// Timestamp names the column that holds the event time (WITH
	// TIMESTAMP); empty when the record timestamp is used.
	Timestamp string
	// TimestampFormat is the Java pattern of a STRING Timestamp column.
	TimestampFormat string
	// Window is set when the records are keyed by window too.
	Window *WindowInfo
	// ReadOnly is set for CREATE SOURCE STREAM/TABLE: no INSERT.
	ReadOnly bool
	// Materialized is set when pull queries can read the table's state:
	// a table written by CREATE TABLE AS SELECT, or a SOURCE table.
	Materialized bool
	// CreatedBy is the query that writes the source for CREATE ... AS
	// SELECT; empty otherwise.
	CreatedBy QueryID
	// Statement is the canonical SQL that created the source.
	Statement string
}

// Key returns the key columns.
func (s *Source) Key() []Column {
	var out []Column
	for _, c := range s.Columns {
		if c.Key {
			out = append(out, c)
		}
	}
	return out
}

// Value returns the value columns.
func (s *Source) Value() []Column {
	var out []Column
	for _, c := range s.Columns {
		if !c.Key {
			out = append(out, c)
		}
	}
	return out
}

// Column returns the column with the given (canonical) name.
func (s *Source) Column(name string) (Column, bool) {
	for _, c := range s.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

func fields(cols []Column) []types.Field {
	out := make([]types.Field, len(cols))
	for i, c := range cols {
		out[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	return out
}

// KeyFields returns the key columns as fields, for format.NewKeyCodec.
func (s *Source) KeyFields() []types.Field { return fields(s.Key()) }

// ValueFields returns the value columns as fields, for
// format.NewValueCodec.
func (s *Source) ValueFields() []types.Field { return fields(s.Value()) }

// KeyCodec returns the codec of the source's record keys (without the
// window bytes of a windowed source; see package format).
func (s *Source) KeyCodec() (format.Codec, error) {
	c, err := format.NewKeyCodec(s.KeyFormat, s.KeyFields())
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", s.Name, err)
	}
	return c, nil
}

// ValueCodec returns the codec of the source's record values.
func (s *Source) ValueCodec() (format.Codec, error) {
	c, err := format.NewValueCodec(s.ValueFormat, s.ValueFields(), s.ValueOptions)
	if err != nil {
		return nil, fmt.Errorf("value of %s: %w", s.Name, err)
	}
	return c, nil
}

// Schema formats the columns the way ksqlDB's tests write schemas:
// "`ID` BIGINT KEY, `NAME` STRING" (PRIMARY KEY for a table's key).
func (s *Source) Schema() string {
	parts := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		parts[i] = "`" + c.Name + "` " + c.Type.Format(func(n string) string { return "`" + n + "`" })
		if c.Key {
			if s.Type == Table {
				parts[i] += " PRIMARY KEY"
			} else {
				parts[i] += " KEY"
			}
		}
	}
	return strings.Join(parts, ", ")
}
