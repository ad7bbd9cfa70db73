package expr

import (
	"fmt"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// CollectListLimit is the most values COLLECT_LIST and COLLECT_SET keep,
// ksqlDB's default for ksql.functions.collect_list.limit.
const CollectListLimit = 1000

// Aggregate is an aggregate function bound to the types of its arguments:
// COUNT, SUM, AVG, MIN, MAX, LATEST_BY_OFFSET, EARLIEST_BY_OFFSET,
// COLLECT_LIST, COLLECT_SET.
//
// An aggregation keeps one accumulator per group (and window). The
// accumulator is an ordinary SQL value of AccumulatorType, so a state
// store can keep it with the same serde as any row. Add, Undo and Merge
// return the new accumulator and never modify the one they are given.
//
//	acc := agg.Init()
//	acc, _ = agg.Add(acc, []any{int64(5)}) // for each input row
//	out := agg.Result(acc)
type Aggregate interface {
	// Name is the function name, such as SUM.
	Name() string
	// ResultType is the type of Result.
	ResultType() types.Type
	// AccumulatorType is the type of the accumulator values.
	AccumulatorType() types.Type
	// Init returns the accumulator of an empty group.
	Init() any
	// Add folds one row's argument values into the accumulator.
	Add(acc any, args []any) (any, error)
	// CanUndo reports whether Undo works. Only such functions can
	// aggregate a TABLE, whose updates retract the old row before adding
	// the new one.
	CanUndo() bool
	// Undo removes one row's argument values from the accumulator.
	Undo(acc any, args []any) (any, error)
	// Merge combines the accumulators of two session windows that a
	// record joined together; b belongs to the later session.
	Merge(a, b any) (any, error)
	// Result returns the function's value for an accumulator.
	Result(acc any) any
}

type aggregateDef struct {
	name, usage, desc string
	// bind checks the argument types and returns the implementation.
	bind func(args []types.Type) (*agg, error)
}

type agg struct {
	name        string
	result, acc types.Type
	init        func() any
	add         func(acc any, args []any) (any, error)
	undo        func(acc any, args []any) (any, error)
	merge       func(a, b any) (any, error)
	final       func(acc any) any
}

func (a *agg) Name() string                { return a.name }
func (a *agg) ResultType() types.Type      { return a.result }
func (a *agg) AccumulatorType() types.Type { return a.acc }
func (a *agg) Init() any                   { return a.init() }
func (a *agg) CanUndo() bool               { return a.undo != nil }

func (a *agg) Add(acc any, args []any) (any, error) { return a.add(acc, args) }

func (a *agg) Undo(acc any, args []any) (any, error) {
	if a.undo == nil {
		return nil, fmt.Errorf("%s cannot undo", a.name)
	}
	return a.undo(acc, args)
}

func (a *agg) Merge(x, y any) (any, error) { return a.merge(x, y) }

func (a *agg) Result(acc any) any {
	if a.final == nil {
		return acc
	}
	return a.final(acc)
}

// NewAggregate binds the aggregate function name to its argument types;
// star is set for COUNT(*). at is where the call is, for the error.
func NewAggregate(name string, star bool, args []types.Type, at ast.Pos) (Aggregate, error) {
	def, ok := aggregates[strings.ToUpper(name)]
	if !ok {
		return nil, errorf(at, "", "%s is not an aggregate function", name)
	}
	if star {
		if def.name != "COUNT" {
			return nil, errorf(at, "", "%s(*) is not allowed; only COUNT(*) takes *", def.name)
		}
		return countAgg(false), nil
	}
	for i, t := range args {
		if isNullType(t) {
			return nil, errorf(at, "CAST it: CAST(NULL AS BIGINT)", "argument %d of %s is an untyped NULL", i+1, def.name)
		}
	}
	a, err := def.bind(args)
	if err != nil {
		return nil, errorf(at, "usage: "+def.usage, "%v", err)
	}
	return a, nil
}

var aggregates = map[string]*aggregateDef{
	"COUNT": {name: "COUNT", usage: "COUNT(*) or COUNT(x)", desc: "The number of rows, or of rows where x is not NULL.",
		bind: func(a []types.Type) (*agg, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("COUNT takes * or one argument, got %d", len(a))
			}
			return countAgg(true), nil
		}},
	"SUM": {name: "SUM", usage: "SUM(x)", desc: "The sum of the non-NULL values of x.", bind: sumAgg},
	"AVG": {name: "AVG", usage: "AVG(x)", desc: "The average of the non-NULL values of x, as a DOUBLE.", bind: avgAgg},
	"MIN": {name: "MIN", usage: "MIN(x)", desc: "The smallest non-NULL value of x (streams only).",
		bind: func(a []types.Type) (*agg, error) { return minMaxAgg("MIN", -1, a) }},
	"MAX": {name: "MAX", usage: "MAX(x)", desc: "The largest non-NULL value of x (streams only).",
		bind: func(a []types.Type) (*agg, error) { return minMaxAgg("MAX", 1, a) }},
	"LATEST_BY_OFFSET": {name: "LATEST_BY_OFFSET", usage: "LATEST_BY_OFFSET(x [, ignoreNulls])",
		desc: "The value of x in the latest row (the last non-NULL one unless ignoreNulls is FALSE).", bind: latestAgg},
	"EARLIEST_BY_OFFSET": {name: "EARLIEST_BY_OFFSET", usage: "EARLIEST_BY_OFFSET(x [, ignoreNulls])",
		desc: "The value of x in the earliest row (the first non-NULL one unless ignoreNulls is FALSE).", bind: earliestAgg},
	"COLLECT_LIST": {name: "COLLECT_LIST", usage: "COLLECT_LIST(x)",
		desc: fmt.Sprintf("An ARRAY of the values of x, in arrival order (at most %d).", CollectListLimit),
		bind: func(a []types.Type) (*agg, error) { return collectAgg("COLLECT_LIST", false, a) }},
	"COLLECT_SET": {name: "COLLECT_SET", usage: "COLLECT_SET(x)",
		desc: fmt.Sprintf("An ARRAY of the distinct values of x (at most %d; streams only).", CollectListLimit),
		bind: func(a []types.Type) (*agg, error) { return collectAgg("COLLECT_SET", true, a) }},
}

