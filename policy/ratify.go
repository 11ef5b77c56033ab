package policy

import (
	"fmt"
	"strings"
	"time"
)

// Ratifier is one person's approval of an expedited notice after the
// fact: a `/ratify` comment on its follow-up issue, or an approval the
// pull request already carried when it merged.
type Ratifier struct {
	User string
	Bot  bool
	At   time.Time
}

// RatificationFacts are what ratifying an expedited notice is judged on.
type RatificationFacts struct {
	Rules *Rules
	// Documents are the notice as merged.
	Documents []*Document
	// Author wrote the notice; they never ratify it.
	Author      string
	Ratifiers   []Ratifier
	TeamMembers map[string][]string
	// PublishedAt starts the ratify_within period.
	PublishedAt time.Time
	Now         time.Time
}

// Ratification is how far the tier's normal ladder has approved an
// expedited notice after publication, with the same rules as the review:
// distinct people, current team membership, quorums, never the author.
type Ratification struct {
	Tier      TierResult
	Stages    []StageResult
	Discarded []Discarded
	Satisfied bool
	Due       time.Time
	Overdue   bool
	// MissingTeams are the teams of stages still to ratify, to mention.
	MissingTeams []string
	Headline     string
	Reasons      []string
}

// EvaluateRatification judges an expedited notice against the ladder it
// skipped.
func EvaluateRatification(f RatificationFacts) Ratification {
	if f.Rules == nil {
		return Ratification{Headline: "NOT RATIFIED — no policy is loaded", Reasons: []string{"no communication policy could be loaded, so nobody can ratify"}}
	}
	r := Ratification{Tier: ComputeTier(f.Documents, f.Rules, false), Due: f.PublishedAt.Add(f.Rules.Expedite.RatifyWithin)}
	stages := ResolveStages(r.Tier.Tier, f.Documents, f.Rules, f.Author, f.TeamMembers)
	var reqs []Requirement
	for _, s := range stages {
		reqs = append(reqs, s.Requirements...)
	}
	var approvals []Review
	var valid []string
	invalid := map[string]string{}
	seen := map[string]bool{}
	for _, rf := range f.Ratifiers {
		key := strings.ToLower(rf.User)
		if rf.User == "" || seen[key] {
			continue
		}
		seen[key] = true
		approvals = append(approvals, Review{User: rf.User, Bot: rf.Bot, State: ReviewApproved, SubmittedAt: rf.At})
		switch {
		case rf.Bot:
			invalid[key] = "bots cannot ratify"
		case sameUser(rf.User, f.Author):
			invalid[key] = "the author cannot ratify their own notice"
		default:
			valid = append(valid, rf.User)
		}
	}
	l := newLadder(stages, reqs, AssignApprovers(reqs, valid, f.Rules.DistinctApprovers), f.Author)
	r.Stages = l.results(approvals, invalid)
	r.Discarded = l.outsiders(approvals, invalid)
	r.Satisfied = true
	var waiting []string
	for _, s := range r.Stages {
		if s.Satisfied {
			continue
		}
		r.Satisfied = false
		waiting = append(waiting, s.Name)
		r.MissingTeams = append(r.MissingTeams, s.openTeams...)
		r.Reasons = append(r.Reasons, fmt.Sprintf("stage %s needs %s", s.Name, s.Missing))
	}
	r.MissingTeams = uniqueTrimmed(r.MissingTeams)
	r.Overdue = !r.Satisfied && !f.Now.Before(r.Due)
	switch {
	case r.Satisfied:
		r.Headline = fmt.Sprintf("RATIFIED — tier %d's ladder approved the expedited notice after the fact", r.Tier.Tier)
	case r.Overdue:
		r.Headline = fmt.Sprintf("RATIFICATION OVERDUE — was due %s; waiting for %s", FormatInstant(r.Due), strings.Join(waiting, ", "))
	default:
		r.Headline = fmt.Sprintf("NOT YET RATIFIED — due %s; waiting for %s", FormatInstant(r.Due), strings.Join(waiting, ", "))
	}
	return r
}
