package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Row is what flows through a compiled query: the SQL values of a record
// key or value, laid out as the query's analysis says (see package
// catalog), with nil for NULL.
//
// Inside a topology (repartition topics, state stores) a Row is written
// in an internal JSON form that keeps every value's Go type, so that an
// INTEGER read back is an int32 and a DECIMAL a types.Dec; streamlib's
// default serde for Row (serde.For) uses it. The topics a query reads and
// writes use the formats of the streams and tables instead (KeyCodec and
// ValueCodec of catalog.Source).
type Row []any

// MarshalJSON writes the row in the internal form: a JSON array whose
// elements are null, true or false, a string, or an object with one
// member that names the type ({"i":1} INTEGER, {"l":1} BIGINT, {"d":1.5}
// DOUBLE, {"D":"1.50"} DECIMAL, {"t":0} TIMESTAMP in milliseconds,
// {"a":[...]} ARRAY, {"m":{...}} MAP or STRUCT).
func (r Row) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := appendValue(&b, v); err != nil {
			return nil, fmt.Errorf("column %d: %w", i, err)
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the internal form MarshalJSON writes.
func (r *Row) UnmarshalJSON(data []byte) error {
	d := rowDecoder{b: data}
	d.space()
	if d.literal("null") {
		*r = nil
		return d.end()
	}
	if !d.take('[') {
		return d.errorf("a row starts with '['")
	}
	out := Row{}
	d.space()
	if !d.take(']') {
		for {
			v, err := d.value()
			if err != nil {
				return err
			}
			out = append(out, v)
			d.space()
			if d.take(']') {
				break
			}
			if !d.take(',') {
				return d.errorf("expected ',' or ']'")
			}
		}
	}
	*r = out
	return d.end()
}

// rowDecoder reads the internal row form: a small JSON subset, read by
// hand because encoding/json's generic decoding was most of the cost of
// a repartition or a store read.
type rowDecoder struct {
	b []byte
	i int
}

func (d *rowDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("row at byte %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *rowDecoder) space() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\n' || d.b[d.i] == '\t' || d.b[d.i] == '\r') {
		d.i++
	}
}

func (d *rowDecoder) take(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *rowDecoder) literal(s string) bool {
	if bytes.HasPrefix(d.b[d.i:], []byte(s)) {
		d.i += len(s)
		return true
	}
	return false
}

func (d *rowDecoder) end() error {
	d.space()
	if d.i != len(d.b) {
		return d.errorf("unexpected data after the row")
	}
	return nil
}

// str reads a JSON string.
func (d *rowDecoder) str() (string, error) {
	if !d.take('"') {
		return "", d.errorf("expected a string")
	}
	start := d.i
	escaped := false
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case '\\':
			escaped = true
			d.i += 2
			continue
		case '"':
			raw := d.b[start:d.i]
			d.i++
			if !escaped {
				return string(raw), nil
			}
			var s string
			if err := json.Unmarshal(d.b[start-1:d.i], &s); err != nil {
				return "", d.errorf("%v", err)
			}
			return s, nil
		}
		d.i++
	}
	return "", d.errorf("unterminated string")
}

// number reads the bytes of a JSON number, or of a quoted one.
func (d *rowDecoder) number() (string, error) {
	if d.i < len(d.b) && d.b[d.i] == '"' {
		return d.str()
	}
	start := d.i
	for d.i < len(d.b) && strings.IndexByte("+-0123456789.eE", d.b[d.i]) >= 0 {
		d.i++
	}
	if start == d.i {
		return "", d.errorf("expected a number")
	}
	return string(d.b[start:d.i]), nil
}

func (d *rowDecoder) value() (any, error) {
	d.space()
	if d.i >= len(d.b) {
		return nil, d.errorf("unexpected end")
	}
	switch d.b[d.i] {
	case 'n':
		if d.literal("null") {
			return nil, nil
		}
	case 't':
		if d.literal("true") {
			return true, nil
		}
	case 'f':
		if d.literal("false") {
			return false, nil
		}
	case '"':
		return d.str()
	case '{':
		d.i++
		d.space()
		tag, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if !d.take(':') {
			return nil, d.errorf("expected ':'")
		}
		d.space()
		v, err := d.tagged(tag)
		if err != nil {
			return nil, err
		}
		d.space()
		if !d.take('}') {
			return nil, d.errorf("a tagged value has one member")
		}
		return v, nil
	}
	return nil, d.errorf("unexpected %q", d.b[d.i])
}