func oneArg(name string, a []types.Type) error {
	if len(a) != 1 {
		return fmt.Errorf("%s takes one argument, got %d", name, len(a))
	}
	return nil
}

func countAgg(ofColumn bool) *agg {
	inc := func(acc any, args []any, d int64) (any, error) {
		if ofColumn && args[0] == nil {
			return acc, nil
		}
		return acc.(int64) + d, nil
	}
	return &agg{name: "COUNT", result: types.Bigint, acc: types.Bigint,
		init:  func() any { return int64(0) },
		add:   func(acc any, args []any) (any, error) { return inc(acc, args, 1) },
		undo:  func(acc any, args []any) (any, error) { return inc(acc, args, -1) },
		merge: func(a, b any) (any, error) { return a.(int64) + b.(int64), nil },
	}
}

func zeroOf(t types.Type) any {
	switch t.Kind {
	case types.KindInteger:
		return int32(0)
	case types.KindBigint:
		return int64(0)
	case types.KindDouble:
		return float64(0)
	case types.KindDecimal:
		return types.NewDec(0, t.Scale)
	}
	return nil
}

func sumAgg(a []types.Type) (*agg, error) {
	if err := oneArg("SUM", a); err != nil {
		return nil, err
	}
	t := a[0]
	if !t.IsNumeric() {
		return nil, fmt.Errorf("SUM needs a number, got %s", t)
	}
	if t.Kind == types.KindDecimal {
		t = types.Decimal(types.MaxDecimalPrecision, t.Scale)
	}
	plus := func(acc, v any, op ast.BinaryOp) (any, error) {
		if v == nil {
			return acc, nil
		}
		return arith(op, t, acc, widen(v, t))
	}
	return &agg{name: "SUM", result: t, acc: t,
		init:  func() any { return zeroOf(t) },
		add:   func(acc any, args []any) (any, error) { return plus(acc, args[0], ast.Add) },
		undo:  func(acc any, args []any) (any, error) { return plus(acc, args[0], ast.Sub) },
		merge: func(x, y any) (any, error) { return plus(x, y, ast.Add) },
	}, nil
}

func avgAgg(a []types.Type) (*agg, error) {
	if err := oneArg("AVG", a); err != nil {
		return nil, err
	}
	if !a[0].IsNumeric() {
		return nil, fmt.Errorf("AVG needs a number, got %s", a[0])
	}
	sumT := types.Double
	if a[0].Kind == types.KindDecimal {
		sumT = types.Decimal(types.MaxDecimalPrecision, a[0].Scale)
	}
	accT := types.Struct(types.Field{Name: "SUM", Type: sumT}, types.Field{Name: "COUNT", Type: types.Bigint})
	step := func(acc any, v any, op ast.BinaryOp, d int64) (any, error) {
		if v == nil {
			return acc, nil
		}
		m := acc.(map[string]any)
		s, err := arith(op, sumT, m["SUM"], widen(v, sumT))
		if err != nil {
			return nil, err
		}
		return map[string]any{"SUM": s, "COUNT": m["COUNT"].(int64) + d}, nil
	}
	return &agg{name: "AVG", result: types.Double, acc: accT,
		init: func() any { return map[string]any{"SUM": zeroOf(sumT), "COUNT": int64(0)} },
		add:  func(acc any, args []any) (any, error) { return step(acc, args[0], ast.Add, 1) },
		undo: func(acc any, args []any) (any, error) { return step(acc, args[0], ast.Sub, -1) },
		merge: func(x, y any) (any, error) {
			mx, my := x.(map[string]any), y.(map[string]any)
			s, err := arith(ast.Add, sumT, mx["SUM"], my["SUM"])
			if err != nil {
				return nil, err
			}
			return map[string]any{"SUM": s, "COUNT": mx["COUNT"].(int64) + my["COUNT"].(int64)}, nil
		},
		final: func(acc any) any {
			m := acc.(map[string]any)
			n := m["COUNT"].(int64)
			if n == 0 {
				return 0.0
			}
			return widen(m["SUM"], types.Double).(float64) / float64(n)
		},
	}, nil
}

