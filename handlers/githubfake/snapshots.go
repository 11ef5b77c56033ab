package githubfake

import (
	"slices"
	"time"
)

// The exported types below are copies of the fake's state handed to
// tests; changing them changes nothing on the server.

// App is a GitHub App registered with the fake.
type App struct {
	ID   int64
	Slug string
	// BotLogin is the app's bot user, who authors its comments.
	BotLogin string
	// PrivateKeyPEM is the PKCS#1 RSA key the app signs its JWTs with.
	PrivateKeyPEM []byte
	// ClientID and ClientSecret are the app's OAuth client (the web flow
	// that signs people in: routes_oauth.go).
	ClientID, ClientSecret string
}

// Installation is an app installed on an account.
type Installation struct {
	ID      int64
	AppID   int64
	Account string
	// Repos are the selected repositories; empty when all are selected.
	Repos []string
}

// Repo is a repository.
type Repo struct {
	ID            int64
	FullName      string
	DefaultBranch string
	Private       bool
}

// Commit is a pushed commit.
type Commit struct {
	SHA string
	// Before is the branch's previous tip, empty for a new branch.
	Before string
}

// PR is a pull request.
type PR struct {
	Repo           string
	Number         int
	Author         string
	Title          string
	Body           string
	HeadRef        string
	HeadSHA        string
	BaseRef        string
	State          string // open or closed
	Draft          bool
	Merged         bool
	MergeCommitSHA string
	MergedBy       string
	Labels         []string
	// RequestedUsers are logins; RequestedTeams are "org/slug".
	RequestedUsers []string
	RequestedTeams []string
}

// Review is a submitted pull request review.
type Review struct {
	ID          int64
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	Body        string
	CommitID    string
	SubmittedAt time.Time
}

// Issue is an issue (never a pull request).
type Issue struct {
	Repo      string
	Number    int
	Title     string
	Body      string
	Author    string
	Labels    []string
	Assignees []string
	State     string
	CreatedAt time.Time
}

// Comment is an issue or pull request comment.
type Comment struct {
	ID        int64
	Issue     int
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Reactions []Reaction
}

// Reaction is an emoji reaction on a comment.
type Reaction struct {
	ID      int64
	User    string
	Content string
}

// CheckRun is a check run as the app left it.
type CheckRun struct {
	ID          int64
	AppID       int64
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	ExternalID  string
	DetailsURL  string
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	Actions     []Action
	StartedAt   time.Time
	CompletedAt time.Time
}

func snapPR(rp *repo, p *pull) PR {
	out := PR{
		Repo: rp.fullName(), Number: p.Issue.Number, Author: p.Issue.User.Login, Title: p.Issue.Title,
		Body: p.Issue.Body, HeadRef: p.HeadRef, HeadSHA: p.HeadSHA, BaseRef: p.BaseRef, State: p.Issue.State,
		Draft: p.Draft, Merged: p.Merged, MergeCommitSHA: p.MergeCommitSHA, Labels: slices.Clone(p.Issue.Labels),
	}
	if p.MergedBy != nil {
		out.MergedBy = p.MergedBy.Login
	}
	for _, u := range p.RequestedUsers {
		out.RequestedUsers = append(out.RequestedUsers, u.Login)
	}
	for _, t := range p.RequestedTeams {
		out.RequestedTeams = append(out.RequestedTeams, t.Org.User.Login+"/"+t.Slug)
	}
	return out
}

func snapReview(rv *review) Review {
	return Review{ID: rv.ID, User: rv.User.Login, State: rv.State, Body: rv.Body, CommitID: rv.CommitID, SubmittedAt: rv.SubmittedAt}
}

func snapIssue(rp *repo, is *issue) Issue {
	out := Issue{
		Repo: rp.fullName(), Number: is.Number, Title: is.Title, Body: is.Body, Author: is.User.Login,
		Labels: slices.Clone(is.Labels), State: is.State, CreatedAt: is.Created,
	}
	for _, u := range is.Assignees {
		out.Assignees = append(out.Assignees, u.Login)
	}
	return out
}

func snapComment(c *comment) Comment {
	out := Comment{ID: c.ID, Issue: c.Issue.Number, User: c.User.Login, Body: c.Body, CreatedAt: c.Created, UpdatedAt: c.Updated}
	for _, re := range c.Reactions {
		out.Reactions = append(out.Reactions, Reaction{ID: re.ID, User: re.User.Login, Content: re.Content})
	}
	return out
}

func snapCheckRun(cr *checkRun) CheckRun {
	return CheckRun{
		ID: cr.ID, AppID: cr.App.ID, Name: cr.Name, HeadSHA: cr.HeadSHA, Status: cr.Status, Conclusion: cr.Conclusion,
		ExternalID: cr.ExternalID, DetailsURL: cr.DetailsURL, Title: cr.Title, Summary: cr.Summary, Text: cr.Text,
		Annotations: slices.Clone(cr.Annotations), Actions: slices.Clone(cr.Actions),
		StartedAt: cr.StartedAt, CompletedAt: cr.CompletedAt,
	}
}
