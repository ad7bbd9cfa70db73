package streamlib

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/streamworkshop/workshop/streamlib/store"
)

type nodeKind int

const (
	sourceKind nodeKind = iota
	processorKind
	sinkKind
)

// node is a topology node as built: its place in the graph and how to make
// its per-task instance.
type node struct {
	id       int
	name     string
	kind     nodeKind
	parents  []*node
	children []*node
	stores   []string

	// Sources.
	topics      []string
	internal    bool // topics (source) or topic (sink) are internal: prefixed with the application ID
	extractor   TimestampExtractor
	offsetReset string
	global      bool

	// Sinks.
	topic       string
	dynamic     bool
	partitioner Partitioner

	// newInstance makes the node's instance for one task.
	newInstance func() instance
	// connect wires a parent's instance to this node's instance; the child
	// defines it because it knows the record type it accepts.
	connect func(parent, child instance) error
}

type storeDef struct {
	builder store.Builder
	global  bool
	// sourceTopic is set for global stores: the topic that fills them.
	sourceTopic string
}

// InternalTopicKind tells repartition topics from changelog topics.
type InternalTopicKind int

const (
	// RepartitionTopic carries records re-keyed by one sub-topology to the
	// next, so that all records of a key meet in one task.
	RepartitionTopic InternalTopicKind = iota
	// ChangelogTopic is a compacted topic that backs a state store.
	ChangelogTopic
)

func (k InternalTopicKind) String() string {
	if k == RepartitionTopic {
		return "repartition"
	}
	return "changelog"
}

// InternalTopic is a topic the application creates and owns. Name is without
// the application ID prefix; see Topology.TopicName.
type InternalTopic struct {
	Name string
	Kind InternalTopicKind
	// Partitions is the fixed partition count, or 0 for "as many as the
	// source topics of the sub-topology that writes (repartition) or owns
	// (changelog) it".
	Partitions int32
	// Config holds topic configs, e.g. cleanup.policy=compact for changelogs.
	Config map[string]string
	// Store is the store a changelog topic backs.
	Store string
}

// Subtopology is a connected part of a topology: its nodes run together in
// one task per input partition. Repartition topics separate sub-topologies.
type Subtopology struct {
	ID int
	// Global sub-topologies fill global stores; they make no tasks.
	Global bool
	// SourceTopics are the logical names of the topics it reads (internal
	// topics without the application ID prefix).
	SourceTopics []string
	// SinkTopics are the fixed topics it writes.
	SinkTopics []string
	// Stores are the stores its processors use (global stores excluded).
	Stores []string
	nodes  []*node
}

// Topology is a built, immutable graph of sources, processors, stores and
// sinks. The same topology runs on the test driver and on Kafka; each
// runtime makes Tasks from it.
type Topology struct {
	nodes          []*node
	byName         map[string]*node
	stores         map[string]*storeDef
	storeOrder     []string
	internalTopics map[string]*InternalTopic
	subtopologies  []*Subtopology
	copartition    [][]string
	// sourceOf maps a logical source topic to its source node.
	sourceOf map[string]*node
}

func newTopology(b *Builder) (*Topology, error) {
	t := &Topology{
		nodes:          b.nodes,
		byName:         b.names,
		stores:         b.stores,
		storeOrder:     b.storeOrder,
		internalTopics: b.internalTopics,
		copartition:    b.copartition,
		sourceOf:       map[string]*node{},
	}
	for _, n := range t.nodes {
		if n.kind != sourceKind {
			continue
		}
		for _, topic := range n.topics {
			if other, dup := t.sourceOf[topic]; dup {
				return nil, fmt.Errorf("topic %q is read by two sources, %s and %s; read it once and share the stream: %w",
					topic, other.name, n.name, ErrTopology)
			}
			t.sourceOf[topic] = n
		}
	}
	for _, name := range t.storeOrder {
		sd := t.stores[name]
		if sd.builder.Logged() && !sd.global {
			cl := name + "-changelog"
			t.internalTopics[cl] = &InternalTopic{Name: cl, Kind: ChangelogTopic, Store: name, Config: changelogConfig(sd.builder)}
		}
	}
	t.subtopologies = t.group()
	return t, nil
}

// changelogWindowSlack is how much longer than a windowed store's
// retention its changelog keeps records, as Kafka Streams' default
// windowstore.changelog.additional.retention.ms (one day).
const changelogWindowSlack = 24 * time.Hour

// changelogConfig returns the topic configs of a store's changelog: compacted,
// and for window and session stores also deleted after the store's retention
// (plus a day), so the topic does not grow forever. Configs given with
// WithLogConfig win.
func changelogConfig(b store.Builder) map[string]string {
	cfg := map[string]string{"cleanup.policy": "compact"}
	if r, ok := b.(interface{ Retention() time.Duration }); ok {
		cfg["cleanup.policy"] = "compact,delete"
		cfg["retention.ms"] = strconv.FormatInt((r.Retention() + changelogWindowSlack).Milliseconds(), 10)
	}
	if lc, ok := b.(store.LogConfigurer); ok {
		maps.Copy(cfg, lc.LogConfig())
	}
	return cfg
}

