package sum

import "testing"

func TestSum(t *testing.T) {
	t.Attr("task", "1.1")
	for _, c := range []struct {
		name string
		in   []int
		want int
	}{
		{"one number", []int{4}, 4},
		{"three numbers", []int{1, 2, 3}, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sum(c.in)
			if err != nil || got != c.want {
				t.Errorf("Sum(%v) = %d, %v; want %d, nil", c.in, got, err, c.want)
			}
		})
	}
}

func TestMean(t *testing.T) {
	t.Attr("task", "1.2")
	t.Run("two numbers", func(t *testing.T) {
		got, err := Mean([]int{1, 2})
		if err != nil || got != 1.5 {
			t.Errorf("Mean([1 2]) = %v, %v; want 1.5, nil", got, err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		if _, err := Mean(nil); err == nil {
			t.Errorf("Mean(nil) returned no error")
		}
	})
}
