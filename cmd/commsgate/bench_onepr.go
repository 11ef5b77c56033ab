package main

import (
	"context"
	"fmt"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// onePRBurst is what a long burst of deliveries for one pull request cost
// and whether the check it left is the right one.
type onePRBurst struct {
	phaseResult
	// Before and After are the approval check's title before the burst
	// and after it drained; Fresh is the title one more evaluation on the
	// quiet server writes, which is what GitHub's final state implies.
	Before, After, Fresh string
}

// Right is whether the check after the burst is the one a fresh
// evaluation of GitHub's final state writes, and took in the change.
func (b onePRBurst) Right() bool { return b.After == b.Fresh && b.After != b.Before }

// onePRBurst sends n copies of one review delivery for pr at rate a
// second, as GitHub does when many deliveries concern one PR (a
// redelivery storm, a bot's many reviews). Halfway through, a Steering member
// really approves on GitHub and that delivery joins the stream, so the
// server must end up with the state after it, not the one before.
func (d *benchDriver) onePRBurst(ctx context.Context, pr benchPR, n, rate int) (onePRBurst, error) {
	var out onePRBurst
	title := func() string {
		run, _ := d.sb.GitHub.LatestCheckRun(sandbox.CommsRepo, pr.HeadSHA, "commsgate/approval")
		return run.Title
	}
	out.Before = title()
	review := d.sign(pr.review)
	duration := time.Duration(float64(n) / float64(rate) * float64(time.Second))
	res, err := d.phase(ctx, n, func(ctx context.Context, a *acks) {
		d.openLoop(ctx, d.srv.hookURL, []signedEvent{review}, rate, duration/2, a)
		_, ev := d.sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: sandbox.Steering[len(sandbox.Steering)-1], State: "APPROVED"})
		approval := d.sign(ev)
		d.openLoop(ctx, d.srv.hookURL, []signedEvent{approval, review}, rate, duration-duration/2, a)
	})
	if err != nil {
		return out, err
	}
	out.phaseResult = res
	out.After = title()
	if err := d.deliverOK(ctx, review); err != nil {
		return out, fmt.Errorf("fresh evaluation after the burst: %w", err)
	}
	if err := d.waitIdle(ctx); err != nil {
		return out, err
	}
	out.Fresh = title()
	return out, nil
}
