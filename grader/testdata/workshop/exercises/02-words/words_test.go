package words

import "testing"

func TestCount(t *testing.T) {
	t.Attr("task", "2.1")
	t.Run("one word", func(t *testing.T) {
		if got := Count("go"); got["go"] != 1 {
			t.Errorf(`Count("go")["go"] = %d, want 1`, got["go"])
		}
	})
	t.Run("repeated word", func(t *testing.T) {
		if got := Count("go go"); got["go"] != 2 {
			t.Errorf(`Count("go go")["go"] = %d, want 2`, got["go"])
		}
	})
}

func TestLongest(t *testing.T) {
	t.Attr("task", "2.2")
	if got := Longest("a bbb cc"); got != "bbb" {
		t.Errorf(`Longest("a bbb cc") = %q, want "bbb"`, got)
	}
}
