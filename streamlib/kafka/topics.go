package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
)

// Sentinel errors of Start, for errors.Is.
var (
	// ErrMissingTopics is returned by Start when source topics of the
	// topology do not exist. The application does not create them: their
	// partition count is a decision for whoever owns them.
	ErrMissingTopics = errors.New("kafka: source topics do not exist")
	// ErrPartitionMismatch is returned by Start when topics that must have
	// equal partition counts (the two sides of a join, a store and its
	// changelog) do not.
	ErrPartitionMismatch = errors.New("kafka: partition counts do not match")
)

// subPlan is a non-global sub-topology as the runtime runs it.
type subPlan struct {
	id int
	// sources are the physical topics it reads.
	sources []string
	// tasks is its number of tasks: the largest partition count of its
	// sources. Task (id, p) reads partition p of every source that has it.
	tasks int32
}

// internalSpec is an internal topic to create.
type internalSpec struct {
	name       string // physical
	kind       streamlib.InternalTopicKind
	partitions int32
	config     map[string]string
}

// topicPlan is what Start works out from the topology and the cluster:
// every topic's partition count, the tasks, and where stores live.
type topicPlan struct {
	partitions  map[string]int32 // physical topic → partitions
	subs        []subPlan
	bySub       map[int]*subPlan
	sourceSub   map[string]int // physical source topic → sub-topology
	storeSub    map[string]int // store → sub-topology (non-global stores)
	internal    []internalSpec
	global      []string        // global topics
	repartition map[string]bool // physical repartition topics
}

// physical returns the physical names of logical topics.
func physical(topo *streamlib.Topology, appID string, logical []string) []string {
	out := make([]string, len(logical))
	for i, t := range logical {
		out[i] = topo.TopicName(appID, t)
	}
	return out
}

