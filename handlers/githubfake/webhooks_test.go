package githubfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

var update = flag.Bool("update", false, "rewrite golden files")

// webhookScenario walks a communication through its life and keeps every
// event the fake produced, keyed "event.action".
func webhookScenario(t *testing.T) (*world, map[string]Event) {
	t.Helper()
	w := newWorld(t)
	events := map[string]Event{}
	keep := func(ev Event) { events[ev.Name+"."+ev.Action] = ev }

	w.srv.CreateTeam("kubernetes/steering", "sam", "sue")
	w.srv.GrantTeamRepo("kubernetes/steering", testRepo, "push")
	w.srv.SetCollaborator(testRepo, "alice", "write")
	pr, opened := w.srv.OpenPR(testRepo, PRSpec{
		Author: "alice", Title: "Announce registry freeze", Body: "Draft notice.", Head: "freeze",
		Files:  map[string]string{"comms/2026-12-01-freeze.md": notice},
		Labels: []string{"comms"}, Assignees: []string{"alice"},
	})
	keep(opened)
	w.srv.RequestReview(testRepo, pr.Number, "alice", []string{"carol"}, []string{"steering"})
	_, sync := w.srv.PushToPR(testRepo, pr.Number, Change{Files: map[string]string{"comms/2026-12-01-freeze.md": notice + "\nMore.\n"}})
	keep(sync)
	rv, submitted := w.srv.SubmitReview(testRepo, pr.Number, ReviewSpec{User: "sam", State: "APPROVED", Body: "lgtm"})
	keep(submitted)
	keep(w.srv.DismissReview(testRepo, pr.Number, rv.ID, "sue"))
	_, comment := w.srv.Comment(testRepo, pr.Number, "bob", "/hold until the release is out")
	keep(comment)
	w.srv.Push(testRepo, "release-1.35", Change{Files: map[string]string{"x": "y\n"}})
	base := "release-1.35"
	_, edited := w.srv.EditPR(testRepo, pr.Number, PREdit{Base: &base})
	keep(edited)
	main := "main"
	w.srv.EditPR(testRepo, pr.Number, PREdit{Base: &main})
	keep(w.srv.ConvertToDraft(testRepo, pr.Number))
	keep(w.srv.ReadyForReview(testRepo, pr.Number))
	head := w.srv.PullRequest(testRepo, pr.Number).HeadSHA
	run, _, err := w.client.Checks.CreateCheckRun(w.ctx, "kubernetes", "sig-comms", github.CreateCheckRunOptions{
		Name: "commsgate/approval", HeadSHA: head, Conclusion: github.String("action_required"),
		Output:  &github.CheckRunOutput{Title: github.String("Waiting for Steering"), Summary: github.String("1 of 2 approvals")},
		Actions: []*github.CheckRunAction{{Label: "Publish now", Description: "Publish at the next window", Identifier: "publish"}},
	})
	if err != nil {
		t.Fatalf("create check run: %v", err)
	}
	keep(w.srv.RequestCheckRunAction(run.GetID(), "sam", "publish"))
	keep(w.srv.RerequestCheckRun(run.GetID(), "sam"))
	keep(w.srv.RequestCheckSuite(testRepo, head, "requested", "alice"))
	keep(w.srv.RequestCheckSuite(testRepo, head, "rerequested", "sam"))
	_, closed := w.srv.MergePR(testRepo, pr.Number, "sam")
	keep(closed)

	other, _ := w.srv.OpenPR(testRepo, PRSpec{Author: "dave", Files: map[string]string{"comms/other.md": "x\n"}, Labels: []string{"comms"}, Assignees: []string{"alice"}})
	w.srv.ClosePR(testRepo, other.Number, "dave")
	keep(w.srv.ReopenPR(testRepo, other.Number, "dave"))

	keep(w.srv.AddTeamMember("kubernetes/steering", "pat", MemberSpec{}))
	keep(w.srv.RenameTeam("kubernetes/steering", "Steering Committee"))
	w.srv.CreateRepo(RepoSpec{Name: "etcd-io/comms", Files: map[string]string{"README.md": "x\n"}})
	w.srv.CreateRepo(RepoSpec{Name: "etcd-io/website", Files: map[string]string{"README.md": "x\n"}})
	etcd, installed := w.srv.Install(w.app.ID, "etcd-io", "etcd-io/comms")
	keep(installed)
	keep(w.srv.AddInstallationRepos(etcd.ID, "etcd-io/website"))
	return w, events
}

// fieldPaths lists a JSON value's dotted paths two levels deep, with "[]"
// for array elements, the notation of testdata/webhook_fields.txt.
func fieldPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			if strings.Count(p, ".") < 2 {
				fieldPaths(child, p, out)
			}
		}
	case []any:
		if len(x) > 0 {
			fieldPaths(x[0], prefix+"[]", out)
		}
	}
}

func TestWebhookPayloadsCarryGitHubsFields(t *testing.T) {
	_, events := webhookScenario(t)
	f, err := os.Open(filepath.Join("testdata", "webhook_fields.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	have := map[string]map[string]bool{}
	missing := map[string][]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, path, _ := strings.Cut(line, " ")
		ev, ok := events[key]
		if !ok {
			t.Fatalf("the scenario produced no %s event", key)
		}
		if have[key] == nil {
			var payload any
			if err := json.Unmarshal(ev.Payload, &payload); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			have[key] = map[string]bool{}
			fieldPaths(payload, "", have[key])
		}
		if !have[key][path] {
			missing[key] = append(missing[key], path)
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	for key, paths := range missing {
		t.Errorf("%s lacks %s", key, strings.Join(paths, ", "))
	}
}

func TestWebhookPayloadsDecodeThroughGoGitHub(t *testing.T) {
	w, events := webhookScenario(t)
	for key, ev := range events {
		t.Run(key, func(t *testing.T) {
			parsed, err := github.ParseWebHook(ev.Name, ev.Payload)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var envelope struct {
				Installation struct{ ID int64 }
				Sender       struct{ Login string }
				Repository   *struct {
					FullName string `json:"full_name"`
				}
			}
			if err := json.Unmarshal(ev.Payload, &envelope); err != nil {
				t.Fatal(err)
			}
			if envelope.Installation.ID == 0 || envelope.Sender.Login == "" {
				t.Errorf("installation %d sender %q, want both set", envelope.Installation.ID, envelope.Sender.Login)
			}
			switch e := parsed.(type) {
			case *github.PullRequestEvent:
				if e.GetRepo().GetFullName() != testRepo || e.GetNumber() == 0 {
					t.Errorf("repo %s number %d", e.GetRepo().GetFullName(), e.GetNumber())
				}
			case *github.PullRequestReviewEvent:
				if s := e.GetReview().GetState(); s != strings.ToLower(s) {
					t.Errorf("review state %q is not lower-case as in webhooks", s)
				}
			}
		})
	}
	var sync github.PullRequestEvent
	if err := json.Unmarshal(events["pull_request.synchronize"].Payload, &sync); err != nil {
		t.Fatal(err)
	}
	if sync.GetBefore() == "" || sync.GetAfter() != sync.GetPullRequest().GetHead().GetSHA() || sync.GetBefore() == sync.GetAfter() {
		t.Errorf("synchronize before %s after %s head %s", sync.GetBefore(), sync.GetAfter(), sync.GetPullRequest().GetHead().GetSHA())
	}
	var edited github.PullRequestEvent
	if err := json.Unmarshal(events["pull_request.edited"].Payload, &edited); err != nil {
		t.Fatal(err)
	}
	if edited.GetChanges().GetBase().GetRef().GetFrom() != "main" || edited.GetPullRequest().GetBase().GetRef() != "release-1.35" {
		t.Errorf("edited base from %q to %q", edited.GetChanges().GetBase().GetRef().GetFrom(), edited.GetPullRequest().GetBase().GetRef())
	}
	var closed github.PullRequestEvent
	if err := json.Unmarshal(events["pull_request.closed"].Payload, &closed); err != nil {
		t.Fatal(err)
	}
	if !closed.GetPullRequest().GetMerged() || closed.GetPullRequest().GetMergeCommitSHA() != w.srv.BranchSHA(testRepo, "main") {
		t.Errorf("closed: merged %v sha %s", closed.GetPullRequest().GetMerged(), closed.GetPullRequest().GetMergeCommitSHA())
	}
	var action github.CheckRunEvent
	if err := json.Unmarshal(events["check_run.requested_action"].Payload, &action); err != nil {
		t.Fatal(err)
	}
	if action.GetRequestedAction().Identifier != "publish" || action.GetCheckRun().GetName() != "commsgate/approval" {
		t.Errorf("requested_action %q on %q", action.GetRequestedAction().Identifier, action.GetCheckRun().GetName())
	}
}

func TestPullRequestOpenedGolden(t *testing.T) {
	w, events := webhookScenario(t)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, events["pull_request.opened"].Payload, "", "  "); err != nil {
		t.Fatal(err)
	}
	// The port changes every run; the golden file names a stable host.
	got := strings.ReplaceAll(pretty.String(), w.srv.URL(), "https://github.fake") + "\n"
	golden := filepath.Join("testdata", "pull_request.opened.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("pull_request.opened payload differs from %s; run go test -update and review the diff\n%s", golden, got)
	}
}

func TestDeliverSignsLikeGitHub(t *testing.T) {
	const secret = "webhook-secret"
	type received struct {
		event, delivery string
		payload         []byte
		err             error
	}
	got := make(chan received, 1)
	app := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		payload, err := github.ValidatePayload(r, []byte(secret))
		got <- received{github.WebHookType(r), github.DeliveryID(r), payload, err}
		rw.WriteHeader(http.StatusAccepted)
	}))
	defer app.Close()

	w := newWorld(t)
	issue := w.srv.OpenIssue(testRepo, "bob", "Question", "")
	_, ev := w.srv.Comment(testRepo, issue.Number, "bob", "hello")
	resp, err := ev.Deliver(w.ctx, app.URL, secret)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r := <-got
	if r.err != nil || r.event != "issue_comment" || len(r.delivery) != 36 || !bytes.Equal(r.payload, ev.Payload) || resp.StatusCode != http.StatusAccepted {
		t.Errorf("received event %q delivery %q err %v status %d", r.event, r.delivery, r.err, resp.StatusCode)
	}

	// The wrong secret must not validate.
	resp, err = Deliver(w.ctx, app.URL, "another-secret", ev.Name, ev.Payload)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := <-got; r.err == nil {
		t.Error("a payload signed with the wrong secret validated")
	}
}
