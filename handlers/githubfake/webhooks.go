package githubfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Event is a webhook GitHub would send after a state change: the event
// name for X-GitHub-Event, the action and the JSON payload.
type Event struct {
	Name    string
	Action  string
	Payload []byte
}

// String names the event for failure messages without dumping the payload.
func (e Event) String() string {
	return fmt.Sprintf("%s.%s (%d bytes)", e.Name, e.Action, len(e.Payload))
}

// Webhook payloads follow the shapes GitHub delivers to an app: every
// payload carries installation {id}, repository (where there is one),
// organization (for org-owned repositories) and sender.

type wOrgRef struct {
	Login       string  `json:"login"`
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	ReposURL    string  `json:"repos_url"`
	MembersURL  string  `json:"members_url"`
	AvatarURL   string  `json:"avatar_url"`
	Description *string `json:"description"`
}

// envelope holds the fields every repository event shares.
type envelope struct {
	Repository   *wRepo            `json:"repository,omitempty"`
	Organization *wOrgRef          `json:"organization,omitempty"`
	Installation *wInstallationRef `json:"installation,omitempty"`
	Sender       wUser             `json:"sender"`
}

func (s *Server) renderOrgRef(u *user) *wOrgRef {
	return &wOrgRef{
		Login: u.Login, ID: u.ID, NodeID: nodeID("Organization", u.ID), URL: s.apiURL("/orgs/%s", u.Login),
		ReposURL: s.apiURL("/orgs/%s/repos", u.Login), MembersURL: s.apiURL("/orgs/%s/members{/member}", u.Login),
		AvatarURL: s.apiURL("/avatars/u/%d", u.ID),
	}
}

// installationFor finds the installation that receives events for a
// repository, or for an account when rp is nil.
func (st *state) installationFor(rp *repo, account *user) *installation {
	var found *installation
	for _, in := range st.installations {
		match := (rp != nil && in.hasRepo(rp.fullName())) || (rp == nil && account != nil && in.Account == account)
		if match && (found == nil || in.ID < found.ID) {
			found = in
		}
	}
	return found
}

func (s *Server) envelopeFor(rp *repo, account *user, sender *user) envelope {
	e := envelope{Sender: s.renderUser(sender)}
	if rp != nil {
		w := s.renderRepo(rp)
		e.Repository = &w
		account = rp.Owner
	}
	if account != nil && account.Type == "Organization" {
		e.Organization = s.renderOrgRef(account)
	}
	if in := s.st.installationFor(rp, account); in != nil {
		e.Installation = &wInstallationRef{ID: in.ID, NodeID: nodeID("Installation", in.ID)}
	}
	return e
}

