package types

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TimestampLayout is how TIMESTAMP values are written as strings: ISO 8601
// with milliseconds and no zone, as ksqlDB does (times are UTC).
const TimestampLayout = "2006-01-02T15:04:05.000"

// Check reports whether v is a valid Go value of t (nil, the SQL NULL, is
// valid for every type). See the package documentation for the mapping.
func Check(t Type, v any) error {
	if v == nil {
		return nil
	}
	ok := false
	switch t.Kind {
	case KindBoolean:
		_, ok = v.(bool)
	case KindInteger:
		_, ok = v.(int32)
	case KindBigint:
		_, ok = v.(int64)
	case KindDouble:
		_, ok = v.(float64)
	case KindDecimal:
		_, ok = v.(Dec)
	case KindString:
		_, ok = v.(string)
	case KindTimestamp:
		_, ok = v.(time.Time)
	case KindArray:
		a, isArr := v.([]any)
		if !isArr {
			break
		}
		for i, e := range a {
			if err := Check(*t.Elem, e); err != nil {
				return fmt.Errorf("element %d: %w", i+1, err)
			}
		}
		return nil
	case KindMap:
		m, isMap := v.(map[string]any)
		if !isMap {
			break
		}
		for k, e := range m {
			if err := Check(*t.Elem, e); err != nil {
				return fmt.Errorf("entry %q: %w", k, err)
			}
		}
		return nil
	case KindStruct:
		m, isMap := v.(map[string]any)
		if !isMap {
			break
		}
		for k, e := range m {
			f, found := t.Field(k)
			if !found {
				return fmt.Errorf("%s has no field %s", t, k)
			}
			if err := Check(f.Type, e); err != nil {
				return fmt.Errorf("field %s: %w", k, err)
			}
		}
		return nil
	}
	if !ok {
		return fmt.Errorf("value %v (%T) is not a %s", v, v, t)
	}
	return nil
}

// Common returns the type both a and b convert to without losing their
// meaning, for CASE branches, IN lists, COALESCE and array constructors:
// the same type, or the wider numeric type (INTEGER < BIGINT < DECIMAL <
// DOUBLE). It reports false when there is none.
func Common(a, b Type) (Type, bool) {
	if a.Equal(b) {
		return a, true
	}
	if a.IsNumeric() && b.IsNumeric() {
		return widerNumeric(a, b), true
	}
	if a.Kind == KindArray && b.Kind == KindArray {
		e, ok := Common(*a.Elem, *b.Elem)
		return Array(e), ok
	}
	if a.Kind == KindMap && b.Kind == KindMap {
		e, ok := Common(*a.Elem, *b.Elem)
		return Map(String, e), ok
	}
	return Type{}, false
}

func numericRank(t Type) int {
	switch t.Kind {
	case KindInteger:
		return 1
	case KindBigint:
		return 2
	case KindDecimal:
		return 3
	case KindDouble:
		return 4
	}
	return 0
}

func widerNumeric(a, b Type) Type {
	if a.Kind == KindDecimal || b.Kind == KindDecimal {
		if a.Kind == KindDouble || b.Kind == KindDouble {
			return Double
		}
		da, db := AsDecimalType(a), AsDecimalType(b)
		scale := max(da.Scale, db.Scale)
		intDigits := max(da.Precision-da.Scale, db.Precision-db.Scale)
		return Decimal(min(intDigits+scale, MaxDecimalPrecision), scale)
	}
	if numericRank(a) >= numericRank(b) {
		return a
	}
	return b
}

// AsDecimalType returns the DECIMAL type that holds every value of the
// integral or decimal type t exactly: INTEGER is DECIMAL(10, 0) and BIGINT
// is DECIMAL(19, 0).
func AsDecimalType(t Type) Type {
	switch t.Kind {
	case KindInteger:
		return Decimal(10, 0)
	case KindBigint:
		return Decimal(19, 0)
	}
	return t
}