// group splits the nodes into sub-topologies: nodes joined by an edge or by
// a shared (non-global) store belong together. Sub-topologies are numbered
// in the order their first node was added, as Kafka Streams does.
func (t *Topology) group() []*Subtopology {
	parent := make([]int, len(t.nodes))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra < rb {
			parent[rb] = ra
		} else if rb < ra {
			parent[ra] = rb
		}
	}
	storeOwner := map[string]int{}
	for _, n := range t.nodes {
		for _, c := range n.children {
			union(n.id, c.id)
		}
		for _, s := range n.stores {
			if sd := t.stores[s]; sd != nil && sd.global && !n.global {
				continue // a global store joins nothing
			}
			if o, ok := storeOwner[s]; ok {
				union(o, n.id)
			} else {
				storeOwner[s] = n.id
			}
		}
	}
	byRoot := map[int]*Subtopology{}
	var subs []*Subtopology
	for _, n := range t.nodes {
		r := find(n.id)
		st, ok := byRoot[r]
		if !ok {
			st = &Subtopology{ID: len(subs)}
			byRoot[r] = st
			subs = append(subs, st)
		}
		st.nodes = append(st.nodes, n)
		if n.global {
			st.Global = true
		}
		switch n.kind {
		case sourceKind:
			st.SourceTopics = append(st.SourceTopics, n.topics...)
		case sinkKind:
			if !n.dynamic {
				st.SinkTopics = append(st.SinkTopics, n.topic)
			}
		}
		for _, s := range n.stores {
			if sd := t.stores[s]; sd != nil && sd.global && !n.global {
				continue
			}
			if !slices.Contains(st.Stores, s) {
				st.Stores = append(st.Stores, s)
			}
		}
	}
	return subs
}

// Subtopologies returns the topology's sub-topologies, global ones included.
func (t *Topology) Subtopologies() []Subtopology {
	out := make([]Subtopology, len(t.subtopologies))
	for i, s := range t.subtopologies {
		out[i] = *s
		out[i].nodes = nil
	}
	return out
}

