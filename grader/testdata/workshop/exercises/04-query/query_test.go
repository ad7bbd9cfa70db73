package query

import "testing"

func TestAnswer(t *testing.T) {
	t.Attr("task", "4.1")
	got, err := Answer()
	if err != nil || got != "SELECT 42" {
		t.Errorf("answer.sql = %q (%v), want %q", got, err, "SELECT 42")
	}
}
