package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

type jsonCodec struct {
	cols      []types.Field
	unwrapped bool
}

func newJSONCodec(cols []types.Field, unwrapped bool) *jsonCodec {
	return &jsonCodec{cols: cols, unwrapped: unwrapped}
}

func (c *jsonCodec) Encode(row []any) ([]byte, error) {
	if row == nil {
		return nil, nil
	}
	if len(row) != len(c.cols) {
		return nil, fmt.Errorf("row has %d values for %d columns", len(row), len(c.cols))
	}
	if c.unwrapped {
		return AppendJSON(nil, c.cols[0].Type, row[0])
	}
	buf := []byte{'{'}
	for i, col := range c.cols {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, col.Name)
		buf = append(buf, ':')
		var err error
		if buf, err = AppendJSON(buf, col.Type, row[i]); err != nil {
			return nil, fmt.Errorf("column %s: %w", col.Name, err)
		}
	}
	return append(buf, '}'), nil
}

func (c *jsonCodec) Decode(data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	raw, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, nil
	}
	if c.unwrapped {
		v, err := FromJSON(c.cols[0].Type, raw)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.cols[0].Name, err)
		}
		return []any{v}, nil
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected a JSON object with the columns %s, got %s", fieldList(c.cols), describeJSON(raw))
	}
	row := make([]any, len(c.cols))
	folded := foldKeys(obj)
	for i, col := range c.cols {
		v, found := obj[col.Name]
		if !found {
			v = folded[strings.ToUpper(col.Name)]
		}
		if row[i], err = FromJSON(col.Type, v); err != nil {
			return nil, fmt.Errorf("column %s: %w", col.Name, err)
		}
	}
	return row, nil
}

// foldKeys maps upper-cased field names to values, so that a column named
// FIRSTNAME reads the field firstName (ksqlDB matches JSON fields ignoring
// case).
func foldKeys(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[strings.ToUpper(k)] = v
	}
	return out
}

func parseJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if d.More() {
		return nil, fmt.Errorf("invalid JSON: data after the value")
	}
	return v, nil
}

func describeJSON(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// DecodeJSON reads one value of type t from JSON text (as a key, a
// column, or a stored accumulator is written by AppendJSON).
func DecodeJSON(t types.Type, data []byte) (any, error) {
	raw, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return FromJSON(t, raw)
}

// FromJSON converts a value decoded by encoding/json (with UseNumber, so
// numbers are json.Number; plain float64 is accepted too) to the Go value
// of type t. It is lenient the way ksqlDB is: numbers and booleans in
// strings are accepted, and a STRING column takes the text of any scalar.
func FromJSON(t types.Type, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("cannot read %s as %s", describeJSON(v), t)
	}
	switch t.Kind {
	case types.KindBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(x) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return bad()
	case types.KindInteger, types.KindBigint:
		var n int64
		switch x := v.(type) {
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				f, ferr := x.Float64()
				if ferr != nil || math.IsInf(f, 0) {
					return nil, fmt.Errorf("number %s is out of range for %s", x, t)
				}
				i = int64(f) // truncates, like Jackson's intValue
			}
			n = i
		case float64:
			n = int64(x)
		case string:
			i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("cannot read '%s' as %s", x, t)
			}
			n = i
		default:
			return bad()
		}
		if t.Kind == types.KindInteger {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, fmt.Errorf("number %d is out of range for INTEGER", n)
			}
			return int32(n), nil
		}
		return n, nil
	case types.KindDouble:
		switch x := v.(type) {
		case json.Number:
			return x.Float64()
		case float64:
			return x, nil
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, fmt.Errorf("cannot read '%s' as DOUBLE", x)
			}
			return f, nil
		}
		return bad()
	case types.KindDecimal:
		var d types.Dec
		var err error
		switch x := v.(type) {
		case json.Number:
			d, err = types.ParseDec(x.String())
		case float64:
			d, err = types.DecFromFloat(x, t.Scale)
		case string:
			d, err = types.ParseDec(x)
		default:
			return bad()
		}
		if err != nil {
			return nil, err
		}
		return d.Fit(t.Precision, t.Scale)
	case types.KindString:
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		case float64:
			return types.FormatDouble(x), nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case types.KindTimestamp:
		switch x := v.(type) {
		case json.Number:
			ms, err := x.Int64()
			if err != nil {
				return nil, fmt.Errorf("cannot read %s as TIMESTAMP milliseconds", x)
			}
			return time.UnixMilli(ms).UTC(), nil
		case float64:
			return time.UnixMilli(int64(x)).UTC(), nil
		case string:
			return types.ParseTimestamp(x)
		}
		return bad()
	case types.KindArray:
		a, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := make([]any, len(a))
		for i, e := range a {
			c, err := FromJSON(*t.Elem, e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i+1, err)
			}
			out[i] = c
		}
		return out, nil
	case types.KindMap:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			c, err := FromJSON(*t.Elem, e)
			if err != nil {
				return nil, fmt.Errorf("entry %q: %w", k, err)
			}
			out[k] = c
		}
		return out, nil
	case types.KindStruct:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		folded := foldKeys(m)
		out := make(map[string]any, len(t.Fields))
		for _, f := range t.Fields {
			e, found := m[f.Name]
			if !found {
				e = folded[strings.ToUpper(f.Name)]
			}
			c, err := FromJSON(f.Type, e)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			out[f.Name] = c
		}
		return out, nil
	}
	return bad()
}

// AppendJSON appends the JSON form of v, a Go value of type t: numbers as
// numbers (a DOUBLE always with a point or exponent, as Jackson writes it;
// NaN and the infinities as strings, which JSON numbers cannot hold), a
// DECIMAL with its scale, a TIMESTAMP as milliseconds since the epoch, a
// STRUCT as an object in field order and a MAP with sorted keys.
func AppendJSON(buf []byte, t types.Type, v any) ([]byte, error) {
	if v == nil {
		return append(buf, "null"...), nil
	}
	if err := types.Check(t, v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendString(buf, types.FormatDouble(x)), nil
		}
		return append(buf, types.FormatDouble(x)...), nil
	case types.Dec:
		return append(buf, x.String()...), nil
	case string:
		return appendString(buf, x), nil
	case time.Time:
		return strconv.AppendInt(buf, x.UnixMilli(), 10), nil
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = AppendJSON(buf, *t.Elem, e); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case map[string]any:
		buf = append(buf, '{')
		if t.Kind == types.KindStruct {
			for i, f := range t.Fields {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendString(buf, f.Name)
				buf = append(buf, ':')
				var err error
				if buf, err = AppendJSON(buf, f.Type, x[f.Name]); err != nil {
					return nil, err
				}
			}
			return append(buf, '}'), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, k)
			buf = append(buf, ':')
			var err error
			if buf, err = AppendJSON(buf, *t.Elem, x[k]); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	}
	return nil, fmt.Errorf("cannot write %T as JSON", v)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping only what JSON
// requires (quotes, backslashes, control characters and invalid UTF-8).
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, `\ufffd`...)
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
