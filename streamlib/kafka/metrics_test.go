package kafka

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
)

func TestWritePrometheus(t *testing.T) {
	m := Metrics{
		ApplicationID: `app"1`,
		State:         Running,
		RecordsIn:     10, RecordsOut: 7,
		Dropped: map[string]int64{"late": 2, "deserialization": 1},
		Commits: 3, Rebalances: 1, Restored: 5,
		Tasks: []TaskMetrics{{
			Task: streamlib.TaskID{Subtopology: 1, Partition: 2}, RecordsIn: 10, RecordsOut: 7,
			Dropped: map[string]int64{"late": 2},
			Restore: []RestoreProgress{{Store: "counts", Restored: 5, Total: 6, Done: true}},
		}},
	}
	var sb strings.Builder
	require.NoError(t, m.WritePrometheus(&sb))
	var samples []string
	for line := range strings.SplitSeq(sb.String(), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			samples = append(samples, line)
		}
	}
	want := []string{
		`streamlib_state{application="app\"1",state="CREATED"} 0`,
		`streamlib_state{application="app\"1",state="REBALANCING"} 0`,
		`streamlib_state{application="app\"1",state="RUNNING"} 1`,
		`streamlib_state{application="app\"1",state="PENDING_SHUTDOWN"} 0`,
		`streamlib_state{application="app\"1",state="NOT_RUNNING"} 0`,
		`streamlib_state{application="app\"1",state="ERROR"} 0`,
		`streamlib_commits_total{application="app\"1"} 3`,
		`streamlib_rebalances_total{application="app\"1"} 1`,
		`streamlib_restored_records_total{application="app\"1"} 5`,
		`streamlib_records_in_total{application="app\"1"} 10`,
		`streamlib_records_out_total{application="app\"1"} 7`,
		`streamlib_dropped_records_total{application="app\"1",reason="deserialization"} 1`,
		`streamlib_dropped_records_total{application="app\"1",reason="late"} 2`,
		`streamlib_task_records_in_total{application="app\"1",task="1_2"} 10`,
		`streamlib_task_records_out_total{application="app\"1",task="1_2"} 7`,
		`streamlib_task_dropped_records_total{application="app\"1",task="1_2",reason="late"} 2`,
		`streamlib_task_restored_records{application="app\"1",task="1_2",store="counts"} 5`,
		`streamlib_task_restore_total_records{application="app\"1",task="1_2",store="counts"} 6`,
	}
	if diff := cmp.Diff(want, samples); diff != "" {
		t.Fatalf("samples (-want +got):\n%s", diff)
	}
	require.Contains(t, sb.String(), "# TYPE streamlib_commits_total counter\n")
}
