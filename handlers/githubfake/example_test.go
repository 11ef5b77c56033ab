package githubfake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/commsgate/commsgate/handlers/githubfake"
)

// A test changes GitHub's state, delivers the event GitHub would send, and
// reads back what the app did.
func Example() {
	gh := githubfake.New(nil) // pass the test's t to report fixture misuse
	defer gh.Close()

	gh.CreateRepo(githubfake.RepoSpec{Name: "kubernetes/sig-comms", Files: map[string]string{
		".github/commsgate.yml": "sigs:\n  release: kubernetes/sig-release-leads\n",
	}})
	gh.CreateTeam("kubernetes/sig-release-leads", "lead1", "lead2")
	gh.GrantTeamRepo("kubernetes/sig-release-leads", "kubernetes/sig-comms", "push")
	app := gh.CreateApp("commsgate")
	gh.Install(app.ID, "kubernetes", "kubernetes/sig-comms")
	// The app under test would be configured with gh.URL()+"/", app.ID and
	// app.PrivateKeyPEM; here a stand-in just acknowledges deliveries.
	appServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer appServer.Close()

	pr, opened := gh.OpenPR("kubernetes/sig-comms", githubfake.PRSpec{
		Author: "alice", Title: "Announce the registry freeze",
		Files: map[string]string{"comms/2026-12-01-freeze.md": "---\ntitle: Registry freeze\n---\n"},
	})
	resp, err := opened.Deliver(context.Background(), appServer.URL, "webhook-secret")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	_, approved := gh.SubmitReview("kubernetes/sig-comms", pr.Number, githubfake.ReviewSpec{User: "lead1", State: "APPROVED"})
	fmt.Println(opened.Name, opened.Action, resp.StatusCode)
	fmt.Println(approved.Name, approved.Action)
	fmt.Println(len(gh.CheckRuns("kubernetes/sig-comms", pr.HeadSHA)), "check runs from the stand-in")
	// Output:
	// pull_request opened 202
	// pull_request_review submitted
	// 0 check runs from the stand-in
}
