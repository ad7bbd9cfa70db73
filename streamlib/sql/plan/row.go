package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
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
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*r = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("row: %w", err)
	}
	out := make(Row, len(raw))
	for i, m := range raw {
		v, err := readValue(m)
		if err != nil {
			return fmt.Errorf("row column %d: %w", i, err)
		}
		out[i] = v
	}
	*r = out
	return nil
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

func readValue(m json.RawMessage) (any, error) {
	m = bytes.TrimSpace(m)
	if len(m) == 0 {
		return nil, fmt.Errorf("empty value")
	}
	switch m[0] {
	case 'n':
		return nil, nil
	case 't', 'f':
		var v bool
		err := json.Unmarshal(m, &v)
		return v, err
	case '"':
		var v string
		err := json.Unmarshal(m, &v)
		return v, err
	case '{':
	default:
		return nil, fmt.Errorf("unexpected %s", m)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(m, &obj); err != nil {
		return nil, err
	}
	if len(obj) != 1 {
		return nil, fmt.Errorf("a tagged value has one member, got %s", m)
	}
	for tag, p := range obj {
		switch tag {
		case "i":
			n, err := strconv.ParseInt(string(p), 10, 32)
			return int32(n), err
		case "l":
			return strconv.ParseInt(string(p), 10, 64)
		case "d":
			s := string(p)
			if len(s) > 0 && s[0] == '"' {
				if err := json.Unmarshal(p, &s); err != nil {
					return nil, err
				}
			}
			return strconv.ParseFloat(s, 64)
		case "D":
			var s string
			if err := json.Unmarshal(p, &s); err != nil {
				return nil, err
			}
			return types.ParseDec(s)
		case "t":
			ms, err := strconv.ParseInt(string(p), 10, 64)
			return time.UnixMilli(ms).UTC(), err
		case "a":
			var items []json.RawMessage
			if err := json.Unmarshal(p, &items); err != nil {
				return nil, err
			}
			out := make([]any, len(items))
			for i, it := range items {
				v, err := readValue(it)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			return out, nil
		case "m":
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(p, &fields); err != nil {
				return nil, err
			}
			out := make(map[string]any, len(fields))
			for k, f := range fields {
				v, err := readValue(f)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		return nil, fmt.Errorf("unknown value tag %q", tag)
	}
	return nil, nil
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