// CanCast reports whether CAST(x AS to) is allowed for an x of type from.
func CanCast(from, to Type) bool {
	if from.Equal(to) || to.Kind == KindString && from.IsValid() {
		return true
	}
	switch to.Kind {
	case KindBoolean:
		return from.Kind == KindString
	case KindInteger, KindBigint, KindDouble, KindDecimal:
		return from.IsNumeric() || from.Kind == KindString
	case KindTimestamp:
		return from.Kind == KindString
	case KindArray:
		return from.Kind == KindArray && CanCast(*from.Elem, *to.Elem)
	case KindMap:
		return from.Kind == KindMap && CanCast(*from.Elem, *to.Elem)
	case KindStruct:
		if from.Kind != KindStruct {
			return false
		}
		for _, f := range to.Fields {
			if ff, ok := from.Field(f.Name); ok && !CanCast(ff.Type, f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// Cast converts v of type from to type to, following ksqlDB's CAST: numbers
// convert between each other (a DOUBLE truncates towards zero into an
// integer), anything formats as a STRING, and a STRING parses into a
// number, BOOLEAN or TIMESTAMP. NULL stays NULL. An impossible conversion
// is an error.
func Cast(v any, from, to Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	if from.Equal(to) {
		return v, nil
	}
	switch to.Kind {
	case KindString:
		return Format(v), nil
	case KindBoolean:
		if s, ok := v.(string); ok {
			return parseBool(s)
		}
	case KindInteger:
		return castInteger(v)
	case KindBigint:
		return castBigint(v)
	case KindDouble:
		return castDouble(v)
	case KindDecimal:
		d, err := castDecimal(v, to.Scale)
		if err != nil {
			return nil, err
		}
		return d.Fit(to.Precision, to.Scale)
	case KindTimestamp:
		if s, ok := v.(string); ok {
			return ParseTimestamp(s)
		}
	case KindArray:
		if a, ok := v.([]any); ok && from.Kind == KindArray {
			out := make([]any, len(a))
			for i, e := range a {
				c, err := Cast(e, *from.Elem, *to.Elem)
				if err != nil {
					return nil, err
				}
				out[i] = c
			}
			return out, nil
		}
	case KindMap:
		if m, ok := v.(map[string]any); ok && from.Kind == KindMap {
			out := make(map[string]any, len(m))
			for k, e := range m {
				c, err := Cast(e, *from.Elem, *to.Elem)
				if err != nil {
					return nil, err
				}
				out[k] = c
			}
			return out, nil
		}
	case KindStruct:
		if m, ok := v.(map[string]any); ok && from.Kind == KindStruct {
			out := make(map[string]any, len(to.Fields))
			for _, f := range to.Fields {
				ff, found := from.Field(f.Name)
				if !found {
					out[f.Name] = nil
					continue
				}
				c, err := Cast(m[ff.Name], ff.Type, f.Type)
				if err != nil {
					return nil, err
				}
				out[f.Name] = c
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("cannot cast %s %s to %s", from, Format(v), to)
}

func parseBool(s string) (any, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y":
		return true, nil
	case "false", "f", "no", "n":
		return false, nil
	}
	return nil, fmt.Errorf("cannot cast '%s' to BOOLEAN", s)
}

func castBigint(v any) (any, error) {
	switch x := v.(type) {
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		return javaD2L(x), nil
	case Dec:
		q := new(big.Int).Quo(x.u(), pow10(x.scale))
		return q.Int64(), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cannot cast '%s' to BIGINT", x)
		}
		return n, nil
	}
	return nil, fmt.Errorf("cannot cast %v to BIGINT", v)
}

func castInteger(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return int32(0), nil
		case x >= math.MaxInt32:
			return int32(math.MaxInt32), nil
		case x <= math.MinInt32:
			return int32(math.MinInt32), nil
		}
		return int32(x), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("cannot cast '%s' to INTEGER", x)
		}
		return int32(n), nil
	}
	n, err := castBigint(v)
	if err != nil {
		return nil, fmt.Errorf("cannot cast %v to INTEGER", v)
	}
	return int32(n.(int64)), nil // wraps like Java's long-to-int narrowing
}

// javaD2L converts like Java's (long) cast: truncation, saturation, NaN → 0.
func javaD2L(x float64) int64 {
	switch {
	case math.IsNaN(x):
		return 0
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return math.MinInt64
	}
	return int64(x)
}

func castDouble(v any) (any, error) {
	switch x := v.(type) {
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case Dec:
		return x.Float64(), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil, fmt.Errorf("cannot cast '%s' to DOUBLE", x)
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot cast %v to DOUBLE", v)
}

func castDecimal(v any, scale int) (Dec, error) {
	switch x := v.(type) {
	case int32:
		return NewDec(int64(x), 0), nil
	case int64:
		return NewDec(x, 0), nil
	case float64:
		return DecFromFloat(x, scale)
	case Dec:
		return x, nil
	case string:
		d, err := ParseDec(x)
		if err != nil {
			return Dec{}, fmt.Errorf("cannot cast '%s' to DECIMAL", x)
		}
		return d, nil
	}
	return Dec{}, fmt.Errorf("cannot cast %v to DECIMAL", v)
}

// ParseTimestamp parses an ISO 8601 timestamp without a zone, with or
// without seconds and milliseconds ("2020-07-06T15:30:00.000",
// "2020-07-06T15:30", "2020-07-06"), as UTC.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{
		"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04",
		"2006-01-02T15", "2006-01-02", time.RFC3339Nano,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse '%s' as a TIMESTAMP (expected yyyy-MM-ddTHH:mm:ss.SSS)", s)
}

// Format writes v as text the way ksqlDB's CAST(... AS STRING) does:
// DOUBLE as Java prints it (1.0, 1.0E10), TIMESTAMP in TimestampLayout,
// arrays as [a, b], maps as {k=v}, structs as Struct{A=1,B=x}. NULL is
// "null".
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return FormatDouble(x)
	case Dec:
		return x.String()
	case string:
		return x
	case time.Time:
		return x.UTC().Format(TimestampLayout)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Format(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + Format(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FormatDouble formats f like Java's Double.toString: at least one digit
// after the point, scientific notation below 1e-3 and from 1e7 on.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E+07
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	exp = strings.TrimPrefix(exp, "+")
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(strings.TrimPrefix(exp, "-"), "0")
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}

// DoubleLiteral writes a finite f as a DOUBLE literal: with an exponent,
// so that it reads back as a DOUBLE rather than a DECIMAL (1.5E3, 1E-7,
// 0E0).
func DoubleLiteral(f float64) string {
	s := strconv.FormatFloat(f, 'E', -1, 64)
	mant, exp, _ := strings.Cut(s, "E")
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
	if exp == "" {
		exp = "0"
	}
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}

// Compare orders two non-NULL values of the same type: numbers (of any
// numeric kinds) by value, strings by bytes, false before true, timestamps
// by time. It fails for values that have no order (arrays, maps, structs)
// or that do not belong together.
func Compare(a, b any) (int, error) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, nil
			case !x:
				return -1, nil
			}
			return 1, nil
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), nil
		}
	case int32, int64, float64, Dec:
		return compareNumbers(a, b)
	}
	return 0, fmt.Errorf("cannot compare %s with %s", Format(a), Format(b))
}

