package parser

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// tokKind classifies a token.
type tokKind int

const (
	tEOF         tokKind = iota
	tIdent               // unquoted identifier or keyword; text is upper case
	tQuotedIdent         // `x` or "x"; text is the name, case kept
	tString              // 'x'; text is the value
	tInt                 // 123
	tDecimal             // 1.5, .5, 1.
	tFloat               // 1.5E3
	tOp                  // punctuation and operators; text is the operator
)

// token is one lexical token.
type token struct {
	kind tokKind
	// text is the canonical text: the upper-cased word, the unquoted
	// name or string value, the operator.
	text string
	// raw is the token exactly as written in the source.
	raw string
	pos ast.Pos
}

// describe names the token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		return "string " + t.raw
	}
	return "'" + t.raw + "'"
}

// operators, longest first so that "<=" wins over "<".
var operators = []string{
	"<>", "<=", ">=", "!=", "||", "->", ":=", "=>",
	"(", ")", "[", "]", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">",
}

type lexer struct {
	src  string
	i    int // byte offset
	line int
	col  int // rune column of src[i]
	toks []token
}

// lex splits src into tokens, ending with a tEOF token.
func lex(src string) ([]token, error) {
	l := &lexer{src: src, line: 1, col: 1}
	for {
		if err := l.skipSpace(); err != nil {
			return nil, err
		}
		if l.i >= len(l.src) {
			l.toks = append(l.toks, token{kind: tEOF, pos: l.pos()})
			return l.toks, nil
		}
		if err := l.token(); err != nil {
			return nil, err
		}
	}
}

func (l *lexer) pos() ast.Pos { return ast.Pos{Line: l.line, Col: l.col, Offset: l.i} }

// advance moves past n bytes, keeping line and column right.
func (l *lexer) advance(n int) {
	end := l.i + n
	for l.i < end {
		r, size := utf8.DecodeRuneInString(l.src[l.i:])
		l.i += size
		if r == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
	}
}

func (l *lexer) peekByte(k int) byte {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

func (l *lexer) errorf(at ast.Pos, hint, format string, args ...any) error {
	return newError(l.src, at, fmt.Sprintf(format, args...), hint)
}

// skipSpace skips whitespace, comments, and the backslash line
// continuations of old KSQL CLI scripts.
func (l *lexer) skipSpace() error {
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			l.advance(1)
		case c == '\\' && (l.peekByte(1) == '\n' || l.peekByte(1) == '\r' && l.peekByte(2) == '\n'):
			l.advance(1)
		case c == '-' && l.peekByte(1) == '-':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peekByte(1) == '*':
			start := l.pos()
			end := strings.Index(l.src[l.i+2:], "*/")
			if end < 0 {
				return l.errorf(start, "close it with */", "unterminated comment")
			}
			l.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdentByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '@'
}

func (l *lexer) emit(kind tokKind, text string, start ast.Pos) {
	l.toks = append(l.toks, token{kind: kind, text: text, raw: l.src[start.Offset:l.i], pos: start})
}

func (l *lexer) token() error {
	start := l.pos()
	c := l.src[l.i]
	switch {
	case isLetter(c) || c == '_':
		j := l.i
		for j < len(l.src) && isIdentByte(l.src[j]) {
			j++
		}
		word := l.src[l.i:j]
		l.advance(j - l.i)
		l.emit(tIdent, strings.ToUpper(word), start)
		return nil
	case isDigit(c) || c == '.' && isDigit(l.peekByte(1)):
		return l.number(start)
	case c == '\'':
		s, err := l.quoted('\'', start)
		if err != nil {
			return err
		}
		l.emit(tString, s, start)
		return nil
	case c == '`' || c == '"':
		s, err := l.quoted(c, start)
		if err != nil {
			return err
		}
		if s == "" {
			return l.errorf(start, "", "empty quoted identifier")
		}
		l.emit(tQuotedIdent, s, start)
		return nil
	case c == '$' && l.peekByte(1) == '{':
		return l.errorf(start, "substitute the value yourself", "variables (${name}) are not supported")
	}
	for _, op := range operators {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.advance(len(op))
			l.emit(tOp, op, start)
			return nil
		}
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.i:])
	hint := ""
	switch {
	case r == ':':
		hint = "':' only appears in ':=' (MAP and STRUCT constructors)"
	case r == '&' || r == '|':
		hint = "use AND and OR for boolean logic; '||' concatenates strings"
	case r == '!':
		hint = "use NOT for negation; '!=' and '<>' mean not equal"
	case r > utf8.RuneSelf:
		hint = "identifiers are ASCII; quote other names with backticks: `name`"
	}
	return l.errorf(start, hint, "unexpected character %q", r)
}

// quoted reads a string or quoted identifier delimited by q, where a
// doubled q stands for one.
func (l *lexer) quoted(q byte, start ast.Pos) (string, error) {
	var b strings.Builder
	j := l.i + 1
	for {
		k := strings.IndexByte(l.src[j:], q)
		if k < 0 {
			what, hint := "string literal", "close it with ' (to put a quote inside a string, double it: 'it''s')"
			if q != '\'' {
				what, hint = "quoted identifier", fmt.Sprintf("close it with %c", q)
			}
			return "", l.errorf(start, hint, "unterminated %s", what)
		}
		b.WriteString(l.src[j : j+k])
		j += k + 1
		if j < len(l.src) && l.src[j] == q {
			b.WriteByte(q)
			j++
			continue
		}
		break
	}
	l.advance(j - l.i)
	return b.String(), nil
}

func (l *lexer) number(start ast.Pos) error {
	j := l.i
	for j < len(l.src) && isDigit(l.src[j]) {
		j++
	}
	kind := tInt
	if j < len(l.src) && l.src[j] == '.' {
		kind = tDecimal
		j++
		for j < len(l.src) && isDigit(l.src[j]) {
			j++
		}
	}
	if j < len(l.src) && (l.src[j] == 'e' || l.src[j] == 'E') {
		k := j + 1
		if k < len(l.src) && (l.src[k] == '+' || l.src[k] == '-') {
			k++
		}
		if k < len(l.src) && isDigit(l.src[k]) {
			for k < len(l.src) && isDigit(l.src[k]) {
				k++
			}
			kind, j = tFloat, k
		}
	}
	if kind == tInt && j < len(l.src) && (isLetter(l.src[j]) || l.src[j] == '_' || l.src[j] == '@') {
		// A digit identifier such as 3ALPHA.
		for j < len(l.src) && isIdentByte(l.src[j]) {
			j++
		}
		word := l.src[l.i:j]
		l.advance(j - l.i)
		l.emit(tIdent, strings.ToUpper(word), start)
		return nil
	}
	text := l.src[l.i:j]
	l.advance(j - l.i)
	switch kind {
	case tInt:
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return l.errorf(start, "write it as a decimal ("+text+".0) or a DOUBLE ("+text+"E0)",
				"integer %s is out of range for BIGINT", text)
		}
	case tFloat:
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return l.errorf(start, "", "number %s is out of range for DOUBLE", text)
		}
	}
	l.emit(kind, text, start)
	return nil
}
