package publication

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/handlers/report"
	"github.com/commsgate/commsgate/policy"
)

// ratifyRecord is what ratifying an expedited publication needs to know
// later, kept in the follow-up's hidden record.
type ratifyRecord struct {
	PublishedAt time.Time `json:"published_at"`
	MergeSHA    string    `json:"merge_sha"`
	Author      string    `json:"author"`
	// Approvers are the people whose approval counted on the pull
	// request; they need not say it twice.
	Approvers []string `json:"approvers,omitempty"`
	Ratified  bool     `json:"ratified,omitempty"`
	// RatifiedAt is when commsgate found it ratified; zero in records
	// ratified before it was kept.
	RatifiedAt time.Time `json:"ratified_at,omitempty"`
	Reminded   bool      `json:"reminded,omitempty"`
}

// newRatifyRecord starts the ratification of an expedited publication.
func newRatifyRecord(p *publication) *ratifyRecord {
	var approvers []string
	for _, s := range p.decision.Stages {
		approvers = append(approvers, s.Approvers...)
	}
	return &ratifyRecord{
		PublishedAt: p.now, MergeSHA: p.pr.GetMergeCommitSHA(),
		Author: p.pr.GetUser().GetLogin(), Approvers: approvers,
	}
}

// Ratification section markers in the follow-up body: the section is
// rewritten as ratifications arrive, the rest of the body left alone.
const (
	ratifyStart = "<!-- commsgate:ratification -->"
	ratifyEnd   = "<!-- /commsgate:ratification -->"
)

func withRatificationSection(body, section string) string {
	block := ratifyStart + "\n" + section + "\n" + ratifyEnd
	start := strings.Index(body, ratifyStart)
	end := strings.Index(body, ratifyEnd)
	if start < 0 || end < start {
		return strings.TrimRight(body, "\n") + "\n\n" + block + "\n"
	}
	return body[:start] + block + body[end+len(ratifyEnd):]
}

// Ratify re-judges the ratification of the expedited notice whose
// follow-up issue got a /ratify comment.
func (pub *Publisher) Ratify(ctx context.Context, t facts.Target) error {
	gh, err := pub.clients.NewInstallationClient(t.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client %d: %w", t.InstallationID, err)
	}
	pol, branch, err := pub.reader(gh).Policy(ctx, t)
	if err != nil || !pol.Found || pol.Broken() {
		return err
	}
	t.DefaultBranch = branch
	defer pub.followUps.lock(t.Owner + "/" + t.Repo)()
	issue, _, err := gh.Issues.Get(ctx, t.Owner, t.Repo, t.Number)
	if err != nil {
		return fmt.Errorf("read follow-up #%d: %w", t.Number, err)
	}
	rec, err := parseRecord(issue.GetBody())
	if err != nil {
		return fmt.Errorf("follow-up #%d: %w", t.Number, err)
	}
	if rec == nil || rec.Ratify == nil {
		zerolog.Ctx(ctx).Info().Int("issue", t.Number).Msg("/ratify on an issue that is not the follow-up of an expedited notice: ignored")
		return nil
	}
	return pub.syncRatification(ctx, gh, t, pol.Rules, issue, rec)
}