func compareNumbers(a, b any) (int, error) {
	ia, aInt := asInt64(a)
	ib, bInt := asInt64(b)
	if aInt && bInt {
		return cmpOrdered(ia, ib), nil
	}
	da, aDec := a.(Dec)
	db, bDec := b.(Dec)
	if aDec || bDec {
		if _, f := a.(float64); !f {
			if _, f := b.(float64); !f {
				if !aDec {
					da = NewDec(ia, 0)
				}
				if !bDec {
					db = NewDec(ib, 0)
				}
				return da.Cmp(db), nil
			}
		}
	}
	fa, ok1 := asFloat64(a)
	fb, ok2 := asFloat64(b)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("cannot compare %s with %s", Format(a), Format(b))
	}
	switch {
	case fa < fb:
		return -1, nil
	case fa > fb:
		return 1, nil
	case fa == fb:
		return 0, nil
	}
	// NaN sorts after everything, like Java's Double.compare.
	return cmpOrdered(btoi(math.IsNaN(fa)), btoi(math.IsNaN(fb))), nil
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func asFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case Dec:
		return x.Float64(), true
	}
	return 0, false
}

// Equal reports whether two values are the same: numbers by value across
// kinds, arrays, maps and structs element by element. NULL equals NULL
// here; SQL's = treats NULL differently, see package expr.
func Equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, found := y[k]
			if !found || !Equal(v, w) {
				return false
			}
		}
		return true
	}
	c, err := Compare(a, b)
	return err == nil && c == 0
}

// Literal writes v as a SQL literal that evaluates back to v: strings in
// single quotes, DOUBLE with an exponent so that it reads back as DOUBLE,
// DECIMAL with its digits, NULL as NULL. Compound values use constructors;
// a STRUCT value prints as a MAP constructor, since without its type a
// struct cannot be told from a map.
func Literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "CAST('" + FormatDouble(x) + "' AS DOUBLE)"
		}
		return DoubleLiteral(x)
	case time.Time:
		return "CAST('" + x.UTC().Format(TimestampLayout) + "' AS TIMESTAMP)"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Literal(e)
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = Literal(k) + " := " + Literal(x[k])
		}
		return "MAP(" + strings.Join(parts, ", ") + ")"
	}
	return Format(v)
}
