package sandbox_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/commsgate/commsgate/handlers/githubfake"
	"github.com/commsgate/commsgate/handlers/sandbox"
)

// postRaw sends a webhook exactly as given, signing it with secret when
// secret is not empty, and returns the status and body.
func postRaw(t *testing.T, sb *sandbox.Sandbox, event string, body []byte, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxFor(t), http.MethodPost, sb.HookURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if event != "" {
		req.Header.Set("X-GitHub-Event", event)
	}
	req.Header.Set("X-GitHub-Delivery", "hostile-delivery")
	if secret != "" {
		req.Header.Set("X-Hub-Signature-256", githubfake.Sign([]byte(secret), body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", event, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	return resp.StatusCode, strings.TrimSpace(string(msg))
}

// metricValue reads one series from the server's /metrics.
func metricValue(t *testing.T, sb *sandbox.Sandbox, series string) string {
	t.Helper()
	resp, err := http.Get(sb.BaseURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(text), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// TestGarbageWebhooksAreRefusedCheaply sends what an attacker or a broken
// proxy might: no signature, a wrong one, a body over GitHub's 25 MB cap,
// signed bytes that are not a JSON object, JSON nested past any sense,
// payloads with the wrong shapes. Each is answered with a clear 4xx (or
// ignored), none costs a GitHub write, no handler panics, and the server
// stays ready.
func TestGarbageWebhooksAreRefusedCheaply(t *testing.T) {
	sb := start(t, sandbox.Options{})
	pr := openNotice(t, sb, validNotice())
	approve(t, sb, pr, "nina")
	before := approval(t, sb, pr)
	_, real := sb.GitHub.SubmitReview(sandbox.CommsRepo, pr.Number, githubfake.ReviewSpec{User: "sue", State: "APPROVED"})
	secret := sandbox.WebhookSecret

	huge := bytes.Repeat([]byte(" "), 26<<20)
	copy(huge, `{"action":"opened"}`)
	nested := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name, event string
		body        []byte
		secret      string
		// want is the set of acceptable statuses.
		want []int
		// says is a fragment of the answer a sender can act on.
		says string
	}{
		{"no signature", "pull_request_review", real.Payload, "", []int{401}, "missing X-Hub-Signature-256"},
		{"signed with another secret", "pull_request_review", real.Payload, "not-the-secret", []int{401}, "does not match"},
		{"the real payload with one byte changed", "pull_request_review", bytes.Replace(real.Payload, []byte(`"sue"`), []byte(`"sol"`), 1), "", []int{401}, ""},
		{"no event header", "", real.Payload, secret, []int{400}, "X-GitHub-Event"},
		{"over 25 MB", "pull_request", huge, secret, []int{413}, "25 MB"},
		{"signed bytes that are not JSON", "pull_request", []byte("\x00\xffnot json at all"), secret, []int{400}, "not a JSON object"},
		{"a JSON array", "pull_request", []byte(`[1,2,3]`), secret, []int{400}, "not a JSON object"},
		{"JSON nested 100000 deep", "issue_comment", []byte(`{"a":` + nested + `}`), secret, []int{400}, "invalid"},
		{"truncated JSON", "pull_request_review", real.Payload[:len(real.Payload)/2], secret, []int{400}, "invalid"},
		{"wrong types", "pull_request", []byte(`{"action":"opened","number":"twelve","pull_request":"yes","installation":{"id":"x"}}`), secret, []int{200, 202, 400}, ""},
		{"an empty object", "pull_request_review", []byte(`{}`), secret, []int{200, 202, 400}, ""},
		{"an event nobody handles", "deployment_status", []byte(`{"action":"created"}`), secret, []int{202}, ""},
		{"a review for an installation that does not exist", "pull_request_review",
			bytes.Replace(real.Payload, []byte(`"installation":{"id":`), []byte(`"installation":{"id":99`), 1), secret, []int{200, 202}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.GitHub.ResetRequests()
			status, answer := postRaw(t, sb, tt.event, tt.body, tt.secret)
			ok := false
			for _, w := range tt.want {
				ok = ok || status == w
			}
			if !ok {
				t.Errorf("status %d (%q), want one of %v", status, answer, tt.want)
			}
			if tt.says != "" && !strings.Contains(answer, tt.says) {
				t.Errorf("answer %q should say %q", answer, tt.says)
			}
			if err := sb.Settle(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			for _, r := range sb.GitHub.Requests() {
				// Asking for a token is how the app finds out an
				// installation does not exist; it changes nothing.
				if r.Method != http.MethodGet && !strings.HasSuffix(r.Path, "/access_tokens") {
					t.Errorf("a hostile delivery made the app write to GitHub: %s %s", r.Method, r.Path)
				}
			}
		})
	}

	if v := metricValue(t, sb, `commsgate_webhook_handled_total{event="pull_request",outcome="handler_panic"}`); v != "" && v != "0" {
		t.Errorf("handlers panicked %s times on hostile payloads", v)
	}
	resp, err := http.Get(sb.BaseURL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the hostile deliveries the server is not ready: %v %v", err, resp)
	}
	resp.Body.Close()
	if after := approval(t, sb, pr); after.Title != before.Title || after.Conclusion != before.Conclusion {
		t.Errorf("hostile deliveries changed the check: %q, then %q", before.Title, after.Title)
	}
	// The genuine delivery still works.
	send(t, sb, real)
	if run := approval(t, sb, pr); !strings.Contains(run.Summary, "@sue") {
		t.Errorf("the real review was not counted after the garbage:\n%s", run.Summary)
	}
}

// TestPayloadsMissingTheirObjectDoNotPanic: signed payloads that lack the
// object their event is about (found by FuzzWebhookPayload). Each must be
// refused or ignored; a handler must not dereference what is not there.
func TestPayloadsMissingTheirObjectDoNotPanic(t *testing.T) {
	tests := []struct{ event, payload string }{
		{"issue_comment", `{"action":"created","comment":{"body":"/hold"},"installation":{"id":1}}`},
		{"check_run", `{"action":"rerequested","installation":{"id":1}}`},
		{"pull_request", `{"action":"opened","installation":{"id":1}}`},
		{"pull_request_review", `{"action":"submitted","installation":{"id":1}}`},
		{"check_suite", `{"action":"rerequested","installation":{"id":1}}`},
		{"membership", `{"action":"added","installation":{"id":1}}`},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			sb, logs := startLogged(t, sandbox.Options{})
			status, answer := postRaw(t, sb, tt.event, []byte(tt.payload), sandbox.WebhookSecret)
			if status != http.StatusOK && status != http.StatusAccepted && status != http.StatusBadRequest {
				t.Fatalf("status %d %q", status, answer)
			}
			if err := sb.Settle(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			if lines := logs.lines("panicked"); len(lines) > 0 {
				t.Fatalf("the %s handler panicked:\n%.600s", tt.event, strings.TrimPrefix(lines[0], "{"))
			}
		})
	}
}
