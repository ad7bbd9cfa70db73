package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/bench/internal/harness"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// rssWorkerCmd is the hidden subcommand the rss subcommand runs as a
// child process, so that the broker's memory (in-process when embedded)
// is not counted.
const rssWorkerCmd = "rss-worker"

// rssReport is what the worker prints as its last line.
type rssReport struct {
	Records     int64   `json:"records"`
	Seconds     float64 `json:"seconds"`
	PeakRSSMiB  float64 `json:"peak_rss_mib"`
	FinalRSSMiB float64 `json:"final_rss_mib"`
	StoreMiB    float64 `json:"store_dir_mib"`
}

// rss loads n records with n distinct keys, then runs a streamlib count
// per key on Pebble (changelogged) in a child process and reports the
// child's peak resident set size.
func rss(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rss", flag.ContinueOnError)
	servers := fs.String("bootstrap-servers", "", "a real broker (default: an embedded one in this process)")
	n := fs.Int64("n", 1_000_000, "records, each with a key of its own")
	heap := fs.String("heapprofile", "", "write a heap profile of the worker here when half the records are counted")
	fetch := fs.Int("fetch-bytes", 0, "the worker's sarama Consumer.Fetch.Default (0: streamlib's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var broker harness.Broker = harness.Embedded{}
	if *servers != "" {
		broker = &harness.Remote{Addrs: strings.Split(*servers, ",")}
	}
	s := harness.Settings{Records: *n, Keys: *n, Partitions: 4, ValueSize: 16}
	env, err := broker.Begin(ctx, s)
	if err != nil {
		return err
	}
	defer env.End()
	topic := env.Topic("rss-in")
	if err := env.CreateTopics(ctx, false, topic); err != nil {
		return err
	}
	prod, err := harness.NewProducer(env)
	if err != nil {
		return err
	}
	for i := range *n {
		prod.Send(harness.Record{Topic: topic, Key: []byte("u" + strconv.FormatInt(i, 10)), Value: []byte("x"), Timestamp: time.Now().UnixMilli()})
	}
	err = prod.Wait(ctx)
	prod.Close()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, rssWorkerCmd, "--bootstrap-servers", strings.Join(env.Brokers, ","),
		"--topic", topic, "--n", strconv.FormatInt(*n, 10), "--state-dir", env.StateDir, "--app", env.Group("rss-count"), "--heapprofile", *heap, "--fetch-bytes", strconv.Itoa(*fetch))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("rss worker: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var rep rssReport
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rep); err != nil {
		return fmt.Errorf("rss worker said %q: %w", out, err)
	}
	fmt.Printf("count of %d distinct keys on Pebble, changelogged: %.1f s, peak RSS %.1f MiB, RSS at the end %.1f MiB, store on disk %.1f MiB\n",
		rep.Records, rep.Seconds, rep.PeakRSSMiB, rep.FinalRSSMiB, rep.StoreMiB)
	return nil
}

// rssWorker runs the count until it has read every record, then prints
// its rssReport.
func rssWorker(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet(rssWorkerCmd, flag.ContinueOnError)
	servers := fs.String("bootstrap-servers", "", "brokers")
	topic := fs.String("topic", "", "input topic")
	n := fs.Int64("n", 0, "records to wait for")
	dir := fs.String("state-dir", "", "state directory")
	appID := fs.String("app", "", "application ID")
	heap := fs.String("heapprofile", "", "heap profile at half way")
	fetch := fs.Int("fetch-bytes", 0, "sarama Consumer.Fetch.Default (0: streamlib's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b := streamlib.NewBuilder()
	in := streamlib.Stream(b, *topic, serde.String(), serde.Bytes())
	streamlib.Count(streamlib.GroupByKey(in), streamlib.Materialized("counts"), streamlib.Persistent())
	topo, err := b.Build()
	if err != nil {
		return err
	}
	cfg := kafka.Config{ApplicationID: *appID, BootstrapServers: strings.Split(*servers, ","), StateDir: *dir}
	if *fetch > 0 {
		cfg.Sarama = func(c *sarama.Config) { c.Consumer.Fetch.Default = int32(*fetch) }
	}
	app, err := kafka.New(topo, cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := app.Start(ctx); err != nil {
		return err
	}
	for in := int64(0); in < *n; in = app.Metrics().RecordsIn {
		if *heap != "" && in >= *n/2 {
			if err := writeHeap(*heap); err != nil {
				return err
			}
			*heap = ""
		}
		select {
		case <-app.Done():
			return fmt.Errorf("count stopped early: %w", app.Err())
		case <-ctx.Done():
			_ = app.Close()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	final, _ := procStatus("VmRSS")
	if err := app.Close(); err != nil {
		return err
	}
	peak, err := procStatus("VmHWM")
	if err != nil {
		return err
	}
	size, _ := dirSize(*dir)
	rep := rssReport{Records: *n, Seconds: elapsed.Seconds(), PeakRSSMiB: peak, FinalRSSMiB: final, StoreMiB: float64(size) / (1 << 20)}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

// procStatus reads a kB field of /proc/self/status, in MiB.
func procStatus(field string) (float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == field {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no " + field + " in /proc/self/status")
}

func dirSize(dir string) (int64, error) {
	var total int64
	err := walk(dir, func(size int64) { total += size })
	return total, err
}

func walk(dir string, add func(int64)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := dir + string(os.PathSeparator) + e.Name()
		if e.IsDir() {
			if err := walk(p, add); err != nil {
				return err
			}
			continue
		}
		if info, err := e.Info(); err == nil {
			add(info.Size())
		}
	}
	return nil
}
