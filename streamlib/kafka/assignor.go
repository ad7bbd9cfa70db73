package kafka

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
)

// assignorName is the group protocol name every member announces.
const assignorName = "streamlib"

// subscription is what a member tells the group leader when it joins: who
// it is, where it answers queries, which tasks it ran and which it has
// state for. It travels as JSON in the member's subscription user data.
type subscription struct {
	Version  int      `json:"v"`
	Instance string   `json:"instance"`
	Server   string   `json:"server,omitempty"`
	Thread   int      `json:"thread"`
	Owned    []string `json:"owned,omitempty"`
	State    []string `json:"state,omitempty"`
}

// assignment is what the leader tells each member: its tasks, the tasks
// of its whole instance (so the goroutines of one instance can hand tasks
// to each other), and which application server runs every task of the
// group, so that any instance can answer "who holds this key".
type assignment struct {
	Version  int                 `json:"v"`
	Tasks    []string            `json:"tasks"`
	Instance []string            `json:"instance,omitempty"`
	Hosts    map[string][]string `json:"hosts,omitempty"`
}

// parseTaskID reads "1_3".
func parseTaskID(s string) (streamlib.TaskID, error) {
	a, b, ok := strings.Cut(s, "_")
	if !ok {
		return streamlib.TaskID{}, fmt.Errorf("task ID %q is not <sub-topology>_<partition>", s)
	}
	sub, err1 := strconv.Atoi(a)
	p, err2 := strconv.ParseInt(b, 10, 32)
	if err1 != nil || err2 != nil || sub < 0 || p < 0 {
		return streamlib.TaskID{}, fmt.Errorf("task ID %q is not <sub-topology>_<partition>", s)
	}
	return streamlib.TaskID{Subtopology: sub, Partition: int32(p)}, nil
}