// InternalTopics returns the repartition and changelog topics the
// application must create, sorted by name.
func (t *Topology) InternalTopics() []InternalTopic {
	out := make([]InternalTopic, 0, len(t.internalTopics))
	for _, it := range t.internalTopics {
		out = append(out, *it)
	}
	slices.SortFunc(out, func(a, b InternalTopic) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// TopicName returns the physical name of a logical topic: internal topics
// are prefixed with the application ID, as in Kafka Streams
// (<application.id>-<name>); user topics are returned unchanged.
func (t *Topology) TopicName(appID, logical string) string {
	if _, ok := t.internalTopics[logical]; ok {
		return appID + "-" + logical
	}
	return logical
}

// ChangelogTopic returns the logical changelog topic of a store, and whether
// the store is logged.
func (t *Topology) ChangelogTopic(storeName string) (string, bool) {
	cl := storeName + "-changelog"
	it, ok := t.internalTopics[cl]
	return cl, ok && it.Kind == ChangelogTopic
}

// CopartitionGroups returns groups of source topics that must have equal
// partition counts, because their records are joined by key.
func (t *Topology) CopartitionGroups() [][]string {
	out := make([][]string, len(t.copartition))
	for i, g := range t.copartition {
		out[i] = slices.Clone(g)
	}
	return out
}

// StoreNames returns the names of all stores, in the order they were added.
func (t *Topology) StoreNames() []string { return slices.Clone(t.storeOrder) }

// IsGlobalStore reports whether the named store is a global store.
func (t *Topology) IsGlobalStore(name string) bool {
	sd, ok := t.stores[name]
	return ok && sd.global
}

// GlobalTopics returns the topics that fill global stores.
func (t *Topology) GlobalTopics() []string {
	var out []string
	for _, s := range t.subtopologies {
		if s.Global {
			out = append(out, s.SourceTopics...)
		}
	}
	return out
}

// SourceTopicsOf returns the logical source topics of sub-topology id.
func (t *Topology) SourceTopicsOf(id int) []string {
	if id < 0 || id >= len(t.subtopologies) {
		return nil
	}
	return slices.Clone(t.subtopologies[id].SourceTopics)
}

// IsInternal reports whether a logical topic is a repartition or changelog
// topic the application owns.
func (t *Topology) IsInternal(logical string) bool {
	_, ok := t.internalTopics[logical]
	return ok
}

// Describe prints the topology the way Kafka Streams' Topology#describe
// does: sub-topologies, their sources, processors (with stores) and sinks,
// and the edges between them. Nodes, and the names after --> and <--, are
// ordered by the size of the graph below them, largest first, then by
// name. A processor's stores are the ones it is connected to; global
// stores, which every task reads without a connection, are listed only
// under the global sub-topology that fills them.
func (t *Topology) Describe() string {
	var sb strings.Builder
	sb.WriteString("Topologies:\n")
	for _, st := range t.subtopologies {
		if st.Global {
			fmt.Fprintf(&sb, "   Sub-topology: %d for global store (will not generate tasks)\n", st.ID)
		} else {
			fmt.Fprintf(&sb, "   Sub-topology: %d\n", st.ID)
		}
		ord := newDescribeOrder()
		for _, n := range ord.sort(st.nodes) {
			switch n.kind {
			case sourceKind:
				fmt.Fprintf(&sb, "    Source: %s (topics: [%s])\n", n.name, strings.Join(n.topics, ", "))
				fmt.Fprintf(&sb, "      --> %s\n", ord.names(n.children))
			case processorKind:
				fmt.Fprintf(&sb, "    Processor: %s (stores: [%s])\n", n.name, strings.Join(t.describedStores(n), ", "))
				fmt.Fprintf(&sb, "      --> %s\n", ord.names(n.children))
				fmt.Fprintf(&sb, "      <-- %s\n", ord.names(n.parents))
			case sinkKind:
				if n.dynamic {
					fmt.Fprintf(&sb, "    Sink: %s (extractor class: topic name extractor)\n", n.name)
				} else {
					fmt.Fprintf(&sb, "    Sink: %s (topic: %s)\n", n.name, n.topic)
				}
				fmt.Fprintf(&sb, "      <-- %s\n", ord.names(n.parents))
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// describedStores are the stores Describe lists for n: its own, without the
// global stores a task node reads.
func (t *Topology) describedStores(n *node) []string {
	out := make([]string, 0, len(n.stores))
	for _, s := range n.stores {
		if sd := t.stores[s]; sd != nil && sd.global && !n.global {
			continue
		}
		out = append(out, s)
	}
	return out
}

// describeOrder orders nodes as Kafka Streams' description does: by the
// size of the graph below them (a node reached along two paths counts
// twice), largest first, then by name, so that sources come before what
// they feed.
type describeOrder struct{ size map[*node]int }

func newDescribeOrder() describeOrder { return describeOrder{size: map[*node]int{}} }

func (o describeOrder) sizeOf(n *node) int {
	if s, ok := o.size[n]; ok {
		return s
	}
	o.size[n] = 1 // guards against cycles
	s := 1
	for _, c := range n.children {
		s += o.sizeOf(c)
	}
	o.size[n] = s
	return s
}

func (o describeOrder) sort(ns []*node) []*node {
	out := slices.Clone(ns)
	slices.SortStableFunc(out, func(a, b *node) int {
		if c := cmp.Compare(o.sizeOf(b), o.sizeOf(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	return out
}

// names lists ns in description order, or "none".
func (o describeOrder) names(ns []*node) string {
	if len(ns) == 0 {
		return "none"
	}
	s := make([]string, 0, len(ns))
	for _, n := range o.sort(ns) {
		s = append(s, n.name)
	}
	return strings.Join(s, ", ")
}

// Mermaid renders the topology as a Mermaid flowchart: one box per
// sub-topology, topics as stadium shapes, stores as cylinders.
func (t *Topology) Mermaid() string {
	var sb strings.Builder
	sb.WriteString("flowchart TD\n")
	id := func(prefix, name string) string { return prefix + mermaidID(name) }
	topics := map[string]bool{}
	storesSeen := map[string]bool{}
	for _, st := range t.subtopologies {
		label := fmt.Sprintf("Sub-topology %d", st.ID)
		if st.Global {
			label += " (global)"
		}
		fmt.Fprintf(&sb, "  subgraph S%d[\"%s\"]\n", st.ID, label)
		for _, n := range newDescribeOrder().sort(st.nodes) {
			fmt.Fprintf(&sb, "    %s[\"%s\"]\n", id("n_", n.name), n.name)
		}
		sb.WriteString("  end\n")
		for _, n := range st.nodes {
			for _, c := range n.children {
				fmt.Fprintf(&sb, "  %s --> %s\n", id("n_", n.name), id("n_", c.name))
			}
			switch n.kind {
			case sourceKind:
				for _, tp := range n.topics {
					if !topics[tp] {
						topics[tp] = true
						fmt.Fprintf(&sb, "  %s([\"%s\"])\n", id("t_", tp), tp)
					}
					fmt.Fprintf(&sb, "  %s --> %s\n", id("t_", tp), id("n_", n.name))
				}
			case sinkKind:
				tp := n.topic
				if n.dynamic {
					tp = "(topic chosen per record)"
				}
				if !topics[tp] {
					topics[tp] = true
					fmt.Fprintf(&sb, "  %s([\"%s\"])\n", id("t_", tp), tp)
				}
				fmt.Fprintf(&sb, "  %s --> %s\n", id("n_", n.name), id("t_", tp))
			}
			for _, s := range n.stores {
				if !storesSeen[s] {
					storesSeen[s] = true
					fmt.Fprintf(&sb, "  %s[(\"%s\")]\n", id("s_", s), s)
				}
				fmt.Fprintf(&sb, "  %s -.- %s\n", id("n_", n.name), id("s_", s))
			}
		}
	}
	return sb.String()
}

// mermaidID turns a name into a Mermaid node id: letters, digits and
// underscores only.
func mermaidID(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, name)
}
