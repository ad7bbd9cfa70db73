package suggest

import "testing"

func TestClosest(t *testing.T) {
	words := []string{"SELECT", "FROM", "WHERE", "GROUP", "EMIT"}
	tests := map[string]string{
		"SELEC": "SELECT", "form": "FROM", "WEHRE": "WHERE", "GRUOP": "GROUP",
		"EMTI": "EMIT", "XYZ": "", "FROMAGE": "", "": "",
	}
	for in, want := range tests {
		if got := Closest(in, words); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
