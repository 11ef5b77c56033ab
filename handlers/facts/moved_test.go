package facts

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/commsgate/commsgate/handlers/ghclient"
	"github.com/commsgate/commsgate/policy"
)

func TestFingerprintsNoticeWhatADecisionReads(t *testing.T) {
	at := github.Timestamp{Time: time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)}
	review := func(id int64, user, state string) *github.PullRequestReview {
		kind := "User"
		if strings.HasSuffix(user, "[bot]") {
			kind = "Bot"
		}
		return &github.PullRequestReview{ID: github.Int64(id), User: &github.User{Login: github.String(user), Type: github.String(kind)},
			State: github.String(state), CommitID: github.String("abc"), SubmittedAt: &at}
	}
	comment := func(id int64, user, body string) *github.IssueComment {
		kind := "User"
		if strings.HasSuffix(user, "[bot]") {
			kind = "Bot"
		}
		return &github.IssueComment{ID: github.Int64(id), User: &github.User{Login: github.String(user), Type: github.String(kind)}, Body: github.String(body)}
	}
	base := []*github.PullRequestReview{review(1, "sol", "APPROVED")}
	reviewCases := []struct {
		name  string
		after []*github.PullRequestReview
		moved bool
	}{
		{"unchanged", []*github.PullRequestReview{review(1, "sol", "APPROVED")}, false},
		{"a change request arrived", []*github.PullRequestReview{review(1, "sol", "APPROVED"), review(2, "sky", "CHANGES_REQUESTED")}, true},
		{"the approval was dismissed", []*github.PullRequestReview{review(1, "sol", "DISMISSED")}, true},
		{"a review comment", []*github.PullRequestReview{review(1, "sol", "APPROVED"), review(2, "sky", "COMMENTED")}, false},
		{"a bot approved", []*github.PullRequestReview{review(1, "sol", "APPROVED"), review(2, "ci[bot]", "APPROVED")}, false},
	}
	for _, tt := range reviewCases {
		if got := reviewsFingerprint(base) != reviewsFingerprint(tt.after); got != tt.moved {
			t.Errorf("reviews, %s: moved = %v, want %v", tt.name, got, tt.moved)
		}
	}
	comments := []*github.IssueComment{comment(7, "sky", "looks fine")}
	commentCases := []struct {
		name  string
		after []*github.IssueComment
		moved bool
	}{
		{"unchanged", []*github.IssueComment{comment(7, "sky", "looks fine")}, false},
		{"edited into a hold", []*github.IssueComment{comment(7, "sky", "/hold")}, true},
		{"a new hold", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(8, "sky", "/hold")}, true},
		{"deleted after the hold", []*github.IssueComment{comment(7, "sky", "/hold")}, true},
		{"conversation", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(8, "nina", "thanks all")}, false},
		{"a bot's hold", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(9, "ci[bot]", "/hold")}, false},
		{"commsgate's own comment", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(10, "commsgate", "/unhold")}, false},
		{"a recheck", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(11, "nina", "/commsgate recheck")}, false},
		{"a hold by someone already refused one", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(12, "mallory", "/hold")}, false},
		{"a hold by someone not yet looked up", []*github.IssueComment{comment(7, "sky", "looks fine"), comment(13, "newcomer", "/hold")}, true},
	}
	app := &GitHub{self: ghclient.NewIdentity(nil, 1, "commsgate")}
	rules := &policy.Rules{Groups: map[string]policy.Group{"steering": {Team: "example/steering"}}}
	// What the decision's lookups answered: Mallory is in no team and
	// may only read.
	people := &People{teams: map[string][]string{"example/steering": {"sky"}}, perms: map[string]string{"mallory": "read"}}
	for _, tt := range commentCases {
		if got := app.holdsFingerprint(comments, rules, people) != app.holdsFingerprint(tt.after, rules, people); got != tt.moved {
			t.Errorf("comments, %s: moved = %v, want %v", tt.name, got, tt.moved)
		}
	}
}
