package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestBenchSmallRun runs the whole load driver with tiny numbers, so the
// bench keeps working as the server changes, and checks the figures it
// reports are consistent with each other.
func TestBenchSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a sandbox and sends a few hundred webhooks")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A queue of 10 overflows in a burst of 400 over 100 connections,
	// while the steady 50/s stays well within capacity.
	opts := benchOptions{
		Rate: 50, Duration: 2 * time.Second, Burst: 400, BurstSenders: 100,
		ProbeLatency: 20 * time.Millisecond,
		Workers:      2, QueueSize: 10, PRs: 2,
		Rounds: 1, Concurrency: 4, PRBurst: 200, PRBurstRate: 400,
	}
	var progress bytes.Buffer
	report, err := runBenchmark(ctx, opts, &progress)
	if err != nil {
		t.Fatalf("bench failed: %v\nprogress:\n%s", err, progress.String())
	}

	st := report.Steady
	if st.Sent != 100 || st.Accepted != st.Sent || st.Errors != 0 || st.Other != 0 {
		t.Errorf("steady phase at 50/s: sent %d, accepted %d, dropped %d, other %d, no answer %d (%s); want every delivery accepted",
			st.Sent, st.Accepted, st.Dropped, st.Other, st.Errors, st.FirstError)
	}
	if st.Handled != float64(st.Accepted) {
		t.Errorf("steady phase: %v handlers finished for %d accepted deliveries; the queue lost or invented work", st.Handled, st.Accepted)
	}
	if st.Evaluations == 0 || st.Requests.Counted+st.Requests.NotModified == 0 {
		t.Errorf("steady phase: %v evaluations and %+v GitHub requests; review webhooks must cause evaluations", st.Evaluations, st.Requests)
	}
	if len(st.Memory) == 0 {
		t.Error("steady phase: no memory samples over 2s")
	}

	b := report.Burst
	if b.Accepted+b.Dropped != b.Sent || b.Errors != 0 {
		t.Errorf("burst: sent %d = accepted %d + dropped %d + other %d + no answer %d; every delivery must be answered 200 or 503",
			b.Sent, b.Accepted, b.Dropped, b.Other, b.Errors)
	}
	if b.Dropped == 0 {
		t.Errorf("burst of %d over %d connections into a queue of %d: no 503 at all, so the bench did not exercise a full queue", opts.Burst, opts.BurstSenders, opts.QueueSize)
	}
	if b.DroppedMetric != float64(b.Dropped) {
		t.Errorf("burst: %d answers were 503 but commsgate_webhook_queue_dropped_total grew by %v", b.Dropped, b.DroppedMetric)
	}
	if b.Handled != float64(b.Accepted) {
		t.Errorf("burst: %v handlers finished for %d accepted deliveries", b.Handled, b.Accepted)
	}

	kinds := map[string]bool{}
	for _, c := range report.Costs {
		kinds[c.Kind] = true
		if c.Costs.Failed != 0 {
			t.Errorf("%s (%s): %d requests failed on a healthy fake GitHub", c.Kind, c.When, c.Costs.Failed)
		}
	}
	for _, k := range []string{"pull_request.opened", "pull_request_review.submitted", "issue_comment.created"} {
		if !kinds[k] {
			t.Errorf("no request cost measured for %s", k)
		}
	}
	if report.Probe.Evaluation < opts.ProbeLatency {
		t.Errorf("an evaluation with %s GitHub latency took %s: it cannot have asked GitHub anything", opts.ProbeLatency, report.Probe.Evaluation)
	}
	if report.PeakRSS == 0 {
		t.Error("no peak RSS read from /proc/self/status")
	}

	if len(report.Compare) != 1 {
		t.Fatalf("%d comparison rounds, want 1", len(report.Compare))
	}
	c := report.Compare[0]
	for name, l := range map[string]loopResult{"open baseline": c.OpenBaseline, "open commsgate": c.OpenServer, "closed baseline": c.ClosedBaseline, "closed commsgate": c.ClosedServer} {
		if l.Accepted == 0 || l.P99 == 0 || l.Errors != 0 || l.Other != 0 {
			t.Errorf("%s: %d accepted, p99 %s, %d errors, %d other; want every delivery answered", name, l.Accepted, l.P99, l.Errors, l.Other)
		}
	}
	if c.P99Ratio() <= 0 || c.ThroughputRatio() <= 0 {
		t.Errorf("ratios %.2f and %.2f; both receivers were measured, so both must be positive", c.P99Ratio(), c.ThroughputRatio())
	}
	one := report.OnePR
	if one.Sent != opts.PRBurst || one.Accepted+one.Dropped != one.Sent {
		t.Errorf("long burst: sent %d, answered %d+%d; want all %d answered", one.Sent, one.Accepted, one.Dropped, opts.PRBurst)
	}
	if !one.Right() {
		t.Errorf("long burst: check before %q, after %q, fresh %q; want the Steering approval taken in and the fresh evaluation to agree", one.Before, one.After, one.Fresh)
	}
	if one.Evaluations < 1 || one.Evaluations >= float64(one.Sent)/4 {
		t.Errorf("long burst: %v evaluations for %d deliveries to one PR; they must be coalesced", one.Evaluations, one.Sent)
	}

	var out bytes.Buffer
	report.print(&out)
	for _, want := range []string{"GitHub requests per event", "sequential round trips", "steady 50/s", "burst", "peak RSS", "Goals", "a full queue answers 503",
		"Side by side with the baseline acknowledger", "throughput ratio", "Long burst for one PR", "costs < 100 GitHub requests"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBenchFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{nil, ""},
		{[]string{"--rate", "1000", "--duration", "60s", "--latency", "50ms", "--workers", "8"}, ""},
		{[]string{"--rate", "0"}, "--rate must be at least 1"},
		{[]string{"--duration", "0s"}, "--duration must be positive"},
		{[]string{"--burst", "-1"}, "--burst must not be negative"},
		{[]string{"--latency", "-5ms"}, "must not be negative"},
		{[]string{"--workers", "0"}, "--workers and --queue must be at least 1"},
		{[]string{"--prs", "1000"}, "--prs must be between 1 and 100"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--rounds", "-1"}, "--rounds and --pr-burst must not be negative"},
		{[]string{"--concurrency", "0"}, "--concurrency and --pr-burst-rate must be at least 1"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		_, err := parseBenchFlags(tt.args, io.Discard, &stderr)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("bench %v: unexpected error %v", tt.args, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("bench %v: error %v, want one containing %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var out []time.Duration
		for _, x := range n {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{ms(hundred...), 0.99, 99 * time.Millisecond},
		{ms(hundred...), 0.50, 50 * time.Millisecond},
		{ms(hundred...), 1, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.q); got != tt.want {
			t.Errorf("percentile(%d values, %v) = %s, want %s", len(tt.sorted), tt.q, got, tt.want)
		}
	}
}

func TestParseMetricsSumsMatchingSeries(t *testing.T) {
	text := `# HELP commsgate_webhooks_total Webhook deliveries received.
# TYPE commsgate_webhooks_total counter
commsgate_webhooks_total{event="pull_request",outcome="accepted"} 12
commsgate_webhooks_total{event="issue_comment",outcome="accepted"} 3
commsgate_webhooks_total{event="unverified",outcome="rejected_signature"} 2
commsgate_webhook_queue_dropped_total 5
commsgate_evaluation_seconds_sum{outcome="passed"} 1.5
commsgate_evaluation_seconds_count{outcome="passed"} 3
`
	m, err := parseMetrics(bufio.NewScanner(strings.NewReader(text)))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.sum("commsgate_webhooks_total", `outcome="accepted"`); got != 15 {
		t.Errorf("accepted = %v, want 15", got)
	}
	if got := m.sum("commsgate_webhooks_total"); got != 17 {
		t.Errorf("all webhooks = %v, want 17", got)
	}
	if got := m.sum("commsgate_webhook_queue_dropped_total"); got != 5 {
		t.Errorf("dropped = %v, want 5 (a series without labels)", got)
	}
	if got := m.meanDelta(metricSample{}, "commsgate_evaluation_seconds", ""); got != 500*time.Millisecond {
		t.Errorf("mean evaluation = %s, want 500ms", got)
	}
}
