package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v62/github"
)

// issueAPI is a small stand-in for GitHub's issues API: create, edit and
// comment on issues of one repository, answering with the fields GitHub
// returns and go-github decodes. Fail, when set, answers the next request
// with that status.
type issueAPI struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	issues map[int]*github.Issue
	labels map[int][]string
	notes  map[int][]string
	calls  []string
	fail   []int
}

func startIssueAPI(t *testing.T) *issueAPI {
	api := &issueAPI{t: t, issues: map[int]*github.Issue{}, labels: map[int][]string{}, notes: map[int][]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", api.create)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", api.edit)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/comments", api.comment)
	api.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		api.calls = append(api.calls, r.Method+" "+r.URL.Path)
		var status int
		if len(api.fail) > 0 {
			status, api.fail = api.fail[0], api.fail[1:]
		}
		api.mu.Unlock()
		if status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"scripted failure %d"}`, status)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/repos/example/") {
			api.reply(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(api.srv.Close)
	return api
}

func (api *issueAPI) client() *github.Client {
	c := github.NewClient(nil)
	base, _ := url.Parse(api.srv.URL + "/")
	c.BaseURL = base
	return c
}

type issueBody struct {
	Title  *string   `json:"title"`
	Body   *string   `json:"body"`
	Labels *[]string `json:"labels"`
}

func (api *issueAPI) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		http.Error(w, `{"message":"Problems parsing JSON"}`, http.StatusBadRequest)
		return false
	}
	return true
}

func (api *issueAPI) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (api *issueAPI) create(w http.ResponseWriter, r *http.Request) {
	var req issueBody
	if !api.decode(w, r, &req) {
		return
	}
	if req.Title == nil || *req.Title == "" {
		api.reply(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed"})
		return
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	number := len(api.issues) + 1
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	issue := &github.Issue{
		Number:  github.Int(number),
		Title:   req.Title,
		Body:    req.Body,
		HTMLURL: github.String("https://github.com/" + repo + "/issues/" + strconv.Itoa(number)),
	}
	api.issues[number] = issue
	if req.Labels != nil {
		api.labels[number] = *req.Labels
	}
	api.reply(w, http.StatusCreated, issue)
}

func (api *issueAPI) edit(w http.ResponseWriter, r *http.Request) {
	var req issueBody
	if !api.decode(w, r, &req) {
		return
	}
	number, _ := strconv.Atoi(r.PathValue("number"))
	api.mu.Lock()
	defer api.mu.Unlock()
	issue, ok := api.issues[number]
	if !ok {
		api.reply(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	if req.Title != nil {
		issue.Title = req.Title
	}
	if req.Body != nil {
		issue.Body = req.Body
	}
	api.reply(w, http.StatusOK, issue)
}

func (api *issueAPI) comment(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Body string `json:"body"`
	}
	if !api.decode(w, r, &req) {
		return
	}
	number, _ := strconv.Atoi(r.PathValue("number"))
	api.mu.Lock()
	defer api.mu.Unlock()
	if _, ok := api.issues[number]; !ok {
		api.reply(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	api.notes[number] = append(api.notes[number], req.Body)
	api.reply(w, http.StatusCreated, map[string]any{"id": 100 + len(api.notes[number]), "body": req.Body})
}

func TestIssueSenderCreatesThenUpdates(t *testing.T) {
	api := startIssueAPI(t)
	s := &IssueSender{Target: "tracking-issue", Client: api.client(), Owner: "example", Repo: "project", Labels: []string{"announcement"}}

	first := deprecationUpdate()
	first.Update = nil
	receipt, err := s.Send(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if receipt.ID != "1" || receipt.URL != "https://github.com/example/project/issues/1" || receipt.Target != "tracking-issue" {
		t.Errorf("receipt = %+v", receipt)
	}
	created := api.issues[1]
	wantTitle, wantBody := RenderIssue(first)
	if created.GetTitle() != wantTitle || !strings.HasPrefix(created.GetBody(), wantBody) {
		t.Errorf("issue title/body differ from RenderIssue:\n%s\n%s", created.GetTitle(), created.GetBody())
	}
	if !strings.Contains(created.GetBody(), `<!-- commsgate-delivery {"communication":"`+first.CommunicationID()) {
		t.Error("issue body lacks the delivery marker")
	}
	if strings.Join(api.labels[1], ",") != "announcement" {
		t.Errorf("labels = %v", api.labels[1])
	}

	update := deprecationUpdate()
	update.Update.Previous = map[string]Receipt{"tracking-issue": receipt}
	again, err := s.Send(context.Background(), update)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != "1" || len(api.issues) != 1 {
		t.Errorf("an update opened a new issue: receipt %+v, %d issues", again, len(api.issues))
	}
	if !strings.Contains(api.issues[1].GetTitle(), "Update (December 4, 2026)") ||
		!strings.Contains(api.issues[1].GetBody(), "> **Update (December 4, 2026):**") {
		t.Errorf("issue was not rewritten with the update:\n%s", api.issues[1].GetBody())
	}
	notes := api.notes[1]
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "**Updated (December 4, 2026)**\n\nThe freeze date moved") {
		t.Errorf("update comment = %q", notes)
	}
	want := []string{"POST /repos/example/project/issues", "PATCH /repos/example/project/issues/1", "POST /repos/example/project/issues/1/comments"}
	if strings.Join(api.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests = %q, want exactly %q", api.calls, want)
	}
}

func TestIssueSenderUpdateWithoutEarlierIssueCreatesOne(t *testing.T) {
	api := startIssueAPI(t)
	s := &IssueSender{Target: "tracking-issue", Client: api.client(), Owner: "example", Repo: "project"}
	n := deprecationUpdate()
	n.Update.Previous = nil
	if _, err := s.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if len(api.issues) != 1 || len(api.notes) != 0 {
		t.Errorf("issues=%d comments=%d, want a new issue and no comment", len(api.issues), len(api.notes))
	}
}

func TestIssueSenderErrors(t *testing.T) {
	tests := []struct {
		name      string
		fail      []int
		owner     string
		previous  string
		retryable bool
		wantText  string
	}{
		{"server error", []int{502}, "example", "", true, "create issue in example/project"},
		{"forbidden", []int{403}, "example", "", false, "403"},
		{"unknown repository", nil, "nobody", "", false, "404"},
		{"edit of a missing issue", nil, "example", "99", false, "edit issue example/project#99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := startIssueAPI(t)
			api.fail = tt.fail
			s := &IssueSender{Target: "tracking-issue", Client: api.client(), Owner: tt.owner, Repo: "project"}
			n := deprecationUpdate()
			n.Update.Previous = map[string]Receipt{}
			if tt.previous != "" {
				n.Update.Previous["tracking-issue"] = Receipt{ID: tt.previous}
			}
			_, err := s.Send(context.Background(), n)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if IsRetryable(err) != tt.retryable {
				t.Errorf("IsRetryable = %v, want %v (%v)", !tt.retryable, tt.retryable, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "publish to tracking-issue") {
				t.Errorf("error %q lacks %q or the target", err, tt.wantText)
			}
		})
	}
}
