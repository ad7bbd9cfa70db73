package sqltest_test

import (
	"path/filepath"
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/sqltest"
)

// TestConformance runs the SQL test files in testdata: each case mirrors a
// behaviour of ksqlDB, named in its --@ksqldb: directive.
func TestConformance(t *testing.T) {
	sqltest.RunDir(t, "testdata")
}

// TestEveryCaseCites checks that every case says which ksqlDB behaviour it
// mirrors.
func TestEveryCaseCites(t *testing.T) {
	files, err := filepath.Glob("testdata/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		cases, err := sqltest.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			n++
			if c.KsqlDB == "" {
				t.Errorf("%s:%d: the case %q has no --@ksqldb: line saying what it mirrors", c.File, c.Line, c.Name)
			}
		}
	}
	if n < 60 {
		t.Errorf("the conformance suite has %d cases; it should keep at least 60", n)
	}
}
