package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// eventCost is what one webhook cost in GitHub requests.
type eventCost struct {
	Kind  string // "pull_request_review.submitted"
	When  string // "cold: first event after start", "warm: …"
	Costs requestCounts
	// FollowOn are the requests of the events the app's own writes caused
	// (e.g. the review_requested webhook after it requests a team).
	FollowOn requestCounts
}

// requestCounts splits requests the way GitHub's rate limit does.
type requestCounts struct {
	Counted     int // charged to the rate limit
	NotModified int // 304 revalidations, free
	Failed      int // connection reset or timed out (status 0)
}

func countRequests(reqs []githubfake.Request) requestCounts {
	var c requestCounts
	for _, r := range reqs {
		switch {
		case r.Status == 0:
			c.Failed++
		case r.Counted:
			c.Counted++
		default:
			c.NotModified++
		}
	}
	return c
}

// benchPR is an open notice and the people the bench acts as on it.
type benchPR struct {
	githubfake.PR
	// review is a SIG Node lead's approval, comment a plain remark.
	review, comment githubfake.Event
}

// measureCosts opens the pull requests and measures, one event at a time
// on a quiet server, what each kind of event costs cold and warm.
func (d *benchDriver) measureCosts(ctx context.Context, n int) ([]benchPR, []eventCost, error) {
	gh := d.sb.GitHub
	var costs []eventCost
	measure := func(ev githubfake.Event, when string) error {
		own, follow, err := d.deliverSettled(ctx, ev)
		if err != nil {
			return err
		}
		costs = append(costs, eventCost{Kind: ev.Name + "." + ev.Action, When: when, Costs: countRequests(own), FollowOn: countRequests(follow)})
		return nil
	}

	prs := make([]benchPR, n)
	for i := range prs {
		pr, ev := gh.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
			Author: sandbox.Author, Title: fmt.Sprintf("Bench notice %d", i+1),
			Files: map[string]string{fmt.Sprintf("comms/2027-02-09-bench-%d.md", i+1): benchNotice(i + 1)},
		})
		prs[i].PR = pr
		var when string
		switch i {
		case 0:
			when = "cold: first event after start"
		case 1:
			when = "warm: another PR, caches filled"
		}
		if when == "" {
			if _, _, err := d.deliverSettled(ctx, ev); err != nil {
				return nil, nil, err
			}
			continue
		}
		if err := measure(ev, when); err != nil {
			return nil, nil, err
		}
	}

	first := prs[0]
	_, ev := gh.SubmitReview(sandbox.CommsRepo, first.Number, githubfake.ReviewSpec{User: sandbox.SIGNodeLeads[0], State: "APPROVED"})
	prs[0].review = ev
	if err := measure(ev, "cold: first review on the PR"); err != nil {
		return nil, nil, err
	}
	_, ev = gh.SubmitReview(sandbox.CommsRepo, first.Number, githubfake.ReviewSpec{User: sandbox.Steering[0], State: "APPROVED"})
	if err := measure(ev, "warm: a second review"); err != nil {
		return nil, nil, err
	}
	if err := measure(ev, "warm: the same delivery again, nothing changed"); err != nil {
		return nil, nil, err
	}
	_, ev = gh.Comment(sandbox.CommsRepo, first.Number, sandbox.Author, "Thanks, I fixed the wording.")
	prs[0].comment = ev
	if err := measure(ev, "plain comment, no command"); err != nil {
		return nil, nil, err
	}
	_, ev = gh.Comment(sandbox.CommsRepo, first.Number, sandbox.CommsTeam[0], "/hold")
	if err := measure(ev, "/hold command"); err != nil {
		return nil, nil, err
	}
	_, ev = gh.Comment(sandbox.CommsRepo, first.Number, sandbox.CommsTeam[0], "/hold cancel")
	if err := measure(ev, "/hold cancel command"); err != nil {
		return nil, nil, err
	}

	last := prs[len(prs)-1]
	edited := strings.Replace(benchNotice(len(prs)), "exists\nto be evaluated", "exists\nto be evaluated again", 1)
	_, ev = gh.PushToPR(sandbox.CommsRepo, last.Number, githubfake.Change{
		Message: "Reword", Files: map[string]string{fmt.Sprintf("comms/2027-02-09-bench-%d.md", len(prs)): edited},
	})
	if err := measure(ev, "a push that edits the notice"); err != nil {
		return nil, nil, err
	}

	// The load pool needs a review and a comment on every PR; GitHub
	// already holds them, the load phases deliver them again and again.
	for i := 1; i < len(prs); i++ {
		_, prs[i].review = gh.SubmitReview(sandbox.CommsRepo, prs[i].Number, githubfake.ReviewSpec{User: sandbox.SIGNodeLeads[0], State: "APPROVED"})
		_, prs[i].comment = gh.Comment(sandbox.CommsRepo, prs[i].Number, sandbox.Author, "Thanks, I fixed the wording.")
		if _, _, err := d.deliverSettled(ctx, prs[i].review); err != nil {
			return nil, nil, err
		}
	}
	return prs, costs, nil
}

