package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/facts"
	"github.com/commsgate/commsgate/handlers/publication"
	"github.com/commsgate/commsgate/policy"
)

// State is where a communication is in its life. Each is distinct on
// the calendar.
type State int

const (
	// Draft: the pull request is a GitHub draft; nobody is asked yet.
	Draft State = iota
	// InReview: some stage is still awaited (Entry.Stage names it), or
	// something blocks it (a hold, a change request, template errors:
	// Entry.Decision says which).
	InReview
	// Scheduled: approved and waiting, for publish_at (or embargo_until)
	// or for the merge that publishes it; also a merged notice whose
	// publication has not completed yet (an early merge waiting for
	// publish_at, or one being sent right now).
	Scheduled
	// Expedited: an open pull request on the crisis path, approved or in
	// review (Entry.Approved says which; Entry.Stage names what is
	// awaited).
	Expedited
	// Published: merged, and every delivery succeeded.
	Published
	// Refused: merged, and commsgate refused to publish it (merged before
	// it was approved, during its embargo, or too late). A pull request
	// closed without merging is not on the calendar at all: it never
	// publishes, and nothing about it is the process's to follow up.
	Refused
	// Failed: merged, and a delivery failed (retried by the sweep; the
	// publish check offers "Retry failed").
	Failed
)