// event marshals a payload. The payload types are the fake's own, so an
// error is a bug in this package; it still yields a usable event.
func event(name, action string, payload any) Event {
	body, err := json.Marshal(payload)
	if err != nil {
		body = []byte(`{"action":"` + action + `","error":` + jsonString(err.Error()) + `}`)
	}
	return Event{Name: name, Action: action, Payload: body}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type fromChange struct {
	From string `json:"from"`
}

type pullRequestPayload struct {
	Action      string         `json:"action"`
	Number      int            `json:"number"`
	Changes     map[string]any `json:"changes,omitempty"`
	Before      string         `json:"before,omitempty"`
	After       string         `json:"after,omitempty"`
	PullRequest wPull          `json:"pull_request"`
	envelope
}

// pullEvent builds a pull_request event. Callers hold s.mu.
func (s *Server) pullEvent(rp *repo, p *pull, action string, sender *user, changes map[string]any) Event {
	return event("pull_request", action, pullRequestPayload{
		Action: action, Number: p.Issue.Number, Changes: changes,
		PullRequest: s.renderPull(rp, p), envelope: s.envelopeFor(rp, nil, sender),
	})
}

type reviewPayload struct {
	Action      string         `json:"action"`
	Review      wReview        `json:"review"`
	PullRequest wPull          `json:"pull_request"`
	Changes     map[string]any `json:"changes,omitempty"`
	envelope
}

// reviewEvent builds a pull_request_review event; webhook review states
// are lower-case, unlike the REST API's.
func (s *Server) reviewEvent(rp *repo, p *pull, rv *review, action string, sender *user, changes map[string]any) Event {
	w := s.renderReview(rp, p, rv)
	w.State = strings.ToLower(w.State)
	return event("pull_request_review", action, reviewPayload{
		Action: action, Review: w, PullRequest: s.renderPull(rp, p), Changes: changes,
		envelope: s.envelopeFor(rp, nil, sender),
	})
}

type commentPayload struct {
	Action  string         `json:"action"`
	Issue   wIssue         `json:"issue"`
	Comment wComment       `json:"comment"`
	Changes map[string]any `json:"changes,omitempty"`
	envelope
}

func (s *Server) commentEvent(rp *repo, c *comment, action string) Event {
	return event("issue_comment", action, commentPayload{
		Action: action, Issue: s.renderIssue(rp, c.Issue), Comment: s.renderComment(rp, c),
		envelope: s.envelopeFor(rp, nil, c.User),
	})
}

type requestedAction struct {
	Identifier string `json:"identifier"`
}

type checkRunPayload struct {
	Action          string           `json:"action"`
	CheckRun        wCheckRun        `json:"check_run"`
	RequestedAction *requestedAction `json:"requested_action,omitempty"`
	envelope
}

func (s *Server) checkRunEvent(cr *checkRun, action, identifier string, sender *user) Event {
	w := s.renderCheckRun(cr)
	w.CheckSuite = s.renderCheckSuite(cr.Suite)
	payload := checkRunPayload{Action: action, CheckRun: w, envelope: s.envelopeFor(cr.Repo, nil, sender)}
	if identifier != "" {
		payload.RequestedAction = &requestedAction{Identifier: identifier}
	}
	return event("check_run", action, payload)
}

type checkSuitePayload struct {
	Action     string      `json:"action"`
	CheckSuite wCheckSuite `json:"check_suite"`
	envelope
}

func (s *Server) checkSuiteEvent(cs *checkSuite, action string, sender *user) Event {
	w := s.renderCheckSuite(cs)
	if c, ok := cs.Repo.Commits[cs.HeadSHA]; ok && len(c.Parents) > 0 {
		w.Before = &c.Parents[0]
	}
	w.After = &cs.HeadSHA
	return event("check_suite", action, checkSuitePayload{Action: action, CheckSuite: w, envelope: s.envelopeFor(cs.Repo, nil, sender)})
}

type membershipPayload struct {
	Action string `json:"action"`
	Scope  string `json:"scope"`
	Member wUser  `json:"member"`
	Team   wTeam  `json:"team"`
	envelope
}

func (s *Server) membershipEvent(t *team, member *user, action string, sender *user) Event {
	return event("membership", action, membershipPayload{
		Action: action, Scope: "team", Member: s.renderUser(member), Team: s.renderTeam(t, "pull"),
		envelope: s.envelopeFor(nil, t.Org.User, sender),
	})
}

type memberPayload struct {
	Action string `json:"action"`
	Member wUser  `json:"member"`
	envelope
}

func (s *Server) memberEvent(rp *repo, member *user, action string, sender *user) Event {
	return event("member", action, memberPayload{Action: action, Member: s.renderUser(member), envelope: s.envelopeFor(rp, nil, sender)})
}

type teamPayload struct {
	Action  string         `json:"action"`
	Changes map[string]any `json:"changes,omitempty"`
	Team    wTeam          `json:"team"`
	envelope
}

func (s *Server) teamEvent(t *team, action string, changes map[string]any, sender *user) Event {
	return event("team", action, teamPayload{
		Action: action, Changes: changes, Team: s.renderTeam(t, "pull"),
		envelope: s.envelopeFor(nil, t.Org.User, sender),
	})
}

type installationPayload struct {
	Action       string        `json:"action"`
	Installation wInstallation `json:"installation"`
	Repositories []wRepoShort  `json:"repositories"`
	Requester    *wUser        `json:"requester"`
	Sender       wUser         `json:"sender"`
}

func (s *Server) installationEvent(in *installation, sender *user) Event {
	return event("installation", "created", installationPayload{
		Action: "created", Installation: s.renderInstallation(in), Repositories: s.shortRepos(in.Repos),
		Sender: s.renderUser(sender),
	})
}

type installationReposPayload struct {
	Action              string        `json:"action"`
	Installation        wInstallation `json:"installation"`
	RepositorySelection string        `json:"repository_selection"`
	RepositoriesAdded   []wRepoShort  `json:"repositories_added"`
	RepositoriesRemoved []wRepoShort  `json:"repositories_removed"`
	Requester           *wUser        `json:"requester"`
	Sender              wUser         `json:"sender"`
}

func (s *Server) installationReposEvent(in *installation, added, removed []string, sender *user) Event {
	action := "added"
	if len(added) == 0 {
		action = "removed"
	}
	return event("installation_repositories", action, installationReposPayload{
		Action: action, Installation: s.renderInstallation(in), RepositorySelection: in.Selection,
		RepositoriesAdded: s.shortRepos(added), RepositoriesRemoved: s.shortRepos(removed),
		Sender: s.renderUser(sender),
	})
}

func (s *Server) shortRepos(names []string) []wRepoShort {
	out := []wRepoShort{}
	for _, name := range names {
		if rp, ok := s.st.repo(name); ok {
			out = append(out, s.renderRepoShort(rp))
		}
	}
	return out
}

// TakeEvents returns and forgets the events GitHub would have sent for
// changes the app made through the API (a merge closes its pull request, a
// dismissal, the app's own comments), oldest first.
func (s *Server) TakeEvents() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.outbox)
	s.outbox = nil
	return out
}
