package gate

import (
	"context"
	"fmt"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/policy"
)

// Calendar is what the gate asks of the repository's other
// communications; package calendar implements it from what evaluations
// record.
type Calendar interface {
	// Record remembers what an evaluation of pr read.
	Record(t facts.Target, pr *github.PullRequest, ev facts.Evaluation)
	// Others are the other communications of t's repository that
	// collisions are looked for among. It makes at most one request,
	// a conditional one.
	Others(ctx context.Context, gh *github.Client, t facts.Target) ([]policy.Scheduled, error)
}

// pendingOthers is the list of other communications being read beside an
// evaluation's other reads.
type pendingOthers struct {
	done   chan struct{}
	others []policy.Scheduled
	err    error
}

// neighbours starts reading the repository's other communications; nil
// without a calendar.
func (g *Gate) neighbours(ctx context.Context, p *pass) *pendingOthers {
	if g.calendar == nil {
		return nil
	}
	o := &pendingOthers{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		o.others, o.err = g.calendar.Others(ctx, p.gh, p.t)
	}()
	return o
}

// collisions waits for the other communications and finds those that
// collide with docs. It never fails the evaluation: the warning is
// advice, and without the list it is left out (and logged).
func (o *pendingOthers) collisions(ctx context.Context, t facts.Target, rules *policy.Rules, docs []*policy.Document) []policy.Collision {
	if o == nil {
		return nil
	}
	<-o.done
	if o.err != nil {
		zerolog.Ctx(ctx).Warn().Err(o.err).Msg("could not list the other communications; no collision warning this time")
		return nil
	}
	own := policy.ScheduledDocuments(fmt.Sprintf("%s/%s#%d", t.Owner, t.Repo, t.Number), docs, rules)
	return policy.CollisionsOf(own, o.others, rules.Schedule.Windows)
}
