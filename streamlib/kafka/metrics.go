package kafka

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/streamworkshop/workshop/streamlib"
)

// Metrics is a snapshot of an application's counters. Totals cover every
// task this instance has run since Start, including tasks it has since
// handed to other instances.
type Metrics struct {
	ApplicationID string
	State         State
	// RecordsIn counts records read from source topics (global topics
	// excluded); RecordsOut counts records written by sinks (changelogs
	// excluded).
	RecordsIn, RecordsOut int64
	// Dropped counts records not processed, by reason: "deserialization"
	// for skipped poison pills, "late" for records behind a window's
	// grace period, "production" for records the brokers refused and the
	// production handler let go, and the reasons processors give.
	Dropped      map[string]int64
	Punctuations int64
	// Commits counts offset commits (transactions under ExactlyOnce).
	Commits int64
	// Rebalances counts group generations the processing goroutines joined.
	Rebalances int64
	// Restored counts changelog and global-topic records applied to stores
	// while restoring.
	Restored int64
	// Tasks are the tasks this instance runs now.
	Tasks []TaskMetrics
	// Global describes the global tables; nil without any.
	Global *GlobalMetrics
}

// TaskMetrics are one task's counters.
type TaskMetrics struct {
	Task                  streamlib.TaskID
	Goroutine             int
	RecordsIn, RecordsOut int64
	Dropped               map[string]int64
	Punctuations          int64
	// Restored counts the changelog records applied to the task's stores
	// while restoring them; Restore has the details per store.
	Restored int64
	Restore  []RestoreProgress
}

// RestoreProgress is how far one store of a task is restored.
type RestoreProgress struct {
	Store     string
	Changelog string
	Partition int32
	// Restored records so far, of at most Total (the offset range to read;
	// transaction markers and compacted records make the real count lower).
	Restored, Total int64
	Done            bool
}

// GlobalMetrics describes the global tables.
type GlobalMetrics struct {
	RecordsIn int64
	Dropped   map[string]int64
	// Restored counts the records read at start, of at most Total.
	Restored, Total int64
	// Ready is true once the tables were read to the end at start.
	Ready bool
}

func cloneCounts(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return maps.Clone(m)
}

func addCounts(dst, src map[string]int64) {
	for k, v := range src {
		dst[k] += v
	}
}

// Metrics returns a snapshot of the application's counters. It is safe to
// call at any time, from any goroutine.
func (a *Application) Metrics() Metrics {
	m := Metrics{
		ApplicationID: a.cfg.ApplicationID,
		State:         a.State(),
		Dropped:       map[string]int64{},
		Commits:       a.commits.Load(),
		Rebalances:    a.rebalances.Load(),
		Restored:      a.restored.Load(),
	}
	a.mu.Lock()
	retired := a.retired
	live := slices.Collect(maps.Values(a.tasks))
	threads := slices.Clone(a.threads)
	g := a.global
	a.mu.Unlock()
	m.RecordsIn, m.RecordsOut, m.Punctuations = retired.RecordsIn, retired.RecordsOut, retired.Punctuations
	addCounts(m.Dropped, retired.Dropped)
	for _, t := range live {
		tm := t.metrics()
		m.Tasks = append(m.Tasks, tm)
		m.RecordsIn += tm.RecordsIn
		m.RecordsOut += tm.RecordsOut
		m.Punctuations += tm.Punctuations
		addCounts(m.Dropped, tm.Dropped)
	}
	for _, th := range threads {
		if th.prod != nil {
			if n := th.prod.droppedCount(); n > 0 {
				m.Dropped["production"] += n
			}
		}
	}
	slices.SortFunc(m.Tasks, func(a, b TaskMetrics) int { return compareTaskIDs(a.Task, b.Task) })
	if g != nil {
		gm := g.metrics()
		m.Global = &gm
		addCounts(m.Dropped, gm.Dropped)
	}
	return m
}

// MetricsHandler serves Metrics over HTTP: in the Prometheus text format
// by default, as JSON with ?format=json or an Accept header asking for
// application/json.
func (a *Application) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := a.Metrics()
		if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(m)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = m.WritePrometheus(w)
	})
}

