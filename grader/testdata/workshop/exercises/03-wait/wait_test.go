package wait

import "testing"

func TestChannelMade(t *testing.T) {
	t.Attr("task", "3.1")
	if ch := make(chan int, 1); cap(ch) != 1 {
		t.Fatal("cap")
	}
}

func TestFirst(t *testing.T) {
	t.Attr("task", "3.1")
	ch := make(chan int, 2)
	ch <- 7
	ch <- 8
	if got := First(ch); got != 7 {
		t.Errorf("First(7, 8) = %d, want 7", got)
	}
}

func TestFirstAgain(t *testing.T) {
	t.Attr("task", "3.1")
	ch := make(chan int, 1)
	ch <- 1
	if got := First(ch); got != 1 {
		t.Errorf("First(1) = %d, want 1", got)
	}
}
