package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/format"
	"github.com/streamworkshop/workshop/streamlib/sql/internal/suggest"
)

// Properties are the session properties that SET and UNSET change, such
// as 'auto.offset.reset'. Names are as written (they are case-sensitive
// in ksqlDB, like Kafka configs).
type Properties map[string]string

// The session properties the analyzer reads.
const (
	// PropDefaultKeyFormat is the key format of CREATE statements that do
	// not set one; KAFKA when unset.
	PropDefaultKeyFormat = "ksql.persistence.default.format.key"
	// PropDefaultValueFormat is the value format of CREATE statements that
	// do not set one; when unset, VALUE_FORMAT is required.
	PropDefaultValueFormat = "ksql.persistence.default.format.value"
	// PropAutoOffsetReset is where new queries start reading: latest (the
	// default) or earliest.
	PropAutoOffsetReset = "auto.offset.reset"
)

// AutoOffsetReset returns "earliest" or "latest" (the default).
func (p Properties) AutoOffsetReset() string {
	if strings.EqualFold(p[PropAutoOffsetReset], "earliest") {
		return "earliest"
	}
	return "latest"
}

// Sorted returns the property names in order.
func (p Properties) Sorted() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// withProps are the WITH properties CREATE statements accept.
var withProps = []string{
	"KAFKA_TOPIC", "VALUE_FORMAT", "KEY_FORMAT", "FORMAT", "PARTITIONS", "REPLICAS",
	"TIMESTAMP", "TIMESTAMP_FORMAT", "WRAP_SINGLE_VALUE", "VALUE_DELIMITER",
	"WINDOW_TYPE", "WINDOW_SIZE", "RETENTION_MS",
}

// with reads a WITH clause.
type with struct {
	props ast.Properties
}

// check rejects properties that are not in allowed.
func (w with) check(allowed []string) error {
	for _, p := range w.props {
		ok := false
		for _, a := range allowed {
			if p.Name == a {
				ok = true
				break
			}
		}
		if !ok {
			hint := ""
			if s := suggest.Closest(p.Name, allowed); s != "" {
				hint = "did you mean " + s + "?"
			} else {
				hint = "the properties are " + strings.Join(allowed, ", ")
			}
			return invalid(p.At, hint, "Invalid config variable(s) in the WITH clause: %s", p.Name)
		}
	}
	return nil
}

func (w with) get(name string) (ast.Property, bool) { return w.props.Get(name) }

// str returns a string property.
func (w with) str(name string) (string, bool, error) {
	p, ok := w.get(name)
	if !ok {
		return "", false, nil
	}
	s, isStr := p.Value.(*ast.StringLit)
	if !isStr {
		return "", false, invalid(p.At, fmt.Sprintf("write it as a string: %s='...'", name), "%s must be a string, got %s", name, ast.String(p.Value))
	}
	return s.Value, true, nil
}

// integer returns an integer property.
func (w with) integer(name string) (int64, bool, error) {
	p, ok := w.get(name)
	if !ok {
		return 0, false, nil
	}
	switch v := p.Value.(type) {
	case *ast.IntLit:
		return v.Value, true, nil
	case *ast.Unary:
		if lit, isInt := v.X.(*ast.IntLit); isInt && v.Op == ast.Neg {
			return -lit.Value, true, nil
		}
	case *ast.StringLit:
		if n, err := strconv.ParseInt(v.Value, 10, 64); err == nil {
			return n, true, nil
		}
	}
	return 0, false, invalid(p.At, "", "%s must be an integer, got %s", name, ast.String(p.Value))
}

