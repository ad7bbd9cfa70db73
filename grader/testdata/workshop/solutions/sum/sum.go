// Package sum is the fixture's first exercise.
package sum

import "errors"

// Sum adds up nums.
func Sum(nums []int) (int, error) {
	total := 0
	for _, n := range nums {
		total += n
	}
	return total, nil
}

// Mean returns the average of nums, or an error when nums is empty.
func Mean(nums []int) (float64, error) {
	if len(nums) == 0 {
		return 0, errors.New("mean of nothing")
	}
	s, _ := Sum(nums)
	return float64(s) / float64(len(nums)), nil
}
