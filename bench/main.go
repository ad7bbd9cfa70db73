// Command bench measures streamlib end to end on a Kafka broker, side by
// side with goka (the other Go stream library on sarama) and with the
// ceiling: a raw sarama consumer group piped into a producer, doing no
// work, which no library on sarama can beat.
//
//	go run ./bench                      # embedded broker, 1M records, 3 runs each
//	go run ./bench --bootstrap-servers localhost:9092
//	go run ./bench --short              # a quick check that every workload runs (CI)
//	go run ./bench --workloads count --libs streamlib --cpuprofile cpu.out
//	go run ./bench plot bench/results/embedded.json   # redraw a result's chart
//	go run ./bench rss                  # peak RSS of a 1M-key count on Pebble
//
// Each run gets a fresh topic set (a new embedded cluster, or topic and
// group names with a unique suffix on a real one), loads N input records
// (10k keys, 200-byte JSON values, 4 partitions), starts the
// implementation and times it from its first result to its last
// (records/s; start-up is reported apart). Then, caught up, it is fed
// records at a steady rate, and each one's end-to-end latency is taken:
// from the moment the producer sent it to the moment its result was read.
// It prints min/median/max over the runs and the ratios streamlib ÷ goka
// and streamlib ÷ ceiling, writes a JSON result file and an SVG chart.
// BENCHMARKS.md explains the method and holds the numbers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/bench/internal/harness"
	"github.com/streamworkshop/workshop/bench/internal/report"
	"github.com/streamworkshop/workshop/bench/internal/workload"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "plot":
		err = plot(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "rss":
		err = rss(ctx, os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == rssWorkerCmd:
		err = rssWorker(ctx, os.Args[2:])
	default:
		err = bench(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	servers := fs.String("bootstrap-servers", "", "a real broker's bootstrap addresses, comma-separated (default: a new embedded broker per run)")
	n := fs.Int64("n", 1_000_000, "input records per run (the pipeline takes a tenth as orders)")
	runs := fs.Int("r", 3, "runs per workload and library")
	keys := fs.Int64("keys", 10_000, "distinct keys")
	partitions := fs.Int("partitions", 4, "partitions of every topic")
	valueSize := fs.Int("value-size", 200, "bytes per input value")
	latRecords := fs.Int64("latency-records", 20_000, "records of the latency part of a run")
	latRate := fs.Int64("latency-rate", 5_000, "records per second of the latency part")
	goroutines := fs.Int("goroutines", 1, "streamlib's Config.Goroutines")
	short := fs.Bool("short", false, "a quick run: 20k records, 1 run, a short latency part; results go to a temporary directory")
	only := fs.String("workloads", "", "comma-separated workloads to run (default all: "+strings.Join(names(), ",")+")")
	libs := fs.String("libs", "", "comma-separated libraries to run (default all: sarama,streamlib,goka)")
	out := fs.String("out", "", "result file (default bench/results/<broker>.json; with --short a temporary file); the chart goes beside it as .svg")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	timeout := fs.Duration("timeout", 10*time.Minute, "limit of each part of a run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *short {
		*n, *runs, *latRecords, *latRate = 20_000, 1, 1_000, 2_000
		*timeout = 2 * time.Minute
	}
	s := harness.Settings{
		Records: *n, Keys: *keys, Partitions: int32(*partitions), ValueSize: *valueSize,
		LatencyRecords: *latRecords, LatencyRate: *latRate, Timeout: *timeout,
		// Event time starts at a whole minute an hour ago: inside the
		// brokers' retention, and windows line up with the numbering.
		Base: time.Now().Add(-time.Hour).Truncate(time.Minute).UnixMilli(),
	}
	var broker harness.Broker = harness.Embedded{}
	brokerKey := "embedded"
	if *servers != "" {
		broker = &harness.Remote{Addrs: strings.Split(*servers, ",")}
		brokerKey = "kafka"
	}
	if *out == "" {
		*out = filepath.Join("bench", "results", brokerKey+".json")
		if *short {
			*out = filepath.Join(os.TempDir(), "streamlib-bench-short.json")
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	res := report.New(broker.Name(), s, *runs, *short)
	res.Settings.Goroutines = *goroutines
	wantLibs := splitSet(*libs)
	wantWork := splitSet(*only)
	fmt.Printf("broker: %s; %d records (%d keys, %d-byte values, %d partitions), %d run(s) each\n",
		broker.Name(), s.Records, s.Keys, s.ValueSize, s.Partitions, *runs)
	fmt.Println(report.Header())
	var failed []error
	for _, w := range workload.All(workload.Options{Goroutines: *goroutines}) {
		if len(wantWork) > 0 && !wantWork[w.Name] {
			continue
		}
		for _, lib := range []workload.Lib{workload.Ceiling, workload.Streamlib, workload.Goka} {
			if w.Impls[lib] == nil || (len(wantLibs) > 0 && !wantLibs[string(lib)]) {
				continue
			}
			job := w.Job(lib, s)
			lr := res.Add(w.Name, w.About, string(lib), job.Records)
			for i := range *runs {
				r, err := harness.Run(ctx, broker, s, job)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					// Keep going: the other workloads' numbers still count,
					// and the result file says what failed.
					err = fmt.Errorf("%s with %s, run %d: %w", w.Name, lib, i+1, err)
					fmt.Fprintln(os.Stderr, "bench:", err)
					lr.Error = err.Error()
					failed = append(failed, err)
					break
				}
				lr.Runs = append(lr.Runs, r)
			}
			lr.Summarize()
		}
		res.Ratios()
		for _, line := range res.Lines(w.Name) {
			fmt.Println(line)
		}
	}
	res.Finish()
	if err := res.Write(*out); err != nil {
		return err
	}
	svg := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".svg"
	if err := os.WriteFile(svg, []byte(report.SVG(res)), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", *out, svg)
	return errors.Join(failed...)
}

func names() []string {
	var out []string
	for _, w := range workload.All(workload.Options{}) {
		out = append(out, w.Name)
	}
	return out
}

func splitSet(s string) map[string]bool {
	set := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			set[part] = true
		}
	}
	return set
}

// plot redraws the chart of a result file.
func plot(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: bench plot RESULT.json")
	}
	res, err := report.Read(args[0])
	if err != nil {
		return err
	}
	svg := strings.TrimSuffix(args[0], filepath.Ext(args[0])) + ".svg"
	if err := os.WriteFile(svg, []byte(report.SVG(res)), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", svg)
	return nil
}
