package expr

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// FunctionInfo describes a built-in function for SHOW FUNCTIONS and
// DESCRIBE FUNCTION.
type FunctionInfo struct {
	Name string
	// Usage shows the arguments, such as "SUBSTRING(str, pos [, len])".
	Usage       string
	Description string
	// Aggregate is set for aggregate functions.
	Aggregate bool
}

// Functions lists the built-in scalar and aggregate functions by name.
func Functions() []FunctionInfo {
	out := make([]FunctionInfo, 0, len(scalars)+len(aggregates))
	for name, f := range scalars {
		if name != f.name {
			continue // an alias, such as SUBSTR for SUBSTRING
		}
		out = append(out, FunctionInfo{Name: f.name, Usage: f.usage, Description: f.desc})
	}
	for _, a := range aggregates {
		out = append(out, FunctionInfo{Name: a.name, Usage: a.usage, Description: a.desc, Aggregate: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupFunction describes one built-in function.
func LookupFunction(name string) (FunctionInfo, bool) {
	name = strings.ToUpper(name)
	if f, ok := scalars[name]; ok {
		return FunctionInfo{Name: f.name, Usage: f.usage, Description: f.desc}, true
	}
	if a, ok := aggregates[name]; ok {
		return FunctionInfo{Name: a.name, Usage: a.usage, Description: a.desc, Aggregate: true}, true
	}
	return FunctionInfo{}, false
}

// IsAggregate reports whether name is an aggregate function (COUNT, SUM,
// ...).
func IsAggregate(name string) bool {
	_, ok := aggregates[strings.ToUpper(name)]
	return ok
}

// impl computes a function from its non-NULL (unless the function takes
// NULLs) arguments.
type impl func(args []any) (any, error)

// scalar is a built-in scalar function.
type scalar struct {
	name, usage, desc string
	// min and max bound the number of arguments; max < 0 means any.
	min, max int
	// params check argument types by position; the last one repeats.
	params []func(types.Type) bool
	// result gives the result type for the argument types.
	result func(args []types.Type) types.Type
	// nulls is set for functions that look at NULL arguments themselves
	// (COALESCE); otherwise a NULL argument makes the result NULL.
	nulls bool
	// prepare returns the implementation for one call site; consts holds
	// the values of literal arguments (nil otherwise), so that a constant
	// regular expression compiles once.
	prepare func(args []types.Type, consts []any) (impl, error)
}

func isString(t types.Type) bool    { return t.Kind == types.KindString }
func isInt(t types.Type) bool       { return t.Kind == types.KindInteger || t.Kind == types.KindBigint }
func isNumber(t types.Type) bool    { return t.IsNumeric() }
func isAny(types.Type) bool         { return true }
func isArray(t types.Type) bool     { return t.Kind == types.KindArray }
func isTimestamp(t types.Type) bool { return t.Kind == types.KindTimestamp }
func isBigint(t types.Type) bool    { return isInt(t) }

func returns(t types.Type) func([]types.Type) types.Type {
	return func([]types.Type) types.Type { return t }
}

func firstArgType(args []types.Type) types.Type { return args[0] }

func simple(f func(args []any) (any, error)) func([]types.Type, []any) (impl, error) {
	return func([]types.Type, []any) (impl, error) { return f, nil }
}

func str(v any) string { return v.(string) }

func toInt(v any) int64 { return widen(v, types.Bigint).(int64) }

var scalars = buildScalars()

func buildScalars() map[string]*scalar {
	list := []*scalar{
		{name: "UCASE", usage: "UCASE(str)", desc: "Converts a string to upper case.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.ToUpper(str(a[0])), nil })},
		{name: "LCASE", usage: "LCASE(str)", desc: "Converts a string to lower case.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.ToLower(str(a[0])), nil })},
		{name: "CONCAT", usage: "CONCAT(str, str, ...)", desc: "Joins strings; NULL arguments count as empty strings.", min: 1, max: -1,
			params: []func(types.Type) bool{isString}, result: returns(types.String), nulls: true,
			prepare: simple(func(a []any) (any, error) {
				var b strings.Builder
				for _, x := range a {
					if x != nil {
						b.WriteString(str(x))
					}
				}
				return b.String(), nil
			})},
		{name: "CONCAT_WS", usage: "CONCAT_WS(separator, str, ...)", desc: "Joins the non-NULL strings with a separator.", min: 2, max: -1,
			params: []func(types.Type) bool{isString}, result: returns(types.String), nulls: true,
			prepare: simple(func(a []any) (any, error) {
				if a[0] == nil {
					return nil, nil
				}
				var parts []string
				for _, x := range a[1:] {
					if x != nil {
						parts = append(parts, str(x))
					}
				}
				return strings.Join(parts, str(a[0])), nil
			})},
		{name: "SUBSTRING", usage: "SUBSTRING(str, pos [, len])", desc: "The part of str from position pos (from 1; negative counts from the end), len characters long.", min: 2, max: 3,
			params: []func(types.Type) bool{isString, isInt, isInt}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) {
				rs := []rune(str(a[0]))
				n := int64(len(rs))
				pos := toInt(a[1])
				var start int64
				if pos < 0 {
					start = max(n+pos, 0)
				} else {
					start = max(min(pos-1, n), 0)
				}
				end := n
				if len(a) == 3 {
					end = max(min(start+toInt(a[2]), n), start)
				}
				return string(rs[start:end]), nil
			})},
		{name: "LEN", usage: "LEN(str)", desc: "The number of characters in a string.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.Integer),
			prepare: simple(func(a []any) (any, error) { return int32(len([]rune(str(a[0])))), nil })},
		{name: "TRIM", usage: "TRIM(str)", desc: "Removes white space from both ends.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.TrimSpace(str(a[0])), nil })},
		{name: "LTRIM", usage: "LTRIM(str)", desc: "Removes white space from the start.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.TrimLeftFunc(str(a[0]), unicode.IsSpace), nil })},
		{name: "RTRIM", usage: "RTRIM(str)", desc: "Removes white space from the end.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.TrimRightFunc(str(a[0]), unicode.IsSpace), nil })},
		{name: "REPLACE", usage: "REPLACE(str, old, new)", desc: "Replaces every occurrence of old with new.", min: 3, max: 3,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return strings.ReplaceAll(str(a[0]), str(a[1]), str(a[2])), nil })},
		{name: "LPAD", usage: "LPAD(str, len, pad)", desc: "Pads str on the left with pad to len characters (or cuts it to len).", min: 3, max: 3,
			params: []func(types.Type) bool{isString, isInt, isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return pad(str(a[0]), toInt(a[1]), str(a[2]), true), nil })},
		{name: "RPAD", usage: "RPAD(str, len, pad)", desc: "Pads str on the right with pad to len characters (or cuts it to len).", min: 3, max: 3,
			params: []func(types.Type) bool{isString, isInt, isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return pad(str(a[0]), toInt(a[1]), str(a[2]), false), nil })},
		{name: "INSTR", usage: "INSTR(str, sub [, pos [, occurrence]])", desc: "The position (from 1) of sub in str, searching from pos (backwards if negative); 0 when absent.", min: 2, max: 4,
			params: []func(types.Type) bool{isString, isString, isInt, isInt}, result: returns(types.Integer),
			prepare: simple(func(a []any) (any, error) {
				pos, occ := int64(1), int64(1)
				if len(a) > 2 {
					pos = toInt(a[2])
				}
				if len(a) > 3 {
					occ = toInt(a[3])
				}
				return instr([]rune(str(a[0])), []rune(str(a[1])), pos, occ), nil
			})},
		{name: "INITCAP", usage: "INITCAP(str)", desc: "Capitalizes the first letter of each word and lower-cases the rest.", min: 1, max: 1,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: simple(func(a []any) (any, error) { return initcap(str(a[0])), nil })},
		{name: "SPLIT", usage: "SPLIT(str, delimiter)", desc: "Splits a string into an ARRAY at each delimiter (into characters when it is empty).", min: 2, max: 2,
			params: []func(types.Type) bool{isString}, result: returns(types.Array(types.String)),
			prepare: simple(func(a []any) (any, error) {
				parts := strings.Split(str(a[0]), str(a[1]))
				out := make([]any, len(parts))
				for i, p := range parts {
					out[i] = p
				}
				return out, nil
			})},
		{name: "REGEXP_EXTRACT", usage: "REGEXP_EXTRACT(regex, str [, group])", desc: "The first match of regex in str (or of its capturing group), NULL when none.", min: 2, max: 3,
			params: []func(types.Type) bool{isString, isString, isInt}, result: returns(types.String),
			prepare: func(_ []types.Type, consts []any) (impl, error) {
				re, err := regexOf(consts[0])
				if err != nil {
					return nil, err
				}
				return func(a []any) (any, error) {
					r, err := reOrCompile(re, a[0])
					if err != nil {
						return nil, err
					}
					group := int64(0)
					if len(a) == 3 {
						group = toInt(a[2])
					}
					m := r.FindStringSubmatch(str(a[1]))
					if m == nil || group < 0 || group >= int64(len(m)) {
						return nil, nil
					}
					return m[group], nil
				}, nil
			}},
		{name: "REGEXP_REPLACE", usage: "REGEXP_REPLACE(str, regex, replacement)", desc: "Replaces every match of regex ($1 refers to a group).", min: 3, max: 3,
			params: []func(types.Type) bool{isString}, result: returns(types.String),
			prepare: func(_ []types.Type, consts []any) (impl, error) {
				re, err := regexOf(consts[1])
				if err != nil {
					return nil, err
				}
				return func(a []any) (any, error) {
					r, err := reOrCompile(re, a[1])
					if err != nil {
						return nil, err
					}
					return r.ReplaceAllString(str(a[0]), str(a[2])), nil
				}, nil
			}},
		{name: "IFNULL", usage: "IFNULL(x, otherwise)", desc: "x, or otherwise when x is NULL.", min: 2, max: 2,
			params: []func(types.Type) bool{isAny}, nulls: true},
		{name: "COALESCE", usage: "COALESCE(x, y, ...)", desc: "The first argument that is not NULL.", min: 1, max: -1,
			params: []func(types.Type) bool{isAny}, nulls: true},
		{name: "NULLIF", usage: "NULLIF(x, y)", desc: "NULL when x equals y, else x.", min: 2, max: 2,
			params: []func(types.Type) bool{isAny}, nulls: true, result: firstArgType,
			prepare: simple(func(a []any) (any, error) {
				if a[0] != nil && a[1] != nil && types.Equal(a[0], a[1]) {
					return nil, nil
				}
				return a[0], nil
			})},
		{name: "ABS", usage: "ABS(x)", desc: "The absolute value.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: firstArgType,
			prepare: simple(func(a []any) (any, error) {
				switch x := a[0].(type) {
				case int32:
					if x < 0 {
						return -x, nil
					}
				case int64:
					if x < 0 {
						return -x, nil
					}
				case float64:
					return math.Abs(x), nil
				case types.Dec:
					if x.Sign() < 0 {
						return x.Neg(), nil
					}
				}
				return a[0], nil
			})},
		{name: "CEIL", usage: "CEIL(x)", desc: "The smallest integer not below x.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: roundResult,
			prepare: simple(func(a []any) (any, error) { return roundTo(a[0], true), nil })},
		{name: "FLOOR", usage: "FLOOR(x)", desc: "The largest integer not above x.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: roundResult,
			prepare: simple(func(a []any) (any, error) { return roundTo(a[0], false), nil })},
		{name: "ROUND", usage: "ROUND(x [, places])", desc: "Rounds half up (towards positive infinity) to an integer, or to places decimal places.", min: 1, max: 2,
			params: []func(types.Type) bool{isNumber, isInt}, result: func(a []types.Type) types.Type {
				switch {
				case a[0].Kind == types.KindDecimal && len(a) == 1:
					return types.Decimal(max(a[0].Precision-a[0].Scale, 1), 0)
				case a[0].Kind == types.KindDecimal:
					return a[0]
				case len(a) == 2:
					return types.Double
				}
				return types.Bigint
			},
			prepare: func(at []types.Type, _ []any) (impl, error) {
				return func(a []any) (any, error) { return round(a, at) }, nil
			}},
		{name: "SQRT", usage: "SQRT(x)", desc: "The square root.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: returns(types.Double),
			prepare: simple(func(a []any) (any, error) { return math.Sqrt(widen(a[0], types.Double).(float64)), nil })},
		{name: "EXP", usage: "EXP(x)", desc: "e to the power x.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: returns(types.Double),
			prepare: simple(func(a []any) (any, error) { return math.Exp(widen(a[0], types.Double).(float64)), nil })},
		{name: "LN", usage: "LN(x)", desc: "The natural logarithm.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: returns(types.Double),
			prepare: simple(func(a []any) (any, error) { return math.Log(widen(a[0], types.Double).(float64)), nil })},
		{name: "POWER", usage: "POWER(base, exponent)", desc: "base to the power exponent.", min: 2, max: 2,
			params: []func(types.Type) bool{isNumber}, result: returns(types.Double),
			prepare: simple(func(a []any) (any, error) {
				return math.Pow(widen(a[0], types.Double).(float64), widen(a[1], types.Double).(float64)), nil
			})},
		{name: "SIGN", usage: "SIGN(x)", desc: "-1, 0 or 1.", min: 1, max: 1,
			params: []func(types.Type) bool{isNumber}, result: returns(types.Integer),
			prepare: simple(func(a []any) (any, error) {
				c, err := types.Compare(a[0], int32(0))
				return int32(c), err
			})},
		{name: "GREATEST", usage: "GREATEST(x, y, ...)", desc: "The largest non-NULL argument.", min: 1, max: -1,
			params: []func(types.Type) bool{isAny}, nulls: true},
		{name: "LEAST", usage: "LEAST(x, y, ...)", desc: "The smallest non-NULL argument.", min: 1, max: -1,
			params: []func(types.Type) bool{isAny}, nulls: true},
		{name: "ARRAY_LENGTH", usage: "ARRAY_LENGTH(array)", desc: "The number of elements.", min: 1, max: 1,
			params: []func(types.Type) bool{isArray}, result: returns(types.Integer),
			prepare: simple(func(a []any) (any, error) { return int32(len(a[0].([]any))), nil })},
		{name: "ARRAY_CONTAINS", usage: "ARRAY_CONTAINS(array, value)", desc: "Whether the array holds the value.", min: 2, max: 2,
			params: []func(types.Type) bool{isArray, isAny}, result: returns(types.Boolean), nulls: true,
			prepare: simple(func(a []any) (any, error) {
				if a[0] == nil {
					return nil, nil
				}
				for _, e := range a[0].([]any) {
					if types.Equal(e, a[1]) {
						return true, nil
					}
				}
				return false, nil
			})},
		{name: "AS_VALUE", usage: "AS_VALUE(keyColumn)", desc: "Copies a key column into the value of the result.", min: 1, max: 1,
			params: []func(types.Type) bool{isAny}, result: firstArgType,
			prepare: simple(func(a []any) (any, error) { return a[0], nil })},
	}
	list = append(list, timeFunctions()...)
	m := make(map[string]*scalar, len(list))
	for _, f := range list {
		m[f.name] = f
	}
	m["SUBSTR"] = m["SUBSTRING"]
	return m
}

func pad(s string, n int64, with string, left bool) any {
	rs, ps := []rune(s), []rune(with)
	if n < 0 || len(ps) == 0 && int64(len(rs)) < n {
		return nil
	}
	if int64(len(rs)) >= n {
		return string(rs[:n])
	}
	fill := make([]rune, 0, n-int64(len(rs)))
	for int64(len(fill)) < n-int64(len(rs)) {
		fill = append(fill, ps[len(fill)%len(ps)])
	}
	if left {
		return string(fill) + s
	}
	return s + string(fill)
}

func instr(s, sub []rune, pos, occ int64) int32 {
	n := int64(len(s))
	if occ <= 0 || pos == 0 {
		return 0
	}
	match := func(i int64) bool {
		if i < 0 || i+int64(len(sub)) > n {
			return false
		}
		for k := range sub {
			if s[i+int64(k)] != sub[k] {
				return false
			}
		}
		return true
	}
	if pos > 0 {
		for i := pos - 1; i <= n-int64(len(sub)); i++ {
			if match(i) {
				if occ--; occ == 0 {
					return int32(i + 1)
				}
			}
		}
		return 0
	}
	for i := n + pos; i >= 0; i-- {
		if match(i) {
			if occ--; occ == 0 {
				return int32(i + 1)
			}
		}
	}
	return 0
}

func initcap(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			start = true
			b.WriteRune(r)
		case start:
			b.WriteRune(unicode.ToUpper(r))
			start = false
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func regexOf(c any) (*regexp.Regexp, error) {
	s, ok := c.(string)
	if !ok {
		return nil, nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression '%s': %w", s, err)
	}
	return re, nil
}

func reOrCompile(re *regexp.Regexp, pattern any) (*regexp.Regexp, error) {
	if re != nil {
		return re, nil
	}
	return regexp.Compile(str(pattern))
}

// roundResult is the type of CEIL and FLOOR: integers stay, a DOUBLE stays
// a DOUBLE, a DECIMAL loses its scale.
func roundResult(a []types.Type) types.Type {
	if a[0].Kind == types.KindDecimal {
		return types.Decimal(max(a[0].Precision-a[0].Scale, 1), 0)
	}
	return a[0]
}

// roundTo is CEIL (up) or FLOOR (down): exact for DECIMAL, math.Ceil or
// math.Floor for DOUBLE, the identity for integers.
func roundTo(v any, up bool) any {
	switch x := v.(type) {
	case float64:
		if up {
			return math.Ceil(x)
		}
		return math.Floor(x)
	case types.Dec:
		t := x.Rescale(0)
		switch c := t.Cmp(x); {
		case up && c < 0:
			t = t.Add(types.NewDec(1, 0))
		case !up && c > 0:
			t = t.Sub(types.NewDec(1, 0))
		}
		return t
	}
	return v
}

// round is ROUND: Java's Math.round for a DOUBLE (half towards positive
// infinity), the same rule on the exact value of a DECIMAL.
func round(a []any, at []types.Type) (any, error) {
	places := int64(0)
	if len(a) == 2 {
		places = toInt(a[1])
	}
	switch x := a[0].(type) {
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if len(a) == 1 {
			return int64(math.Floor(x + 0.5)), nil
		}
		d, err := types.DecFromFloat(x, 17)
		if err != nil {
			return x, nil
		}
		return roundDec(d, int(places)).Float64(), nil
	case types.Dec:
		r := roundDec(x, int(places))
		if len(a) == 1 {
			return r.Rescale(0), nil
		}
		return r.Rescale(at[0].Scale), nil
	}
	return nil, fmt.Errorf("ROUND of %v", a[0])
}

// roundDec rounds half towards positive infinity to the given places.
func roundDec(d types.Dec, places int) types.Dec {
	if places >= d.Scale() {
		return d
	}
	half := types.NewDec(5, places+1)
	shifted := d.Add(half)
	// Truncate towards negative infinity at places.
	t := shifted.Rescale(places)
	if t.Cmp(shifted) > 0 {
		t = t.Sub(types.NewDec(1, places))
	}
	return t
}

func (c *compiler) call(e *ast.Call, text string) (*node, error) {
	name := e.Name.Name
	if IsAggregate(name) {
		return nil, errorf(e.Pos(), "aggregates belong in SELECT and HAVING of a query with GROUP BY",
			"aggregate function %s is not allowed here", name)
	}
	f, ok := scalars[name]
	if !ok {
		names := make([]string, 0, len(scalars)+len(aggregates))
		for n := range scalars {
			names = append(names, n)
		}
		for n := range aggregates {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, errorf(e.Name.Pos(), suggestHint(name, names), "unknown function %s", name)
	}
	if e.Star {
		return nil, errorf(e.Pos(), "", "%s(*) is not allowed; only COUNT(*) takes *", name)
	}
	args, err := c.list(e.Args)
	if err != nil {
		return nil, err
	}
	at := make([]types.Type, len(args))
	consts := make([]any, len(args))
	for i, a := range args {
		at[i] = a.typ
		if lit, ok := e.Args[i].(*ast.StringLit); ok {
			consts[i] = lit.Value
		}
	}
	if len(args) < f.min || f.max >= 0 && len(args) > f.max {
		return nil, errorf(e.Pos(), "usage: "+f.usage, "%s takes %s, got %d", name, arity(f.min, f.max), len(args))
	}
	for i, t := range at {
		check := f.params[min(i, len(f.params)-1)]
		if !isNullType(t) && !check(t) {
			return nil, errorf(e.Args[i].Pos(), "usage: "+f.usage, "%s does not accept %s (%s) as argument %d", name, args[i].text, t, i+1)
		}
	}
	result, impl, err := c.bindSpecial(e, f, args, at)
	if err != nil {
		return nil, err
	}
	if impl == nil {
		if impl, err = f.prepare(at, consts); err != nil {
			return nil, errorf(e.Pos(), "", "%v", err)
		}
		result = f.result(at)
	}
	nulls := f.nulls
	return &node{typ: result, text: text, eval: func(row Row) (any, error) {
		vals := make([]any, len(args))
		for i, a := range args {
			v, err := a.eval(row)
			if err != nil {
				return nil, err
			}
			if v == nil && !nulls {
				return nil, nil
			}
			vals[i] = v
		}
		return impl(vals)
	}}, nil
}

func arity(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d arguments", lo)
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

// bindSpecial types the functions whose result is the common type of their
// arguments (IFNULL, COALESCE, GREATEST, LEAST); for the others it returns
// a nil impl.
func (c *compiler) bindSpecial(e *ast.Call, f *scalar, args []*node, at []types.Type) (types.Type, impl, error) {
	switch f.name {
	case "IFNULL", "COALESCE", "GREATEST", "LEAST":
	default:
		return types.Type{}, nil, nil
	}
	t, err := commonType(e.Pos(), "the arguments of "+f.name, args)
	if err != nil {
		return types.Type{}, nil, err
	}
	if (f.name == "GREATEST" || f.name == "LEAST") && !isNullType(t) && !t.IsPrimitive() {
		return types.Type{}, nil, errorf(e.Pos(), "", "%s needs comparable arguments, not %s", f.name, t)
	}
	convs := make([]func(any) (any, error), len(at))
	for i := range at {
		convs[i] = convert(at[i], t)
	}
	if f.name == "IFNULL" || f.name == "COALESCE" {
		return t, func(a []any) (any, error) {
			for i, v := range a {
				if v != nil {
					return convs[i](v)
				}
			}
			return nil, nil
		}, nil
	}
	want := 1
	if f.name == "LEAST" {
		want = -1
	}
	return t, func(a []any) (any, error) {
		var best any
		for i, v := range a {
			if v == nil {
				continue
			}
			v, err := convs[i](v)
			if err != nil {
				return nil, err
			}
			if best == nil {
				best = v
				continue
			}
			cmp, err := types.Compare(v, best)
			if err != nil {
				return nil, err
			}
			if cmp == want {
				best = v
			}
		}
		return best, nil
	}, nil
}
