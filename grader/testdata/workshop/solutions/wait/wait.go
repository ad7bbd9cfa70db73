// Package wait is the fixture's third exercise.
package wait

// First returns the first value sent on ch.
func First(ch <-chan int) int {
	return <-ch
}
