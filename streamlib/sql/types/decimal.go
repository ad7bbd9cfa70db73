package types

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// ErrDecimalOverflow reports a DECIMAL value with more digits than its type
// allows.
var ErrDecimalOverflow = errors.New("decimal overflow")

// Dec is an exact decimal number: Unscaled × 10^-Scale. It is the Go value
// of a DECIMAL(p, s). Dec is immutable; the zero value is 0 with scale 0.
type Dec struct {
	unscaled *big.Int
	scale    int
}

// NewDec returns unscaled × 10^-scale.
func NewDec(unscaled int64, scale int) Dec {
	return Dec{unscaled: big.NewInt(unscaled), scale: scale}
}

// NewDecFromBig returns unscaled × 10^-scale; it copies unscaled.
func NewDecFromBig(unscaled *big.Int, scale int) Dec {
	return Dec{unscaled: new(big.Int).Set(unscaled), scale: scale}
}

// ParseDec parses a decimal literal such as "12.50", "-0.5", ".5" or
// "1e3". The scale is the number of digits after the point (0 for an
// exponent form that leaves none).
func ParseDec(s string) (Dec, error) {
	orig := s
	s = strings.TrimSpace(s)
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		var e int
		if _, err := fmt.Sscanf(s[i+1:], "%d", &e); err != nil {
			return Dec{}, fmt.Errorf("invalid decimal %q", orig)
		}
		exp = e
		s = s[:i]
	}
	neg := false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	if digits == "" {
		return Dec{}, fmt.Errorf("invalid decimal %q", orig)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return Dec{}, fmt.Errorf("invalid decimal %q", orig)
		}
	}
	u, _ := new(big.Int).SetString(digits, 10)
	if neg {
		u.Neg(u)
	}
	scale := len(frac) - exp
	if scale < 0 {
		u.Mul(u, pow10(-scale))
		scale = 0
	}
	return Dec{unscaled: u, scale: scale}, nil
}

// DecFromFloat converts f to a decimal with the given scale, rounding half
// away from zero.
func DecFromFloat(f float64, scale int) (Dec, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Dec{}, fmt.Errorf("cannot convert %v to DECIMAL", f)
	}
	r := new(big.Rat)
	r.SetFloat64(f)
	return decFromRat(r, scale), nil
}

func decFromRat(r *big.Rat, scale int) Dec {
	num := new(big.Int).Mul(r.Num(), pow10(scale))
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	// Round half away from zero (Java's HALF_UP).
	m.Abs(m).Mul(m, big.NewInt(2))
	if m.Cmp(r.Denom()) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Dec{unscaled: q, scale: scale}
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

func (d Dec) u() *big.Int {
	if d.unscaled == nil {
		return new(big.Int)
	}
	return d.unscaled
}

// Unscaled returns a copy of the unscaled integer.
func (d Dec) Unscaled() *big.Int { return new(big.Int).Set(d.u()) }

// Scale returns the number of digits after the decimal point.
func (d Dec) Scale() int { return d.scale }

// Sign returns -1, 0 or +1.
func (d Dec) Sign() int { return d.u().Sign() }

// Precision returns the number of significant digits of the unscaled value
// (at least 1), counting the digits the scale puts after the point.
func (d Dec) Precision() int {
	s := new(big.Int).Abs(d.u()).String()
	if len(s) < d.scale {
		return d.scale
	}
	return len(s)
}

// Rescale returns d with the given scale, rounding half away from zero when
// digits are dropped.
func (d Dec) Rescale(scale int) Dec {
	if scale == d.scale {
		return d
	}
	if scale > d.scale {
		return Dec{unscaled: new(big.Int).Mul(d.u(), pow10(scale-d.scale)), scale: scale}
	}
	r := new(big.Rat).SetFrac(d.u(), pow10(d.scale))
	return decFromRat(r, scale)
}

// Fit rescales d to the scale of DECIMAL(precision, scale) and fails with
// ErrDecimalOverflow when the result needs more than precision digits.
func (d Dec) Fit(precision, scale int) (Dec, error) {
	r := d.Rescale(scale)
	if r.Precision() > precision {
		return Dec{}, fmt.Errorf("%w: %s does not fit DECIMAL(%d, %d)", ErrDecimalOverflow, d, precision, scale)
	}
	return r, nil
}

// Rat returns d as an exact rational.
func (d Dec) Rat() *big.Rat { return new(big.Rat).SetFrac(d.u(), pow10(d.scale)) }

// Float64 returns the nearest float64.
func (d Dec) Float64() float64 {
	f, _ := d.Rat().Float64()
	return f
}

// Cmp compares d and o by value (1.50 equals 1.5).
func (d Dec) Cmp(o Dec) int { return d.Rat().Cmp(o.Rat()) }

// Equal reports whether d and o have the same value. Scale is ignored, so
// 1.50 equals 1.5.
func (d Dec) Equal(o Dec) bool { return d.Cmp(o) == 0 }

// Neg returns -d.
func (d Dec) Neg() Dec { return Dec{unscaled: new(big.Int).Neg(d.u()), scale: d.scale} }

// Add returns d + o with the larger of the two scales.
func (d Dec) Add(o Dec) Dec {
	s := max(d.scale, o.scale)
	return Dec{unscaled: new(big.Int).Add(d.Rescale(s).u(), o.Rescale(s).u()), scale: s}
}

// Sub returns d - o with the larger of the two scales.
func (d Dec) Sub(o Dec) Dec { return d.Add(o.Neg()) }

// Mul returns d × o with the sum of the scales.
func (d Dec) Mul(o Dec) Dec {
	return Dec{unscaled: new(big.Int).Mul(d.u(), o.u()), scale: d.scale + o.scale}
}

// Quo returns d ÷ o rounded half away from zero to the given scale. It
// reports false when o is zero.
func (d Dec) Quo(o Dec, scale int) (Dec, bool) {
	if o.Sign() == 0 {
		return Dec{}, false
	}
	r := new(big.Rat).Quo(d.Rat(), o.Rat())
	return decFromRat(r, scale), true
}

// Rem returns the remainder of d ÷ o (truncated division, the sign follows
// d), with the larger of the two scales. It reports false when o is zero.
func (d Dec) Rem(o Dec) (Dec, bool) {
	if o.Sign() == 0 {
		return Dec{}, false
	}
	s := max(d.scale, o.scale)
	r := new(big.Int).Rem(d.Rescale(s).u(), o.Rescale(s).u())
	return Dec{unscaled: r, scale: s}, true
}

// String formats d with exactly Scale digits after the point.
func (d Dec) String() string {
	u := d.u()
	neg := u.Sign() < 0
	digits := new(big.Int).Abs(u).String()
	if d.scale > 0 {
		if len(digits) <= d.scale {
			digits = strings.Repeat("0", d.scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-d.scale] + "." + digits[len(digits)-d.scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}
