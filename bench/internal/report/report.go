// Package report keeps the bench command's results: the JSON file, the
// printed table and the SVG chart.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

// Result is one invocation of the bench command.
type Result struct {
	Started  time.Time  `json:"started"`
	Finished time.Time  `json:"finished"`
	Machine  Machine    `json:"machine"`
	Broker   string     `json:"broker"`
	Short    bool       `json:"short"`
	Settings Settings   `json:"settings"`
	Results  []*LibRuns `json:"results"`
}

// Machine describes where the numbers were taken.
type Machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	MemoryMiB int64  `json:"memory_mib"`
	OS        string `json:"os"`
	Go        string `json:"go"`
	// LoadBefore and LoadAfter are /proc/loadavg at the start and end:
	// other work on the machine shows there.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// Settings are the invocation's sizes.
type Settings struct {
	Records        int64 `json:"records"`
	Keys           int64 `json:"keys"`
	Partitions     int32 `json:"partitions"`
	ValueSize      int   `json:"value_size"`
	Runs           int   `json:"runs"`
	LatencyRecords int64 `json:"latency_records"`
	LatencyRate    int64 `json:"latency_rate"`
	Goroutines     int   `json:"streamlib_goroutines"`
}

// LibRuns are the runs of one workload with one library.
type LibRuns struct {
	Workload string              `json:"workload"`
	About    string              `json:"about"`
	Lib      string              `json:"lib"`
	Records  int64               `json:"records"`
	Runs     []harness.RunResult `json:"runs"`
	// Summaries over Runs.
	RecordsPerSec harness.Spread `json:"records_per_s"`
	P50Ms         harness.Spread `json:"p50_ms"`
	P99Ms         harness.Spread `json:"p99_ms"`
	CPUUs         harness.Spread `json:"cpu_us_per_record"`
	// VsGoka and VsCeiling are this library's median records/s divided by
	// goka's on the same workload and by the ceiling's (0: not measured).
	VsGoka    float64 `json:"vs_goka,omitempty"`
	VsCeiling float64 `json:"vs_ceiling,omitempty"`
	// Error is why the runs stopped early, if they did.
	Error string `json:"error,omitempty"`
}

// New starts a result.
func New(broker string, s harness.Settings, runs int, short bool) *Result {
	return &Result{
		Started: time.Now().UTC(), Machine: machine(), Broker: broker, Short: short,
		Settings: Settings{
			Records: s.Records, Keys: s.Keys, Partitions: s.Partitions, ValueSize: s.ValueSize, Runs: runs,
			LatencyRecords: s.LatencyRecords, LatencyRate: s.LatencyRate,
		},
	}
}

// Add starts the runs of a workload with a library.
func (r *Result) Add(workload, about, lib string, records int64) *LibRuns {
	lr := &LibRuns{Workload: workload, About: about, Lib: lib, Records: records}
	r.Results = append(r.Results, lr)
	return lr
}

// Summarize computes the spreads of the runs.
func (lr *LibRuns) Summarize() {
	var tput, p50, p99, cpu []float64
	for _, run := range lr.Runs {
		cpu = append(cpu, run.CPUUsPerRecord)
		tput = append(tput, run.RecordsPerSec)
		p50 = append(p50, run.P50Ms)
		p99 = append(p99, run.P99Ms)
	}
	lr.RecordsPerSec, lr.P50Ms, lr.P99Ms = harness.SpreadOf(tput), harness.SpreadOf(p50), harness.SpreadOf(p99)
	lr.CPUUs = harness.SpreadOf(cpu)
}

func (r *Result) find(workload, lib string) *LibRuns {
	for _, lr := range r.Results {
		if lr.Workload == workload && lr.Lib == lib {
			return lr
		}
	}
	return nil
}

// Ratios fills VsGoka and VsCeiling wherever both sides were measured.
func (r *Result) Ratios() {
	ceiling := r.find("ceiling", "sarama")
	for _, lr := range r.Results {
		if lr.Lib == "sarama" {
			continue
		}
		if g := r.find(lr.Workload, "goka"); g != nil && lr.Lib != "goka" && g.RecordsPerSec.Median > 0 {
			lr.VsGoka = lr.RecordsPerSec.Median / g.RecordsPerSec.Median
		}
		if ceiling != nil && ceiling.RecordsPerSec.Median > 0 {
			lr.VsCeiling = lr.RecordsPerSec.Median / ceiling.RecordsPerSec.Median
		}
	}
}

// Header is the printed table's heading.
func Header() string {
	return fmt.Sprintf("%-15s %-10s %29s %8s %8s %8s %7s %9s", "workload", "lib", "records/s min / median / max", "p50 ms", "p99 ms", "cpu µs", "÷goka", "÷ceiling")
}

// Lines are the printed table's rows of a workload.
func (r *Result) Lines(workload string) []string {
	var out []string
	for _, lr := range r.Results {
		if lr.Workload != workload {
			continue
		}
		s := lr.RecordsPerSec
		line := fmt.Sprintf("%-15s %-10s %9s / %7s / %7s %8.1f %8.1f %8.1f %7s %9s", lr.Workload, lr.Lib,
			human(s.Min), human(s.Median), human(s.Max), lr.P50Ms.Median, lr.P99Ms.Median, lr.CPUUs.Median, ratio(lr.VsGoka), ratio(lr.VsCeiling))
		out = append(out, line)
	}
	return out
}

func human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

func ratio(x float64) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}

// Finish stamps the end.
func (r *Result) Finish() {
	r.Finished = time.Now().UTC()
	r.Machine.LoadAfter = loadavg()
}

// Write writes the result as indented JSON, making the directory.
func (r *Result) Write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Read reads a result file.
func Read(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), LoadBefore: loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemoryMiB = kb / 1024
		}
	}
	return m
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
