package sqltest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/sqltest"
)

const stream = "CREATE STREAM s (id STRING KEY, n INT) WITH (kafka_topic='s', value_format='JSON');\n" +
	"CREATE STREAM t AS SELECT id, n * 2 AS n FROM s;\n" +
	"INSERT INTO s (ROWTIME, id, n) VALUES (5, 'a', 1);\n"

// TestRunnerCatchesMistakes proves the runner fails a case for each kind
// of mistake, so that a passing conformance case means something.
func TestRunnerCatchesMistakes(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"passes", stream + "ASSERT VALUES t (ROWTIME, id, n) VALUES (5, 'a', 2);", ""},
		{"wrong value", stream + "ASSERT VALUES t (id, n) VALUES ('a', 3);", "the next record differs (value)"},
		{"wrong key", stream + "ASSERT VALUES t (id, n) VALUES ('b', 2);", "the next record differs (key)"},
		{"wrong rowtime", stream + "ASSERT VALUES t (ROWTIME, id, n) VALUES (6, 'a', 2);", "the next record differs (ROWTIME)"},
		{"unnamed column must be null", stream + "ASSERT VALUES t (id) VALUES ('a');", "the next record differs (value)"},
		{"not a tombstone", stream + "ASSERT NULL VALUES t (id) KEY ('a');", "not a tombstone"},
		{"no more records", stream + "ASSERT VALUES t (id, n) VALUES ('a', 2);\nASSERT VALUES t (id, n) VALUES ('a', 2);", "has no more records"},
		{"records left over", stream + "INSERT INTO s (id, n) VALUES ('b', 1);\nASSERT VALUES t (id, n) VALUES ('a', 2);", "1 more records than the assertions expect"},
		{"wrong schema", stream + "ASSERT STREAM t (id STRING KEY, n BIGINT);", "the columns differ"},
		{"expected error missing", stream + "--@expected.error: nope", "expected an error containing \"nope\""},
		{"other error", "CREATE STREAM x AS SELECT * FROM nowhere;\n--@expected.error: something else", "got: "},
		{"expected error found", "CREATE STREAM x AS SELECT * FROM nowhere;\n--@expected.error: NOWHERE does not exist", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "case.sql")
			src := "--@test: case\n--@ksqldb: none\n" + tt.body + "\n"
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			cases, err := sqltest.ReadFile(path)
			require.NoError(t, err)
			require.Len(t, cases, 1)
			err = cases[0].Run(t)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestReadFileRejectsBadFiles(t *testing.T) {
	for name, src := range map[string]string{
		"duplicate names":   "--@test: a\nSELECT 1;\n--@test: a\n",
		"unknown directive": "--@test: a\n--@nope: x\n",
		"nameless test":     "--@test:\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.sql")
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			_, err := sqltest.ReadFile(path)
			require.Error(t, err)
		})
	}
}
