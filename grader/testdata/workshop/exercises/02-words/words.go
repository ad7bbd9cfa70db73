// Package words is the fixture's second exercise.
package words

import "example.com/fixture/text"

// Count counts each word of s.
func Count(s string) map[string]int {
	_ = text.Fields
	panic("TODO 2.1: count the words")
}

// Longest returns the longest word of s.
func Longest(s string) string {
	panic("TODO 2.2: find the longest word")
}
