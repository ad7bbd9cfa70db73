package expr

import (
	"errors"
	"math"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// errDivideByZero is the processing error of an integer or DECIMAL
// division by zero (a DOUBLE division gives an infinity, as in Java).
var errDivideByZero = errors.New("division by zero")

// arithType returns the type of l op r for an arithmetic operator on two
// numeric types: DOUBLE if either is DOUBLE, else DECIMAL if either is
// DECIMAL (with SQL Server's precision and scale rules, which ksqlDB
// follows), else the wider of INTEGER and BIGINT. A NULL operand takes the
// other operand's type.
func arithType(op ast.BinaryOp, l, r types.Type) types.Type {
	switch {
	case isNullType(l):
		return r
	case isNullType(r):
		return l
	case l.Kind == types.KindDouble || r.Kind == types.KindDouble:
		return types.Double
	case l.Kind == types.KindDecimal || r.Kind == types.KindDecimal:
		return decimalResult(op, types.AsDecimalType(l), types.AsDecimalType(r))
	case l.Kind == types.KindBigint || r.Kind == types.KindBigint:
		return types.Bigint
	}
	return types.Integer
}

func decimalResult(op ast.BinaryOp, l, r types.Type) types.Type {
	p1, s1, p2, s2 := l.Precision, l.Scale, r.Precision, r.Scale
	var p, s int
	switch op {
	case ast.Add, ast.Sub:
		s = max(s1, s2)
		p = max(p1-s1, p2-s2) + s + 1
	case ast.Mul:
		p, s = p1+p2+1, s1+s2
	case ast.Div:
		s = max(6, s1+p2+1)
		p = p1 - s1 + s2 + s
	default: // Mod
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	}
	if p > types.MaxDecimalPrecision {
		intDigits := p - s
		s = max(types.MaxDecimalPrecision-intDigits, min(s, 6))
		p = types.MaxDecimalPrecision
	}
	if p < 1 {
		p = 1
	}
	s = min(s, p)
	return types.Decimal(p, s)
}

// widen converts a numeric value to the numeric type to, which is at least
// as wide.
func widen(v any, to types.Type) any {
	switch to.Kind {
	case types.KindBigint:
		if x, ok := v.(int32); ok {
			return int64(x)
		}
	case types.KindDouble:
		switch x := v.(type) {
		case int32:
			return float64(x)
		case int64:
			return float64(x)
		case types.Dec:
			return x.Float64()
		}
	case types.KindDecimal:
		switch x := v.(type) {
		case int32:
			return types.NewDec(int64(x), 0)
		case int64:
			return types.NewDec(x, 0)
		}
	}
	return v
}

// arith applies op to two non-NULL values already widened to t.
func arith(op ast.BinaryOp, t types.Type, a, b any) (any, error) {
	switch t.Kind {
	case types.KindInteger:
		x, y := a.(int32), b.(int32)
		switch op {
		case ast.Add:
			return x + y, nil
		case ast.Sub:
			return x - y, nil
		case ast.Mul:
			return x * y, nil
		}
		if y == 0 {
			return nil, errDivideByZero
		}
		if op == ast.Div {
			return x / y, nil
		}
		return x % y, nil
	case types.KindBigint:
		x, y := a.(int64), b.(int64)
		switch op {
		case ast.Add:
			return x + y, nil
		case ast.Sub:
			return x - y, nil
		case ast.Mul:
			return x * y, nil
		}
		if y == 0 {
			return nil, errDivideByZero
		}
		if op == ast.Div {
			return x / y, nil
		}
		return x % y, nil
	case types.KindDouble:
		x, y := a.(float64), b.(float64)
		switch op {
		case ast.Add:
			return x + y, nil
		case ast.Sub:
			return x - y, nil
		case ast.Mul:
			return x * y, nil
		case ast.Div:
			return x / y, nil
		}
		return math.Mod(x, y), nil
	case types.KindDecimal:
		x, y := a.(types.Dec), b.(types.Dec)
		var r types.Dec
		switch op {
		case ast.Add:
			r = x.Add(y)
		case ast.Sub:
			r = x.Sub(y)
		case ast.Mul:
			r = x.Mul(y)
		case ast.Div:
			q, ok := x.Quo(y, t.Scale)
			if !ok {
				return nil, errDivideByZero
			}
			r = q
		default:
			q, ok := x.Rem(y)
			if !ok {
				return nil, errDivideByZero
			}
			r = q
		}
		return r.Fit(t.Precision, t.Scale)
	}
	return nil, errors.New("arithmetic on " + t.String())
}

// negate returns -v for a non-NULL numeric value.
func negate(v any) any {
	switch x := v.(type) {
	case int32:
		return -x
	case int64:
		return -x
	case float64:
		return -x
	case types.Dec:
		return x.Neg()
	}
	return v
}

func isNullType(t types.Type) bool { return t.Kind == types.KindInvalid }
