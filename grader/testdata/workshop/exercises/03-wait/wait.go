// Package wait is the fixture's third exercise.
package wait

// First returns the first value sent on ch.
func First(ch <-chan int) int {
	// TODO 3.1: receive from ch. (This stub waits forever on purpose.)
	block := make(chan int)
	return <-block
}
