package format

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// delimitedCodec is the DELIMITED format: one line of separated fields,
// quoted as CSV where needed; an empty field is NULL.
type delimitedCodec struct {
	cols  []types.Field
	delim rune
}

func newDelimitedCodec(cols []types.Field, delim rune) (Codec, error) {
	for _, c := range cols {
		if !c.Type.IsPrimitive() {
			return nil, fmt.Errorf("%w: the 'DELIMITED' format does not support type %s (column %s)", ErrUnsupported, c.Type, c.Name)
		}
	}
	if delim == '"' || delim == '\r' || delim == '\n' || !utf8.ValidRune(delim) {
		return nil, fmt.Errorf("invalid DELIMITED delimiter %q", delim)
	}
	return &delimitedCodec{cols: cols, delim: delim}, nil
}

func (c *delimitedCodec) Encode(row []any) ([]byte, error) {
	if row == nil {
		return nil, nil
	}
	if len(row) != len(c.cols) {
		return nil, fmt.Errorf("row has %d values for %d columns", len(row), len(c.cols))
	}
	fields := make([]string, len(row))
	for i, v := range row {
		if v == nil {
			continue
		}
		if err := types.Check(c.cols[i].Type, v); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.cols[i].Name, err)
		}
		if t, ok := v.(time.Time); ok {
			fields[i] = strconv.FormatInt(t.UnixMilli(), 10)
		} else {
			fields[i] = types.Format(v)
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = c.delim
	if err := w.Write(fields); err != nil {
		return nil, err
	}
	w.Flush()
	return []byte(strings.TrimSuffix(b.String(), "\n")), w.Error()
}

func (c *delimitedCodec) Decode(data []byte) ([]any, error) {
	if data == nil {
		return nil, nil
	}
	r := csv.NewReader(strings.NewReader(string(data)))
	r.Comma = c.delim
	r.FieldsPerRecord = -1
	fields, err := r.Read()
	if err != nil {
		if errors.Is(err, csv.ErrFieldCount) {
			return nil, err
		}
		return nil, fmt.Errorf("invalid DELIMITED value: %w", err)
	}
	if len(fields) != len(c.cols) {
		return nil, fmt.Errorf("DELIMITED value has %d fields, expected %d (%s)", len(fields), len(c.cols), fieldList(c.cols))
	}
	row := make([]any, len(fields))
	for i, f := range fields {
		if f == "" {
			continue
		}
		t := c.cols[i].Type
		if t.Kind == types.KindTimestamp {
			row[i], err = FromJSON(t, json.Number(f))
		} else {
			row[i], err = types.Cast(f, types.String, t)
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.cols[i].Name, err)
		}
	}
	return row, nil
}
