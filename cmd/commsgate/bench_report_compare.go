package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// printCompare writes the side-by-side rounds and the long burst for one PR.
func (r *benchReport) printCompare(w io.Writer) {
	o := r.Options
	if len(r.Compare) > 0 {
		fmt.Fprintf(w, "\nSide by side with the baseline acknowledger (same review payload, same client; open loop %d/s, closed loop %d senders, %s each)\n", o.Rate, o.Concurrency, o.Duration)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "round\tbaseline p50\tcommsgate p50\tbaseline p99\tcommsgate p99\tp99 ratio\tbaseline /s\tcommsgate /s\tthroughput ratio\tcommsgate 503\tno answer\t")
		for i, c := range r.Compare {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%.0f\t%.0f\t%.2f\t%d\t%d\t\n", i+1,
				round(c.OpenBaseline.P50), round(c.OpenServer.P50), round(c.OpenBaseline.P99), round(c.OpenServer.P99), c.P99Ratio(),
				c.ClosedBaseline.Throughput(), c.ClosedServer.Throughput(), c.ThroughputRatio(),
				c.OpenServer.Dropped+c.ClosedServer.Dropped, c.lost())
		}
		tw.Flush()
	}
	if b := r.OnePR; o.PRBurst > 0 {
		fmt.Fprintf(w, "\nLong burst for one PR: %d deliveries at %d/s (a Steering approval halfway): %d answered 200, %d 503, %d no answer; %.0f evaluations; GitHub requests %d counted + %d 304 = %d\n",
			b.Sent, o.PRBurstRate, b.Accepted, b.Dropped, b.Errors+b.Other, b.Evaluations, b.Requests.Counted, b.Requests.NotModified, b.Requests.Counted+b.Requests.NotModified)
		fmt.Fprintf(w, "  approval check: before %q, after the burst %q, a fresh evaluation %q\n", b.Before, b.After, b.Fresh)
	}
}

// lost is deliveries of a round that got neither 2xx nor 503.
func (c compareRound) lost() int {
	n := 0
	for _, l := range []loopResult{c.OpenBaseline, c.OpenServer, c.ClosedBaseline, c.ClosedServer} {
		n += l.Errors + l.Other
	}
	return n
}

// compareGoals judges the side-by-side rounds and the long burst against
// the speed issue's goals, as ratios measured in the same run.
func (r *benchReport) compareGoals(verdict func(bool) string) []goal {
	o := r.Options
	var out []goal
	if len(r.Compare) > 0 {
		lowP, highP := minMax(r.Compare, compareRound.P99Ratio)
		lowT, highT := minMax(r.Compare, compareRound.ThroughputRatio)
		p99 := goal{What: "ack p99 ≤ 2× the baseline's, open loop", Figure: fmt.Sprintf("%.2f–%.2f× over %d round(s) at %d/s", lowP, highP, len(r.Compare), o.Rate)}
		if o.Rate >= 500 && o.Latency == 0 {
			p99.Verdict = verdict(highP <= 2)
		} else {
			p99.Verdict = "not judged: needs --rate 500 or more and --latency 0"
		}
		thr := goal{What: "closed-loop throughput ≥ 0.7× the baseline's", Figure: fmt.Sprintf("%.2f–%.2f× at %d senders", lowT, highT, o.Concurrency)}
		if o.Concurrency >= 50 && o.Latency == 0 {
			thr.Verdict = verdict(lowT >= 0.7)
		} else {
			thr.Verdict = "not judged: needs --concurrency 50 or more and --latency 0"
		}
		lost := 0
		for _, c := range r.Compare {
			lost += c.lost()
		}
		lost += r.OnePR.Errors + r.OnePR.Other
		out = append(out, p99, thr, goal{What: "nothing lost: every delivery answered 2xx or 503", Figure: fmt.Sprintf("%d without either", lost), Verdict: verdict(lost == 0)})
	}
	if b := r.OnePR; o.PRBurst > 0 {
		all := b.Requests.Counted + b.Requests.NotModified
		cost := goal{What: "a burst for one PR costs < 100 GitHub requests", Figure: fmt.Sprintf("%d requests (%d counted) for %d deliveries, %.0f evaluations", all, b.Requests.Counted, b.Sent, b.Evaluations)}
		if o.PRBurst >= 4000 {
			cost.Verdict = verdict(all < 100)
		} else {
			cost.Verdict = "not judged: needs --pr-burst 4000 or more"
		}
		right := goal{What: "the check after the burst is what GitHub's final state implies", Figure: fmt.Sprintf("%q", b.After), Verdict: verdict(b.Right())}
		out = append(out, cost, right)
	}
	return out
}

func minMax(rounds []compareRound, f func(compareRound) float64) (lo, hi float64) {
	for i, c := range rounds {
		v := f(c)
		if i == 0 || v < lo {
			lo = v
		}
		if i == 0 || v > hi {
			hi = v
		}
	}
	return lo, hi
}
