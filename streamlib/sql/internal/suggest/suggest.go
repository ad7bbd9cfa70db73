// Package suggest finds the closest of a list of words to a misspelled one,
// for "did you mean ...?" hints in parse and analysis errors.
package suggest

import "strings"

// Closest returns the candidate closest to word by edit distance, ignoring
// case, or "" when none is close enough to be a plausible typo: at most
// one edit for words up to four letters, two for longer ones.
func Closest(word string, candidates []string) string {
	w := strings.ToUpper(word)
	limit := 2
	if len(w) <= 4 {
		limit = 1
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == "" {
			continue
		}
		d := distance(w, strings.ToUpper(c))
		if d < bestDist && d < len(w) {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Damerau-Levenshtein distance (optimal string alignment):
// insertions, deletions, substitutions and swaps of neighbours cost 1.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