// planTopics works out partition counts. existing holds the partition
// counts of the topics that exist (user and internal). It is pure, so the
// rules are tested without a cluster.
func planTopics(topo *streamlib.Topology, appID string, existing map[string]int32) (*topicPlan, error) {
	p := &topicPlan{
		partitions:  map[string]int32{},
		bySub:       map[int]*subPlan{},
		sourceSub:   map[string]int{},
		storeSub:    map[string]int{},
		repartition: map[string]bool{},
	}
	subs := topo.Subtopologies()
	internal := map[string]streamlib.InternalTopic{} // by physical name
	for _, it := range topo.InternalTopics() {
		internal[topo.TopicName(appID, it.Name)] = it
	}

	// User topics must exist; their counts are given.
	var missing []string
	need := func(t string) {
		n, ok := existing[t]
		if !ok {
			if !slices.Contains(missing, t) {
				missing = append(missing, t)
			}
			return
		}
		p.partitions[t] = n
	}
	for _, st := range subs {
		for _, t := range physical(topo, appID, st.SourceTopics) {
			if st.Global {
				p.global = append(p.global, t)
				need(t)
				continue
			}
			if _, ok := internal[t]; !ok {
				need(t)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("%w: %s; create them before starting the application", ErrMissingTopics, strings.Join(missing, ", "))
	}

	// Repartition topics: a fixed count, or as many partitions as the
	// sub-topologies writing them read; joined ones follow their partners.
	fixed := map[string]bool{}
	for name, it := range internal {
		if it.Kind == streamlib.RepartitionTopic && it.Partitions > 0 {
			p.partitions[name] = it.Partitions
			fixed[name] = true
		}
	}
	writers := map[string][]streamlib.Subtopology{}
	for _, st := range subs {
		for _, t := range physical(topo, appID, st.SinkTopics) {
			writers[t] = append(writers[t], st)
		}
	}
	groups := make([][]string, 0, len(topo.CopartitionGroups()))
	for _, g := range topo.CopartitionGroups() {
		groups = append(groups, physical(topo, appID, g))
	}
	pinned := map[string]int32{}
	for range len(internal) + 2 {
		if err := resolveRepartitions(topo, appID, p.partitions, internal, fixed, pinned, writers); err != nil {
			return nil, err
		}
		changed, err := copartition(groups, p.partitions, internal, fixed, pinned)
		if err != nil {
			return nil, err
		}
		if !changed {
			break
		}
	}

	for _, st := range subs {
		if st.Global {
			continue
		}
		sp := &subPlan{id: st.ID, sources: physical(topo, appID, st.SourceTopics)}
		for _, t := range sp.sources {
			sp.tasks = max(sp.tasks, p.partitions[t])
			p.sourceSub[t] = st.ID
		}
		for _, s := range st.Stores {
			p.storeSub[s] = st.ID
		}
		p.subs = append(p.subs, *sp)
	}
	for i := range p.subs {
		p.bySub[p.subs[i].id] = &p.subs[i]
	}

	// Changelogs have one partition per task of the sub-topology that owns
	// the store.
	for name, it := range internal {
		if it.Kind != streamlib.ChangelogTopic {
			continue
		}
		sub, ok := p.storeSub[it.Store]
		if !ok {
			return nil, fmt.Errorf("kafka: changelog %s backs store %q, which no sub-topology uses", name, it.Store)
		}
		p.partitions[name] = p.bySub[sub].tasks
	}
	var mismatched []string
	for name, it := range internal {
		want := p.partitions[name]
		if n, ok := existing[name]; ok && n != want {
			mismatched = append(mismatched, fmt.Sprintf("%s has %d partitions, the topology needs %d", name, n, want))
		}
		p.internal = append(p.internal, internalSpec{name: name, kind: it.Kind, partitions: want, config: it.Config})
		if it.Kind == streamlib.RepartitionTopic {
			p.repartition[name] = true
		}
	}
	if len(mismatched) > 0 {
		slices.Sort(mismatched)
		return nil, fmt.Errorf("%w: internal topics: %s; they were made for another version of the topology or other input topics: reset the application (delete its internal topics and state) to start over",
			ErrPartitionMismatch, strings.Join(mismatched, "; "))
	}
	slices.SortFunc(p.internal, func(a, b internalSpec) int { return strings.Compare(a.name, b.name) })
	return p, nil
}

// resolveRepartitions gives each repartition topic without a count the
// largest partition count of the other topics its writers read, repeating until
// nothing changes (repartition topics can feed each other).
func resolveRepartitions(topo *streamlib.Topology, appID string, counts map[string]int32, internal map[string]streamlib.InternalTopic,
	fixed map[string]bool, pinned map[string]int32, writers map[string][]streamlib.Subtopology) error {
	for name, it := range internal {
		if it.Kind == streamlib.RepartitionTopic && !fixed[name] {
			delete(counts, name)
			if n, ok := pinned[name]; ok {
				counts[name] = n
			}
		}
	}
	for {
		progress := false
		var unresolved []string
		for name, it := range internal {
			if it.Kind != streamlib.RepartitionTopic {
				continue
			}
			if _, ok := counts[name]; ok {
				continue
			}
			var n int32
			known := true
			for _, w := range writers[name] {
				for _, src := range physical(topo, appID, w.SourceTopics) {
					if src == name {
						// A sub-topology may read the repartition topic
						// it writes (a re-keyed stream joined with a
						// stream of the same sub-topology): the count
						// comes from its other sources.
						continue
					}
					c, ok := counts[src]
					if !ok {
						known = false
					}
					n = max(n, c)
				}
			}
			if !known || n == 0 {
				unresolved = append(unresolved, name)
				continue
			}
			counts[name] = n
			progress = true
		}
		if len(unresolved) == 0 {
			return nil
		}
		if !progress {
			slices.Sort(unresolved)
			return fmt.Errorf("kafka: cannot work out the partition count of repartition topics %s: set it with streamlib.WithPartitions", strings.Join(unresolved, ", "))
		}
	}
}

// copartition checks that the topics of each group have equal counts. User
// topics decide; repartition topics without a fixed count follow them (or
// the largest repartition count when the group has no user topic). It
// reports whether it pinned a new count.
func copartition(groups [][]string, counts map[string]int32, internal map[string]streamlib.InternalTopic, fixed map[string]bool, pinned map[string]int32) (bool, error) {
	changed := false
	for _, g := range groups {
		var decided []string // topics whose count is given
		for _, t := range g {
			if _, isInternal := internal[t]; !isInternal || fixed[t] {
				decided = append(decided, t)
			}
		}
		var want int32
		if len(decided) > 0 {
			want = counts[decided[0]]
			for _, t := range decided[1:] {
				if counts[t] != want {
					desc := make([]string, len(g))
					for i, t := range g {
						desc[i] = fmt.Sprintf("%s (%d)", t, counts[t])
					}
					return false, fmt.Errorf("%w: topics joined by key must have the same number of partitions: %s", ErrPartitionMismatch, strings.Join(desc, ", "))
				}
			}
		} else {
			for _, t := range g {
				want = max(want, counts[t])
			}
		}
		for _, t := range g {
			if _, isInternal := internal[t]; isInternal && !fixed[t] && counts[t] != want {
				counts[t] = want
				pinned[t] = want
				changed = true
			}
		}
	}
	return changed, nil
}

// existingTopics returns the partition counts of the named topics that
// exist.
func existingTopics(admin sarama.ClusterAdmin, names []string) (map[string]int32, error) {
	md, err := admin.DescribeTopics(names)
	if err != nil {
		return nil, fmt.Errorf("describe topics %v: %w", names, err)
	}
	out := map[string]int32{}
	for _, t := range md {
		switch {
		case errors.Is(t.Err, sarama.ErrNoError):
			out[t.Name] = int32(len(t.Partitions))
		case errors.Is(t.Err, sarama.ErrUnknownTopicOrPartition):
		default:
			return nil, fmt.Errorf("describe topic %s: %w", t.Name, t.Err)
		}
	}
	return out, nil
}

// allTopics lists the physical topics the application needs to know.
func allTopics(topo *streamlib.Topology, appID string) []string {
	set := map[string]bool{}
	for _, st := range topo.Subtopologies() {
		for _, t := range physical(topo, appID, st.SourceTopics) {
			set[t] = true
		}
	}
	for _, it := range topo.InternalTopics() {
		set[topo.TopicName(appID, it.Name)] = true
	}
	out := slices.Collect(maps.Keys(set))
	slices.Sort(out)
	return out
}

// createInternalTopics creates the internal topics that do not exist yet
// and waits until the cluster's metadata shows every one of them.
func createInternalTopics(ctx context.Context, admin sarama.ClusterAdmin, client sarama.Client, plan *topicPlan, existing map[string]int32, replication int16) error {
	rf := replication
	if rf == 0 {
		rf = -1
	}
	var names []string
	for _, spec := range plan.internal {
		names = append(names, spec.name)
		if _, ok := existing[spec.name]; ok {
			continue
		}
		entries := map[string]*string{}
		for k, v := range spec.config {
			entries[k] = &v
		}
		err := admin.CreateTopic(spec.name, &sarama.TopicDetail{NumPartitions: spec.partitions, ReplicationFactor: rf, ConfigEntries: entries}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create %s topic %s with %d partitions: %w", spec.kind, spec.name, spec.partitions, err)
		}
	}
	if len(names) == 0 {
		return nil
	}
	// Another instance may have created a topic first: check its count,
	// and wait for the metadata to show them all.
	deadline := time.Now().Add(30 * time.Second)
	for {
		counts, err := existingTopics(admin, names)
		if err != nil {
			return err
		}
		var waiting []string
		for _, spec := range plan.internal {
			n, ok := counts[spec.name]
			switch {
			case !ok || n == 0:
				waiting = append(waiting, spec.name)
			case n != spec.partitions:
				return fmt.Errorf("%w: internal topic %s has %d partitions, the topology needs %d", ErrPartitionMismatch, spec.name, n, spec.partitions)
			}
		}
		if len(waiting) == 0 {
			if err := client.RefreshMetadata(names...); err != nil {
				return fmt.Errorf("metadata of internal topics: %w", err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("internal topics %v still missing after creating them", waiting)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
