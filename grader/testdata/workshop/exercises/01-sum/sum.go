// Package sum is the fixture's first exercise.
package sum

import "errors"

// Sum adds up nums.
func Sum(nums []int) (int, error) {
	// TODO 1.1: add up nums.
	return 0, errors.New("TODO 1.1: add up the numbers")
}

// Mean returns the average of nums, or an error when nums is empty.
func Mean(nums []int) (float64, error) {
	// TODO 1.2: divide the sum by the count.
	return 0, errors.New("TODO 1.2: average the numbers")
}
