// Package query is the fixture's fourth exercise: the learner writes SQL in
// answer.sql and this package reads it.
package query

import (
	"os"
	"strings"
)

// Answer reads the learner's query.
func Answer() (string, error) {
	b, err := os.ReadFile("answer.sql")
	return strings.TrimSpace(string(b)), err
}
