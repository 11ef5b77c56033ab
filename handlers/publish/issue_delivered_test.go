package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v62/github"
)

// listAPI answers Delivered's look-ups with canned issues and comments
// (comments in pages of one, so the last page is elsewhere than the
// first) and records the requests.
type listAPI struct {
	mu       sync.Mutex
	calls    []string
	issues   []*github.Issue
	comments []*github.IssueComment
}

func startListAPI(t *testing.T, api *listAPI) *github.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		api.calls = append(api.calls, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		api.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/repos/example/announce/issues":
			_ = json.NewEncoder(w).Encode(api.issues)
		case r.URL.Path == "/repos/example/announce/issues/7/comments":
			page := 1
			fmt.Sscan(r.URL.Query().Get("page"), &page)
			if page < len(api.comments) {
				w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d>; rel="last"`, r.Host, r.URL.Path, len(api.comments)))
			}
			_ = json.NewEncoder(w).Encode(api.comments[page-1 : page])
		case r.URL.Path == "/repos/example/announce/issues/7":
			_ = json.NewEncoder(w).Encode(&github.Issue{Number: github.Int(7), HTMLURL: github.String("https://github.com/example/announce/issues/7")})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c := github.NewClient(nil)
	c.BaseURL, _ = url.Parse(srv.URL + "/")
	return c
}

func user(login, kind string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String(kind)}
}

func issue(number int, author *github.User, body string) *github.Issue {
	return &github.Issue{Number: github.Int(number), User: author, Body: github.String(body),
		HTMLURL: github.String(fmt.Sprintf("https://github.com/example/announce/issues/%d", number))}
}

// TestDeliveredTrustsOnlyWhatCommsgateWrote: anyone can open an issue in
// a public repository, and delivery ids are derived from public facts, so
// a marker counts only at the end of an issue commsgate itself opened.
func TestDeliveredTrustsOnlyWhatCommsgateWrote(t *testing.T) {
	n := deprecationUpdate()
	n.Update = nil
	bot := user("commsgate[bot]", "Bot")
	s := &IssueSender{Target: "announce", Owner: "example", Repo: "announce", Labels: []string{"announcement"}}
	marker := s.marker(n)
	_, body := RenderIssue(n)
	sent := body + "\n" + marker
	tests := []struct {
		name   string
		author string // IssueSender.Author
		issues []*github.Issue
		want   string // the receipt's ID, "" for not found
	}{
		{"the issue Send opened", "commsgate[bot]", []*github.Issue{issue(3, user("mallory", "User"), "x"), issue(2, bot, sent)}, "2"},
		{"a look-alike by someone else", "commsgate[bot]", []*github.Issue{issue(3, user("mallory", "User"), sent)}, ""},
		{"a look-alike by another app", "commsgate[bot]", []*github.Issue{issue(3, user("other[bot]", "Bot"), sent)}, ""},
		{"our issue quoting the marker mid-text", "commsgate[bot]", []*github.Issue{issue(3, bot, "quoted "+marker+"\nmore text\n"+s.marker(deprecationUpdate()))}, ""},
		{"another delivery's issue", "commsgate[bot]", []*github.Issue{issue(3, bot, body+"\n"+s.marker(deprecationUpdate()))}, ""},
		{"a pull request", "commsgate[bot]", []*github.Issue{{Number: github.Int(4), User: bot, Body: github.String(sent), PullRequestLinks: &github.PullRequestLinks{}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &listAPI{issues: tt.issues}
			s := *s
			s.Client, s.Author = startListAPI(t, api), tt.author
			receipt, found, err := s.Delivered(context.Background(), n)
			if err != nil {
				t.Fatal(err)
			}
			if found != (tt.want != "") || receipt.ID != tt.want {
				t.Errorf("Delivered = %+v, %v; want ID %q", receipt, found, tt.want)
			}
			// One request, for the newest issues with the target's labels.
			if len(api.calls) != 1 || !strings.Contains(api.calls[0], "labels=announcement") || !strings.Contains(api.calls[0], "state=all") {
				t.Errorf("requests = %q, want one listing of all issues with the label", api.calls)
			}
		})
	}
}

// TestDeliveredWithoutOwnLoginAsksAgainLater: not knowing which bot it
// writes as, commsgate cannot tell its issue from a look-alike another app
// opened; guessing either way may lose or double the announcement, so it
// answers with a retryable error and asks GitHub nothing.
func TestDeliveredWithoutOwnLoginAsksAgainLater(t *testing.T) {
	n := deprecationUpdate()
	n.Update = nil
	api := &listAPI{}
	s := &IssueSender{Target: "announce", Owner: "example", Repo: "announce", Client: startListAPI(t, api)}
	_, found, err := s.Delivered(context.Background(), n)
	if err == nil || found || !IsRetryable(err) {
		t.Fatalf("Delivered = %v, %v; want a retryable error", found, err)
	}
	if len(api.calls) != 0 {
		t.Errorf("requests = %q, want none", api.calls)
	}
}

// TestDeliveredFindsTheUpdateCommentOnTheLastPage: comments are listed
// oldest first, so on a busy issue the "Updated" comment is on the last page.
func TestDeliveredFindsTheUpdateCommentOnTheLastPage(t *testing.T) {
	n := deprecationUpdate()
	n.Update.Previous = map[string]Receipt{"announce": {Target: "announce", ID: "7"}}
	s := &IssueSender{Target: "announce", Owner: "example", Repo: "announce", Author: "commsgate[bot]"}
	comment := func(author *github.User, body string) *github.IssueComment {
		return &github.IssueComment{User: author, Body: github.String(body)}
	}
	update := "**Updated (December 4, 2026)**\n\nThe freeze date moved\n\n" + s.marker(n)
	api := &listAPI{comments: []*github.IssueComment{
		comment(user("mallory", "User"), update),
		comment(user("commsgate[bot]", "Bot"), update),
	}}
	s.Client = startListAPI(t, api)
	receipt, found, err := s.Delivered(context.Background(), n)
	if err != nil || !found || receipt.ID != "7" {
		t.Fatalf("Delivered = %+v, %v, %v; want issue 7", receipt, found, err)
	}
	if len(api.calls) != 3 || !strings.Contains(api.calls[1], "page=2") {
		t.Errorf("requests = %q, want the first and last page of comments, then the issue", api.calls)
	}

	api = &listAPI{comments: []*github.IssueComment{comment(user("mallory", "User"), update)}}
	s.Client = startListAPI(t, api)
	if _, found, err := s.Delivered(context.Background(), n); err != nil || found {
		t.Errorf("someone else's comment quoting the marker counted: %v, %v", found, err)
	}
	if len(api.calls) != 1 {
		t.Errorf("requests = %q, want one page of comments", api.calls)
	}
}

func TestRefused(t *testing.T) {
	status := func(code int) error {
		return githubError("t", &github.ErrorResponse{Response: &http.Response{StatusCode: code, Request: &http.Request{Method: "POST", URL: &url.URL{}}}})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a 422", status(422), true},
		{"a permission 403", status(403), true},
		{"a rate limit", githubError("t", &github.RateLimitError{Response: &http.Response{StatusCode: 403}}), true},
		{"a secondary rate limit", githubError("t", &github.AbuseRateLimitError{Response: &http.Response{StatusCode: 403}}), true},
		{"a webhook's 429", sendError("t", true, &HTTPStatusError{StatusCode: 429}), true},
		{"a 500", status(500), false},
		{"a 502", status(502), false},
		{"a lost answer", githubError("t", &url.Error{Op: "Post", URL: "https://api.github.com", Err: errors.New("EOF")}), false},
		{"a reset connection", githubError("t", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}), false},
		{"a timeout", githubError("t", context.DeadlineExceeded), false},
	}
	for _, tt := range tests {
		if got := Refused(tt.err); got != tt.want {
			t.Errorf("%s: Refused(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
