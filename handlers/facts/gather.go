package facts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/policy"
)

// Evaluation is what one pass read about a pull request, as policy facts.
type Evaluation struct {
	policy.Facts
	// Ignored are commands from people who may not use them; the approval
	// check names them so nobody believes their /hold is in force.
	Ignored []policy.IgnoredCommand
	// Comms are the communications read at head.
	Comms []CommFile
	// UsedCache says some team or permission answer came from the
	// per-process cache, so a green decision must be made again fresh.
	UsedCache bool
	// people are the answers the decision used; Moved re-reads them.
	people *People
}

// Gather reads the communications at head, the staleness of approvals,
// the teams and the command authors' rights, in parallel where
// independent, and returns them as facts for policy.Evaluate.
func (r *GitHub) Gather(ctx context.Context, t Target, rules *policy.Rules, st PRState, mode ReadMode, now time.Time) (Evaluation, error) {
	comms, policyChanged := ChangedFiles(rules, st.Files)
	head := st.PR.GetHead().GetSHA()
	reviews := convertReviews(st.Reviews)
	changedSince, err := r.readContents(ctx, t, head, comms, approvedCommits(reviews), policyChanged)
	if err != nil {
		return Evaluation{}, err
	}

	var docs []*policy.Document
	var findings []policy.Finding
	for _, c := range comms {
		if c.Oversize > 0 {
			doc, found := policy.Oversized(c.Path, c.Oversize)
			docs, findings = append(docs, doc), append(findings, found...)
			continue
		}
		check := policy.CheckDocument(c.Path, c.Content, rules, now)
		docs = append(docs, check.Document)
		findings = append(findings, check.Findings...)
	}

	ev := Evaluation{Comms: comms, Facts: policy.Facts{
		Rules:             rules,
		Author:            st.PR.GetUser().GetLogin(),
		HeadSHA:           head,
		Draft:             st.PR.GetDraft(),
		OpenedAt:          st.PR.GetCreatedAt().Time,
		Documents:         docs,
		Findings:          findings,
		PolicyFileChanged: policyChanged,
		Reviews:           reviews,
		CommsChangedSince: changedSince,
		BaseChangedAt:     r.baseChangedAt(st.Comments),
		Now:               now,
	}}
	ev.people = r.People(t, mode)
	if err := r.readPeople(ctx, ev.people, &ev, st.Comments); err != nil {
		return Evaluation{}, err
	}
	ev.UsedCache = ev.people.UsedCache()
	return ev, nil
}

// readPeople fills in the facts about people: the members of every team
// the decision may count, and the holds their commands leave in force.
func (r *GitHub) readPeople(ctx context.Context, people *People, ev *Evaluation, comments []*github.IssueComment) error {
	members, err := people.loadTeams(ctx, policy.RequiredTeams(ev.Rules, ev.Documents))
	if err != nil {
		return err
	}
	if people.mode == ReadFresh {
		// Every answer is a request here (free when unchanged): ask what
		// the command authors' rights need all at once rather than one
		// author at a time.
		if err := people.prefetchHoldRights(ctx, ev.Rules, r.commandAuthors(comments)); err != nil {
			return err
		}
	}
	converted, err := r.convertComments(ctx, people, ev.Rules, comments)
	if err != nil {
		return err
	}
	holds := policy.ReplayRankedHolds(converted, policy.LadderRanker(ev.Rules, members))
	ev.TeamMembers, ev.Holds, ev.Ignored = members, holds.Active, holds.Ignored
	return nil
}

func convertReviews(in []*github.PullRequestReview) []policy.Review {
	out := make([]policy.Review, 0, len(in))
	for _, r := range in {
		out = append(out, policy.Review{
			ID:          r.GetID(),
			User:        r.GetUser().GetLogin(),
			Bot:         r.GetUser().GetType() == "Bot",
			State:       policy.ReviewState(r.GetState()),
			CommitID:    r.GetCommitID(),
			SubmittedAt: r.GetSubmittedAt().Time,
		})
	}
	return out
}

// approvedCommits lists the distinct commits that approvals were given on;
// only those need a staleness lookup.
func approvedCommits(reviews []policy.Review) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range reviews {
		if r.State == policy.ReviewApproved && r.CommitID != "" && !seen[r.CommitID] {
			seen[r.CommitID] = true
			out = append(out, r.CommitID)
		}
	}
	sort.Strings(out)
	return out
}

// RetargetKind marks the gate's comment recording a change of base.
const RetargetKind = "retarget"

// baseChangedAt is when the latest change of base was recorded on the PR,
// by commsgate (or another bot: a forged record only makes approvals
// stale, never counts one).
func (r *GitHub) baseChangedAt(comments []*github.IssueComment) time.Time {
	var latest time.Time
	for _, c := range comments {
		if !r.self.IsOwnOrBot(c.GetUser()) || !strings.Contains(c.GetBody(), "<!-- commsgate-"+RetargetKind+" ") {
			continue
		}
		if at := c.GetCreatedAt().Time; at.After(latest) {
			latest = at
		}
	}
	return latest
}