func taskIDs(ss []string) []streamlib.TaskID {
	out := make([]streamlib.TaskID, 0, len(ss))
	for _, s := range ss {
		if id, err := parseTaskID(s); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func taskStrings(ids []streamlib.TaskID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func compareTaskIDs(a, b streamlib.TaskID) int {
	if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
		return c
	}
	return cmp.Compare(a.Subtopology, b.Subtopology)
}

// assignor is a sarama balance strategy that assigns whole tasks: all
// source partitions of task (s, p) go to one member, whatever the topics'
// partition counts, and a task stays with the member that ran it (or with
// an instance that has its state on disk) as long as that keeps the load
// even. Each processing goroutine has its own assignor.
type assignor struct {
	subs     []subPlan // sources of each sub-topology
	member   func() subscription
	onAssign func(a assignment, generation int32)

	mu   sync.Mutex
	last map[string]assignment // member → assignment, kept by the leader between Plan and AssignmentData
}

var (
	_ sarama.SubscriptionUserDataBalanceStrategy = (*assignor)(nil)
	_ sarama.OnAssignmentBalanceStrategy         = (*assignor)(nil)
)

// Name implements sarama.BalanceStrategy.
func (a *assignor) Name() string { return assignorName }

// SubscriptionUserData implements sarama.SubscriptionUserDataBalanceStrategy.
func (a *assignor) SubscriptionUserData([]string) ([]byte, error) {
	return json.Marshal(a.member())
}

// Plan implements sarama.BalanceStrategy: it runs on the group leader.
func (a *assignor) Plan(members map[string]sarama.ConsumerGroupMemberMetadata, topics map[string][]int32) (sarama.BalanceStrategyPlan, error) {
	ms := make([]groupMember, 0, len(members))
	for id, md := range members {
		var sub subscription
		if err := json.Unmarshal(md.UserData, &sub); err != nil || sub.Version != 1 {
			return nil, fmt.Errorf("kafka: group member %s is not a streamlib member of this version (user data %q): every member of the group must run this application", id, md.UserData)
		}
		ms = append(ms, groupMember{id: id, sub: sub})
	}
	counts := map[string]int32{}
	for t, ps := range topics {
		counts[t] = int32(len(ps))
	}
	tasks := tasksOf(a.subs, counts)
	owners := assignTasks(tasks, ms)

	plan := sarama.BalanceStrategyPlan{}
	hosts := map[string][]string{}
	byMember := map[string][]streamlib.TaskID{}
	for _, t := range tasks {
		m := owners[t]
		byMember[m] = append(byMember[m], t)
		for _, src := range a.subOf(t.Subtopology).sources {
			if t.Partition < counts[src] {
				plan.Add(m, src, t.Partition)
			}
		}
	}
	byInstance := map[string][]string{}
	for _, m := range ms {
		byInstance[m.sub.Instance] = append(byInstance[m.sub.Instance], taskStrings(byMember[m.id])...)
		slices.Sort(byInstance[m.sub.Instance])
		if m.sub.Server != "" {
			hosts[m.sub.Server] = append(hosts[m.sub.Server], taskStrings(byMember[m.id])...)
			slices.Sort(hosts[m.sub.Server])
		}
	}
	last := make(map[string]assignment, len(ms))
	for _, m := range ms {
		own := taskStrings(byMember[m.id])
		slices.Sort(own)
		last[m.id] = assignment{Version: 1, Tasks: own, Instance: byInstance[m.sub.Instance], Hosts: hosts}
	}
	a.mu.Lock()
	a.last = last
	a.mu.Unlock()
	return plan, nil
}

func (a *assignor) subOf(id int) subPlan {
	for _, s := range a.subs {
		if s.id == id {
			return s
		}
	}
	return subPlan{}
}

// AssignmentData implements sarama.BalanceStrategy.
func (a *assignor) AssignmentData(memberID string, _ map[string][]int32, _ int32) ([]byte, error) {
	a.mu.Lock()
	as, ok := a.last[memberID]
	a.mu.Unlock()
	if !ok {
		as = assignment{Version: 1}
	}
	return json.Marshal(as)
}

// OnAssignment implements sarama.OnAssignmentBalanceStrategy.
func (a *assignor) OnAssignment(as *sarama.ConsumerGroupMemberAssignment, generation int32) {
	var got assignment
	if as != nil && len(as.UserData) > 0 {
		_ = json.Unmarshal(as.UserData, &got) // a bad payload means no tasks
	}
	a.onAssign(got, generation)
}

// tasksOf lists the tasks of the sub-topologies given topic partition
// counts: one per partition of the sub-topology's largest source.
func tasksOf(subs []subPlan, counts map[string]int32) []streamlib.TaskID {
	var out []streamlib.TaskID
	for _, s := range subs {
		var n int32
		for _, src := range s.sources {
			n = max(n, counts[src])
		}
		for p := range n {
			out = append(out, streamlib.TaskID{Subtopology: s.id, Partition: p})
		}
	}
	slices.SortFunc(out, compareTaskIDs)
	return out
}

type groupMember struct {
	id  string
	sub subscription
}

// assignTasks gives every task to one member so that loads differ by at
// most one. In order of preference a task goes to the member that ran it
// before, then to a member of an instance with the task's state on disk,
// then to the least loaded member (spreading each sub-topology's tasks and
// the instances' loads). It is deterministic for given inputs.
func assignTasks(tasks []streamlib.TaskID, members []groupMember) map[streamlib.TaskID]string {
	owners := map[streamlib.TaskID]string{}
	if len(members) == 0 {
		return owners
	}
	tasks = slices.Clone(tasks)
	slices.SortFunc(tasks, compareTaskIDs)
	ms := slices.Clone(members)
	slices.SortFunc(ms, func(a, b groupMember) int {
		return cmp.Or(cmp.Compare(a.sub.Instance, b.sub.Instance), cmp.Compare(a.sub.Thread, b.sub.Thread), cmp.Compare(a.id, b.id))
	})
	floor, extra := len(tasks)/len(ms), len(tasks)%len(ms)
	load := map[string]int{}
	subLoad := map[string]map[int]int{} // member → sub-topology → tasks
	instLoad := map[string]int{}
	instanceOf := map[string]string{}
	for _, m := range ms {
		instanceOf[m.id] = m.sub.Instance
	}
	fits := func(m string) bool { return load[m] < floor || (load[m] == floor && extra > 0) }
	give := func(t streamlib.TaskID, m string) {
		if load[m] == floor {
			extra--
		}
		load[m]++
		if subLoad[m] == nil {
			subLoad[m] = map[int]int{}
		}
		subLoad[m][t.Subtopology]++
		instLoad[instanceOf[m]]++
		owners[t] = m
	}

	prev := map[streamlib.TaskID]string{}
	withState := map[streamlib.TaskID][]string{}
	for _, m := range ms {
		for _, t := range taskIDs(m.sub.Owned) {
			if _, taken := prev[t]; !taken {
				prev[t] = m.id
			}
		}
		for _, t := range taskIDs(m.sub.State) {
			withState[t] = append(withState[t], m.id)
		}
	}
	for _, t := range tasks {
		if m, ok := prev[t]; ok && fits(m) {
			give(t, m)
		}
	}
	for _, t := range tasks {
		if _, done := owners[t]; done {
			continue
		}
		cands := withState[t]
		slices.SortStableFunc(cands, func(a, b string) int { return cmp.Compare(load[a], load[b]) })
		for _, m := range cands {
			if fits(m) {
				give(t, m)
				break
			}
		}
	}
	for _, t := range tasks {
		if _, done := owners[t]; done {
			continue
		}
		// The least loaded member; among equals the one with the fewest
		// tasks of this sub-topology (so each sub-topology's work spreads),
		// then the one on the least loaded instance.
		best := ""
		for _, m := range ms {
			if !fits(m.id) {
				continue
			}
			if best == "" || cmp.Or(
				cmp.Compare(load[m.id], load[best]),
				cmp.Compare(subLoad[m.id][t.Subtopology], subLoad[best][t.Subtopology]),
				cmp.Compare(instLoad[instanceOf[m.id]], instLoad[instanceOf[best]]),
			) < 0 {
				best = m.id
			}
		}
		give(t, best)
	}
	return owners
}