// WritePrometheus writes m in the Prometheus text exposition format, with
// metric names prefixed "streamlib_".
func (m Metrics) WritePrometheus(w io.Writer) error {
	pw := &promWriter{w: w, app: m.ApplicationID}
	pw.family("streamlib_state", "gauge", "1 for the state the application is in.")
	for _, s := range []State{Created, Rebalancing, Running, PendingShutdown, NotRunning, Error} {
		v := int64(0)
		if s == m.State {
			v = 1
		}
		pw.sample("streamlib_state", v, "state", s.String())
	}
	pw.family("streamlib_commits_total", "counter", "Offset commits (transactions under exactly-once).")
	pw.sample("streamlib_commits_total", m.Commits)
	pw.family("streamlib_rebalances_total", "counter", "Consumer group generations joined.")
	pw.sample("streamlib_rebalances_total", m.Rebalances)
	pw.family("streamlib_restored_records_total", "counter", "Records applied to stores while restoring them.")
	pw.sample("streamlib_restored_records_total", m.Restored)
	pw.family("streamlib_records_in_total", "counter", "Records read from source topics, all tasks ever run here.")
	pw.sample("streamlib_records_in_total", m.RecordsIn)
	pw.family("streamlib_records_out_total", "counter", "Records written by sinks, all tasks ever run here.")
	pw.sample("streamlib_records_out_total", m.RecordsOut)
	pw.family("streamlib_dropped_records_total", "counter", "Records dropped, by reason.")
	for _, reason := range slices.Sorted(maps.Keys(m.Dropped)) {
		pw.sample("streamlib_dropped_records_total", m.Dropped[reason], "reason", reason)
	}
	pw.family("streamlib_task_records_in_total", "counter", "Records read by a task.")
	for _, t := range m.Tasks {
		pw.sample("streamlib_task_records_in_total", t.RecordsIn, "task", t.Task.String())
	}
	pw.family("streamlib_task_records_out_total", "counter", "Records written by a task's sinks.")
	for _, t := range m.Tasks {
		pw.sample("streamlib_task_records_out_total", t.RecordsOut, "task", t.Task.String())
	}
	pw.family("streamlib_task_dropped_records_total", "counter", "Records a task dropped, by reason.")
	for _, t := range m.Tasks {
		for _, reason := range slices.Sorted(maps.Keys(t.Dropped)) {
			pw.sample("streamlib_task_dropped_records_total", t.Dropped[reason], "task", t.Task.String(), "reason", reason)
		}
	}
	pw.family("streamlib_task_restored_records", "gauge", "Changelog records restored into a task's store.")
	pw.family("streamlib_task_restore_total_records", "gauge", "Changelog offsets a task's store had to restore (an upper bound of records).")
	for _, t := range m.Tasks {
		for _, r := range t.Restore {
			pw.sample("streamlib_task_restored_records", r.Restored, "task", t.Task.String(), "store", r.Store)
			pw.sample("streamlib_task_restore_total_records", r.Total, "task", t.Task.String(), "store", r.Store)
		}
	}
	if m.Global != nil {
		pw.family("streamlib_global_records_in_total", "counter", "Records read from global topics.")
		pw.sample("streamlib_global_records_in_total", m.Global.RecordsIn)
		ready := int64(0)
		if m.Global.Ready {
			ready = 1
		}
		pw.family("streamlib_global_ready", "gauge", "1 once the global tables were read to the end at start.")
		pw.sample("streamlib_global_ready", ready)
	}
	return pw.err
}

type promWriter struct {
	w   io.Writer
	app string
	err error
}

func (p *promWriter) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *promWriter) family(name, typ, help string) {
	p.printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one sample; labels are name, value pairs.
func (p *promWriter) sample(name string, v int64, labels ...string) {
	var sb strings.Builder
	sb.WriteString(`application="` + escapeLabel(p.app) + `"`)
	for i := 0; i+1 < len(labels); i += 2 {
		sb.WriteString("," + labels[i] + `="` + escapeLabel(labels[i+1]) + `"`)
	}
	p.printf("%s{%s} %s\n", name, sb.String(), strconv.FormatInt(v, 10))
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
