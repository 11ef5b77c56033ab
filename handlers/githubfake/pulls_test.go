package githubfake

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-github/v62/github"
)

const notice = "---\ntitle: Registry freeze\n---\n\n## Summary\n\nThe old registry freezes.\n"

func openNotice(t *testing.T, w *world) PR {
	t.Helper()
	pr, _ := w.srv.OpenPR(testRepo, PRSpec{
		Author: "alice", Title: "Announce registry freeze", Head: "freeze",
		Files: map[string]string{"comms/2026-12-01-freeze.md": notice},
	})
	return pr
}

func TestPullRequestAndFiles(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	got, _, err := w.client.PullRequests.Get(w.ctx, "kubernetes", "sig-comms", pr.Number)
	if err != nil {
		t.Fatalf("get pull: %v", err)
	}
	if got.GetUser().GetLogin() != "alice" || got.GetHead().GetSHA() != pr.HeadSHA || got.GetBase().GetRef() != "main" ||
		got.GetState() != "open" || got.GetMerged() || !got.GetMergeable() || got.GetChangedFiles() != 1 {
		t.Errorf("pull = user %s head %s base %s state %s merged %v mergeable %v files %d",
			got.GetUser().GetLogin(), got.GetHead().GetSHA(), got.GetBase().GetRef(), got.GetState(), got.GetMerged(), got.GetMergeable(), got.GetChangedFiles())
	}

	files, _, err := w.client.PullRequests.ListFiles(w.ctx, "kubernetes", "sig-comms", pr.Number, nil)
	if err != nil {
		t.Fatalf("list files: %v", err)
	}
	if len(files) != 1 || files[0].GetFilename() != "comms/2026-12-01-freeze.md" || files[0].GetStatus() != "added" || files[0].GetAdditions() != 7 {
		t.Fatalf("files = %+v, want one added file with 7 lines", files)
	}

	open, _, err := w.client.PullRequests.List(w.ctx, "kubernetes", "sig-comms", &github.PullRequestListOptions{State: "open"})
	if err != nil || len(open) != 1 || open[0].GetNumber() != pr.Number {
		t.Fatalf("open pulls = %v (err %v), want #%d", open, err, pr.Number)
	}
}

func TestReviewsAndReviewRequests(t *testing.T) {
	w := newWorld(t)
	w.srv.CreateTeam("kubernetes/sig-release-leads", "lead1", "lead2")
	w.srv.GrantTeamRepo("kubernetes/sig-release-leads", testRepo, "push")
	w.srv.CreateTeam("kubernetes/no-access", "outsider")
	w.srv.SetCollaborator(testRepo, "carol", "write")
	pr := openNotice(t, w)

	for _, tc := range []struct {
		name    string
		users   []string
		teams   []string
		status  int
		message string
	}{
		{name: "team without repository access", teams: []string{"no-access"}, status: 422},
		{name: "user who is not a collaborator", users: []string{"stranger"}, status: 422},
		{name: "the author", users: []string{"alice"}, status: 422},
		{name: "unknown team", teams: []string{"ghosts"}, status: 422},
		{name: "team and collaborator", users: []string{"carol"}, teams: []string{"sig-release-leads"}, status: 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, _ := w.client.PullRequests.RequestReviewers(w.ctx, "kubernetes", "sig-comms", pr.Number,
				github.ReviewersRequest{Reviewers: tc.users, TeamReviewers: tc.teams})
			if statusOf(resp) != tc.status {
				t.Errorf("status = %d, want %d", statusOf(resp), tc.status)
			}
		})
	}
	if events := w.srv.TakeEvents(); len(events) != 1 || events[0].Action != "review_requested" {
		t.Errorf("queued events = %v, want the app's own review request", events)
	}
	reviewers, _, err := w.client.PullRequests.ListReviewers(w.ctx, "kubernetes", "sig-comms", pr.Number, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviewers.Users) != 1 || reviewers.Users[0].GetLogin() != "carol" || len(reviewers.Teams) != 1 || reviewers.Teams[0].GetSlug() != "sig-release-leads" {
		t.Fatalf("requested = %v %v, want carol and sig-release-leads", reviewers.Users, reviewers.Teams)
	}

	// A team member's approval fulfils the team's request.
	approval, ev := w.srv.SubmitReview(testRepo, pr.Number, ReviewSpec{User: "lead1", State: "APPROVED", Body: "lgtm"})
	if users, teams := w.srv.RequestedReviewers(testRepo, pr.Number); len(users) != 1 || len(teams) != 0 {
		t.Errorf("after lead1 approves, requested = %v %v, want only carol", users, teams)
	}
	var payload github.PullRequestReviewEvent
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.GetReview().GetState() != "approved" || payload.GetReview().GetID() != approval.ID {
		t.Errorf("webhook review = %s #%d, want approved #%d", payload.GetReview().GetState(), payload.GetReview().GetID(), approval.ID)
	}

	w.srv.SubmitReview(testRepo, pr.Number, ReviewSpec{User: "carol", State: "request_changes"})
	reviews, _, err := w.client.PullRequests.ListReviews(w.ctx, "kubernetes", "sig-comms", pr.Number, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(reviews) != 2 || reviews[0].GetState() != "APPROVED" || reviews[1].GetState() != "CHANGES_REQUESTED" ||
		reviews[0].GetCommitID() != pr.HeadSHA || reviews[0].GetUser().GetLogin() != "lead1" {
		t.Fatalf("reviews = %v, want lead1 APPROVED at head then carol CHANGES_REQUESTED", reviews)
	}

	// Dismissal through the API flips the state and queues the webhook.
	dismissed, _, err := w.client.PullRequests.DismissReview(w.ctx, "kubernetes", "sig-comms", pr.Number, approval.ID,
		&github.PullRequestReviewDismissalRequest{Message: github.String("stale after push")})
	if err != nil || dismissed.GetState() != "DISMISSED" {
		t.Fatalf("dismiss: %v state %s", err, dismissed.GetState())
	}
	if events := w.srv.TakeEvents(); len(events) != 1 || events[0].Action != "dismissed" {
		t.Errorf("queued events = %v, want one dismissal", events)
	}

	// Removing a request.
	if _, err := w.client.PullRequests.RemoveReviewers(w.ctx, "kubernetes", "sig-comms", pr.Number, github.ReviewersRequest{Reviewers: []string{"carol"}}); err != nil {
		t.Fatal(err)
	}
	if users, _ := w.srv.RequestedReviewers(testRepo, pr.Number); len(users) != 0 {
		t.Errorf("after removal requested users = %v", users)
	}
}

