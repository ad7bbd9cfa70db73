package ast

import "github.com/streamworkshop/workshop/streamlib/sql/types"

// NullLit is the literal NULL.
type NullLit struct{ Loc }

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Loc
	Value bool
}

// IntLit is an integer literal. It has type INTEGER when it fits 32 bits,
// BIGINT otherwise.
type IntLit struct {
	Loc
	Value int64
}

// DecimalLit is a number with a decimal point and no exponent, such as
// 1.50. As in ksqlDB it is an exact DECIMAL whose precision and scale come
// from its digits, not a DOUBLE.
type DecimalLit struct {
	Loc
	// Text holds the digits as written, for example "1.50" or ".5".
	Text string
}

// DoubleLit is a number with an exponent, such as 1.5E0; it has type
// DOUBLE.
type DoubleLit struct {
	Loc
	Value float64
}

// StringLit is a string literal in single quotes.
type StringLit struct {
	Loc
	Value string
}

// ColumnRef names a column, optionally qualified by its source or alias:
// ID, O.ID.
type ColumnRef struct {
	Loc
	// Source is the qualifier; zero when the reference is unqualified.
	Source Ident
	Name   Ident
}

// UnaryOp is a prefix operator.
type UnaryOp int

// The prefix operators.
const (
	Neg  UnaryOp = iota + 1 // -x
	Plus                    // +x
	Not                     // NOT x
)

// String returns the operator as SQL.
func (op UnaryOp) String() string {
	switch op {
	case Neg:
		return "-"
	case Plus:
		return "+"
	case Not:
		return "NOT"
	}
	return "?"
}

// Unary is a prefix operator applied to an operand.
type Unary struct {
	Loc
	Op UnaryOp
	X  Expr
}

// BinaryOp is an infix operator.
type BinaryOp int

// The infix operators, from the loosest to the tightest binding.
const (
	Or BinaryOp = iota + 1
	And
	Eq  // =
	Neq // <> or !=
	Lt  // <
	Le  // <=
	Gt  // >
	Ge  // >=
	Concat
	Add
	Sub
	Mul
	Div
	Mod
)

var binaryOpText = map[BinaryOp]string{
	Or: "OR", And: "AND", Eq: "=", Neq: "<>", Lt: "<", Le: "<=", Gt: ">", Ge: ">=",
	Concat: "||", Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%",
}

// String returns the operator as SQL.
func (op BinaryOp) String() string { return binaryOpText[op] }

// IsComparison reports whether op is =, <>, <, <=, > or >=.
func (op BinaryOp) IsComparison() bool { return op >= Eq && op <= Ge }

// Binary is an infix operator applied to two operands.
type Binary struct {
	Loc
	Op   BinaryOp
	L, R Expr
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	Loc
	X   Expr
	Not bool
}

// IsDistinct is L IS [NOT] DISTINCT FROM R: a comparison that treats NULL
// as a value.
type IsDistinct struct {
	Loc
	L, R Expr
	Not  bool
}

// Between is X [NOT] BETWEEN Low AND High (both ends inclusive).
type Between struct {
	Loc
	X, Low, High Expr
	Not          bool
}

// In is X [NOT] IN (List...).
type In struct {
	Loc
	X    Expr
	List []Expr
	Not  bool
}

// Like is X [NOT] LIKE Pattern [ESCAPE 'c']: % matches any run of
// characters, _ exactly one.
type Like struct {
	Loc
	X, Pattern Expr
	// Escape is the escape character; empty when there is none.
	Escape string
	Not    bool
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE ...] END. Without an
// Operand each When's Cond is a boolean (a searched CASE); with one, each
// Cond is compared to it (a simple CASE).
type Case struct {
	Loc
	Operand Expr
	Whens   []When
	Else    Expr
}

// When is one WHEN Cond THEN Result branch of a CASE.
type When struct {
	Cond, Result Expr
}

// Cast is CAST(X AS Type).
type Cast struct {
	Loc
	X    Expr
	Type types.Type
}

// Call is a function call, scalar or aggregate: UCASE(NAME), COUNT(*).
type Call struct {
	Loc
	Name Ident
	Args []Expr
	// Star is set for F(*), as in COUNT(*); Args is then empty.
	Star bool
}

// Subscript is X[Index]: an ARRAY element (from 1; negative counts from
// the end) or a MAP value.
type Subscript struct {
	Loc
	X, Index Expr
}

// Deref is X->Field, a STRUCT field.
type Deref struct {
	Loc
	X     Expr
	Field Ident
}

// ArrayCtor is ARRAY[e1, e2, ...].
type ArrayCtor struct {
	Loc
	Elems []Expr
}

// MapCtor is MAP(k1 := v1, ...).
type MapCtor struct {
	Loc
	Keys, Values []Expr
}

// StructCtor is STRUCT(F1 := v1, ...).
type StructCtor struct {
	Loc
	Names  []Ident
	Values []Expr
}

func (*NullLit) exprNode()    {}
func (*BoolLit) exprNode()    {}
func (*IntLit) exprNode()     {}
func (*DecimalLit) exprNode() {}
func (*DoubleLit) exprNode()  {}
func (*StringLit) exprNode()  {}
func (*ColumnRef) exprNode()  {}
func (*Unary) exprNode()      {}
func (*Binary) exprNode()     {}
func (*IsNull) exprNode()     {}
func (*IsDistinct) exprNode() {}
func (*Between) exprNode()    {}
func (*In) exprNode()         {}
func (*Like) exprNode()       {}
func (*Case) exprNode()       {}
func (*Cast) exprNode()       {}
func (*Call) exprNode()       {}
func (*Subscript) exprNode()  {}
func (*Deref) exprNode()      {}
func (*ArrayCtor) exprNode()  {}
func (*MapCtor) exprNode()    {}
func (*StructCtor) exprNode() {}
