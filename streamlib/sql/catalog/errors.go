package catalog

import (
	"errors"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
)

// The kinds of analysis errors; every *Error wraps exactly one of them, so
// callers can tell them apart with errors.Is.
var (
	// ErrNotFound: a stream, table, column or query that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: a stream or table that already exists.
	ErrExists = errors.New("already exists")
	// ErrInvalid: a statement that breaks a rule of the language (types,
	// keys, GROUP BY, joins, windows, properties).
	ErrInvalid = errors.New("invalid statement")
	// ErrInUse: a source that queries still read or write.
	ErrInUse = errors.New("in use")
	// ErrUnsupported: something ksqlDB has and this implementation does not.
	ErrUnsupported = errors.New("not supported")
	// ErrLegacy: an old KSQL form (a push query without EMIT CHANGES);
	// Error.Rewrite holds the modern statement. Such an error also wraps
	// ErrInvalid.
	ErrLegacy = errors.New("old KSQL syntax")
)

// Error is an analysis error: what is wrong, where (when known), and a
// hint.
//
//	line 1:8: Non-aggregate SELECT expression(s) not part of GROUP BY: FIRSTNAME
//	hint: add FIRSTNAME to GROUP BY, or aggregate it, e.g. LATEST_BY_OFFSET(FIRSTNAME)
type Error struct {
	// Kind is one of the sentinel errors above.
	Kind error
	// Pos is where the problem is; the zero Pos when it is the statement
	// as a whole.
	Pos  ast.Pos
	Msg  string
	Hint string
	// Rewrite is the statement written the way it should be, when the
	// analyzer knows it (a push query without EMIT CHANGES).
	Rewrite string
}

func newError(kind error, at ast.Pos, hint, format string, args ...any) *Error {
	return &Error{Kind: kind, Pos: at, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func invalid(at ast.Pos, hint, format string, args ...any) *Error {
	return newError(ErrInvalid, at, hint, format, args...)
}

// Error formats the error as "line L:C: message" and a "hint: " line.
func (e *Error) Error() string {
	s := e.Msg
	if e.Pos.IsValid() {
		s = e.Pos.String() + ": " + s
	}
	if e.Hint != "" {
		s += "\nhint: " + e.Hint
	}
	return s
}

// Unwrap returns the kind, and ErrInvalid too for legacy forms.
func (e *Error) Unwrap() []error {
	if e.Kind == ErrLegacy {
		return []error{ErrLegacy, ErrInvalid}
	}
	return []error{e.Kind}
}

// fromExpr turns a compile error of package expr into an analysis error;
// what says where the expression is ("in WHERE").
func fromExpr(err error, what string) error {
	var ee *expr.Error
	if errors.As(err, &ee) {
		msg := ee.Msg
		if what != "" {
			msg += " (" + what + ")"
		}
		return &Error{Kind: ErrInvalid, Pos: ee.Pos, Msg: msg, Hint: ee.Hint}
	}
	return err
}