var stateNames = [...]string{"draft", "in review", "scheduled", "expedited", "published", "refused", "failed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Entry is one communication document on the calendar. A pull request
// with several documents has one entry for each, sharing the decision.
type Entry struct {
	// Ref names the pull request, "org/repo#12".
	Ref        string
	Repository string // "org/repo"
	Number     int
	PRTitle    string
	// Path is the document's path in the repository.
	Path  string
	Title string
	Type  string
	// Tier is the document's own (see policy.ScheduledDocuments); the
	// pull request's ladder is Decision.Tier.
	Tier         int
	Audience     []string
	Embargoed    bool
	EmbargoUntil time.Time
	// PublishAt is zero when the document has no valid publish_at.
	PublishAt time.Time
	State     State
	// Approved is set when every stage of the ladder is approved (always
	// for Scheduled and after; the answer to "approved or in review" for
	// Expedited).
	Approved bool
	// Stage is the stage awaited (InReview and an Expedited one not yet
	// approved), and AwaitedSince since when; both empty otherwise, or
	// when nothing is awaited because something blocks.
	Stage        string
	AwaitedSince time.Time
	// MergedAt is zero for an open pull request.
	MergedAt time.Time
	// Opened is when the pull request was opened.
	Opened time.Time
	// PublishedAt is when the publish run completed with every delivery
	// succeeded (Published); zero otherwise.
	PublishedAt time.Time
	// StagedRequests is set when each stage is asked for only once the one
	// before it is approved (request_reviews: staged, not on the crisis
	// path), so that approval is when the next stage became awaited.
	StagedRequests bool
	// Decision is the gate's decision on the pull request: the ladder
	// with who approved, who is awaited and since when (StageResult's
	// ApprovedAt, AwaitedSince), holds, the schedule.
	Decision policy.Decision
	Links    Links
}

// Links are where to read more, all on GitHub.
type Links struct {
	PR     string
	Checks string
	// Publications are the deliveries of a merged document, each with
	// where it can be read when the target has a page (an announcement
	// issue); empty before the merge.
	Publications []Publication
	// FollowUp is the follow-up issue, once opened; FollowUpNumber is
	// its number.
	FollowUp       string
	FollowUpNumber int
}

// Publication is one delivery of a document to one publish target.
type Publication struct {
	Target, Kind string
	// Status is the ledger's: succeeded, failed, refused or sending.
	Status string
	URL    string
}

// PR is what the calendar keeps of a pull request.
type PR struct {
	Ref        string
	Repository string
	Number     int
	Title      string
	URL        string
	Head       string
	Draft      bool
	Merged     bool
	MergedAt   time.Time
	MergeSHA   string
	// Updated is GitHub's updated_at: with Head, what says the pull
	// request changed since it was read.
	Updated time.Time
}

func prOf(owner, repo string, pr *github.PullRequest) PR {
	full := owner + "/" + repo
	return PR{
		Ref: fmt.Sprintf("%s#%d", full, pr.GetNumber()), Repository: full, Number: pr.GetNumber(),
		Title: pr.GetTitle(), URL: pr.GetHTMLURL(), Head: pr.GetHead().GetSHA(), Draft: pr.GetDraft(),
		Merged: pr.GetMerged() || pr.MergedAt != nil, MergedAt: pr.GetMergedAt().Time, MergeSHA: pr.GetMergeCommitSHA(),
		Updated: pr.GetUpdatedAt().Time,
	}
}

// Read is one pull request as read from GitHub: what Build needs.
type Read struct {
	PR PR
	// Evaluation is what the gate's Gather read (documents, reviews,
	// teams, holds), decided again at Build's instant.
	Evaluation facts.Evaluation
	// Publication is the merge's publish run, nil when there is none yet.
	Publication *publication.Outcome
}

// Build turns what was read into the calendar's entries at now, in order
// of publish_at (entries without one last), then Ref and path. It is
// pure: each pull request's decision is policy.Evaluate on its facts at
// now, so a notice turns from scheduled to approved on time without
// anything being read again.
func Build(reads []Read, now time.Time) []Entry {
	var out []Entry
	for _, r := range reads {
		f := r.Evaluation.Facts
		if f.Rules == nil {
			continue
		}
		f.Now = now
		d := policy.Evaluate(f)
		base := Entry{
			Ref: r.PR.Ref, Repository: r.PR.Repository, Number: r.PR.Number, PRTitle: r.PR.Title,
			MergedAt: r.PR.MergedAt, Decision: d, Approved: d.State == policy.StateApproved || d.State == policy.StateScheduled,
			Links:  Links{PR: r.PR.URL, Checks: checksURL(r.PR.URL)},
			Opened: f.OpenedAt, StagedRequests: f.Rules.RequestReviews != "all" && f.Rules.RequestReviews != "off" && d.Expedite == nil,
		}
		base.State, base.Stage, base.AwaitedSince = state(r, d)
		if base.State == Published {
			base.PublishedAt = r.Publication.CompletedAt
		}
		for _, doc := range f.Documents {
			if doc == nil {
				continue
			}
			e := base
			e.Path, e.Title, e.Type = doc.Path, doc.Title, doc.Type
			e.Tier = policy.ComputeTier([]*policy.Document{doc}, f.Rules, false).Tier
			e.Audience, e.Embargoed, e.EmbargoUntil, e.PublishAt = doc.Audience, doc.Embargo, doc.EmbargoUntil, doc.PublishAt
			e.Links.Publications, e.Links.FollowUp, e.Links.FollowUpNumber = publications(r, doc.Path)
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, compareEntries)
	return out
}

// state places a pull request's decision on the calendar.
func state(r Read, d policy.Decision) (State, string, time.Time) {
	if r.PR.Merged {
		o := r.Publication
		switch {
		case o == nil || !o.Completed:
			return Scheduled, "", time.Time{}
		case o.Conclusion == "success":
			return Published, "", time.Time{}
		case o.Refused():
			return Refused, "", time.Time{}
		default:
			return Failed, "", time.Time{}
		}
	}
	stage, since := awaited(d)
	switch {
	case r.PR.Draft:
		return Draft, "", time.Time{}
	case d.Expedite != nil:
		return Expedited, stage, since
	case d.State == policy.StateApproved || d.State == policy.StateScheduled:
		return Scheduled, "", time.Time{}
	}
	return InReview, stage, since
}

// awaited is the first stage reviewers are asked for and since when.
func awaited(d policy.Decision) (string, time.Time) {
	for _, s := range d.Stages {
		if !s.Satisfied && !s.AwaitedSince.IsZero() {
			return s.Name, s.AwaitedSince
		}
	}
	return "", time.Time{}
}

// publications are one document's deliveries and follow-up issue.
func publications(r Read, path string) ([]Publication, string, int) {
	o := r.Publication
	if o == nil {
		return nil, "", 0
	}
	var out []Publication
	for _, d := range o.Deliveries {
		if d.Path == path {
			out = append(out, Publication{Target: d.Target, Kind: d.Kind, Status: d.Status, URL: d.URL})
		}
	}
	followUp, number := "", 0
	if n, ok := o.FollowUps[path]; ok && n > 0 {
		number = n
		if repoURL, _, found := strings.Cut(r.PR.URL, "/pull/"); found {
			followUp = fmt.Sprintf("%s/issues/%d", repoURL, n)
		}
	}
	return out, followUp, number
}

// checksURL is the pull request's checks tab.
func checksURL(prURL string) string {
	if prURL == "" {
		return ""
	}
	return prURL + "/checks"
}

func compareEntries(a, b Entry) int {
	switch {
	case a.PublishAt.IsZero() != b.PublishAt.IsZero():
		if a.PublishAt.IsZero() {
			return 1
		}
		return -1
	}
	if c := a.PublishAt.Compare(b.PublishAt); c != 0 {
		return c
	}
	if c := strings.Compare(a.Ref, b.Ref); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}
