package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// fuzzEvents are the event names a fuzzed payload is delivered as; the
// first byte of the input picks one, so every handler gets mutations.
var fuzzEvents = []string{"pull_request", "pull_request_review", "issue_comment", "check_run", "check_suite", "membership", "team", "installation", "installation_repositories", "ping"}

// FuzzWebhookPayload delivers correctly signed webhooks with arbitrary
// payloads to the real server (against the fake GitHub). Whatever the
// bytes, the answer is 200, 202 or 400, no handler panics, and the server
// keeps serving. Seeds are the real payloads of the sandbox's events, so
// mutations stay close to what GitHub sends.
//
//	go test ./handlers/sandbox/ -run XXX -fuzz FuzzWebhookPayload -fuzztime 60s -fuzzminimizetime 0s
//
// -fuzzminimizetime 0s matters: the server's goroutines make coverage vary
// from run to run, so nearly every input looks new, and minimising each
// one for the default minute stalls the fuzzer.
func FuzzWebhookPayload(f *testing.F) {
	logs := &logBuffer{}
	sb, err := sandbox.Start(sandbox.Options{Clock: sandbox.NewClock(monday), Logs: logs, Reporter: f})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(sb.Close)

	// A little real state, so mutated payloads meet a PR, reviews and
	// comments that exist.
	pr, opened := sb.GitHub.OpenPR(sandbox.CommsRepo, githubfake.PRSpec{
		Author: sandbox.Author, Title: "Fuzzed notice", Files: map[string]string{noticePath: validNotice()},
	})
	_, reviewed := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "nina", State: "APPROVED"})
	_, commented := sb.GitHub.Comment(sandbox.CommsRepo, pr.Number, "carla", "/hold fuzzing")
	members := sb.GitHub.AddTeamMember("example/steering-committee", "sam", githubfake.MemberSpec{})
	for _, ev := range []githubfake.Event{opened, reviewed, commented, members} {
		for i, name := range fuzzEvents {
			if name == ev.Name {
				f.Add(append([]byte{byte(i)}, ev.Payload...))
			}
		}
	}
	f.Add([]byte{0})
	f.Add([]byte{1, '{', '}'})
	f.Add([]byte("\x02{\"action\":\"created\",\"comment\":{\"body\":\"/hold\"},\"issue\":{\"number\":1,\"pull_request\":{}},\"installation\":{\"id\":1}}"))
	f.Add([]byte("\x03{\"action\":\"rerequested\",\"check_run\":{\"id\":-1}}"))

	f.Fuzz(func(t *testing.T, input []byte) {
		if len(input) == 0 {
			return
		}
		event := fuzzEvents[int(input[0])%len(fuzzEvents)]
		payload := input[1:]
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		seen := len(logs.String())
		resp, err := githubfake.Deliver(ctx, sb.HookURL, sandbox.WebhookSecret, event, payload)
		if err != nil {
			t.Fatalf("delivery failed: %v", err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest:
		default:
			t.Fatalf("%s with %d bytes answered %d", event, len(payload), resp.StatusCode)
		}
		if err := sb.Settle(ctx); err != nil {
			t.Fatalf("the server did not settle: %v", err)
		}
		if written := logs.String()[seen:]; strings.Contains(written, "panicked") {
			t.Fatalf("a handler panicked on a %s payload:\n%s", event, tail(written, 5))
		}
	})
}
