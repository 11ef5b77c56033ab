package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/commsgate/commsgate/config"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

func init() {
	registerCommand("bench", "measure the server: webhook ack latency, throughput, GitHub requests, memory", runBench)
}

// benchOptions are the load driver's knobs; the defaults are the goals
// the project states (500 webhooks/s on two cores).
type benchOptions struct {
	Rate         int
	Duration     time.Duration
	Burst        int
	BurstSenders int
	Latency      time.Duration
	ProbeLatency time.Duration
	Workers      int
	QueueSize    int
	PRs          int
	CPUProfile   string
}

func parseBenchFlags(args []string, stderr io.Writer) (benchOptions, error) {
	var o benchOptions
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Rate, "rate", 500, "webhooks per second in the steady phase")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "length of the steady phase")
	fs.IntVar(&o.Burst, "burst", 1000, "webhooks sent at once in the burst phase (0 skips it)")
	fs.IntVar(&o.BurstSenders, "burst-senders", 64, "concurrent connections the burst is sent over")
	fs.DurationVar(&o.Latency, "latency", 0, "delay the fake GitHub adds to every request during the load phases")
	fs.DurationVar(&o.ProbeLatency, "probe-latency", 50*time.Millisecond, "GitHub latency for the sequential round-trip probe")
	fs.IntVar(&o.Workers, "workers", config.DefaultWorkers, "webhook worker goroutines (workers.count)")
	fs.IntVar(&o.QueueSize, "queue", config.DefaultQueueSize, "webhook queue size (workers.queue_size); a full queue answers 503")
	fs.IntVar(&o.PRs, "prs", 4, "open communication pull requests the load is spread over")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the load phases to this file (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: commsgate bench [flags]

Starts the real server against the project's fake GitHub on loopback,
opens communication pull requests, measures the GitHub requests each kind
of event costs, then sends signed review and comment webhooks at a steady
rate and in one burst, and prints acknowledgement latency, throughput,
drops and memory. Everything runs in this process, fake GitHub included.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.Rate < 1:
		return o, fmt.Errorf("--rate must be at least 1, not %d", o.Rate)
	case o.Duration <= 0:
		return o, fmt.Errorf("--duration must be positive, not %s", o.Duration)
	case o.Burst < 0:
		return o, fmt.Errorf("--burst must not be negative, not %d", o.Burst)
	case o.BurstSenders < 1:
		return o, fmt.Errorf("--burst-senders must be at least 1, not %d", o.BurstSenders)
	case o.Latency < 0 || o.ProbeLatency < 0:
		return o, errors.New("--latency and --probe-latency must not be negative")
	case o.Workers < 1 || o.QueueSize < 1:
		return o, fmt.Errorf("--workers and --queue must be at least 1 (got %d and %d)", o.Workers, o.QueueSize)
	case o.PRs < 1 || o.PRs > 100:
		return o, fmt.Errorf("--prs must be between 1 and 100, not %d", o.PRs)
	}
	return o, nil
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseBenchFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "commsgate bench: %v\n", err)
		return 2
	}
	tuneGC() // as serve does: the figures are the server's
	report, err := runBenchmark(ctx, opts, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "commsgate bench: %v\n", err)
		return 1
	}
	report.print(stdout)
	return 0
}

// runBenchmark runs every phase in order and gathers the report. progress
// receives one line per phase so a long run shows it is alive.
func runBenchmark(ctx context.Context, opts benchOptions, progress io.Writer) (*benchReport, error) {
	sb, err := sandbox.Start(sandbox.Options{Clock: sandbox.NewClock(benchClockStart)})
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	defer sb.Close()
	srv, err := startBenchServer(sb, opts.Workers, opts.QueueSize)
	if err != nil {
		return nil, err
	}
	defer srv.stop()

	d := newBenchDriver(sb, srv)
	defer d.close()
	report := &benchReport{Options: opts, Machine: describeMachine()}
	report.Machine.GCPercent = gcPercent()

	fmt.Fprintln(progress, "bench: measuring the GitHub requests each event costs")
	prs, costs, err := d.measureCosts(ctx, opts.PRs)
	if err != nil {
		return nil, err
	}
	report.Costs = costs

	fmt.Fprintf(progress, "bench: timing one evaluation with %s of GitHub latency\n", opts.ProbeLatency)
	if report.Probe, err = d.probeRoundTrips(ctx, prs[0], opts.ProbeLatency); err != nil {
		return nil, err
	}

	pool, err := d.loadPool(prs)
	if err != nil {
		return nil, err
	}
	sb.GitHub.SetLatency(opts.Latency)
	if opts.CPUProfile != "" {
		stop, err := startCPUProfile(opts.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer stop()
	}

	fmt.Fprintf(progress, "bench: steady load, %d webhooks/s for %s\n", opts.Rate, opts.Duration)
	if report.Steady, err = d.steady(ctx, pool, opts.Rate, opts.Duration); err != nil {
		return nil, err
	}
	if opts.Burst > 0 {
		fmt.Fprintf(progress, "bench: burst of %d webhooks over %d connections\n", opts.Burst, opts.BurstSenders)
		if report.Burst, err = d.burst(ctx, pool, opts.Burst, opts.BurstSenders); err != nil {
			return nil, err
		}
	}
	report.PeakRSS, report.RSS = readProcMemory()
	return report, nil
}

// startCPUProfile profiles the whole process (server, fake GitHub and the
// driver alike) until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