func TestMerge(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	w.srv.Push(testRepo, "main", Change{Files: map[string]string{"landed-meanwhile.md": "x\n"}})

	_, resp, err := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", &github.PullRequestOptions{SHA: "0000000"})
	if statusOf(resp) != http.StatusConflict {
		t.Fatalf("merge with stale sha: status %d err %v, want 409", statusOf(resp), err)
	}
	result, _, err := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", &github.PullRequestOptions{SHA: pr.HeadSHA, MergeMethod: "squash"})
	if err != nil || !result.GetMerged() {
		t.Fatalf("merge: %v %+v", err, result)
	}
	if main := w.srv.BranchSHA(testRepo, "main"); main != result.GetSHA() {
		t.Errorf("main = %s, want merge commit %s", main, result.GetSHA())
	}
	for _, path := range []string{"comms/2026-12-01-freeze.md", "landed-meanwhile.md", "README.md"} {
		if _, ok := w.srv.File(testRepo, "main", path); !ok {
			t.Errorf("%s missing on main after merge", path)
		}
	}
	_, resp, _ = w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", nil)
	if statusOf(resp) != http.StatusMethodNotAllowed {
		t.Errorf("second merge: status %d, want 405", statusOf(resp))
	}
	events := w.srv.TakeEvents()
	if len(events) != 1 {
		t.Fatalf("queued events = %d, want the closed event", len(events))
	}
	var closed github.PullRequestEvent
	if err := json.Unmarshal(events[0].Payload, &closed); err != nil {
		t.Fatal(err)
	}
	if closed.GetAction() != "closed" || !closed.GetPullRequest().GetMerged() || closed.GetPullRequest().GetMergeCommitSHA() != result.GetSHA() ||
		closed.GetSender().GetLogin() != "commsgate[bot]" {
		t.Errorf("closed event = %s merged %v sha %s sender %s", closed.GetAction(), closed.GetPullRequest().GetMerged(),
			closed.GetPullRequest().GetMergeCommitSHA(), closed.GetSender().GetLogin())
	}
	files, _, err := w.client.PullRequests.ListFiles(w.ctx, "kubernetes", "sig-comms", pr.Number, nil)
	if err != nil || len(files) != 1 {
		t.Errorf("files after merge = %d (err %v), want the one file the PR changed", len(files), err)
	}
}

func TestMergeRefusesDraftsAndConflicts(t *testing.T) {
	w := newWorld(t)
	pr := openNotice(t, w)
	w.srv.ConvertToDraft(testRepo, pr.Number)
	if _, resp, _ := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", nil); statusOf(resp) != http.StatusMethodNotAllowed {
		t.Errorf("draft merge: status %d, want 405", statusOf(resp))
	}
	w.srv.ReadyForReview(testRepo, pr.Number)
	w.srv.SetConflicting(testRepo, pr.Number, true)
	if _, resp, _ := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", nil); statusOf(resp) != http.StatusMethodNotAllowed {
		t.Errorf("conflicting merge: status %d, want 405", statusOf(resp))
	}
	if got := w.srv.PullRequest(testRepo, pr.Number); got.Merged || got.State != "open" {
		t.Errorf("pull after refused merges: merged %v state %s", got.Merged, got.State)
	}
}

func TestBranchProtectionGatesMerges(t *testing.T) {
	w := newWorld(t)
	w.srv.ProtectBranch(testRepo, "main", "commsgate/approval")
	pr := openNotice(t, w)
	if reason, blocked := w.srv.MergeBlocked(testRepo, pr.Number); !blocked || reason == "" {
		t.Fatalf("merge without the check: blocked %v reason %q", blocked, reason)
	}
	if _, resp, _ := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", nil); statusOf(resp) != http.StatusMethodNotAllowed {
		t.Errorf("merge without the check: status %d, want 405", statusOf(resp))
	}
	for _, tc := range []struct {
		conclusion string
		blocked    bool
	}{{"action_required", true}, {"failure", true}, {"success", false}} {
		if _, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{
			Name: "commsgate/approval", HeadSHA: pr.HeadSHA, Conclusion: github.String(tc.conclusion),
		}); err != nil {
			t.Fatal(err)
		}
		if _, blocked := w.srv.MergeBlocked(testRepo, pr.Number); blocked != tc.blocked {
			t.Errorf("latest conclusion %s: blocked %v, want %v", tc.conclusion, blocked, tc.blocked)
		}
	}
	if _, _, err := w.client.PullRequests.Merge(w.ctx, "kubernetes", "sig-comms", pr.Number, "", nil); err != nil {
		t.Errorf("merge after the check passed: %v", err)
	}
}