// boolean returns a boolean property.
func (w with) boolean(name string) (bool, bool, error) {
	p, ok := w.get(name)
	if !ok {
		return false, false, nil
	}
	switch v := p.Value.(type) {
	case *ast.BoolLit:
		return v.Value, true, nil
	case *ast.StringLit:
		switch strings.ToLower(v.Value) {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
	}
	return false, false, invalid(p.At, "", "%s must be TRUE or FALSE, got %s", name, ast.String(p.Value))
}

// formatProp reads a format property.
func (w with) formatProp(name string) (format.Format, bool, error) {
	s, ok, err := w.str(name)
	if err != nil || !ok {
		return "", ok, err
	}
	p, _ := w.get(name)
	f, err := format.Parse(s)
	if err != nil {
		return "", false, invalid(p.At, "", "%v", err)
	}
	if !f.Supported() {
		return "", false, newError(ErrUnsupported, p.At, "use JSON (or KAFKA for a single key column)",
			"the %s format is not supported here", f)
	}
	return f, true, nil
}

// formats resolves KEY_FORMAT, VALUE_FORMAT and FORMAT, falling back to
// the session defaults and then to the given defaults (when not empty).
func (w with) formats(props Properties, defKey, defValue format.Format) (key, value format.Format, err error) {
	both, hasBoth, err := w.formatProp("FORMAT")
	if err != nil {
		return "", "", err
	}
	key, hasKey, err := w.formatProp("KEY_FORMAT")
	if err != nil {
		return "", "", err
	}
	value, hasValue, err := w.formatProp("VALUE_FORMAT")
	if err != nil {
		return "", "", err
	}
	if hasBoth && (hasKey || hasValue) {
		p, _ := w.get("FORMAT")
		return "", "", invalid(p.At, "use either FORMAT or KEY_FORMAT/VALUE_FORMAT",
			"Cannot supply both 'FORMAT' and 'KEY_FORMAT' or 'VALUE_FORMAT' properties")
	}
	if hasBoth {
		return both, both, nil
	}
	if !hasKey {
		key = defKey
		if key == "" {
			key = format.Kafka
			if s := props[PropDefaultKeyFormat]; s != "" {
				if key, err = format.Parse(s); err != nil {
					return "", "", invalid(ast.Pos{}, "", "session property %s: %v", PropDefaultKeyFormat, err)
				}
			}
		}
	}
	if !hasValue {
		value = defValue
		if value == "" && props[PropDefaultValueFormat] != "" {
			if value, err = format.Parse(props[PropDefaultValueFormat]); err != nil {
				return "", "", invalid(ast.Pos{}, "", "session property %s: %v", PropDefaultValueFormat, err)
			}
		}
	}
	return key, value, nil
}

// valueOptions reads WRAP_SINGLE_VALUE and VALUE_DELIMITER.
func (w with) valueOptions(valueCols int) (format.Options, error) {
	var o format.Options
	wrap, ok, err := w.boolean("WRAP_SINGLE_VALUE")
	if err != nil {
		return o, err
	}
	if ok && !wrap {
		if valueCols != 1 {
			p, _ := w.get("WRAP_SINGLE_VALUE")
			return o, invalid(p.At, "", "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
		}
		o.Unwrapped = true
	}
	d, ok, err := w.str("VALUE_DELIMITER")
	if err != nil || !ok {
		return o, err
	}
	switch strings.ToUpper(d) {
	case "TAB":
		o.Delimiter = '\t'
	case "SPACE":
		o.Delimiter = ' '
	default:
		rs := []rune(d)
		if len(rs) != 1 {
			p, _ := w.get("VALUE_DELIMITER")
			return o, invalid(p.At, "use one character, TAB or SPACE", "invalid VALUE_DELIMITER '%s'", d)
		}
		o.Delimiter = rs[0]
	}
	return o, nil
}

// windowInfo reads WINDOW_TYPE and WINDOW_SIZE, which declare a source
// whose topic has windowed keys.
func (w with) windowInfo() (*WindowInfo, error) {
	typ, ok, err := w.str("WINDOW_TYPE")
	if err != nil || !ok {
		if _, hasSize := w.get("WINDOW_SIZE"); hasSize && err == nil {
			p, _ := w.get("WINDOW_SIZE")
			return nil, invalid(p.At, "", "WINDOW_SIZE needs WINDOW_TYPE")
		}
		return nil, err
	}
	p, _ := w.get("WINDOW_TYPE")
	info := &WindowInfo{}
	switch strings.ToUpper(typ) {
	case "TUMBLING":
		info.Type = ast.Tumbling
	case "HOPPING":
		info.Type = ast.Hopping
	case "SESSION":
		info.Type = ast.Session
		return info, nil
	default:
		return nil, invalid(p.At, "", "WINDOW_TYPE must be TUMBLING, HOPPING or SESSION, got '%s'", typ)
	}
	size, ok, err := w.str("WINDOW_SIZE")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid(p.At, "add WINDOW_SIZE='30 SECONDS'", "a %s window needs WINDOW_SIZE", info.Type)
	}
	d, err := parseDuration(size)
	if err != nil {
		sp, _ := w.get("WINDOW_SIZE")
		return nil, invalid(sp.At, "write it like '30 SECONDS'", "invalid WINDOW_SIZE '%s'", size)
	}
	info.Size = d
	return info, nil
}

// parseDuration reads a duration written like "30 SECONDS".
func parseDuration(s string) (time.Duration, error) {
	f := strings.Fields(strings.ToUpper(s))
	if len(f) != 2 {
		return 0, fmt.Errorf("invalid duration '%s'", s)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid duration '%s'", s)
	}
	units := map[string]time.Duration{
		"MILLISECOND": time.Millisecond, "SECOND": time.Second, "MINUTE": time.Minute,
		"HOUR": time.Hour, "DAY": 24 * time.Hour,
	}
	u, ok := units[strings.TrimSuffix(f[1], "S")]
	if !ok {
		return 0, fmt.Errorf("invalid duration '%s'", s)
	}
	return time.Duration(n) * u, nil
}
