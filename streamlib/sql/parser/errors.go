package parser

import (
	"errors"
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// ErrSyntax is the sentinel every parse error wraps: errors.Is(err,
// ErrSyntax) tells a syntax error from an analysis error.
var ErrSyntax = errors.New("syntax error")

// ErrLegacy is wrapped (besides ErrSyntax) by errors about old KSQL forms
// that ksqlDB removed, such as WITH (KEY='ID'). Their Rewrite field holds
// the modern statement.
var ErrLegacy = errors.New("old KSQL syntax")

// Error is a parse error: where it happened, what was wrong, and a hint.
//
//	line 1:42: expected one of EMIT, LIMIT or ';' but found 'FROM'
//	hint: clauses must come in this order: ...
type Error struct {
	// Pos is the position of the offending token.
	Pos ast.Pos
	// Msg says what is wrong, without the position.
	Msg string
	// Hint suggests a fix; empty when there is none.
	Hint string
	// Rewrite is, for an old KSQL form, the modern statement (without a
	// trailing semicolon); empty otherwise.
	Rewrite string
	// line is the source line of Pos, for Caret.
	line string
}

func newError(src string, at ast.Pos, msg, hint string) *Error {
	return &Error{Pos: at, Msg: msg, Hint: hint, line: sourceLine(src, at)}
}

func sourceLine(src string, at ast.Pos) string {
	if at.Offset > len(src) {
		return ""
	}
	start := strings.LastIndexByte(src[:at.Offset], '\n') + 1
	end := strings.IndexByte(src[at.Offset:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += at.Offset
	}
	return strings.TrimRight(src[start:end], "\r")
}

// Error formats the error as "line L:C: message", followed by a line
// "hint: ..." when there is a hint.
func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Hint != "" {
		s += "\nhint: " + e.Hint
	}
	return s
}

// Unwrap returns ErrSyntax, and ErrLegacy too for old KSQL forms.
func (e *Error) Unwrap() []error {
	if e.Rewrite != "" {
		return []error{ErrSyntax, ErrLegacy}
	}
	return []error{ErrSyntax}
}

// Caret returns the source line of the error with a caret under the
// offending column, for a shell to print under the message:
//
//	SELECT * FROM orders WHERE id = 1 FROM x;
//	                                  ^
func (e *Error) Caret() string {
	if e.line == "" && e.Pos.Col <= 1 {
		return ""
	}
	var pad strings.Builder
	col := 1
	for _, r := range e.line {
		if col >= e.Pos.Col {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		col++
	}
	for col < e.Pos.Col {
		pad.WriteByte(' ')
		col++
	}
	return e.line + "\n" + pad.String() + "^"
}
