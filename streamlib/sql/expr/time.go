package expr

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

func timeFunctions() []*scalar {
	return []*scalar{
		{name: "TIMESTAMPTOSTRING", usage: "TIMESTAMPTOSTRING(epochMillis, pattern [, timeZone])",
			desc: "Formats milliseconds since the epoch with a Java date pattern such as 'yyyy-MM-dd HH:mm:ss.SSS' (UTC unless a zone is given).",
			min:  2, max: 3, params: []func(types.Type) bool{isBigint, isString, isString}, result: returns(types.String),
			prepare: formatter(func(v any) time.Time { return time.UnixMilli(toInt(v)) })},
		{name: "FORMAT_TIMESTAMP", usage: "FORMAT_TIMESTAMP(timestamp, pattern [, timeZone])",
			desc: "Formats a TIMESTAMP with a Java date pattern.",
			min:  2, max: 3, params: []func(types.Type) bool{isTimestamp, isString, isString}, result: returns(types.String),
			prepare: formatter(func(v any) time.Time { return v.(time.Time) })},
		{name: "STRINGTOTIMESTAMP", usage: "STRINGTOTIMESTAMP(str, pattern [, timeZone])",
			desc: "Parses a string with a Java date pattern into milliseconds since the epoch.",
			min:  2, max: 3, params: []func(types.Type) bool{isString}, result: returns(types.Bigint),
			prepare: timeParser(func(t time.Time) any { return t.UnixMilli() })},
		{name: "PARSE_TIMESTAMP", usage: "PARSE_TIMESTAMP(str, pattern [, timeZone])",
			desc: "Parses a string with a Java date pattern into a TIMESTAMP.",
			min:  2, max: 3, params: []func(types.Type) bool{isString}, result: returns(types.Timestamp),
			prepare: timeParser(func(t time.Time) any { return t.UTC() })},
		{name: "FROM_UNIXTIME", usage: "FROM_UNIXTIME(epochMillis)", desc: "The TIMESTAMP of milliseconds since the epoch.",
			min: 1, max: 1, params: []func(types.Type) bool{isBigint}, result: returns(types.Timestamp),
			prepare: simple(func(a []any) (any, error) { return time.UnixMilli(toInt(a[0])).UTC(), nil })},
		{name: "UNIX_TIMESTAMP", usage: "UNIX_TIMESTAMP(timestamp)", desc: "The milliseconds since the epoch of a TIMESTAMP.",
			min: 1, max: 1, params: []func(types.Type) bool{isTimestamp}, result: returns(types.Bigint),
			prepare: simple(func(a []any) (any, error) { return a[0].(time.Time).UnixMilli(), nil })},
	}
}

// formatter prepares TIMESTAMPTOSTRING and FORMAT_TIMESTAMP; a constant
// pattern and zone are converted once.
func formatter(instant func(any) time.Time) func([]types.Type, []any) (impl, error) {
	return func(_ []types.Type, consts []any) (impl, error) {
		layout, loc, err := constLayout(consts)
		if err != nil {
			return nil, err
		}
		return func(a []any) (any, error) {
			l, z, err := layoutAndZone(a, layout, loc)
			if err != nil {
				return nil, err
			}
			return instant(a[0]).In(z).Format(l), nil
		}, nil
	}
}

// timeParser prepares STRINGTOTIMESTAMP and PARSE_TIMESTAMP.
func timeParser(result func(time.Time) any) func([]types.Type, []any) (impl, error) {
	return func(_ []types.Type, consts []any) (impl, error) {
		layout, loc, err := constLayout(consts)
		if err != nil {
			return nil, err
		}
		return func(a []any) (any, error) {
			l, z, err := layoutAndZone(a, layout, loc)
			if err != nil {
				return nil, err
			}
			t, err := time.ParseInLocation(l, str(a[0]), z)
			if err != nil {
				return nil, fmt.Errorf("cannot parse '%s' with pattern '%s'", str(a[0]), str(a[1]))
			}
			return result(t), nil
		}, nil
	}
}

func constLayout(consts []any) (string, *time.Location, error) {
	layout := ""
	if p, ok := consts[1].(string); ok {
		l, err := JavaLayout(p)
		if err != nil {
			return "", nil, err
		}
		layout = l
	}
	var loc *time.Location
	if len(consts) == 3 {
		if z, ok := consts[2].(string); ok {
			l, err := time.LoadLocation(z)
			if err != nil {
				return "", nil, fmt.Errorf("unknown time zone '%s'", z)
			}
			loc = l
		}
	} else {
		loc = time.UTC
	}
	return layout, loc, nil
}

func layoutAndZone(a []any, layout string, loc *time.Location) (string, *time.Location, error) {
	if layout == "" {
		l, err := JavaLayout(str(a[1]))
		if err != nil {
			return "", nil, err
		}
		layout = l
	}
	if loc == nil {
		l, err := time.LoadLocation(str(a[2]))
		if err != nil {
			return "", nil, fmt.Errorf("unknown time zone '%s'", str(a[2]))
		}
		loc = l
	}
	return layout, loc, nil
}

// JavaLayout converts a Java date pattern (as ksqlDB's time functions take,
// such as "yyyy-MM-dd'T'HH:mm:ss.SSSX") into a Go time layout. It supports
// the letters y, M, d, H, h, m, s, S, a, E, Z, X and z, and quoted literal
// text; any other letter is an error.
func JavaLayout(pattern string) (string, error) {
	var b strings.Builder
	rs := []rune(pattern)
	for i := 0; i < len(rs); {
		r := rs[i]
		if r == '\'' {
			j := i + 1
			if j < len(rs) && rs[j] == '\'' {
				b.WriteRune('\'')
				i += 2
				continue
			}
			for j < len(rs) {
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' {
						b.WriteRune('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteRune(rs[j])
				j++
			}
			if j >= len(rs) {
				return "", fmt.Errorf("unterminated quote in date pattern '%s'", pattern)
			}
			i = j + 1
			continue
		}
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
			i++
			continue
		}
		n := 1
		for i+n < len(rs) && rs[i+n] == r {
			n++
		}
		i += n
		var out string
		switch r {
		case 'y', 'u':
			out = "2006"
			if n == 2 {
				out = "06"
			}
		case 'M', 'L':
			out = map[int]string{1: "1", 2: "01", 3: "Jan"}[min(n, 4)]
			if n >= 4 {
				out = "January"
			}
		case 'd':
			out = "2"
			if n >= 2 {
				out = "02"
			}
		case 'H', 'k':
			out = "15"
		case 'h', 'K':
			out = "3"
			if n >= 2 {
				out = "03"
			}
		case 'm':
			out = "4"
			if n >= 2 {
				out = "04"
			}
		case 's':
			out = "5"
			if n >= 2 {
				out = "05"
			}
		case 'S':
			out = strings.Repeat("0", n)
		case 'a':
			out = "PM"
		case 'E':
			out = "Mon"
			if n >= 4 {
				out = "Monday"
			}
		case 'Z':
			out = "-0700"
		case 'X':
			out = map[int]string{1: "Z07", 2: "Z0700"}[n]
			if n >= 3 {
				out = "Z07:00"
			}
		case 'x':
			out = "-07:00"
			if n <= 2 {
				out = "-0700"
			}
		case 'z':
			out = "MST"
		default:
			return "", fmt.Errorf("date pattern letter '%c' in '%s' is not supported", r, pattern)
		}
		b.WriteString(out)
	}
	return b.String(), nil
}
