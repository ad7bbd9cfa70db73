package expr_test

import (
	"flag"
	"os"
	"testing"
)

// update is the -update flag the golden-file convention of the repository
// asks for; it sets datadriven's own -rewrite flag.
var update = flag.Bool("update", false, "rewrite the expected outputs in testdata (same as -rewrite)")

func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		if err := flag.Set("rewrite", "true"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
