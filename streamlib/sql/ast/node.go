package ast

import "fmt"

// Pos is a position in SQL source text. Line and Col count from 1; Col
// counts characters (runes), not bytes. Offset is the byte offset. The zero
// Pos means "unknown", for nodes built by code rather than parsed.
type Pos struct {
	Line, Col, Offset int
}

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as "line L:C", the prefix of every parse and analysis
// error.
func (p Pos) String() string {
	if !p.IsValid() {
		return "unknown position"
	}
	return fmt.Sprintf("line %d:%d", p.Line, p.Col)
}

// Loc records where a node starts. Every node embeds it, which gives the
// node its Pos method.
type Loc struct {
	At Pos
}

// Pos returns where the node starts.
func (l Loc) Pos() Pos { return l.At }

// Node is any element of the syntax tree.
type Node interface {
	Pos() Pos
}

// Statement is one SQL statement (without its terminating semicolon).
type Statement interface {
	Node
	statementNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Ident is an identifier: a source, column, alias, field, function or
// query name. Name is canonical: unquoted identifiers are upper-cased,
// quoted ones (`x` or "x") keep their case. The empty Name means the
// identifier is absent (an optional alias, an unqualified column).
type Ident struct {
	Loc
	Name string
}

// IsZero reports whether the identifier is absent.
func (i Ident) IsZero() bool { return i.Name == "" }

// String returns the identifier as SQL, quoted when needed.
func (i Ident) String() string { return QuoteIdent(i.Name) }

// NewIdent returns an identifier without a position.
func NewIdent(name string) Ident { return Ident{Name: name} }