func (d *rowDecoder) tagged(tag string) (any, error) {
	switch tag {
	case "i", "l", "t", "d", "D":
		n, err := d.number()
		if err != nil {
			return nil, err
		}
		switch tag {
		case "i":
			v, err := strconv.ParseInt(n, 10, 32)
			return int32(v), err
		case "l":
			return strconv.ParseInt(n, 10, 64)
		case "t":
			ms, err := strconv.ParseInt(n, 10, 64)
			return time.UnixMilli(ms).UTC(), err
		case "d":
			return strconv.ParseFloat(n, 64)
		}
		return types.ParseDec(n)
	case "a":
		if !d.take('[') {
			return nil, d.errorf("an array starts with '['")
		}
		out := []any{}
		d.space()
		if d.take(']') {
			return out, nil
		}
		for {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			d.space()
			if d.take(']') {
				return out, nil
			}
			if !d.take(',') {
				return nil, d.errorf("expected ',' or ']'")
			}
		}
	case "m":
		if !d.take('{') {
			return nil, d.errorf("a map starts with '{'")
		}
		out := map[string]any{}
		d.space()
		if d.take('}') {
			return out, nil
		}
		for {
			d.space()
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.space()
			if !d.take(':') {
				return nil, d.errorf("expected ':'")
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out[k] = v
			d.space()
			if d.take('}') {
				return out, nil
			}
			if !d.take(',') {
				return nil, d.errorf("expected ',' or '}'")
			}
		}
	}
	return nil, d.errorf("unknown value tag %q", tag)
}

func appendValue(b *bytes.Buffer, v any) error {
	tagged := func(tag string, payload string) {
		b.WriteString(`{"` + tag + `":` + payload + `}`)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		s, _ := json.Marshal(x)
		b.Write(s)
	case int32:
		tagged("i", strconv.FormatInt(int64(x), 10))
	case int64:
		tagged("l", strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			tagged("d", strconv.Quote(strconv.FormatFloat(x, 'g', -1, 64)))
		} else {
			tagged("d", strconv.FormatFloat(x, 'g', -1, 64))
		}
	case types.Dec:
		tagged("D", strconv.Quote(x.String()))
	case time.Time:
		tagged("t", strconv.FormatInt(x.UnixMilli(), 10))
	case []any:
		b.WriteString(`{"a":[`)
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("]}")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortStrings(keys)
		b.WriteString(`{"m":{`)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := json.Marshal(k)
			b.Write(s)
			b.WriteByte(':')
			if err := appendValue(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteString("}}")
	default:
		return fmt.Errorf("unsupported value %T", v)
	}
	return nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// RowSerde is the internal serde of rows (see Row).
func RowSerde() serde.Serde[Row] {
	return serde.Funcs[Row]{
		SerializeFunc: func(r Row) ([]byte, error) { return r.MarshalJSON() },
		DeserializeFunc: func(data []byte) (Row, error) {
			var r Row
			err := r.UnmarshalJSON(data)
			return r, err
		},
	}
}

// CodecSerde adapts a format codec to a serde of rows: how the topics of
// streams and tables are read and written.
func CodecSerde(c format.Codec) serde.Serde[Row] {
	return serde.Funcs[Row]{
		SerializeFunc: func(r Row) ([]byte, error) { return c.Encode(r) },
		DeserializeFunc: func(data []byte) (Row, error) {
			v, err := c.Decode(data)
			return Row(v), err
		},
	}
}

// KeySerde returns the serde of a source's record keys. The key of a
// windowed source (one written by a windowed aggregation) is its key
// columns followed by WINDOWSTART and WINDOWEND, in Kafka Streams' windowed
// key layout on the wire.
func KeySerde(src *catalog.Source) (serde.Serde[Row], error) {
	c, err := src.KeyCodec()
	if err != nil {
		return nil, err
	}
	if src.Window == nil {
		return CodecSerde(c), nil
	}
	return windowedKeySerde(c, src.Window), nil
}

// ValueSerde returns the serde of a source's record values.
func ValueSerde(src *catalog.Source) (serde.Serde[Row], error) {
	c, err := src.ValueCodec()
	if err != nil {
		return nil, err
	}
	return CodecSerde(c), nil
}

func windowedKeySerde(c format.Codec, w *catalog.WindowInfo) serde.Serde[Row] {
	session := w.Type == sessionWindow
	size := w.Size.Milliseconds()
	return serde.Funcs[Row]{
		SerializeFunc: func(r Row) ([]byte, error) {
			if len(r) < 2 {
				return nil, fmt.Errorf("a windowed key needs its window bounds, got %d values", len(r))
			}
			n := len(r) - 2
			start, _ := r[n].(int64)
			end, _ := r[n+1].(int64)
			var key []any
			if n > 0 {
				key = r[:n]
			}
			kb, err := c.Encode(key)
			if err != nil {
				return nil, err
			}
			if session {
				return format.SessionWindowedKey(kb, start, end), nil
			}
			return format.TimeWindowedKey(kb, start), nil
		},
		DeserializeFunc: func(data []byte) (Row, error) {
			var kb []byte
			var start, end int64
			var err error
			if session {
				kb, start, end, err = format.SplitSessionWindowedKey(data)
			} else {
				kb, start, err = format.SplitTimeWindowedKey(data)
				end = start + size
			}
			if err != nil {
				return nil, err
			}
			var key []any
			if len(kb) > 0 {
				if key, err = c.Decode(kb); err != nil {
					return nil, err
				}
			}
			return append(append(Row{}, key...), start, end), nil
		},
	}
}

// eval evaluates a compiled expression over a row.
func eval(e expr.Expr, r Row) (any, error) { return e.Eval(expr.Row(r)) }
