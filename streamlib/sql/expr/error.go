package expr

import (
	"errors"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// ErrInvalid is wrapped by every error Compile returns: a reference that
// does not resolve, a type mismatch, an unknown function.
var ErrInvalid = errors.New("invalid expression")

// Error is a compile error of an expression, with the position of the
// offending part and a hint when one helps.
type Error struct {
	Pos  ast.Pos
	Msg  string
	Hint string
}

func errorf(at ast.Pos, hint, format string, args ...any) *Error {
	return &Error{Pos: at, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// Error formats the error as "line L:C: message" with a "hint: " line.
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

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }
