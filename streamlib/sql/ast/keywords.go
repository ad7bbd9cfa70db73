package ast

import (
	"strings"

	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// reserved holds the words that cannot be used as identifiers unless they
// are quoted. It follows ksqlDB: words that are keywords there and not in
// its non-reserved list. Other keywords (KEY, EMIT, SESSION, SIZE, ...) are
// contextual and can name columns.
var reserved = map[string]bool{
	"ALL": true, "AND": true, "AS": true, "BETWEEN": true, "BY": true,
	"CASE": true, "CAST": true, "CREATE": true, "DISTINCT": true, "DROP": true,
	"ELSE": true, "END": true, "EXISTS": true, "FALSE": true, "FROM": true,
	"FULL": true, "GROUP": true, "HAVING": true, "IN": true, "INNER": true,
	"INSERT": true, "INTO": true, "IS": true, "JOIN": true, "LEFT": true,
	"LIKE": true, "LIMIT": true, "NOT": true, "NULL": true, "ON": true,
	"OR": true, "OUTER": true, "RIGHT": true, "SELECT": true, "STREAM": true,
	"TABLE": true, "THEN": true, "TRUE": true, "VALUES": true, "WHEN": true,
	"WHERE": true, "WINDOW": true, "WITH": true, "WITHIN": true,
}

// IsReserved reports whether the upper-case word is reserved, so that it
// must be quoted to be used as an identifier.
func IsReserved(word string) bool { return reserved[word] }

// QuoteIdent returns name as it must be written in SQL to mean name: as is
// when it is a plain upper-case identifier and not reserved, else in
// backticks (with backticks doubled).
func QuoteIdent(name string) string {
	if types.IsPlainIdentifier(name) && !reserved[name] {
		return name
	}
	return quote(name)
}

func quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
