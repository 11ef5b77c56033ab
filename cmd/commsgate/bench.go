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
	// The side-by-side comparison with the baseline acknowledger.
	Rounds      int
	Concurrency int
	// The long burst for one PR.
	PRBurst     int
	PRBurstRate int
}

// parseBenchFlags parses the flags; asked for with -h, the usage goes to
// stdout (help asked for is the answer), after a bad flag to stderr.
func parseBenchFlags(args []string, stdout, stderr io.Writer) (benchOptions, error) {
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
	fs.IntVar(&o.Rounds, "rounds", 1, "rounds of the side-by-side comparison with the baseline acknowledger (0 skips it); the report gives the range")
	fs.IntVar(&o.Concurrency, "concurrency", 50, "senders in the closed-loop comparison")
	fs.IntVar(&o.PRBurst, "pr-burst", 4000, "deliveries for one PR in the long burst (0 skips it)")
	fs.IntVar(&o.PRBurstRate, "pr-burst-rate", 400, "deliveries a second in the long burst for one PR")
	usage := func(w io.Writer) {
		fmt.Fprint(w, `usage: commsgate bench [flags]

Starts the real server against the project's fake GitHub on loopback,
opens communication pull requests, measures the GitHub requests each kind
of event costs, then sends signed review and comment webhooks at a steady
rate and in one burst, and prints acknowledgement latency, throughput,
drops and memory. Then it measures commsgate side by side with a baseline
acknowledger (a bare net/http server that checks the signature and the
JSON and answers 202), and sends a long burst of deliveries for one PR,
counting the GitHub requests it costs. Everything runs in this process,
fake GitHub included.

Flags:
`)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
		} else {
			usage(stderr)
		}
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
	case o.Rounds < 0 || o.PRBurst < 0:
		return o, errors.New("--rounds and --pr-burst must not be negative")
	case o.Concurrency < 1 || o.PRBurstRate < 1:
		return o, fmt.Errorf("--concurrency and --pr-burst-rate must be at least 1 (got %d and %d)", o.Concurrency, o.PRBurstRate)
	}
	return o, nil
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseBenchFlags(args, stdout, stderr)
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
	if opts.Rounds > 0 {
		fmt.Fprintf(progress, "bench: %d round(s) side by side with the baseline acknowledger: open loop %d/s, closed loop %d senders, %s each\n", opts.Rounds, opts.Rate, opts.Concurrency, opts.Duration)
		if report.Compare, err = d.compare(ctx, d.sign(prs[0].review), opts); err != nil {
			return nil, err
		}
	}
	if opts.PRBurst > 0 {
		fmt.Fprintf(progress, "bench: %d deliveries for one PR at %d/s\n", opts.PRBurst, opts.PRBurstRate)
		if report.OnePR, err = d.onePRBurst(ctx, prs[0], opts.PRBurst, opts.PRBurstRate); err != nil {
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