func minMaxAgg(name string, want int, a []types.Type) (*agg, error) {
	if err := oneArg(name, a); err != nil {
		return nil, err
	}
	t := a[0]
	if !t.IsNumeric() && t.Kind != types.KindString && t.Kind != types.KindTimestamp {
		return nil, fmt.Errorf("%s needs a number, STRING or TIMESTAMP, got %s", name, t)
	}
	pick := func(x, y any) (any, error) {
		switch {
		case x == nil:
			return y, nil
		case y == nil:
			return x, nil
		}
		c, err := types.Compare(y, x)
		if err != nil {
			return nil, err
		}
		if c == want {
			return y, nil
		}
		return x, nil
	}
	return &agg{name: name, result: t, acc: t,
		init:  func() any { return nil },
		add:   func(acc any, args []any) (any, error) { return pick(acc, args[0]) },
		merge: pick,
	}, nil
}

// ignoreNullsArg reads the optional second argument of the *_BY_OFFSET
// functions.
func ignoreNullsArg(name string, a []types.Type) error {
	if len(a) < 1 || len(a) > 2 {
		return fmt.Errorf("%s takes one or two arguments, got %d", name, len(a))
	}
	if len(a) == 2 && a[1].Kind != types.KindBoolean {
		return fmt.Errorf("the second argument of %s (ignoreNulls) must be a BOOLEAN, got %s", name, a[1])
	}
	return nil
}

func ignoresNulls(args []any) bool {
	return len(args) < 2 || args[1] != false
}

func latestAgg(a []types.Type) (*agg, error) {
	if err := ignoreNullsArg("LATEST_BY_OFFSET", a); err != nil {
		return nil, err
	}
	return &agg{name: "LATEST_BY_OFFSET", result: a[0], acc: a[0],
		init: func() any { return nil },
		add: func(acc any, args []any) (any, error) {
			if args[0] == nil && ignoresNulls(args) {
				return acc, nil
			}
			return args[0], nil
		},
		merge: func(x, y any) (any, error) {
			if y != nil {
				return y, nil
			}
			return x, nil
		},
	}, nil
}

func earliestAgg(a []types.Type) (*agg, error) {
	if err := ignoreNullsArg("EARLIEST_BY_OFFSET", a); err != nil {
		return nil, err
	}
	accT := types.Struct(types.Field{Name: "SET", Type: types.Boolean}, types.Field{Name: "VAL", Type: a[0]})
	return &agg{name: "EARLIEST_BY_OFFSET", result: a[0], acc: accT,
		init: func() any { return map[string]any{"SET": false, "VAL": nil} },
		add: func(acc any, args []any) (any, error) {
			if acc.(map[string]any)["SET"] == true || args[0] == nil && ignoresNulls(args) {
				return acc, nil
			}
			return map[string]any{"SET": true, "VAL": args[0]}, nil
		},
		merge: func(x, y any) (any, error) {
			if x.(map[string]any)["SET"] == true {
				return x, nil
			}
			return y, nil
		},
		final: func(acc any) any { return acc.(map[string]any)["VAL"] },
	}, nil
}

func collectAgg(name string, distinct bool, a []types.Type) (*agg, error) {
	if err := oneArg(name, a); err != nil {
		return nil, err
	}
	t := types.Array(a[0])
	add := func(acc any, v any) []any {
		list := acc.([]any)
		if len(list) >= CollectListLimit {
			return list
		}
		if distinct {
			for _, x := range list {
				if types.Equal(x, v) {
					return list
				}
			}
		}
		out := make([]any, len(list), len(list)+1)
		copy(out, list)
		return append(out, v)
	}
	c := &agg{name: name, result: t, acc: t,
		init: func() any { return []any{} },
		add:  func(acc any, args []any) (any, error) { return add(acc, args[0]), nil },
		merge: func(x, y any) (any, error) {
			out := x
			for _, v := range y.([]any) {
				out = add(out, v)
			}
			return out, nil
		},
	}
	if !distinct {
		c.undo = func(acc any, args []any) (any, error) {
			list := acc.([]any)
			for i, x := range list {
				if types.Equal(x, args[0]) {
					out := make([]any, 0, len(list)-1)
					out = append(out, list[:i]...)
					return append(out, list[i+1:]...), nil
				}
			}
			return list, nil
		}
	}
	return c, nil
}
