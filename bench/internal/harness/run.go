package harness

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Job is one run's plan, as a workload describes it to the harness.
type Job struct {
	// Setup creates the run's topics.
	Setup func(ctx context.Context, env *Env) error
	// Records is the throughput part's input count.
	Records int64
	// Preload returns records written before the inputs.
	Preload func(env *Env) []Record
	// Input makes input seq.
	Input func(env *Env, seq int64) Record
	// Outputs are the topics the results go to.
	Outputs func(env *Env) []string
	Want    func(seq int64) bool
	Decode  func(env *Env) Decoder
	// Start starts the implementation measured.
	Start func(ctx context.Context, env *Env) (stop func() error, err error)
	// StartFirst starts the implementation after the preload and before
	// the inputs, for implementations that must have read their tables
	// before the first input arrives (Start returns once they have).
	StartFirst bool
}

// RunResult is what one run measured.
type RunResult struct {
	RecordsPerSec float64 `json:"records_per_s"`
	// StartupMs is the time from starting the implementation to its first
	// result (group join, restore), not part of RecordsPerSec.
	StartupMs float64 `json:"startup_ms"`
	// CPUUsPerRecord is the process's CPU time per record while it works
	// through the input (see Reader.CPUPerRecord).
	CPUUsPerRecord float64 `json:"cpu_us_per_record"`
	P50Ms          float64 `json:"p50_ms"`
	P99Ms          float64 `json:"p99_ms"`
	Latencies      int     `json:"latency_samples"`
	Duplicates     int64   `json:"duplicates"`
}

// Run loads a fresh topic set with the job's input, starts the
// implementation, and measures it: records per second while it works
// through the loaded input, then end-to-end latency of records produced at
// a steady rate once it has caught up.
func Run(ctx context.Context, b Broker, s Settings, j Job) (RunResult, error) {
	var res RunResult
	env, err := b.Begin(ctx, s)
	if err != nil {
		return res, err
	}
	defer env.End()
	if err := j.Setup(ctx, env); err != nil {
		return res, err
	}
	prod, err := NewProducer(env)
	if err != nil {
		return res, err
	}
	defer prod.Close()
	if j.Preload != nil {
		for _, r := range j.Preload(env) {
			prod.Send(r)
		}
	}
	load := func() error {
		for seq := range j.Records {
			prod.Send(j.Input(env, seq))
		}
		if err := prod.Wait(ctx); err != nil {
			return fmt.Errorf("load input: %w", err)
		}
		return nil
	}
	if !j.StartFirst {
		if err := load(); err != nil {
			return res, err
		}
	} else if err := prod.Wait(ctx); err != nil {
		return res, fmt.Errorf("load tables: %w", err)
	}
	sent := make([]atomic.Int64, s.LatencyRecords)
	reader, err := NewReader(env, j.Outputs(env), j.Records, sent, j.Want, j.Decode(env))
	if err != nil {
		return res, err
	}
	defer reader.Close()

	start := time.Now()
	stop, err := j.Start(ctx, env)
	if err != nil {
		return res, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = stop()
		}
	}()
	if j.StartFirst {
		if err := load(); err != nil {
			return res, err
		}
	}
	perSec, startup, err := reader.WaitThroughput(ctx, start, s.Timeout)
	if err != nil {
		return res, fmt.Errorf("throughput: %w", err)
	}
	res.RecordsPerSec, res.StartupMs, res.CPUUsPerRecord = perSec, ms(startup), reader.CPUPerRecord()

	if s.LatencyRecords > 0 {
		err := prod.Pace(ctx, j.Records, j.Records+s.LatencyRecords, s.LatencyRate, sent, func(seq int64) Record { return j.Input(env, seq) })
		if err != nil {
			return res, err
		}
		lats, err := reader.WaitLatency(ctx, s.Timeout)
		if err != nil {
			return res, fmt.Errorf("latency: %w", err)
		}
		res.P50Ms, res.P99Ms, res.Latencies = ms(Percentile(lats, 50)), ms(Percentile(lats, 99)), len(lats)
	}
	res.Duplicates = reader.Duplicates()
	stopped = true
	if err := stop(); err != nil {
		return res, fmt.Errorf("stop: %w", err)
	}
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
