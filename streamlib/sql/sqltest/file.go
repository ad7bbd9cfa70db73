package sqltest

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Case is one test of a test file: the lines from its --@test: directive
// to the next one.
type Case struct {
	// Name is the text after --@test:.
	Name string
	// File and Line say where the case starts.
	File string
	Line int
	// KsqlDB is the behaviour the case mirrors (--@ksqldb:), one or more
	// lines joined by spaces.
	KsqlDB string
	// ExpectedError, when set (--@expected.error:), is text the error of
	// one of the statements must contain; the statements after it do not
	// run.
	ExpectedError string
	// SQL is the case's text, padded with empty lines so that positions
	// in it are positions in the file.
	SQL string
	// Tombstones are the lines of --@tombstone: directives, which the SQL
	// holds as ASSERT NULL VALUES statements to run as inputs.
	Tombstones map[int]bool
}

// ReadFile reads the cases of a test file.
//
// A test file is SQL with directives in comments that start with --@:
//
//	--@test: a name for the case
//	--@ksqldb: what ksqlDB does that the case mirrors, and where
//	--@expected.error: text of the error the statements must end with
//	--@tombstone: customers (id) KEY (7)
//
// A --@tombstone: directive produces a record without a value (a
// deletion) for the key, which SQL cannot write; ROWTIME may be among the
// columns.
//
// Everything up to the first --@test: is a preamble that is not run.
func ReadFile(path string) ([]*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []*Case
	var cur *Case
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.SQL = body.String()
			cases = append(cases, cur)
		}
		body.Reset()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		directive, arg, isDirective := strings.Cut(strings.TrimPrefix(trimmed, "--@"), ":")
		isDirective = isDirective && strings.HasPrefix(trimmed, "--@")
		arg = strings.TrimSpace(arg)
		if isDirective && directive == "test" {
			flush()
			cur = &Case{Name: arg, File: path, Line: line, Tombstones: map[int]bool{}}
			// Keep line numbers: the case's SQL starts with as many empty
			// lines as come before it.
			body.WriteString(strings.Repeat("\n", line))
			continue
		}
		if cur == nil {
			continue
		}
		if isDirective {
			switch directive {
			case "ksqldb":
				cur.KsqlDB = strings.TrimSpace(cur.KsqlDB + " " + arg)
			case "expected.error":
				cur.ExpectedError = arg
			case "tombstone":
				cur.Tombstones[line] = true
				body.WriteString("ASSERT NULL VALUES " + arg + ";\n")
				continue
			default:
				return nil, fmt.Errorf("%s:%d: unknown directive --@%s", path, line, directive)
			}
			body.WriteString("\n")
			continue
		}
		body.WriteString(text + "\n")
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	flush()
	seen := map[string]int{}
	for _, c := range cases {
		if c.Name == "" {
			return nil, fmt.Errorf("%s:%d: --@test: needs a name", path, c.Line)
		}
		if prev, dup := seen[c.Name]; dup {
			return nil, fmt.Errorf("%s:%d: the test %q is also at line %d", path, c.Line, c.Name, prev)
		}
		seen[c.Name] = c.Line
	}
	return cases, nil
}
