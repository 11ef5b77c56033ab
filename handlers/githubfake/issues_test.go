package githubfake

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestIssuesCommentsAndReactions(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	created, _, err := w.client.Issues.Create(w.ctx, "kubernetes", "sig-comms", &github.IssueRequest{
		Title: github.String("Follow up: registry freeze"), Body: github.String("Check readers' questions."),
		Labels: &[]string{"follow-up"}, Assignees: &[]string{"alice"},
	})
	if err != nil {
		t.Fatalf("create issue: %v", err)
	}
	if created.GetNumber() != pr.Number+1 || created.GetUser().GetLogin() != "commsgate[bot]" {
		t.Errorf("issue #%d by %s, want #%d by the app (numbers are shared with pull requests)", created.GetNumber(), created.GetUser().GetLogin(), pr.Number+1)
	}
	if len(created.Assignees) != 0 {
		t.Errorf("assignees = %v, want none: alice has no access to the repository", created.Assignees)
	}
	if _, _, err := w.client.Issues.Edit(w.ctx, "kubernetes", "sig-comms", created.GetNumber(), &github.IssueRequest{State: github.String("closed")}); err != nil {
		t.Fatal(err)
	}
	issues := w.srv.Issues(testRepo)
	if len(issues) != 1 || issues[0].State != "closed" || issues[0].Labels[0] != "follow-up" {
		t.Errorf("issues = %+v, want one closed follow-up", issues)
	}
	listed, _, err := w.client.Issues.ListByRepo(w.ctx, "kubernetes", "sig-comms", &github.IssueListByRepoOptions{State: "all", Labels: []string{"follow-up"}})
	if err != nil || len(listed) != 1 {
		t.Errorf("issues labelled follow-up = %d (err %v), want 1", len(listed), err)
	}

	// A person comments /hold on the pull request.
	hold, ev := w.srv.Comment(testRepo, pr.Number, "bob", "/hold wait for the release")
	var payload github.IssueCommentEvent
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if !payload.GetIssue().IsPullRequest() || payload.GetComment().GetID() != hold.ID || payload.GetInstallation().GetID() != w.inst.ID {
		t.Errorf("issue_comment payload: is PR %v comment %d installation %d", payload.GetIssue().IsPullRequest(), payload.GetComment().GetID(), payload.GetInstallation().GetID())
	}
	// The app acknowledges: a reaction (201, then 200 when repeated) and a reply.
	for _, want := range []int{http.StatusCreated, http.StatusOK} {
		_, resp, err := w.client.Reactions.CreateIssueCommentReaction(w.ctx, "kubernetes", "sig-comms", hold.ID, "eyes")
		if err != nil || statusOf(resp) != want {
			t.Errorf("reaction: status %d err %v, want %d", statusOf(resp), err, want)
		}
	}
	if _, resp, _ := w.client.Reactions.CreateIssueCommentReaction(w.ctx, "kubernetes", "sig-comms", hold.ID, "thumbs"); statusOf(resp) != 422 {
		t.Errorf("invalid reaction: status %d, want 422", statusOf(resp))
	}
	if _, _, err := w.client.Issues.CreateComment(w.ctx, "kubernetes", "sig-comms", pr.Number, &github.IssueComment{Body: github.String("Held by @bob.")}); err != nil {
		t.Fatal(err)
	}
	comments, _, err := w.client.Issues.ListComments(w.ctx, "kubernetes", "sig-comms", pr.Number, nil)
	if err != nil || len(comments) != 2 || comments[1].GetUser().GetLogin() != "commsgate[bot]" || comments[0].GetReactions().GetTotalCount() != 1 {
		t.Fatalf("comments = %v (err %v)", comments, err)
	}
	if r := w.srv.Reactions(testRepo, hold.ID); len(r) != 1 || r[0].Content != "eyes" || r[0].User != "commsgate[bot]" {
		t.Errorf("reactions = %+v", r)
	}
	if events := w.srv.TakeEvents(); len(events) != 1 || events[0].Name != "issue_comment" {
		t.Errorf("queued events = %v, want the app's own comment", events)
	}
}

func TestTeamsAndMemberships(t *testing.T) {
	w := newWorld(t)
	w.srv.CreateTeam("kubernetes/steering", "sam", "sue")
	w.srv.AddTeamMember("kubernetes/steering", "pat", MemberSpec{Pending: true})
	w.srv.AddTeamMember("kubernetes/steering", "max", MemberSpec{Maintainer: true})
	members, _, err := w.client.Teams.ListTeamMembersBySlug(w.ctx, "kubernetes", "steering", nil)
	if err != nil {
		t.Fatal(err)
	}
	var logins []string
	for _, m := range members {
		logins = append(logins, m.GetLogin())
	}
	if len(logins) != 3 || logins[0] != "max" || logins[1] != "sam" || logins[2] != "sue" {
		t.Errorf("members = %v, want active members max, sam, sue", logins)
	}
	for _, tc := range []struct{ user, state, role string }{{"pat", "pending", "member"}, {"max", "active", "maintainer"}} {
		m, _, err := w.client.Teams.GetTeamMembershipBySlug(w.ctx, "kubernetes", "steering", tc.user)
		if err != nil || m.GetState() != tc.state || m.GetRole() != tc.role {
			t.Errorf("%s membership = %s %s (err %v), want %s %s", tc.user, m.GetState(), m.GetRole(), err, tc.state, tc.role)
		}
	}
	if _, resp, _ := w.client.Teams.GetTeamMembershipBySlug(w.ctx, "kubernetes", "steering", "nobody"); statusOf(resp) != 404 {
		t.Errorf("non-member: status %d, want 404", statusOf(resp))
	}
	ev := w.srv.RemoveTeamMember("kubernetes/steering", "sue")
	var payload github.MembershipEvent
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.GetAction() != "removed" || payload.GetMember().GetLogin() != "sue" || payload.GetTeam().GetSlug() != "steering" || payload.GetInstallation().GetID() != w.inst.ID {
		t.Errorf("membership payload = %s %s %s installation %d", payload.GetAction(), payload.GetMember().GetLogin(), payload.GetTeam().GetSlug(), payload.GetInstallation().GetID())
	}
	// Teams of another org are out of the installation's reach.
	w.srv.CreateTeam("other-org/team", "x")
	if _, resp, _ := w.client.Teams.ListTeamMembersBySlug(w.ctx, "other-org", "team", nil); statusOf(resp) != 404 {
		t.Errorf("other org's team: status %d, want 404", statusOf(resp))
	}
}
