package kafka

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
)

func ids(ss ...string) []streamlib.TaskID { return taskIDs(ss) }

func member(id, instance string, thread int, owned, state []string) groupMember {
	return groupMember{id: id, sub: subscription{Version: 1, Instance: instance, Thread: thread, Owned: owned, State: state}}
}

// byOwner inverts an assignment into member → sorted task IDs.
func byOwner(owners map[streamlib.TaskID]string) map[string][]string {
	out := map[string][]string{}
	for t, m := range owners {
		out[m] = append(out[m], t.String())
	}
	for m := range out {
		slices.Sort(out[m])
	}
	return out
}

func TestAssignTasks(t *testing.T) {
	eight := ids("0_0", "0_1", "0_2", "0_3", "1_0", "1_1", "1_2", "1_3")
	tests := []struct {
		name    string
		tasks   []streamlib.TaskID
		members []groupMember
		want    map[string][]string
	}{
		{
			name:    "one member takes everything",
			tasks:   eight,
			members: []groupMember{member("m1", "a", 0, nil, nil)},
			want:    map[string][]string{"m1": {"0_0", "0_1", "0_2", "0_3", "1_0", "1_1", "1_2", "1_3"}},
		},
		{
			name:    "fresh members share evenly",
			tasks:   eight,
			members: []groupMember{member("m1", "a", 0, nil, nil), member("m2", "b", 0, nil, nil)},
			want:    map[string][]string{"m1": {"0_0", "0_2", "1_1", "1_3"}, "m2": {"0_1", "0_3", "1_0", "1_2"}},
		},
		{
			name:  "previous owners keep their tasks",
			tasks: eight,
			members: []groupMember{
				member("m1", "a", 0, []string{"0_2", "0_3", "1_2", "1_3"}, nil),
				member("m2", "b", 0, []string{"0_0", "0_1", "1_0", "1_1"}, nil),
			},
			want: map[string][]string{"m1": {"0_2", "0_3", "1_2", "1_3"}, "m2": {"0_0", "0_1", "1_0", "1_1"}},
		},
		{
			name:  "a joining member gets a fair share, the rest stays",
			tasks: eight,
			members: []groupMember{
				member("m1", "a", 0, []string{"0_0", "0_1", "0_2", "0_3", "1_0", "1_1", "1_2", "1_3"}, nil),
				member("m2", "b", 0, nil, nil),
			},
			want: map[string][]string{"m1": {"0_0", "0_1", "1_0", "1_1"}, "m2": {"0_2", "0_3", "1_2", "1_3"}},
		},
		{
			name:  "tasks go to the instance with their state on disk",
			tasks: ids("0_0", "0_1"),
			members: []groupMember{
				member("m1", "a", 0, nil, nil),
				member("m2", "b", 0, nil, []string{"0_0"}),
			},
			want: map[string][]string{"m1": {"0_1"}, "m2": {"0_0"}},
		},
		{
			name:  "more members than tasks",
			tasks: ids("0_0", "0_1"),
			members: []groupMember{
				member("m1", "a", 0, nil, nil), member("m2", "a", 1, nil, nil), member("m3", "b", 0, nil, nil),
			},
			want: map[string][]string{"m1": {"0_0"}, "m3": {"0_1"}},
		},
		{
			name:  "two claims of one task: the first member in order wins",
			tasks: ids("0_0", "0_1"),
			members: []groupMember{
				member("m2", "b", 0, []string{"0_0"}, nil),
				member("m1", "a", 0, []string{"0_0"}, nil),
			},
			want: map[string][]string{"m1": {"0_0"}, "m2": {"0_1"}},
		},
		{
			name:    "no members",
			tasks:   eight,
			members: nil,
			want:    map[string][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := byOwner(assignTasks(tt.tasks, tt.members))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("assignment (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAssignTasksBalances checks the load invariant on many shapes: every
// task is assigned once and loads differ by at most one.
func TestAssignTasksBalances(t *testing.T) {
	for nTasks := range 13 {
		for nMembers := 1; nMembers <= 5; nMembers++ {
			var tasks []streamlib.TaskID
			for p := range nTasks {
				tasks = append(tasks, streamlib.TaskID{Subtopology: p % 2, Partition: int32(p / 2)})
			}
			var members []groupMember
			for m := range nMembers {
				// Everybody claims everything: stickiness must not break balance.
				members = append(members, member(fmt.Sprintf("m%d", m), fmt.Sprintf("i%d", m%2), m, taskStrings(tasks), nil))
			}
			owners := assignTasks(tasks, members)
			require.Len(t, owners, nTasks, "%d tasks, %d members: every task assigned", nTasks, nMembers)
			load := map[string]int{}
			for _, m := range members {
				load[m.id] = 0
			}
			for _, m := range owners {
				load[m]++
			}
			loads := slices.Collect(maps.Values(load))
			require.LessOrEqual(t, slices.Max(loads)-slices.Min(loads), 1, "%d tasks, %d members: loads %v", nTasks, nMembers, load)
		}
	}
}

func TestTasksOf(t *testing.T) {
	subs := []subPlan{
		{id: 0, sources: []string{"a", "b"}},
		{id: 1, sources: []string{"app-x-repartition"}},
	}
	got := tasksOf(subs, map[string]int32{"a": 2, "b": 3, "app-x-repartition": 1})
	require.Equal(t, ids("0_0", "1_0", "0_1", "0_2"), got, "as many tasks as the largest source has partitions")
}

// TestAssignorPlan runs the sarama side: subscriptions in, a plan that
// gives every partition to one member with partition p of co-partitioned
// topics together, and assignment data that tells everyone where each
// task runs.
func TestAssignorPlan(t *testing.T) {
	var assigned []assignment
	a := &assignor{
		subs:     []subPlan{{id: 0, sources: []string{"orders", "customers"}}, {id: 1, sources: []string{"app-r-repartition"}}},
		onAssign: func(as assignment, _ int32) { assigned = append(assigned, as) },
	}
	sub := func(server string, owned ...string) []byte {
		b, err := json.Marshal(subscription{Version: 1, Instance: server, Server: server, Owned: owned})
		require.NoError(t, err)
		return b
	}
	members := map[string]sarama.ConsumerGroupMemberMetadata{
		"m1": {UserData: sub("host1:80", "0_0", "0_1", "1_0")},
		"m2": {UserData: sub("host2:80")},
	}
	topics := map[string][]int32{"orders": {0, 1, 2}, "customers": {0, 1, 2}, "app-r-repartition": {0, 1, 2}}
	plan, err := a.Plan(members, topics)
	require.NoError(t, err)
	want := sarama.BalanceStrategyPlan{
		"m1": {"orders": {0, 1}, "customers": {0, 1}, "app-r-repartition": {0}},
		"m2": {"orders": {2}, "customers": {2}, "app-r-repartition": {1, 2}},
	}
	for _, m := range plan {
		for _, ps := range m {
			slices.Sort(ps)
		}
	}
	require.Empty(t, cmp.Diff(want, plan), "plan (-want +got)")

	data, err := a.AssignmentData("m2", topics, 7)
	require.NoError(t, err)
	a.OnAssignment(&sarama.ConsumerGroupMemberAssignment{UserData: data}, 7)
	require.Len(t, assigned, 1)
	require.Equal(t, []string{"0_2", "1_1", "1_2"}, assigned[0].Tasks)
	require.Equal(t, map[string][]string{"host1:80": {"0_0", "0_1", "1_0"}, "host2:80": {"0_2", "1_1", "1_2"}}, assigned[0].Hosts)

	_, err = a.Plan(map[string]sarama.ConsumerGroupMemberMetadata{"x": {UserData: []byte("not json")}}, topics)
	require.ErrorContains(t, err, "every member of the group must run this application")
}

func TestParseTaskID(t *testing.T) {
	for _, s := range []string{"", "1", "a_b", "1_", "_1", "-1_2", "1_-2"} {
		_, err := parseTaskID(s)
		require.Error(t, err, "%q", s)
	}
	id, err := parseTaskID("12_345")
	require.NoError(t, err)
	require.Equal(t, streamlib.TaskID{Subtopology: 12, Partition: 345}, id)
}