// probeResult times one warm review evaluation under GitHub latency.
type probeResult struct {
	Latency    time.Duration
	Handling   time.Duration // the webhook handler, from /metrics
	Evaluation time.Duration // policy evaluation incl. its GitHub reads and writes
	Requests   requestCounts
	// Timeline lists the evaluation's requests by when they reached
	// GitHub, to show which ones ran one after another.
	Timeline []string
}

// RoundTrips is the evaluation's length in GitHub latencies: how many
// requests it made one after another.
func (p probeResult) RoundTrips() float64 {
	if p.Latency <= 0 {
		return 0
	}
	return float64(p.Evaluation) / float64(p.Latency)
}

func (d *benchDriver) probeRoundTrips(ctx context.Context, pr benchPR, latency time.Duration) (probeResult, error) {
	res := probeResult{Latency: latency}
	// One warm-up delivery first, so the probe measures the steady state.
	if _, _, err := d.deliverSettled(ctx, pr.review); err != nil {
		return res, err
	}
	before, err := scrapeMetrics(ctx, d.client, d.srv.baseURL)
	if err != nil {
		return res, err
	}
	d.sb.GitHub.SetLatency(latency)
	own, _, err := d.deliverSettled(ctx, pr.review)
	d.sb.GitHub.SetLatency(0)
	if err != nil {
		return res, err
	}
	after, err := scrapeMetrics(ctx, d.client, d.srv.baseURL)
	if err != nil {
		return res, err
	}
	res.Requests = countRequests(own)
	res.Timeline = timeline(own)
	res.Handling = after.meanDelta(before, "commsgate_webhook_handling_seconds", `event="pull_request_review"`)
	res.Evaluation = after.meanDelta(before, "commsgate_evaluation_seconds", "")
	return res, nil
}

// loadPool is the events the load phases cycle through: each PR's review
// and comment, interleaved so consecutive deliveries hit different PRs.
func (d *benchDriver) loadPool(prs []benchPR) ([]signedEvent, error) {
	var pool []signedEvent
	for _, pr := range prs {
		if pr.review.Payload == nil || pr.comment.Payload == nil {
			return nil, fmt.Errorf("pull request #%d has no review or comment to replay", pr.Number)
		}
		pool = append(pool, d.sign(pr.review))
	}
	for _, pr := range prs {
		pool = append(pool, d.sign(pr.comment))
	}
	// Interleave reviews and comments: r1 c1 r2 c2 …
	mixed := make([]signedEvent, 0, len(pool))
	for i := range prs {
		mixed = append(mixed, pool[i], pool[len(prs)+i])
	}
	return mixed, nil
}

// timeline renders requests as "+50ms GET /path (304)", offsets from the
// first request.
func timeline(reqs []githubfake.Request) []string {
	if len(reqs) == 0 {
		return nil
	}
	first := reqs[0].At
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, fmt.Sprintf("+%s %s %d", r.At.Sub(first).Round(time.Millisecond), r.Key(), r.Status))
	}
	return out
}