// syncRatification judges the ratification and shows it: the check run on
// the merge commit, the follow-up's section, one comment once ratified
// and one reminder once overdue. The record is written before either
// comment, so a crash costs a comment and never doubles one.
func (pub *Publisher) syncRatification(ctx context.Context, gh *github.Client, t facts.Target, rules *policy.Rules, issue *github.Issue, rec *record) error {
	reader := pub.reader(gh)
	rr := rec.Ratify
	content, err := reader.FileAt(ctx, t, rec.Path, rr.MergeSHA)
	if err != nil {
		return fmt.Errorf("read %s at %s: %w", rec.Path, policy.ShortSHA(rr.MergeSHA), err)
	}
	doc, _ := policy.ParseDocument(rec.Path, content)
	docs := []*policy.Document{doc}
	ratifiers, err := pub.ratifiers(ctx, gh, t, rr)
	if err != nil {
		return err
	}
	members, err := reader.People(t, facts.ReadFresh).Teams(ctx, policy.RequiredTeams(rules, docs))
	if err != nil {
		return fmt.Errorf("read the ratifying teams: %w", err)
	}
	r := policy.EvaluateRatification(policy.RatificationFacts{
		Rules: rules, Documents: docs, Author: rr.Author, Ratifiers: ratifiers,
		TeamMembers: members, PublishedAt: rr.PublishedAt, Now: pub.now(),
	})
	if err := pub.showRatificationCheck(ctx, gh, reader, t, rr.MergeSHA, r); err != nil {
		return err
	}
	var comment string
	switch {
	case r.Satisfied && !rr.Ratified:
		rr.Ratified, rr.RatifiedAt, comment = true, pub.now(), report.Ratified(r)
	case r.Overdue && !rr.Reminded:
		rr.Reminded, comment = true, report.RatificationReminder(r)
	}
	body, err := withRecord(withRatificationSection(issue.GetBody(), report.RatificationSummary(r)), rec)
	if err != nil {
		return err
	}
	if body != issue.GetBody() {
		if _, _, err := gh.Issues.Edit(ctx, t.Owner, t.Repo, issue.GetNumber(), &github.IssueRequest{Body: &body}); err != nil {
			return fmt.Errorf("update follow-up #%d: %w", issue.GetNumber(), err)
		}
		issue.Body = &body
	}
	if comment != "" {
		if _, _, err := gh.Issues.CreateComment(ctx, t.Owner, t.Repo, issue.GetNumber(), &github.IssueComment{Body: github.String(comment)}); err != nil {
			return fmt.Errorf("comment on follow-up #%d: %w", issue.GetNumber(), err)
		}
	}
	return nil
}

// ratifiers are the pull request's counted approvers and everyone who
// commented /ratify on the follow-up (other than this app).
func (pub *Publisher) ratifiers(ctx context.Context, gh *github.Client, t facts.Target, rr *ratifyRecord) ([]policy.Ratifier, error) {
	var out []policy.Ratifier
	for _, u := range rr.Approvers {
		out = append(out, policy.Ratifier{User: u, At: rr.PublishedAt})
	}
	comments, err := ghclient.ListAll(func(o github.ListOptions) ([]*github.IssueComment, *github.Response, error) {
		return gh.Issues.ListComments(ctx, t.Owner, t.Repo, t.Number, &github.IssueListCommentsOptions{ListOptions: o})
	})
	if err != nil {
		return nil, fmt.Errorf("list comments of follow-up #%d: %w", t.Number, err)
	}
	for _, c := range comments {
		if pub.self.IsOwnOrBot(c.GetUser()) {
			continue // bots never ratify, this app least of all
		}
		if !slices.ContainsFunc(policy.ParseCommands(c.GetBody()), func(cmd policy.Command) bool { return cmd.Name == policy.CommandRatify }) {
			continue
		}
		out = append(out, policy.Ratifier{User: c.GetUser().GetLogin(), At: c.GetCreatedAt().Time})
	}
	return out, nil
}

// showRatificationCheck creates or updates the check run: in progress
// while there is time, success once ratified, failure once overdue.
func (pub *Publisher) showRatificationCheck(ctx context.Context, gh *github.Client, reader *facts.GitHub, t facts.Target, sha string, r policy.Ratification) error {
	output := &github.CheckRunOutput{Title: github.String(r.Headline), Summary: github.String(report.RatificationSummary(r))}
	status, conclusion := "in_progress", ""
	switch {
	case r.Satisfied:
		status, conclusion = "completed", "success"
	case r.Overdue:
		status, conclusion = "completed", "failure"
	}
	runs, err := reader.CheckRuns(ctx, t, sha, report.CheckRatification, true)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		opts := github.CreateCheckRunOptions{Name: report.CheckRatification, HeadSHA: sha, Status: github.String(status), Output: output}
		if conclusion != "" {
			opts.Conclusion = github.String(conclusion)
		}
		if _, _, err := gh.Checks.CreateCheckRun(ctx, t.Owner, t.Repo, opts); err != nil {
			return fmt.Errorf("create %s check: %w", report.CheckRatification, err)
		}
		return nil
	}
	opts := github.UpdateCheckRunOptions{Name: report.CheckRatification, Status: github.String(status), Output: output}
	if conclusion != "" {
		opts.Conclusion = github.String(conclusion)
	}
	if _, _, err := gh.Checks.UpdateCheckRun(ctx, t.Owner, t.Repo, runs[len(runs)-1].GetID(), opts); err != nil {
		return fmt.Errorf("update %s check: %w", report.CheckRatification, err)
	}
	return nil
}
