// Package words is the fixture's second exercise.
package words

import "example.com/fixture/text"

// Count counts each word of s.
func Count(s string) map[string]int {
	out := map[string]int{}
	for _, w := range text.Fields(s) {
		out[w]++
	}
	return out
}

// Longest returns the longest word of s.
func Longest(s string) string {
	best := ""
	for _, w := range text.Fields(s) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}
